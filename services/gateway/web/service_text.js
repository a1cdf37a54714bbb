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

// "{name}" placeholders of a language's template filled from `values`.
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => (values[key] === undefined ? '' : String(values[key])));
}

// One SLA clock as tracking's DescribeClock writes it (case_clocks.cc):
// "<first response|resolution>[ met| paused| due <time>] (<H>h[<M>m] on
// <calendar>, policy <id>)". Null when `text` is not of that shape or the
// language has no words for it.
const CLOCK_RE = /^(first response|resolution)(?: (met|paused)| due (\S+))? \((\d+)h(?:(\d+)m)? on (.*), policy (.*)\)$/;
function clockIn(text, m) {
  const match = CLOCK_RE.exec(text);
  if (!match || !m.historyClock) return null;
  const [, clock, flag, due, hours, minutes, calendar, policy] = match;
  const states = m.historyClockStates || {};
  let state = '';
  if (flag) state = states[flag] || flag;
  else if (due) state = fill(states.due || 'due {t}', { t: due });
  const target = minutes ? fill(m.historyTargetHoursMinutes, { h: hours, m: minutes }) : fill(m.historyTargetHours, { h: hours });
  return fill(m.historyClock, {
    clock: (m.historyClocks && m.historyClocks[clock]) || clock, state, target, calendar, policy,
  });
}

// Details whose data parts need more than a substitution, each for its
// action: the "created" row (tracking_service.cc BuildNewCase: kind,
// owners, due, request id and each clock) and "sla_retargeted" (a clock
// before -> after, or why the clocks stayed). Each returns the detail in
// the language, or null.
const COMPOSED_SHAPES = [
  (detail, m, action) => {
    if (action !== 'created') return null;
    const match = /^(\w+) case for (.+), due (\S+) \(request (.*?)\)(?=$|; )((?:; [\s\S]+)?)$/.exec(detail);
    const shapes = m.historyShapes || {};
    if (!match || !shapes.created) return null;
    const [, kind, owners, due, request, rest] = match;
    const clocks = rest ? rest.slice(2).split('; ').map((c) => clockIn(c, m)) : [];
    if (clocks.includes(null)) return null;
    const kindText = (m.kinds && m.kinds[kind]) || kind;
    return fill(shapes.created, { kind: kindText, owners, due, request })
      + clocks.map((c) => m.historyListSeparator + c).join('');
  },
  (detail, m, action) => {
    if (action !== 'sla_retargeted') return null;
    const shapes = m.historyShapes || {};
    const unchanged = /^clocks unchanged: ([\s\S]*)$/.exec(detail);
    if (unchanged && shapes.clocksUnchanged) {
      const why = (m.historyReasons && m.historyReasons[unchanged[1]]) || unchanged[1];
      return fill(shapes.clocksUnchanged, { why });
    }
    const parts = detail.split(' -> ');
    if (parts.length !== 2 || !shapes.retargeted) return null;
    const [before, after] = parts.map((c) => clockIn(c, m));
    return before && after ? fill(shapes.retargeted, { before, after }) : null;
  },
];

// A case's task rows (tracking tasks/task_service.cc, stored as
// "<task id>: <detail>" by store/task_store.cc) and the red-line verdict
// (tracking_service.cc MarkRedLine: "<confirmed|false alarm>: <reason>").
const TASK_EDIT_RE = /^(\S+): (?:reassigned from (\S+) to (\S+))?(?:(?:; )?re-dated from (\S+) to (\S+))?(?:: ([\s\S]*))?$/;
COMPOSED_SHAPES.push((detail, m, action) => {
  const shapes = m.historyShapes || {};
  const verdict = /^(confirmed|false alarm): ([\s\S]*)$/.exec(detail);
  if (action === 'red_line_marked' && verdict && m.redLineVerdicts && shapes.redLineMarked) {
    const word = m.redLineVerdicts[verdict[1] === 'confirmed' ? 'confirmed' : 'false_alarm'];
    return fill(shapes.redLineMarked, { verdict: word, reason: verdict[2] });
  }
  if (!/^task_/.test(action || '')) return null;
  const added = /^(\S+): "([\s\S]*)" for (\S+), due (\S+)(?: \(SLA policy (\S+)\))?$/.exec(detail);
  if (added && shapes.taskAdded) {
    const [, task, title, owner, due, policy] = added;
    return fill(shapes.taskAdded, { task, title, owner, due }) + (policy ? fill(shapes.taskPolicy, { policy }) : '');
  }
  const moved = /^(\S+): "([\s\S]*)" (open|in_progress|done|cancelled) -> (open|in_progress|done|cancelled)(?:: ([\s\S]*))?$/.exec(detail);
  if (moved && shapes.taskState) {
    const [, task, title, from, to, reason] = moved;
    const states = m.taskStates || {};
    return fill(shapes.taskState, { task, title, from: states[from] || from, to: states[to] || to })
      + (reason !== undefined ? m.historyNoteSeparator + reason : '');
  }
  const edit = TASK_EDIT_RE.exec(detail);
  const p = m.projectHistoryShapes || {};
  if (edit && (edit[2] !== undefined || edit[4] !== undefined) && shapes.taskEdited && p.itemReassigned) {
    const none = (v) => (v === 'none' && m.projectHistoryNoDue ? m.projectHistoryNoDue : v);
    const parts = [];
    if (edit[2] !== undefined) parts.push(fill(p.itemReassigned, { from: edit[2], to: edit[3] }));
    if (edit[4] !== undefined) parts.push(fill(p.itemRedated, { from: none(edit[4]), to: none(edit[5]) }));
    return fill(shapes.taskEdited, { task: edit[1] }) + parts.join(m.historyListSeparator)
      + (edit[6] !== undefined ? m.historyNoteSeparator + edit[6] : '');
  }
  return null;
});

function detailIn(detail, m, action) {
  const details = m.historyDetails || {};
  if (details[detail]) return details[detail];
  for (const say of COMPOSED_SHAPES) {
    const said = say(detail, m, action);
    if (said !== null) return said;
  }
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
  const detail = detailIn(h.detail || '', m, h.action);
  return `${h.actor} · ${action}${detail ? ' — ' + detail : ''}`;
}

// ---- project history (tracking: tasks/project_workflow.cc, store/tracking_store.cc)

// The summary verification writes of a test (proportion_test.cc
// DescribeResult): the before/after counts, then the z-test or why it could
// not be run, and the verdict. Null when not of that shape.
const RESULT_RE = new RegExp('^Topic (\\S+): (\\d+)/(\\d+) negative feedback \\(([^)]*)\\) before vs (\\d+)/(\\d+) \\(([^)]*)\\) after; '
  + '(?:cannot test: ([\\s\\S]*) — failed\\.|z = (\\S+), one-sided p = (\\S+) (<|>=) (\\S+): '
  + '(the share fell significantly — verified|no significant fall in the share — failed)\\.)$');
export function verificationSummaryIn(text, m) {
  const s = m.verificationSummary;
  const match = RESULT_RE.exec(text);
  if (!match || !s) return null;
  const [, topic, a, b, p, c, d, q, reason, z, pValue, op, alpha, verdict] = match;
  const counts = fill(s.counts, { topic, a, b, p, c, d, q });
  if (reason !== undefined) return counts + fill(s.cannotTest, { reason });
  return counts + fill(s.test, { z, p: pValue, op, alpha })
    + (verdict.endsWith('verified') ? s.fell : s.noFall);
}

// The project history details, shape by shape; a language's
// `projectHistoryShapes[key]` says each with {name} placeholders.
const EDIT_RE = /^(?:title "([\s\S]*)" -> "([\s\S]*?)")?(?:(?:^|; )reassigned from (\S+) to (\S+))?(?:(?:^|; )re-dated from (\S+) to (\S+))?(?:: ([\s\S]*))?$/;
const PROJECT_SHAPES = [
  { key: 'proposed', re: /^proposal on topic (\S+) with (\d+) action items, for the VoC committee$/, names: ['topic', 'n'] },
  { key: 'approved', re: /^approved by the VoC committee$/, names: [] },
  { key: 'approvedReason', re: /^approved by the VoC committee: ([\s\S]*)$/, names: ['reason'] },
  { key: 'rejected', re: /^rejected by the VoC committee$/, names: [] },
  { key: 'rejectedReason', re: /^rejected by the VoC committee: ([\s\S]*)$/, names: ['reason'] },
  { key: 'started', re: /^approved project started$/, names: [] },
  { key: 'itemAdded', re: /^action item "([\s\S]*)" for (\S+), due (\S+)$/, names: ['title', 'owner', 'due'], due: 'due' },
  { key: 'itemDone', re: /^action item (\S+) done$/, names: ['item'] },
  { key: 'closed', re: /^all action items are done$/, names: [] },
];

function projectDetailIn(detail, m) {
  const shapes = m.projectHistoryShapes;
  if (!shapes || !detail) return detail;
  const noDue = (value) => (value === 'none' && m.projectHistoryNoDue ? m.projectHistoryNoDue : value);
  for (const shape of PROJECT_SHAPES) {
    const match = shape.re.exec(detail);
    if (!match || !shapes[shape.key]) continue;
    const values = {};
    shape.names.forEach((name, i) => { values[name] = match[i + 1]; });
    if (shape.due) values[shape.due] = noDue(values[shape.due]);
    return fill(shapes[shape.key], values);
  }
  // Reopened by verification: "Verification <name> failed. <summary>".
  const reopened = /^Verification (\S+) failed\. ([\s\S]*)$/.exec(detail);
  if (reopened && shapes.reopened) {
    const summary = verificationSummaryIn(reopened[2], m);
    return fill(shapes.reopened, { verification: reopened[1], summary: summary === null ? reopened[2] : summary });
  }
  // An action item's edit: any of title, owner and due, then a reason.
  const edit = EDIT_RE.exec(detail);
  if (edit && (edit[1] !== undefined || edit[3] !== undefined || edit[5] !== undefined) && shapes.itemTitle) {
    const parts = [];
    if (edit[1] !== undefined) parts.push(fill(shapes.itemTitle, { from: edit[1], to: edit[2] }));
    if (edit[3] !== undefined) parts.push(fill(shapes.itemReassigned, { from: edit[3], to: edit[4] }));
    if (edit[5] !== undefined) parts.push(fill(shapes.itemRedated, { from: noDue(edit[5]), to: noDue(edit[6]) }));
    return parts.join(m.historyListSeparator) + (edit[7] !== undefined ? m.historyNoteSeparator + edit[7] : '');
  }
  return detail;
}

// A project's history line, "<actor> · <action> — <detail>", in the page's
// language (project actions first, then the words shared with cases).
export function projectHistoryLineIn(h, m) {
  const action = (m.projectHistoryActions && m.projectHistoryActions[h.action])
    || (m.historyActions && m.historyActions[h.action]) || h.action;
  const detail = projectDetailIn(h.detail || '', m);
  return `${h.actor} · ${action}${detail ? ' — ' + detail : ''}`;
}
