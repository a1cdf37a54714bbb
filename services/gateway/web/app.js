// The department owner's page: the case worklist, Insights (triage's weak
// signals and similar-complaint clusters) and the Knowledge base
// (verification's verified fixes). Every value from the server is put into
// the page with textContent (never innerHTML), so customer text cannot run code.
// Issue 9: nothing but the login form until the person has a session; every
// state-changing request carries the session's CSRF token, and a 401 brings
// the login form back. The actor the services record is the logged-in
// person (the gateway takes it from the session).
// Issue 12: the Dashboard (dashboard.js): charts of the report figures; a
// click on a topic opens Insights on that topic's clusters, a click on a
// department opens its worklist here.
import { messages, format, formatDuration, formatPValue, sortCases } from './i18n.js';
import { createDashboard } from './dashboard.js';
import { markedNodes } from './explanation.js';
import { caseTitleIn, historyLineIn, projectHistoryLineIn } from './service_text.js';
import { $, el } from './dom.js';
import { toCsv, downloadCsv } from './csv.js';
import { createRootCause, rootCauseHash } from './rootcause.js';
import { createCampaigns } from './campaigns.js';
import { createCampaignForm } from './campaign_form.js';

const REFRESH_MS = 30000;
const CASE_PAGE = 50;
const VIEWS = ['cases', 'insights', 'knowledge', 'work', 'dashboard', 'rootcause'];
const CLUSTER_PAGE = 10;
const MAX_QUERY_BYTES = 256;

const state = {
  lang: localStorage.getItem('voc.lang') || 'zh',
  departments: [],
  department: localStorage.getItem('voc.department') || '',
  cases: [],
  casesTotal: 0, // issue 12: tracking's total_size for the department
  casesNext: '', // issue 12: the next page's token ("" when every case is loaded)
  // Issue 12: the cases behind a Dashboard backlog bar, instead of the
  // department's worklist: {department ('' = every one), kind, label, openedFrom, openedTo}.
  caseFilter: null,
  casesKey: '', // the query of the loaded cases (a refresh of the same list keeps its length)
  selectedId: null,
  clock: null,
  view: 'cases',
  // Insights: the last answers (or errors), kept to re-render on a language switch.
  signals: null, // {signals, day} | {error}
  clusters: null, // {clusters, department, filtered, department_topics, topic_names, next_page_token} | {error}
  clustersAll: false,
  // Issue 12: a topic chosen on the Dashboard narrows the clusters to it.
  clustersTopic: '',
  // Knowledge: the last search.
  knowledge: null, // {query, entries} | {query, error} | {tooLong}
  // Tasks & projects (issue 11): the department's open tasks and the projects.
  tasks: null, // {tasks} | {error}
  projects: null, // {projects} | {error}
  // issue 9: {person, name, roles, departments, csrf_token, language} while logged in.
  session: null,
  refreshing: false,
};

const t = () => messages[state.lang];

function showStatus(text, isError = false) {
  const status = $('status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

async function api(path, options = {}) {
  const method = (options.method || 'GET').toUpperCase();
  const headers = { Accept: 'application/json', ...(options.body ? { 'Content-Type': 'application/json' } : {}) };
  // The gateway refuses a state change without the session's token (CSRF).
  if (method !== 'GET' && method !== 'HEAD' && state.session) headers['X-CSRF-Token'] = state.session.csrf_token;
  const response = await fetch(path, { ...options, headers, credentials: 'same-origin' });
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  if (response.status === 401 && path !== '/api/login' && state.session) {
    // The session is over (expired, ended elsewhere): back to the login form.
    showLogin(t().sessionEnded);
  }
  if (!response.ok) {
    const message = body && body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${response.status}`;
    const error = new Error(message);
    error.code = body && body.error ? body.error.code : '';
    error.status = response.status;
    throw error;
  }
  return body;
}

function localTime(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(state.lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}

// A day (weak signals count per UTC day).
function localDate(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(state.lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'UTC' });
}

function timeLeftText(c) {
  if ((c.time_left_ms === null || c.time_left_ms === undefined) && isPaused(c)) return t().pausedCase;
  if (c.time_left_ms === null || c.time_left_ms === undefined) return t().noDue;
  const d = formatDuration(c.time_left_ms, state.lang);
  return c.time_left_ms < 0 || c.overdue ? format(t().overdueBy, { t: d }) : format(t().left, { t: d });
}

// --- the two SLA clocks of a case (issue 11): countdowns in business time ---

function isPaused(c) {
  return Boolean(c.resolution && c.resolution.paused);
}

// "First response: 3 h 20 min business time left", "Resolution: met", ...
function clockText(label, k) {
  if (!k) return '';
  if (k.met) return `${label}: ${t().clockMet}`;
  const d = formatDuration(k.remaining_ms, state.lang);
  if (k.paused) return `${label}: ${format(t().clockPaused, { t: d })}`;
  return `${label}: ${format(k.remaining_ms < 0 || k.overdue ? t().clockOverdue : t().clockLeft, { t: d })}`;
}

function clockLines(c) {
  return [clockText(t().firstResponse, c.first_response), clockText(t().resolutionClock, c.resolution)]
    .filter(Boolean);
}

// The countdowns under the row's time left; paused cases are marked.
function addClockCountdowns(tr, td, c) {
  for (const line of clockLines(c)) td.append(el('div', line, 'clock-countdown'));
  if (isPaused(c)) tr.classList.add('paused');
}

function departmentName(id) {
  const d = state.departments.find((x) => x.id === id);
  return d ? d.name[state.lang] : id;
}

function ownerText(c) {
  return (c.owners || []).map((o) => (o.person ? `${o.person} · ${departmentName(o.department)}` : departmentName(o.department))).join(', ');
}

// --- rendering ---

function applyLanguage() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-i18n]').forEach((node) => { node.textContent = t()[node.dataset.i18n]; });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((node) => { node.placeholder = t()[node.dataset.i18nPlaceholder]; });
  $('lang').textContent = t().langButton;
  document.title = t().title;
  renderDepartments();
  renderCases();
  renderClock();
  renderSignals();
  renderClusters();
  renderKnowledge();
  renderWork();
  dashboard.render();
  rootCause.render();
  campaignForm.render();
  if (state.selectedId) loadDetail(state.selectedId);
}

function renderDepartments() {
  const select = $('department');
  select.replaceChildren(...state.departments.map((d) => {
    const option = el('option', `${d.name[state.lang]} (${d.id})`);
    option.value = d.id;
    return option;
  }));
  select.value = state.department;
}

function renderClock() {
  if (!state.clock) return;
  const suffix = state.clock.source === 'tracking_dev_clock' ? t().clockDev : '';
  $('clock').textContent = format(t().now, { t: localTime(state.clock.now) }) + suffix;
}

function renderCases() {
  const rows = sortCases(state.cases).map((c) => {
    const tr = el('tr');
    tr.dataset.caseId = c.id;
    const overdue = c.overdue || (c.time_left_ms !== null && c.time_left_ms < 0);
    if (overdue) tr.classList.add('overdue');
    else if (c.time_left_ms !== null && c.time_left_ms < 4 * 3600 * 1000) tr.classList.add('soon');
    if (c.id === state.selectedId) tr.classList.add('selected');
    const timeCell = el('td', timeLeftText(c), 'time');
    addClockCountdowns(tr, timeCell, c);
    tr.append(
      timeCell,
      (() => { const td = el('td'); if (c.priority) td.append(el('span', c.priority, `badge ${c.priority}`)); return td; })(),
      el('td', t().kinds[c.kind] || c.kind),
      el('td', c.title ? caseTitleIn(c.title, t()) : c.summary),
      el('td', t().states[c.state] || c.state),
      el('td', ownerText(c)),
    );
    tr.addEventListener('click', () => selectCase(c.id));
    return tr;
  });
  $('case-rows').replaceChildren(...rows);
  // Issue 12: the true total from tracking; "(shown / total)" while fewer
  // cases are loaded than the department has, and "more" loads the next page.
  const total = state.casesTotal;
  $('case-count').textContent = total > state.cases.length ? `(${state.cases.length} / ${total})` : `(${state.cases.length})`;
  $('empty').hidden = state.cases.length > 0;
  $('cases-more').hidden = !state.casesNext;
  $('csv-cases').disabled = state.cases.length === 0;
  renderCaseFilter();
}

// Issue 12: which backlog bar the list shows, and the way back.
function renderCaseFilter() {
  const f = state.caseFilter;
  $('case-filter').hidden = !f;
  if (!f) return;
  const parts = [format(t().caseFilterBacklog, {
    age: t().backlogLabels[f.label] || f.label, from: f.openedFrom, to: f.openedTo,
  })];
  parts.push(f.department ? departmentName(f.department) : t().dashAllDepartments);
  if (f.kind) parts.push(t().kinds[f.kind] || f.kind);
  $('case-filter-text').textContent = parts.join(' · ');
}

// Issue 12: every table downloads as CSV. Insights' weak signals, as shown.
function downloadSignals() {
  const data = state.signals;
  if (!data || !data.signals) return;
  const headers = [t().signalTerms, t().signalCount, t().signalExpected, t().signalP, t().signalFirstSeen];
  const rows = data.signals.map((s) => [s.terms.join(' + '), s.count, Number(Number(s.expected).toFixed(2)), s.p_value,
    s.first_seen_time ? s.first_seen_time.slice(0, 10) : '']);
  downloadCsv(`voc-signals-${data.day || 'today'}.csv`, toCsv(headers, rows));
}

// The department's open tasks, as shown.
function downloadTasks() {
  const data = state.tasks;
  if (!data || !data.tasks) return;
  const headers = [t().timeLeft, t().taskTitle, t().taskCase, t().owner, t().state, t().due];
  const rows = data.tasks.map((task) => [taskTimeLeft(task), task.title,
    task.case_title ? caseTitleIn(task.case_title, t()) : task.case_id, ownerOf(task.owner || {}),
    t().taskStates[task.state] || task.state, task.due_time || '']);
  downloadCsv(`voc-tasks-${state.department}.csv`, toCsv(headers, rows));
}

// Issue 12: the loaded cases as CSV (UTF-8 with BOM), as the table shows them.
function downloadCases() {
  const headers = ['ID', t().timeLeft, t().priority, t().kind, t().caseTitle, t().state, t().owner, t().due, t().created];
  const rows = sortCases(state.cases).map((c) => [c.id, timeLeftText(c), c.priority, t().kinds[c.kind] || c.kind,
    c.title ? caseTitleIn(c.title, t()) : c.summary, t().states[c.state] || c.state, ownerText(c), c.due_time || '',
    c.create_time || '']);
  const f = state.caseFilter;
  const scope = f ? `backlog-${f.openedFrom}_${f.openedTo}` : state.department;
  downloadCsv(`voc-cases-${scope}.csv`, toCsv(headers, rows));
}

function facts(target, pairs) {
  const nodes = [];
  for (const [label, value] of pairs) {
    if (value === null || value === undefined || value === '') continue;
    nodes.push(el('dt', label), el('dd', value));
  }
  target.replaceChildren(...nodes);
}

function renderDetail(data) {
  const c = data.case;
  $('detail').hidden = false;
  $('detail-title').textContent = c.title ? caseTitleIn(c.title, t()) : c.id;
  facts($('detail-facts'), [
    [t().state, t().states[c.state] || c.state],
    [t().kind, t().kinds[c.kind] || c.kind],
    [t().priority, c.priority],
    [t().timeLeft, timeLeftText(c)],
    [t().firstResponse, clockText(t().firstResponse, c.first_response)],
    [t().resolutionClock, clockText(t().resolutionClock, c.resolution)],
    [t().due, localTime(c.due_time)],
    [t().created, localTime(c.create_time)],
    [t().owner, ownerText(c)],
    [t().topics, (c.topics || []).join(', ')],
    [t().resolution, c.resolution_note],
  ]);
  const f = data.feedback;
  if (f) {
    $('feedback-text').textContent = f.text || '—';
    facts($('feedback-facts'), [
      [t().customer, [f.customer.id, f.customer.value_tier].filter(Boolean).join(' · ')],
      [t().channel, f.channel],
      [t().nps, f.nps],
      [t().rating, f.rating],
      [t().product, f.product],
      [t().occurred, localTime(f.occurred_time)],
    ]);
  } else {
    const why = data.feedback_error ? data.feedback_error.message : '';
    $('feedback-text').textContent = why ? format(t().feedbackUnavailable, { m: why }) : (c.summary || '—');
    $('feedback-facts').replaceChildren();
  }
  $('callbacks').replaceChildren(...(c.callbacks || []).map((cb) => {
    const li = el('li');
    li.append(el('span', localTime(cb.time), 'when'), el('span', `${cb.actor} · ${cb.reached ? t().reachedYes : t().reachedNo}${cb.note ? ' — ' + cb.note : ''}`));
    return li;
  }));
  $('history').replaceChildren(...(c.history || []).map((h) => {
    const li = el('li');
    li.append(el('span', localTime(h.time), 'when'), el('span', historyLineIn(h, t())));
    return li;
  }));
  renderWhy(c, f ? f.text : c.summary);
  renderRedLineMark(c, data.may_mark_red_line === true);
  const finished = c.state === 'resolved' || c.state === 'closed';
  $('ack').disabled = c.state !== 'open';
  document.querySelectorAll('#detail form button, #detail form textarea, #detail form input').forEach((n) => { n.disabled = finished; });
  renderCaseTasks(c);
}

// Issue 10 item 4: a red-line case's verdict (the last mark) and, for those
// who may mark it (the gateway's may_mark_red_line), 确认属实 / 误报 buttons.
function renderRedLineMark(c, mayMark) {
  const isRedLine = c.kind === 'red_line';
  $('red-line-mark').hidden = !isRedLine;
  if (!isRedLine) return;
  const m = c.red_line_mark;
  $('red-line-mark-current').textContent = m
    ? format(t().redLineMarked, {
      v: t().redLineVerdicts[m.verdict] || m.verdict, a: m.actor, w: localTime(m.mark_time), r: m.reason,
    })
    : t().redLineUnmarked;
  $('red-line-mark-buttons').hidden = !mayMark;
}

async function markRedLine(verdict) {
  const reason = window.prompt(verdict === 'confirmed' ? t().markConfirmedPrompt : t().markFalseAlarmPrompt);
  if (reason === null) return;  // cancelled
  if (!reason.trim()) {
    showStatus(t().markReasonRequired, true);
    return;
  }
  await act('red_line_mark', { verdict, reason: reason.trim() });
}

// Issue 12: why the case is here, from tracking's explanation: the text
// with the evidence marked, then what triage read, the routing rule and the
// SLA policy with both clocks. Hidden for a case without an explanation.
function renderWhy(c, text) {
  const e = c.explanation;
  $('why').hidden = !e;
  if (!e) return;
  const nodes = markedNodes(text || '', e);
  $('why-text').replaceChildren(...(nodes.length ? nodes : [document.createTextNode(t().whyNoText)]));
  const score = typeof e.sentiment_score === 'number' ? ` (${e.sentiment_score.toFixed(2)})` : '';
  const routing = e.routing || {};
  const routingText = routing.rule_id
    ? format(routing.line ? t().whyRoutingRule : t().whyRoutingRuleNoLine,
      { rule: routing.rule, line: routing.line, id: routing.rule_id, reason: routing.reason })
    : '';
  const clock = (label, k) => (k ? `${k.policy_id || '—'} · ${clockText(label, k)}` : '');
  facts($('why-facts'), [
    [t().whySentiment, e.sentiment ? `${t().sentiments[e.sentiment] || e.sentiment}${score}` : ''],
    [t().whyEvidence, (e.evidence || []).join(', ')],
    [t().whyTopics, (e.topics || []).map((tp) => `${tp.topic} · ${departmentName(tp.department)}${(tp.terms || []).length ? ': ' + tp.terms.join(', ') : ''}`).join('; ')],
    [t().whyPriority, [e.priority, e.priority_reason].filter(Boolean).join(' — ')],
    [t().whyRedLines, (e.red_lines || []).map((h) => format(t().whyRedLineSpan, {
      c: t().redLineCategories[h.category] || h.category, w: h.matched || h.term, b: h.begin, e: h.end, r: h.rule || '—',
    })).join('; ')],
    [t().whyRouting, routingText],
    [t().whyCluster, e.cluster_id],
    [t().whySla, [clock(t().firstResponse, c.first_response), clock(t().resolutionClock, c.resolution)].filter(Boolean).join('; ')],
  ]);
}

function topicName(id, names) {
  const n = names && names[id];
  return n ? n[state.lang] || id : id;
}

// A message in a panel: hidden when empty, red for errors.
function panelMessage(id, text, isError = false) {
  const node = $(id);
  node.textContent = text || '';
  node.hidden = !text;
  node.classList.toggle('error', isError);
}

function errorText(error) {
  return t().errorPrefix + error.message;
}

function renderSignals() {
  const data = state.signals;
  const rows = data && data.signals ? data.signals.map((s) => {
    const tr = el('tr');
    tr.append(
      signalTermsCell(s.terms),
      el('td', s.count, 'num'),
      el('td', Number(s.expected).toFixed(2), 'num'),
      el('td', formatPValue(s.p_value), 'num'),
      el('td', localDate(s.first_seen_time), 'num'),
    );
    return tr;
  }) : [];
  $('signal-rows').replaceChildren(...rows);
  $('csv-insight-signals').disabled = rows.length === 0;
  if (!data) panelMessage('signals-message', t().loading);
  else if (data.error) panelMessage('signals-message', data.error.code === 'FAILED_PRECONDITION' ? t().signalsOff : errorText(data.error), data.error.code !== 'FAILED_PRECONDITION');
  else panelMessage('signals-message', rows.length ? '' : t().signalsEmpty);
}

// Issue 13: a signal's terms open its Root cause view.
function signalTermsCell(terms) {
  const td = el('td', undefined, 'terms');
  const a = el('a', terms.join(' + '), 'rootcause-link');
  a.href = rootCauseHash({ signal: terms.join(',') });
  a.dataset.testid = 'signal-rootcause';
  a.title = t().rcOpen;
  td.append(a);
  return td;
}

function clusterCard(c, names) {
  const li = el('li', undefined, 'card cluster');
  li.dataset.clusterId = c.id;
  const head = el('div', undefined, 'card-head');
  head.append(el('span', format(t().clusterSize, { n: c.size }), 'size'));
  for (const topic of c.topics || []) head.append(el('span', topicName(topic, names), 'chip'));
  const meta = el('div', `${t().firstSeen} ${localTime(c.first_seen_time)} · ${t().lastSeen} ${localTime(c.last_seen_time)}`, 'meta');
  // Issue 13: the cluster's root cause in the company's own records.
  const rc = el('a', t().rcOpen, 'link rootcause-link');
  rc.href = rootCauseHash({ cluster: c.id });
  rc.dataset.testid = 'cluster-rootcause';
  li.append(head, el('blockquote', c.representative_text || '—', 'feedback'), meta, rc);
  return li;
}

function renderClusters() {
  const data = state.clusters;
  $('clusters-all').checked = state.clustersAll;
  if (!data || data.error) {
    $('cluster-list').replaceChildren();
    $('clusters-scope').textContent = '';
    $('clusters-more').hidden = true;
    panelMessage('clusters-message', data ? errorText(data.error) : t().loading, Boolean(data));
    return;
  }
  const department = data.department ? departmentName(data.department) : '';
  let scope = t().clustersScopeAll;
  $('clusters-clear-topic').hidden = !data.topic;
  $('clusters-topic-rootcause').hidden = !data.topic;
  if (data.topic) $('clusters-topic-rootcause').href = rootCauseHash({ topic: data.topic });
  if (data.topic) {
    scope = format(t().clustersScopeTopic, { topic: topicName(data.topic, data.topic_names) });
  } else if (data.department && data.filtered) {
    scope = format(t().clustersScopeDepartment, {
      d: department,
      topics: data.department_topics.map((id) => topicName(id, data.topic_names)).join(state.lang === 'zh' ? '、' : ', '),
    });
  } else if (data.department) {
    scope = format(t().clustersScopeNoTopics, { d: department });
  }
  $('clusters-scope').textContent = scope;
  $('cluster-list').replaceChildren(...data.clusters.map((c) => clusterCard(c, data.topic_names)));
  $('clusters-more').hidden = !data.next_page_token;
  panelMessage('clusters-message', data.clusters.length ? '' : t().clustersEmpty);
}

function knowledgeCard(e) {
  const li = el('li', undefined, 'card entry');
  li.dataset.source = e.source;
  const head = el('div', undefined, 'card-head');
  if (t().entryKinds[e.kind]) head.append(el('span', t().entryKinds[e.kind], `chip kind-${e.kind}`));
  if (e.topic) head.append(el('span', e.topic, 'chip'));
  const dl = el('dl', undefined, 'facts');
  facts(dl, [
    [t().problem, e.title],
    [t().whatWasDone, e.resolution],
    [e.kind === 'project' ? t().measuredEffect : (e.kind === 'case' ? t().caseSummary : t().evidence), e.evidence],
    [e.kind === 'case' ? t().resolvedAt : t().verifiedAt, e.verify_time ? localTime(e.verify_time) : ''],
    [t().source, e.source],
  ]);
  li.append(head, dl);
  return li;
}

function renderKnowledge() {
  const data = state.knowledge;
  const entries = data && data.entries ? data.entries : [];
  $('knowledge-results').replaceChildren(...entries.map(knowledgeCard));
  if (!data) panelMessage('knowledge-message', t().knowledgeStart);
  else if (data.tooLong) panelMessage('knowledge-message', t().queryTooLong, true);
  else if (data.error) panelMessage('knowledge-message', errorText(data.error), true);
  else panelMessage('knowledge-message', format(entries.length ? t().knowledgeCount : t().knowledgeEmpty, { n: entries.length, q: data.query }));
}

// --- loading ---

async function loadClock() {
  try {
    state.clock = await api('/api/clock');
    renderClock();
  } catch { /* the list still shows server-computed time left */ }
}

// The worklist (or the cases behind a backlog bar, state.caseFilter), page
// by page: the first page of a new list; `more`: the next page after those
// shown; a refresh of the same list: from the first page again, as many
// pages as it takes to show as many cases as before.
async function loadCases({ more = false } = {}) {
  const f = state.caseFilter;
  const department = state.department;
  if (!department && !f) return;
  const params = new URLSearchParams({ page_size: String(CASE_PAGE) });
  if (f) {
    if (f.department) params.set('department', f.department);
    if (f.kind) params.set('kind', f.kind);
    params.set('opened_from', f.openedFrom);
    params.set('opened_to', f.openedTo);
  } else {
    params.set('department', state.department);
  }
  if ($('overdue-only').checked) params.set('overdue', 'true');
  const key = params.toString();
  const sameList = state.casesKey === key;
  let cases = [];
  let token = '';
  let wanted = sameList ? state.cases.length : 0;
  if (more && sameList && state.casesNext) {
    cases = state.cases.slice();
    token = state.casesNext;
    wanted = cases.length + 1;
  }
  try {
    let data;
    do {
      if (token) params.set('page_token', token);
      data = await api(`/api/cases?${params}`);
      cases.push(...data.cases);
      token = data.next_page_token || '';
    } while (token && cases.length < wanted);
    // Another list was asked for meanwhile.
    if (state.caseFilter !== f || (!f && state.department !== department)) return;
    state.cases = cases;
    state.casesKey = key;
    state.casesNext = token;
    state.casesTotal = Number(data.total_size || 0);
    renderCases();
    showStatus('');
  } catch (error) {
    showStatus(t().errorPrefix + error.message, true);
  }
}

async function loadDetail(id) {
  try {
    renderDetail(await api(`/api/cases/${encodeURIComponent(id)}`));
  } catch (error) {
    showStatus(t().errorPrefix + error.message, true);
  }
  loadDeliveries(id);
}

// issue 11: what voc-notify sent for the case, to whom, when, by which
// channel, and whether it arrived. The case page works without it.
async function loadDeliveries(id) {
  const list = $('deliveries');
  if (!list) return;
  try {
    const data = await api(`/api/cases/${encodeURIComponent(id)}/deliveries`);
    const rows = data.deliveries || [];
    if (rows.length === 0) {
      list.replaceChildren(el('li', t().deliveriesEmpty));
      return;
    }
    list.replaceChildren(...rows.map((d) => {
      const li = el('li');
      const stateText = t().deliveryStates[d.state] || d.state;
      const who = d.recipient_name || d.recipient;
      const tries = format(t().deliveryAttempts, { n: d.attempts });
      const error = d.state === 'failed' && d.last_error ? ' — ' + d.last_error : '';
      li.append(el('span', localTime(d.deliver_time || d.create_time), 'when'),
        el('span', `${who} · ${d.channel} · ${stateText} (${tries}) · ${d.subject}${error}`));
      li.dataset.state = d.state;
      return li;
    }));
  } catch (error) {
    list.replaceChildren(el('li', format(t().deliveriesUnavailable, { m: error.message })));
  }
}

async function loadSignals() {
  try {
    state.signals = await api('/api/signals');
  } catch (error) {
    state.signals = { error };
  }
  renderSignals();
}

async function loadClusters(more = false) {
  const department = state.department;
  const params = new URLSearchParams({ page_size: String(CLUSTER_PAGE) });
  if (state.clustersTopic) params.set('topic', state.clustersTopic);
  else if (!state.clustersAll && department) params.set('department', department);
  if (more && state.clusters && state.clusters.next_page_token) params.set('page_token', state.clusters.next_page_token);
  try {
    const data = await api(`/api/clusters?${params}`);
    if (department !== state.department) return; // the owner switched department meanwhile
    if (more && state.clusters && state.clusters.clusters) {
      data.clusters = state.clusters.clusters.concat(data.clusters);
      data.topic_names = { ...state.clusters.topic_names, ...data.topic_names };
    }
    state.clusters = data;
  } catch (error) {
    state.clusters = { error };
  }
  renderClusters();
}

function loadInsights() {
  return Promise.all([loadSignals(), loadClusters()]);
}

async function searchKnowledge(query) {
  const q = query.trim();
  if (!q) return;
  if (new TextEncoder().encode(q).length > MAX_QUERY_BYTES) {
    state.knowledge = { tooLong: true };
    renderKnowledge();
    return;
  }
  try {
    const data = await api(`/api/knowledge?${new URLSearchParams({ q })}`);
    state.knowledge = { query: data.query, entries: data.entries };
  } catch (error) {
    state.knowledge = { query: q, error };
  }
  renderKnowledge();
}

function showView(view) {
  state.view = VIEWS.includes(view) ? view : 'cases';
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== state.view;
  document.querySelectorAll('nav.views a').forEach((a) => {
    if (a.dataset.view === state.view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  $('overdue-filter').hidden = state.view !== 'cases';
  // The Dashboard has its own filters (department "all" included).
  $('department').closest('label').hidden = state.view === 'dashboard';
  if (state.view === 'insights') loadInsights();
  if (state.view === 'dashboard') dashboard.show();
  if (state.view === 'knowledge') $('knowledge-q').focus();
  if (state.view === 'work') loadWork();
  if (state.view === 'rootcause') rootCause.show(location.hash);
}

function viewFromHash() {
  // Issue 13: "#rootcause?cluster=7" is the Root cause view with its query.
  return location.hash.replace(/^#/, '').split('?')[0] || 'cases';
}

function selectCase(id) {
  state.selectedId = id;
  renderCases();
  loadDetail(id);
}

// issue 11: a notification's link ("#case=<id>", voc-notify's case_link_base)
// opens that case on the cases view.
function openCaseFromLink() {
  const m = /^#case=([A-Za-z0-9_-]{1,64})$/.exec(location.hash);
  if (m) selectCase(m[1]);
}
window.addEventListener('hashchange', openCaseFromLink);
window.addEventListener('load', openCaseFromLink);

async function act(action, body) {
  try {
    await api(`/api/cases/${encodeURIComponent(state.selectedId)}/${action}`, {
      method: 'POST', body: JSON.stringify(body),
    });
    // Reload first: loadCases() clears the status line, and the confirmation must stay visible.
    await Promise.all([loadCases(), loadDetail(state.selectedId)]);
    showStatus(t().saved);
    return true;
  } catch (error) {
    showStatus(t().errorPrefix + error.message, true);
    return false;
  }
}

function chooseDepartment(id) {
  state.caseFilter = null;
  state.department = id;
  localStorage.setItem('voc.department', id);
  state.selectedId = null;
  $('detail').hidden = true;
  loadCases();
  state.clusters = null;
  state.clustersTopic = '';
  if (state.view === 'insights') loadClusters();
  if (state.view === 'work') loadWork();
}

async function start() {
  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('voc.lang', state.lang);
    applyLanguage();
  });
  $('department').addEventListener('change', (e) => chooseDepartment(e.target.value));
  $('overdue-only').addEventListener('change', () => loadCases());
  $('cases-more').addEventListener('click', () => loadCases({ more: true }));
  $('csv-cases').addEventListener('click', downloadCases);
  $('csv-insight-signals').addEventListener('click', downloadSignals);
  $('csv-tasks').addEventListener('click', downloadTasks);
  $('case-filter-clear').addEventListener('click', () => chooseDepartment(state.department));
  $('ack').addEventListener('click', () => act('acknowledge', {}));
  $('mark-confirmed').addEventListener('click', () => markRedLine('confirmed'));
  $('mark-false-alarm').addEventListener('click', () => markRedLine('false_alarm'));
  $('callback-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    if (await act('callback', { reached: form.reached.value === 'yes', note: form.note.value })) form.note.value = '';
  });
  $('resolve-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    if (await act('resolve', { note: form.note.value })) form.note.value = '';
  });
  $('clusters-all').addEventListener('change', (e) => {
    state.clustersAll = e.target.checked;
    state.clustersTopic = '';
    loadClusters();
  });
  $('clusters-clear-topic').addEventListener('click', () => {
    state.clustersTopic = '';
    loadClusters();
  });
  $('clusters-more').addEventListener('click', () => loadClusters(true));
  $('knowledge-form').addEventListener('submit', (e) => {
    e.preventDefault();
    searchKnowledge($('knowledge-q').value);
  });
  window.addEventListener('hashchange', () => showView(viewFromHash()));
  rootCause.start();
  campaignForm.start();
  campaigns.start();
  startWork();
  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    logIn(e.target);
  });
  $('logout').addEventListener('click', logOut);
  applyLanguage();

  // Already logged in (the cookie is HttpOnly: ask the gateway)?
  try {
    await enterApp(await api('/api/me'));
  } catch (error) {
    if (error.status === 401) showLogin('');
    else showStatus(t().errorPrefix + error.message, true);
  }
}

// --- issue 9: logging in and out ---

function showAuth(loggedIn) {
  document.body.dataset.auth = loggedIn ? 'in' : 'out';
  $('login').hidden = loggedIn;
  $('app').hidden = !loggedIn;
  $('who').hidden = !loggedIn;
  $('logout').hidden = !loggedIn;
}

function showLogin(message) {
  state.session = null;
  state.cases = [];
  state.casesNext = '';
  state.caseFilter = null;
  state.selectedId = null;
  state.tasks = null;
  state.projects = null;
  state.clusters = null;
  state.clustersTopic = '';
  state.knowledge = null;
  dashboard.reset();
  // Nothing of the last person's stays in the page.
  renderCases();
  $('detail').hidden = true;
  $('task-rows').replaceChildren();
  $('project-list').replaceChildren();
  showAuth(false);
  $('login-error').textContent = message || '';
  showStatus('');
  const form = $('login-form');
  form.password.value = '';
  form.username.focus();
}

async function logIn(form) {
  $('login-error').textContent = '';
  try {
    const session = await api('/api/login', {
      method: 'POST', body: JSON.stringify({ username: form.username.value.trim(), password: form.password.value }),
    });
    form.password.value = '';
    await enterApp(session);
  } catch (error) {
    // One message for a wrong password and an unknown user alike.
    if (error.status === 401) $('login-error').textContent = t().loginFailed;
    else if (error.status === 429) $('login-error').textContent = t().loginThrottled;
    else $('login-error').textContent = t().errorPrefix + error.message;
  }
}

async function logOut() {
  try {
    await api('/api/logout', { method: 'POST', body: '{}' });
  } catch (error) {
    // The cookie is cleared either way; the form comes back.
  }
  showLogin('');
}

async function enterApp(session) {
  state.session = session;
  $('who').textContent = format(t().loggedInAs, { name: session.name || session.person, person: session.person });
  showAuth(true);
  showStatus(t().loading);
  try {
    // Only the departments this person may see (the gateway asks their session).
    state.departments = (await api('/api/departments')).departments;
  } catch (error) {
    showStatus(t().errorPrefix + error.message, true);
    return;
  }
  if (!state.departments.some((d) => d.id === state.department)) {
    const own = state.departments.find((d) => (session.departments || []).includes(d.id));
    state.department = own ? own.id : (state.departments.length ? state.departments[0].id : '');
  }
  applyLanguage();
  chooseDepartment(state.department);
  showView(viewFromHash());
  await loadClock();
  if (state.refreshing) return;
  state.refreshing = true;
  setInterval(() => {
    if (!state.session) return;
    loadClock();
    loadCases();
    if (state.view === 'insights') loadInsights();
    if (state.view === 'work') loadWork();
  }, REFRESH_MS);
}

// --- issue 11 (tasks): tasks on cases, the department's tasks, improvement projects ---

function taskTimeLeft(task) {
  if (task.time_left_ms === null || task.time_left_ms === undefined) return t().noDue;
  return timeLeftText({ time_left_ms: task.time_left_ms, overdue: task.time_left_ms < 0 });
}

function ownerOf(o) {
  return o.person ? `${departmentName(o.department)} / ${o.person}` : departmentName(o.department);
}

function localInputToIso(value) {
  // <input type="datetime-local"> gives local wall time without a zone.
  return value ? new Date(value).toISOString() : '';
}

function renderCaseTasks(c) {
  const select = document.querySelector('#task-form select[name=department]');
  select.replaceChildren(...state.departments.map((d) => {
    const option = el('option', `${d.name[state.lang]} (${d.id})`);
    option.value = d.id;
    return option;
  }));
  $('case-tasks').replaceChildren(...(c.tasks || []).map((task) => {
    const li = el('li');
    const due = task.due_time ? ` · ${t().due} ${localTime(task.due_time)}` : '';
    li.append(el('span', task.done ? '✓' : '•', 'when'),
      el('span', `${task.title} — ${ownerOf(task.owner || {})}${due}`));
    return li;
  }));
}

function renderTasks() {
  const data = state.tasks;
  const message = $('tasks-message');
  $('csv-tasks').disabled = !data || !data.tasks || data.tasks.length === 0;
  if (!data) return;
  if (data.error) {
    $('task-rows').replaceChildren();
    message.hidden = false;
    message.textContent = t().errorPrefix + data.error;
    return;
  }
  message.hidden = data.tasks.length > 0;
  message.textContent = t().tasksEmpty;
  $('task-count').textContent = `(${data.tasks.length})`;
  $('task-rows').replaceChildren(...data.tasks.map((task) => {
    const tr = el('tr');
    tr.dataset.task = task.name;
    if (task.time_left_ms !== null && task.time_left_ms < 0) tr.classList.add('overdue');
    const actions = el('td');
    const button = (label, next) => {
      const b = el('button', label);
      b.type = 'button';
      b.addEventListener('click', () => moveTask(task, next));
      return b;
    };
    if (task.state === 'open') actions.append(button(t().startTask, 'in_progress'));
    actions.append(button(t().doneTask, 'done'), button(t().cancelTask, 'cancelled'));
    tr.append(el('td', taskTimeLeft(task), 'time'), el('td', task.title), el('td', task.case_title ? caseTitleIn(task.case_title, t()) : task.case_id),
      el('td', ownerOf(task.owner)), el('td', t().taskStates[task.state] || task.state), actions);
    return tr;
  }));
}

function projectCard(p) {
  const li = el('li', null, 'card');
  li.dataset.project = p.id;
  li.append(el('h3', p.title), el('p', `${p.topic} · ${t().projectStates[p.state] || p.state}`, 'note'));
  if (p.decided_by) li.append(el('p', format(t().decidedBy, { p: p.decided_by, r: p.decision_reason || '—' }), 'note'));
  const items = el('ul', null, 'timeline');
  for (const item of p.action_items || []) {
    const flag = item.done ? t().itemDone : (item.overdue ? t().itemOverdue : '');
    const row = el('li');
    row.append(el('span', item.due_time ? localDate(item.due_time) : t().noDue, 'when'),
      el('span', `${item.title} — ${ownerOf(item.owner)}${flag ? ' · ' + flag : ''}`));
    if (!item.done && p.state === 'open') {
      const done = el('button', t().completeItem);
      done.type = 'button';
      done.addEventListener('click', () => projectAction(p, `items/${encodeURIComponent(item.id)}/complete`, {}));
      row.append(done);
    }
    items.append(row);
  }
  li.append(items);
  // Issue 12: the project's history, in the page's language (service_text.js).
  if ((p.history || []).length) {
    const history = el('ul', null, 'timeline project-history');
    history.dataset.testid = 'project-history';
    for (const h of p.history) {
      const row = el('li');
      row.append(el('span', localTime(h.time), 'when'), el('span', projectHistoryLineIn(h, t())));
      history.append(row);
    }
    li.append(el('h4', t().projectHistory), history);
  }
  const buttons = el('div', null, 'actions');
  const button = (label, onClick) => {
    const b = el('button', label);
    b.type = 'button';
    b.addEventListener('click', onClick);
    buttons.append(b);
  };
  if (p.state === 'proposed') {
    button(t().approve, () => projectAction(p, 'decide', { approve: true }));
    button(t().reject, () => {
      const reason = window.prompt(t().rejectReasonPrompt);
      if (reason) projectAction(p, 'decide', { approve: false, reason });
    });
  }
  if (p.state === 'approved') button(t().startProject, () => projectAction(p, 'start', {}));
  li.append(buttons);
  return li;
}

function renderProjects() {
  const data = state.projects;
  const message = $('projects-message');
  if (!data) return;
  if (data.error) {
    $('project-list').replaceChildren();
    message.hidden = false;
    message.textContent = t().errorPrefix + data.error;
    return;
  }
  message.hidden = data.projects.length > 0;
  message.textContent = t().projectsEmpty;
  $('project-list').replaceChildren(...data.projects.map(projectCard));
}

function renderWork() {
  renderTasks();
  renderProjects();
  campaigns.render();
}

async function loadWork() {
  if (!state.department) return;
  const params = new URLSearchParams({ department: state.department, open: 'true' });
  try {
    state.tasks = await api(`/api/tasks?${params}`);
  } catch (error) {
    state.tasks = { error: error.message };
  }
  try {
    // The list has states only; each card shows its project's decision.
    const listed = await api('/api/projects');
    state.projects = { projects: await Promise.all(listed.projects.map(async (p) => {
      try { return (await api(`/api/projects/${encodeURIComponent(p.id)}`)).project; } catch { return p; }
    })) };
  } catch (error) {
    state.projects = { error: error.message };
  }
  await campaigns.load();  // issue 13
  renderWork();
}

async function postWork(path, body) {
  try {
    await api(path, { method: 'POST', body: JSON.stringify(body) });
    showStatus(t().saved);
    return true;
  } catch (error) {
    showStatus(t().errorPrefix + error.message, true);
    return false;
  }
}

async function moveTask(task, next) {
  let reason = '';
  if (next === 'cancelled') {
    reason = window.prompt(t().cancelReasonPrompt) || '';
    if (!reason) return;
  }
  const [, caseId, , taskId] = task.name.split('/');
  if (await postWork(`/api/cases/${encodeURIComponent(caseId)}/tasks/${encodeURIComponent(taskId)}/state`,
    { state: next, reason })) await loadWork();
}

async function projectAction(p, action, body) {
  if (await postWork(`/api/projects/${encodeURIComponent(p.id)}/${action}`, body)) await loadWork();
}

function startWork() {
  $('task-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const ok = await postWork(`/api/cases/${encodeURIComponent(state.selectedId)}/tasks`, {
      title: form.title.value, department: form.department.value, person: form.person.value.trim(),
      due_time: localInputToIso(form.due.value),
    });
    if (ok) {
      form.title.value = '';
      await loadDetail(state.selectedId);
    }
  });
  $('project-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const items = form.item.value.trim()
      ? [{ title: form.item.value.trim(), department: state.department, due_time: localInputToIso(form.due.value) }]
      : [];
    if (await postWork('/api/projects', { title: form.title.value, topic: form.topic.value.trim(), items })) {
      form.reset();
      await loadWork();
    }
  });
}

// --- issue 12: the Dashboard, and where its clicks lead ---

// A view reached by a link: the hash change shows it (and loads it).
function goToView(view) {
  if (location.hash === `#${view}`) showView(view);
  else location.hash = `#${view}`;
}

// A topic bar: that topic's similar-complaint clusters (Insights filters
// clusters by topic; the worklist cannot).
function openTopicClusters(topic) {
  state.clustersTopic = topic;
  state.clustersAll = false;
  state.clusters = null;
  goToView('insights');
}

// A department bar: that department's worklist.
function openDepartmentCases(department) {
  if (!state.departments.some((d) => d.id === department)) return;
  $('department').value = department;
  chooseDepartment(department);
  goToView('cases');
}

// A backlog bar: the open cases of its department (or all) and kind opened
// in its age range, on the Cases view until the person goes back.
function openBacklogCases(filter) {
  if (filter.department && !state.departments.some((d) => d.id === filter.department)) return;
  if (filter.department) {
    state.department = filter.department;
    localStorage.setItem('voc.department', filter.department);
    $('department').value = filter.department;
  }
  state.caseFilter = filter;
  state.selectedId = null;
  state.cases = [];
  state.casesNext = '';
  $('detail').hidden = true;
  renderCases();
  loadCases();
  goToView('cases');
}
// Issue 13: the Campaigns panel on the Tasks & projects view.
const campaigns = createCampaigns({ api, t, departmentName, errorText, showStatus, localTime });
// Issue 13: a campaign from a root-cause finding (the Root cause view).
const campaignForm = createCampaignForm({
  api,
  t,
  errorText,
  showStatus,
  lang: () => state.lang,
  departments: () => state.departments,
  department: () => state.department,
  // The Campaigns panel lists it when the Tasks & projects view is next shown.
  onChanged: () => { if (state.view === 'work') loadWork(); },
});
// A cluster's first topic, when Insights has listed it (the form's topic).
function clusterTopic(id) {
  const c = state.clusters && state.clusters.clusters && state.clusters.clusters.find((x) => String(x.id) === String(id));
  return c && c.topics && c.topics.length ? c.topics[0] : '';
}
const rootCause = createRootCause({
  api,
  t,
  errorText,
  topicLabel: (id) => topicName(id, state.clusters && state.clusters.topic_names),
  startCampaign: (source, finding) =>
    campaignForm.open(source, finding, source.kind === 'cluster' ? clusterTopic(source.value) : ''),
  closeCampaign: () => campaignForm.close(),
});

const dashboard = createDashboard({
  api,
  t,
  lang: () => state.lang,
  session: () => state.session,
  departments: () => state.departments,
  departmentName,
  topicLabel: topicName,
  errorText,
  openTopic: openTopicClusters,
  openCases: openDepartmentCases,
  openBacklogCases,
});

start();
