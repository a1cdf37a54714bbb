// Issue 12: the words the services write into cases (titles chosen by
// assignment and tracking, history actions and their fixed details) shown
// in the page's language. The services store English; the page recognises
// their fixed shapes and says them in Chinese, keeping the pieces that are
// data (customer ids, NPS, topics, red-line terms, what people wrote).
// Anything not of a known shape is shown as stored.

const REDLINE_CATEGORIES = { safety: 'safety', legal: 'legal', regulatory: 'regulatory', 'PR crisis': 'pr_crisis' };

// A case title in the page's language. `m` is the language's messages.
export function caseTitleIn(title, m) {
  const text = String(title || '');
  if (!m.serviceTitles) return text;
  const s = m.serviceTitles;
  let match = /^Call back detractor (\S+)(?: \(NPS (\d+)\))?$/.exec(text);
  if (match) {
    return match[2] === undefined ? s.callback.replace('{c}', match[1])
      : s.callbackNps.replace('{c}', match[1]).replace('{n}', match[2]);
  }
  match = /^Red line \((safety|legal|regulatory|PR crisis|red line)\): "(.*)"$/.exec(text);
  if (match) {
    const category = m.redLineCategories[REDLINE_CATEGORIES[match[1]]] || match[1];
    return s.redLine.replace('{k}', category).replace('{w}', match[2]);
  }
  match = /^Complaint: (\S+)$/.exec(text);
  if (match) return s.complaint.replace('{t}', match[1]);
  return s.fixed[text] || text;
}

// The shapes of the history details tracking writes with data in them
// (services/tracking: tracking_service.cc, case_clocks.cc, sla_sweeper.cc).
// A language's `historyShapes[key]` says the detail with {1}, {2}, ...
// for the captures; {clock} is capture 1 said as a clock name, and a list
// of recipients keeps its ids but says "nobody found" in the language.
const HISTORY_SHAPES = [
  { key: 'reassigned', re: /^from (\S+) to (\S+)$/ },
  { key: 'priorityReason', re: /^(P\d) -> (P\d): ([\s\S]+)$/ },
  { key: 'paused', re: /^resolution clock paused while waiting on the customer, (-?\d+) business minutes left$/ },
  { key: 'resumed', re: /^resolution clock resumed, due (\S+)$/ },
  { key: 'warning', re: /^(first response|resolution) warning (\S+) to (.+); due (\S+)$/, clock: true, people: [3] },
  { key: 'breach', re: /^(first response|resolution) SLA breached; owners (.+); due (\S+)$/, clock: true, people: [2] },
  { key: 'escalation', re: /^(first response|resolution) level (\d+) \((.+?)\) to (.+), for owner (\S+); due (\S+)$/,
    clock: true, people: [4] },
];

function detailIn(detail, m) {
  const details = m.historyDetails || {};
  if (details[detail]) return details[detail];
  // "customer reached: <note>" (tracking's LogCallback): the fixed part.
  const reached = /^(customer reached|customer not reached)(: [\s\S]*)?$/.exec(detail);
  if (reached && details[reached[1]]) return details[reached[1]] + (reached[2] ? m.historyNoteSeparator + reached[2].slice(2) : '');
  const shapes = m.historyShapes || {};
  for (const shape of HISTORY_SHAPES) {
    const match = shape.re.exec(detail);
    if (!match || !shapes[shape.key]) continue;
    const parts = match.slice(1);
    for (const i of shape.people || []) {
      if (parts[i - 1] === 'nobody found' && m.historyNobody) parts[i - 1] = m.historyNobody;
    }
    let out = shapes[shape.key].replace(/\{(\d+)\}/g, (_, i) => parts[Number(i) - 1]);
    if (shape.clock) out = out.replace('{clock}', (m.historyClocks && m.historyClocks[parts[0]]) || parts[0]);
    return out;
  }
  return detail;
}

// "<actor> · <action> — <detail>" in the page's language.
export function historyLineIn(h, m) {
  const action = (m.historyActions && m.historyActions[h.action]) || h.action;
  const detail = detailIn(h.detail || '', m);
  return `${h.actor} · ${action}${detail ? ' — ' + detail : ''}`;
}
