// The Dashboard's programme part (issue 12), from verification through the
// gateway's programme routes (programme_routes.cc):
//   - Goals (/api/goals): a table with each goal's status badge; a click
//     draws that goal's trajectory (ECharts: its daily values from
//     /api/goals/{id}/history, the straight line baseline -> target, the
//     target); analysts and admins get a "new goal" form (POST /api/goals)
//     whose errors are shown beside the field verification names.
//   - Outcomes (/api/reports/outcomes, the Dashboard's date range): verified,
//     failed and reopened projects, the verifications, the re-survey answers.
//   - The digest archive (/api/digests, the Dashboard's department): a list
//     of weeks and the chosen week's digest in the page's language.
// Every table downloads as CSV (tables.js, csv.js). Values from the server go into the
// page with textContent only.
import { format, formatPValue } from './i18n.js';
import { createTables } from './tables.js';
import { $, el } from './dom.js';

const METRICS = ['nps', 'topic_complaint_share', 'hot_loop_rate', 'first_response_compliance', 'projects_verified'];
// Metrics measured in percent (the goal's figures are percentages already).
const PERCENT_METRICS = new Set(['topic_complaint_share', 'hot_loop_rate', 'first_response_compliance']);
// The trajectory chart shows at most this many days (the newest).
const MAX_HISTORY_DAYS = 400;
// A list route's pages followed at most (a guard against a token that never ends).
const MAX_PAGES = 100;
const TABLES = ['goals', 'outcomes', 'digest-wins', 'digest-outreach', 'digest-goals', 'digest-rising', 'digest-signals', 'digest-sla'];

const percent = (share) => (share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`);
const pct = (share) => (share === null || share === undefined ? null : Math.round(share * 1000) / 10);
const round = (value, digits = 1) => (value === null || value === undefined ? null : Number(Number(value).toFixed(digits)));
const fixed = (value, digits = 1) => (value === null || value === undefined ? '—' : Number(value).toFixed(digits));

// "INVALID_ARGUMENT: goal.scope.topic: required ..." -> {field: "scope.topic", text: "required ..."};
// the field as the form names it (no "goal." prefix, no trailing list index;
// an inner one stays: "query.where[0].op", issue 13's campaign form).
export function fieldError(message) {
  const text = String(message || '').replace(/^[A-Z_]+: /, '');
  const match = text.match(/^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*): (.*)$/s);
  if (!match) return { field: '', text };
  const field = match[1].replace(/^goal\./, '').replace(/\[\d+\]$/, '');
  return { field, text: match[2] };
}

export function createProgramme(ctx) {
  // ctx: { api, t, lang, session, departments, departmentName, errorText, filters }
  const state = {
    goals: null, // {data} | {error}
    goalId: null,
    showArchived: false,
    history: null, // {goal, data} | {goal, error}
    outcomes: null,
    digests: null,
    digestName: null,
    digest: null, // {data} | {error}
    seq: { goals: 0, history: 0, outcomes: 0, digests: 0, digest: 0 },
    chart: null,
    built: false,
  };
  const t = () => ctx.t();
  const hasCharts = () => typeof window.echarts !== 'undefined';
  const roles = () => (ctx.session() && ctx.session().roles) || [];
  const mayCreate = () => roles().includes('analyst') || roles().includes('admin');
  const goalOf = (id) => (state.goals && state.goals.data ? state.goals.data.goals.find((g) => g.id === id) : null);

  // ---- loading: each answer is kept only when it is the latest asked for.

  // load(isLatest) -> the answer; isLatest() says whether a newer load of the
  // same key has started (so a progress line is not written over by a stale one).
  async function fetchInto(key, load) {
    const seq = ++state.seq[key];
    const isLatest = () => seq === state.seq[key];
    let result;
    try {
      result = { data: await (typeof load === 'string' ? ctx.api(load) : load(isLatest)) };
    } catch (error) {
      result = { error };
    }
    if (!isLatest()) return null;
    state[key] = result;
    return result;
  }

  // Every page of a list route (`path` with its query), following
  // next_page_token to the last page. onPage(count) after each page (the
  // progress line). -> the items of `listKey`, all pages' in order.
  async function fetchAllPages(path, listKey, onPage) {
    const items = [];
    const seen = new Set();
    let token = '';
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const sep = path.includes('?') ? '&' : '?';
      const answer = await ctx.api(token ? `${path}${sep}page_token=${encodeURIComponent(token)}` : path);
      items.push(...(answer[listKey] || []));
      token = answer.next_page_token || '';
      if (!token || seen.has(token)) break;
      seen.add(token);
      if (onPage) onPage(items.length);
    }
    return items;
  }

  function progress(id, isLatest) {
    return (count) => { if (isLatest()) message(id, format(t().pagesLoading, { n: count })); };
  }

  function loadGoals() {
    const params = new URLSearchParams();
    const { department } = ctx.filters();
    if (department) params.set('department', department);
    const states = state.showArchived ? ['active', 'archived'] : ['active'];
    return fetchInto('goals', async (isLatest) => {
      const goals = [];
      for (const goalState of states) {
        params.set('state', goalState);
        goals.push(...await fetchAllPages(`/api/goals?${params}`, 'goals', progress('goals-message', isLatest)));
      }
      return { goals };
    });
  }
  async function loadHistory(id) {
    state.goalId = id;
    const result = await fetchInto('history', async (isLatest) => {
      const evaluations = await fetchAllPages(`/api/goals/${encodeURIComponent(id)}/history`, 'evaluations',
        progress('goal-chart-message', isLatest));
      // Oldest first (verification's order): the chart keeps the newest days.
      return { goal: id, evaluations: evaluations.slice(-MAX_HISTORY_DAYS) };
    });
    if (result) result.goal = id;
  }
  function loadOutcomes() {
    const { start, end } = ctx.filters();
    return fetchInto('outcomes', `/api/reports/outcomes?${new URLSearchParams({ start, end })}`);
  }
  function loadDigests() {
    const params = new URLSearchParams();
    const { department } = ctx.filters();
    if (department) params.set('department', department);
    return fetchInto('digests', async (isLatest) => ({
      digests: await fetchAllPages(`/api/digests?${params}`, 'digests', progress('digests-message', isLatest)),
    }));
  }
  function loadDigest(summary) {
    state.digestName = summary.name;
    const params = new URLSearchParams();
    if (summary.department) params.set('department', summary.department);
    return fetchInto('digest', `/api/digests/${encodeURIComponent(summary.week_start)}?${params}`);
  }

  // Everything for the Dashboard's current filters; the chosen goal and week
  // stay chosen when they are still listed.
  async function load() {
    await Promise.all([loadGoals(), loadOutcomes(), loadDigests()]);
    const goals = state.goals && state.goals.data ? state.goals.data.goals : [];
    const goal = goals.find((g) => g.id === state.goalId) || goals[0];
    const digests = state.digests && state.digests.data ? state.digests.data.digests : [];
    const digest = digests.find((d) => d.name === state.digestName) || digests[0];
    await Promise.all([
      goal ? loadHistory(goal.id) : Promise.resolve((state.history = null)),
      digest ? loadDigest(digest) : Promise.resolve((state.digest = null)),
    ]);
  }

  // ---- tables (and their CSV: the same headers and rows)

  const { fillTable, clearTable, download } = createTables((name) => {
    const f = ctx.filters();
    const suffix = name.startsWith('digest-') && state.digest && state.digest.data
      ? `${state.digest.data.digest.week_start}_${state.digest.data.digest.department || 'company'}`
      : `${f.start}_${f.end}`;
    return `voc-${name}-${suffix}.csv`;
  });

  function message(id, text, isError = false) {
    const node = $(id);
    node.textContent = text || '';
    node.hidden = !text;
    node.classList.toggle('error', isError);
  }

  // ---- goals

  const metricName = (m) => t().goalMetrics[m] || m;
  const statusName = (s) => t().goalStatuses[s] || s;
  const unit = (metric) => (PERCENT_METRICS.has(metric) ? '%' : '');
  const figure = (value, metric) => (value === null || value === undefined ? '—'
    : `${Number(value).toFixed(metric === 'projects_verified' ? 0 : 1)}${unit(metric)}`);

  function scopeText(scope) {
    const parts = [];
    if (scope.product) parts.push(scope.product);
    if (scope.region) parts.push(scope.region);
    if (scope.department) parts.push(ctx.departmentName(scope.department));
    if (scope.topic) parts.push(scope.topic);
    if (scope.projects && scope.projects.length) parts.push(scope.projects.join(', '));
    return parts.length ? parts.join(' · ') : t().goalScopeCompany;
  }

  function badge(status) {
    const node = el('span', statusName(status), `badge goal-${status}`);
    node.dataset.status = status;
    return node;
  }

  function archivedBadge() {
    const node = el('span', t().goalArchived, 'badge goal-archived');
    node.dataset.status = 'archived';
    return node;
  }

  // Analysts and admins only (verification refuses anyone else); asks first.
  function archiveButton(goal) {
    const button = el('button', t().goalArchive, 'link');
    button.type = 'button';
    button.dataset.archive = goal.id;
    button.addEventListener('click', (event) => {
      event.stopPropagation(); // not a click on the row (which draws the trajectory)
      archiveGoal(goal);
    });
    return button;
  }

  async function archiveGoal(goal) {
    if (!window.confirm(format(t().goalArchiveConfirm, { title: goal.title }))) return;
    try {
      await ctx.api(`/api/goals/${encodeURIComponent(goal.id)}/archive`, { method: 'POST', body: '{}' });
    } catch (error) {
      message('goals-message', ctx.errorText(error), true);
      return;
    }
    await loadGoals();
    renderGoals();
    message('goals-message', format(t().goalArchivedDone, { title: goal.title }));
  }

  function goalsTable(goals) {
    const status = (g) => (g.latest ? g.latest.status : 'not_evaluated');
    return {
      headers: [t().colGoal, t().colMetric, t().colScope, t().colBaseline, t().colTarget, t().colDeadline,
        t().colLatest, t().colStatus],
      rows: goals.map((g) => [g.title, metricName(g.metric), scopeText(g.scope), g.baseline, g.target, g.deadline_day,
        g.latest && g.latest.has_value ? round(g.latest.value, 2) : null,
        g.state === 'archived' ? t().goalArchived : statusName(status(g))]),
      // The page shows "baseline → target by deadline" in one cell.
      shownHeaders: [t().colGoal, t().colMetric, t().colScope, t().colBaselineTarget, t().colLatest, t().colStatus,
        ...(mayCreate() ? [t().colActions] : [])],
      show: (row, i) => {
        const g = goals[i];
        return [row[0], row[1], row[2],
          format(t().goalLine, { b: figure(g.baseline, g.metric), t: figure(g.target, g.metric), d: g.deadline_day }),
          figure(row[6], g.metric), g.state === 'archived' ? archivedBadge() : badge(status(g)),
          ...(mayCreate() ? [g.state === 'archived' ? '' : archiveButton(g)] : [])];
      },
    };
  }

  function renderGoals() {
    const v = state.goals;
    if (!v || v.error) {
      clearTable('goals');
      message('goals-message', v ? ctx.errorText(v.error) : t().loading, Boolean(v));
      return;
    }
    const goals = v.data.goals;
    fillTable('goals', goalsTable(goals), (tr, i) => {
      tr.dataset.goal = goals[i].id;
      tr.classList.add('clickable');
      tr.classList.toggle('selected', goals[i].id === state.goalId);
      tr.addEventListener('click', () => chooseGoal(goals[i].id));
    });
    message('goals-message', goals.length ? t().goalsHint : t().goalsEmpty);
  }

  async function chooseGoal(id) {
    await loadHistory(id);
    renderGoals();
    renderTrajectory();
  }

  function renderTrajectory() {
    const h = state.history;
    const goal = h ? goalOf(h.goal) : null;
    $('goal-chart-title').textContent = goal ? goal.title : '';
    if (!h || !goal || h.error) {
      if (state.chart) state.chart.clear();
      $('chart-goal').hidden = !h || !goal;
      message('goal-chart-message', h && h.error ? ctx.errorText(h.error) : '', Boolean(h && h.error));
      return;
    }
    const evaluations = h.data.evaluations;
    $('chart-goal').hidden = false;
    message('goal-chart-message', evaluations.length ? '' : t().goalNoHistory);
    if (!hasCharts()) return;
    if (!state.chart) state.chart = window.echarts.init($('chart-goal'), null, { renderer: 'canvas' });
    state.chart.resize();
    const u = unit(goal.metric);
    state.chart.setOption({
      animation: false,
      textStyle: { fontFamily: 'system-ui, "PingFang SC", "Microsoft YaHei", sans-serif' },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 56, top: 40, bottom: 40, containLabel: true },
      // The expected line and the target span start -> deadline, so the axis does too.
      xAxis: { type: 'time' },
      yAxis: { type: 'value', scale: true, axisLabel: { formatter: `{value}${u}` } },
      series: [
        { name: t().goalSeriesValue, type: 'line', symbolSize: 4, connectNulls: false, itemStyle: { color: '#2855c5' },
          data: evaluations.map((e) => [e.day, e.has_value ? round(e.value, 2) : null]) },
        { name: t().goalSeriesExpected, type: 'line', symbol: 'none', lineStyle: { type: 'dashed' },
          itemStyle: { color: '#8a8f98' }, data: [[goal.start_day, goal.baseline], [goal.deadline_day, goal.target]] },
        { name: t().goalSeriesTarget, type: 'line', symbol: 'none', lineStyle: { type: 'dotted' },
          itemStyle: { color: '#1e6b34' }, data: [[goal.start_day, goal.target], [goal.deadline_day, goal.target]] },
      ],
    }, true);
  }

  // ---- the new goal form (analysts and admins)

  function goalForm() {
    return $('goal-form');
  }

  function renderForm() {
    const box = $('goal-form-box');
    box.hidden = !mayCreate();
    const form = goalForm();
    const metric = form.elements.metric;
    const chosen = metric.value;
    metric.replaceChildren(...METRICS.map((m) => {
      const option = el('option', metricName(m));
      option.value = m;
      return option;
    }));
    metric.value = chosen || 'nps';
    const department = form.elements['scope.department'];
    const chosenDepartment = department.value;
    department.replaceChildren(...[['', t().goalScopeCompany], ...ctx.departments().map((d) => [d.id, d.name[ctx.lang()]])]
      .map(([id, label]) => {
        const option = el('option', label);
        option.value = id;
        return option;
      }));
    department.value = chosenDepartment;
  }

  function clearFieldErrors() {
    for (const node of document.querySelectorAll('#goal-form [data-field-error]')) {
      node.textContent = '';
      node.hidden = true;
    }
    for (const input of goalForm().querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    message('goal-form-message', '');
  }

  function showFieldError(error) {
    const { field, text } = fieldError(error.message);
    const slot = field && document.querySelector(`#goal-form [data-field-error="${CSS.escape(field)}"]`);
    if (error.code === 'INVALID_ARGUMENT' && slot) {
      slot.textContent = text;
      slot.hidden = false;
      const input = goalForm().elements[field];
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      }
      return;
    }
    message('goal-form-message', ctx.errorText(error), true);
  }

  // The form's values as POST /api/goals wants them; empty numbers are left
  // out so the gateway says which one is missing.
  function goalBody() {
    const f = goalForm().elements;
    const text = (name) => f[name].value.trim();
    const number = (name) => (text(name) === '' ? undefined : Number(text(name)));
    const scope = {};
    for (const key of ['product', 'region', 'department', 'topic']) if (text(`scope.${key}`)) scope[key] = text(`scope.${key}`);
    const projects = text('scope.projects').split(/[,，\s]+/).filter(Boolean);
    if (projects.length) scope.projects = projects.map((p) => (p.startsWith('projects/') ? p : `projects/${p}`));
    const body = {
      title: text('title'), metric: f.metric.value, scope, baseline: number('baseline'), target: number('target'),
      start_day: text('start_day'), deadline_day: text('deadline_day'), window_days: number('window_days'),
      request_id: `goal-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`,
    };
    return JSON.parse(JSON.stringify(body)); // drops the undefined numbers
  }

  async function submitGoal(event) {
    event.preventDefault();
    clearFieldErrors();
    const button = $('goal-submit');
    button.disabled = true;
    try {
      const answer = await ctx.api('/api/goals', { method: 'POST', body: JSON.stringify(goalBody()) });
      goalForm().reset();
      renderForm();
      state.goalId = answer.goal.id;
      await loadGoals();
      await loadHistory(answer.goal.id);
      renderGoals();
      renderTrajectory();
      // Said once the new goal is listed and drawn.
      message('goal-form-message', t().goalCreated);
    } catch (error) {
      showFieldError(error);
    } finally {
      button.disabled = false;
    }
  }

  // ---- outcomes

  const verificationState = (s) => t().verificationStates[s] || s;

  function outcomesTable(verifications, names) {
    return {
      headers: [t().colProject, t().colTopic, t().colBeforeShare, t().colAfterShare, t().colP, t().colVerificationState,
        t().colChecked],
      rows: verifications.map((v) => [v.project, ctx.topicLabel(v.topic, names), pct(v.before_share), pct(v.after_share), v.p_value,
        verificationState(v.state), v.check_time ? v.check_time.slice(0, 10) : null]),
      // The page shows "before → after" in one cell; the CSV keeps both numbers.
      shownHeaders: [t().colProject, t().colTopic, t().colBeforeAfter, t().colP, t().colVerificationState, t().colChecked],
      show: (row) => [row[0], row[1], `${fixed(row[2])}% → ${fixed(row[3])}%`, formatPValue(row[4]), row[5], row[6] || '—'],
    };
  }

  function renderOutcomes() {
    const v = state.outcomes;
    const counts = ['verified', 'failed', 'reopened'];
    if (!v || v.error) {
      clearTable('outcomes');
      for (const k of counts) $(`outcome-${k}`).textContent = '—';
      for (const node of document.querySelectorAll('#resurvey dd')) node.textContent = '—';
      message('outcomes-message', v ? ctx.errorText(v.error) : t().loading, Boolean(v));
      return;
    }
    const data = v.data;
    for (const k of counts) $(`outcome-${k}`).textContent = String(data[k]);
    fillTable('outcomes', outcomesTable(data.verifications, data.topic_names));
    message('outcomes-message', data.verifications.length ? '' : t().outcomesEmpty);
    const r = data.resurveys;
    const answered = r.answered > 0;
    const values = {
      answered: r.answered, unanswered: r.unanswered,
      // Below the service's minimum of answers the NPS is not given (as every NPS).
      original: r.nps_shown ? fixed(r.original_nps) : '—', answer: r.nps_shown ? fixed(r.answer_nps) : '—',
      change: answered ? `${r.mean_nps_change >= 0 ? '+' : ''}${fixed(r.mean_nps_change, 2)}` : '—',
      promoters: r.now_promoters, passives: r.now_passives, detractors: r.still_detractors,
    };
    for (const [k, value] of Object.entries(values)) $(`resurvey-${k}`).textContent = String(value);
  }

  // ---- the digest archive

  function scopeName(department) {
    return department ? ctx.departmentName(department) : t().digestCompany;
  }

  function renderDigestList() {
    const v = state.digests;
    const list = $('digest-weeks');
    if (!v || v.error) {
      list.replaceChildren();
      message('digests-message', v ? ctx.errorText(v.error) : t().loading, Boolean(v));
      return;
    }
    list.replaceChildren(...v.data.digests.map((d) => {
      const li = el('li');
      const button = el('button', `${d.week_start} – ${d.week_end} · ${scopeName(d.department)}`, 'link');
      button.type = 'button';
      button.dataset.digest = d.name;
      button.classList.toggle('selected', d.name === state.digestName);
      button.setAttribute('aria-pressed', String(d.name === state.digestName));
      button.addEventListener('click', async () => {
        await loadDigest(d);
        renderDigestList();
        renderDigest();
      });
      li.append(button);
      return li;
    }));
    message('digests-message', v.data.digests.length ? '' : t().digestsEmpty);
  }

  function renderDigest() {
    const v = state.digest;
    const box = $('digest');
    const parts = ['digest-wins', 'digest-outreach', 'digest-goals', 'digest-rising', 'digest-signals', 'digest-sla'];
    if (!v || v.error) {
      box.hidden = !v;
      $('digest-subject').textContent = '';
      $('digest-body').textContent = v ? ctx.errorText(v.error) : '';
      $('digest-lesson').textContent = '';
      for (const p of parts) clearTable(p);
      return;
    }
    const d = v.data.digest;
    const topic = (id) => ctx.topicLabel(id, v.data.topic_names);
    const zh = ctx.lang() === 'zh';
    box.hidden = false;
    box.dataset.digest = d.name;
    $('digest-subject').textContent = zh ? d.subject_zh : d.subject_en;
    $('digest-body').textContent = zh ? d.body_zh : d.body_en;
    $('digest-lesson').textContent = d.lesson
      ? format(t().digestLessonLine, { title: d.lesson.title, resolution: d.lesson.resolution }) : '';
    const plain = (row) => row.map((x) => (x === null || x === undefined ? '—' : x));
    fillTable('digest-wins', {
      headers: [t().colProjectTitle, t().colProject, t().colTopic, t().colBeforeShare, t().colAfterShare, t().colP],
      rows: d.wins.map((w) => [w.title, w.project, topic(w.topic), pct(w.before_share), pct(w.after_share), w.p_value]),
      show: (row) => [row[0], row[1], row[2], `${fixed(row[3])}%`, `${fixed(row[4])}%`, formatPValue(row[5])],
    });
    // Issue 13: campaigns whose verdict landed in the week.
    const points = (x) => fixed(pct(x));
    fillTable('digest-outreach', {
      headers: [t().colCampaign, t().colCampaignId, t().colTopic, t().colSegment, t().colContactedRate, t().colHeldOutRate,
        t().colDifferenceCi, t().colP, t().colVerdict],
      rows: (d.outreach || []).map((o) => [o.title, o.campaign, topic(o.topic), o.segment_size,
        pct(o.contacted_complaint_rate), pct(o.held_out_complaint_rate), pct(o.difference), o.p_value, o.verdict]),
      show: (row, i) => {
        const o = d.outreach[i];
        return [row[0], row[1], row[2], `${row[3]}`, `${fixed(row[4])}% (${o.contacted})`, `${fixed(row[5])}% (${o.held_out})`,
          `${fixed(row[6])} (${points(o.ci_low)} … ${points(o.ci_high)})`, formatPValue(row[7]),
          t()[`verdict_${row[8]}`] || row[8]];
      },
    });
    fillTable('digest-goals', {
      headers: [t().colGoal, t().colStatus, t().colLatest, t().colTarget, t().colDeadline],
      rows: d.goals.map((g) => [g.title, statusName(g.status), round(g.value, 2), g.target, g.deadline_day]),
      show: (row, i) => [row[0], badge(d.goals[i].status), ...plain(row.slice(2))],
    });
    fillTable('digest-rising', {
      headers: [t().colTopic, t().colCount, t().colPrevious, t().colShare, t().colPrevShare, t().colP],
      rows: d.rising_topics.map((x) => [topic(x.topic), x.count, x.previous_count, pct(x.share), pct(x.previous_share), x.p_value]),
      show: (row) => [row[0], row[1], row[2], `${fixed(row[3])}%`, `${fixed(row[4])}%`, formatPValue(row[5])],
    });
    fillTable('digest-signals', {
      headers: [t().signalTerms, t().colCount, t().signalExpected],
      rows: d.signals.map((s) => [s.terms.join(' + '), s.count, round(s.expected, 2)]),
      show: plain,
    });
    const s = d.sla;
    fillTable('digest-sla', {
      headers: [t().colFrDue, t().colFrMet, t().colResDue, t().colResMet, t().colBreaches, t().colOpen, t().kpiHotLoop],
      rows: [[s.first_response_due, s.first_response_met, s.resolution_due, s.resolution_met, s.breaches, s.open_cases,
        pct(s.hot_loop_rate)]],
      show: (row) => [...row.slice(0, 6), percent(s.hot_loop_rate)],
    });
  }

  // ---- the whole part

  function render() {
    if (!state.built) return;
    renderForm();
    renderGoals();
    renderTrajectory();
    renderOutcomes();
    renderDigestList();
    renderDigest();
  }

  function build() {
    if (state.built) return;
    state.built = true;
    for (const name of TABLES) $(`csv-${name}`).addEventListener('click', () => download(name));
    goalForm().addEventListener('submit', submitGoal);
    $('goals-archived').addEventListener('change', async (e) => {
      state.showArchived = e.target.checked;
      await loadGoals();
      renderGoals();
    });
    goalForm().addEventListener('input', (e) => {
      const slot = document.querySelector(`#goal-form [data-field-error="${CSS.escape(e.target.name || '')}"]`);
      if (slot) { slot.textContent = ''; slot.hidden = true; }
      e.target.removeAttribute('aria-invalid');
    });
  }

  return {
    build,
    load,
    render,
    resize() { if (state.chart) state.chart.resize(); },
    reset() {
      Object.assign(state, { goals: null, goalId: null, showArchived: false, history: null, outcomes: null, digests: null, digestName: null,
        digest: null });
      if (state.chart) state.chart.clear();
      if (state.built) {
        for (const name of TABLES) clearTable(name);
        goalForm().reset();
        $('goals-archived').checked = false;
        clearFieldErrors();
      }
    },
  };
}
