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

// "<actor> · <action> — <detail>" in the page's language.
export function historyLineIn(h, m) {
  const action = (m.historyActions && m.historyActions[h.action]) || h.action;
  let detail = h.detail || '';
  const details = m.historyDetails || {};
  if (details[detail]) {
    detail = details[detail];
  } else {
    // "customer reached: <note>" (tracking's LogCallback): the fixed part.
    const match = /^(customer reached|customer not reached)(: [\s\S]*)?$/.exec(detail);
    if (match && details[match[1]]) detail = details[match[1]] + (match[2] ? m.historyNoteSeparator + match[2].slice(2) : '');
  }
  return `${h.actor} · ${action}${detail ? ' — ' + detail : ''}`;
}
