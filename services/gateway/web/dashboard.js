// The Dashboard view (issue 12): whether the loop works, drawn with Apache
// ECharts (bundled at build time and served under /vendor/; no CDN) from the
// gateway's report routes: /api/reports/voice (triage's volume, sentiment and
// NPS trend), /api/reports/topics (top topics by volume or growth) and
// /api/reports/loop (tracking's SLA compliance, backlog and hot loop). Every
// chart has a table beside it, built from the same answer, which downloads
// as CSV. A click on a topic bar lists the feedback behind it (that topic's,
// in the range and the channel, product and region filters); a click on a
// department bar opens that department's worklist (Cases); a click on a
// backlog bar, the worklist of the open cases opened in that age range.
// Beside them, triage's weak signals of the Dashboard's department.
// Below the charts, the programme (programme.js): goals, outcomes and the
// digest archive, from verification, for the same date range and department.
// Values from the server go into the page with textContent only; ECharts
// draws on a canvas.
import { format, formatDuration, formatPValue } from './i18n.js';
import { createTables } from './tables.js';
import { createProgramme } from './programme.js';
import { createFeedbackList } from './feedback_list.js';
import { $, el } from './dom.js';

const DEFAULT_RANGE_DAYS = 90;
const CHANNELS = ['nps_survey', 'social', 'call_center', 'review', 'app_review', 'email', 'chat'];
const KINDS = ['detractor_callback', 'red_line', 'complaint'];
const CHARTS = ['volume', 'nps', 'topics', 'sla', 'backlog'];
const COLORS = { total: '#2855c5', negative: '#c62828', nps: '#1e6b34', band: 'rgba(30, 107, 52, 0.18)', second: '#f2a33a' };

// "YYYY-MM-DD" of a local date (the person's calendar day).
function isoDay(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function defaultRange(today = new Date()) {
  const start = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (DEFAULT_RANGE_DAYS - 1));
  return { start: isoDay(start), end: isoDay(today) };
}

// The default range ending on report day `day` ("YYYY-MM-DD", /api/clock's
// report_day: today in the report time zone, on the services' clock), so
// the range is the one the figures count in, whatever the browser's zone.
export function rangeEnding(day) {
  const end = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(end.getTime())) return defaultRange();
  const start = new Date(end.getTime() - (DEFAULT_RANGE_DAYS - 1) * 86400000);
  return { start: start.toISOString().slice(0, 10), end: day };
}

const percent = (share) => (share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`);
const fixed = (value, digits = 1) => (value === null || value === undefined ? '—' : Number(value).toFixed(digits));
// For CSV: a share as a percentage number with one decimal (Excel sorts it).
const pct = (share) => (share === null || share === undefined ? null : Math.round(share * 1000) / 10);
const round = (value, digits = 2) => (value === null || value === undefined ? null : Number(Number(value).toFixed(digits)));

// Issue 12: the local days a backlog bar's cases were opened on. A bucket
// holds the cases not resolved by the report's end (as_of_day) whose age in
// whole days (as_of_day - the day opened) lies in [min, max]; the report
// counts only cases opened in its range, so the days are cut to it.
// {from, to} ("YYYY-MM-DD", both included), or null when none can be.
const BACKLOG_AGES = { '<1d': [0, 0], '1-3d': [1, 2], '3-7d': [3, 6], '7-30d': [7, 29], '>=30d': [30, Infinity] };
const dayOf = (iso) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86400000;
const isoOf = (day) => new Date(day * 86400000).toISOString().slice(0, 10);
export function backlogWindow(label, asOfDay, start, end) {
  const ages = BACKLOG_AGES[label];
  if (!ages || !asOfDay) return null;
  const asOf = dayOf(asOfDay);
  const from = Math.max(dayOf(start), asOf - ages[1]);
  const to = Math.min(dayOf(end), asOf - ages[0]);
  return from <= to ? { from: isoOf(from), to: isoOf(to) } : null;
}

// The SLA figures of each department, its case kinds added up.
export function complianceByDepartment(rows) {
  const by = new Map();
  for (const r of rows) {
    const d = by.get(r.department) || { department: r.department, frDue: 0, frMet: 0, resDue: 0, resMet: 0 };
    d.frDue += r.first_response.due;
    d.frMet += r.first_response.met;
    d.resDue += r.resolution.due;
    d.resMet += r.resolution.met;
    by.set(r.department, d);
  }
  return [...by.values()].map((d) => ({
    ...d, frShare: d.frDue ? d.frMet / d.frDue : 0, resShare: d.resDue ? d.resMet / d.resDue : 0,
  }));
}

export function createDashboard(ctx) {
  // ctx: { api, t, lang, departments, session, departmentName, topicLabel, openCases, openTopic }
  const range = defaultRange();
  const dash = {
    filters: { start: range.start, end: range.end, department: null, channel: '', product: '', region: '',
      granularity: 'day', kind: '' },
    order: 'volume',
    negativeOnly: true,
    voice: null, // {data} | {error}
    topics: null,
    loop: null,
    signals: null, // issue 12: {data} | {error}
    reportDay: '', // /api/clock's report_day
    seq: { voice: 0, topics: 0, loop: 0, signals: 0 },
    charts: {},
    built: false,
    rangeFromServices: false, // the default range was set from /api/clock
  };

  const t = () => ctx.t();
  // Issue 12: goals, outcomes and the digest archive, for these filters.
  const programme = createProgramme({ ...ctx, filters: () => dash.filters });
  // Issue 12: the feedback behind a trend point (feedback_list.js).
  // Topic names come with the topics report (a topic bar's feedback).
  const feedbackList = createFeedbackList({ ...ctx,
    topicLabel: (id) => ctx.topicLabel(id, dash.topics && dash.topics.data && dash.topics.data.topic_names) });
  // A click on a volume / sentiment / NPS point: that day's or week's
  // feedback, in the Dashboard's slice.
  function openPointFeedback(index) {
    const points = dash.voice && dash.voice.data && dash.voice.data.points;
    const point = points && points[index];
    if (!point) return;
    const f = dash.filters;
    feedbackList.open({ start: point.period_start < f.start ? f.start : point.period_start, end: point.period_end,
      department: f.department, channel: f.channel, product: f.product, region: f.region });
  }
  // A click on a topic bar: the feedback it counts (its negative feedback
  // when the ranking is of complaints). The topic names its department, and
  // a voice filter takes one of topic, department and store.
  function openTopicFeedback(topic) {
    const f = dash.filters;
    feedbackList.open({ start: f.start, end: f.end, topic, channel: f.channel, product: f.product, region: f.region,
      sentiment: dash.negativeOnly ? 'negative' : '' });
  }
  // Issue 12: a click on a backlog bar: the worklist of the open cases of
  // the Dashboard's department (or all) and kind opened in that age range.
  function openBacklogCases(index) {
    const data = dash.loop && dash.loop.data;
    const bucket = data && data.backlog[index];
    if (!bucket) return;
    const f = dash.filters;
    const days = backlogWindow(bucket.label, data.as_of_day, f.start, f.end);
    if (!days) return;
    ctx.openBacklogCases({ department: f.department || '', kind: f.kind || '', label: bucket.label,
      openedFrom: days.from, openedTo: days.to });
  }
  const hasCharts = () => typeof window.echarts !== 'undefined';
  const seesEveryDepartment = () => {
    const roles = (ctx.session() && ctx.session().roles) || [];
    return roles.includes('analyst') || roles.includes('executive') || roles.includes('admin');
  };

  // ---- filters

  function options(select, entries, value) {
    select.replaceChildren(...entries.map(([v, label]) => {
      const option = el('option', label);
      option.value = v;
      return option;
    }));
    select.value = value;
  }

  // `inputs`: also write the typed fields (dates, product, region) from the
  // filters. Only when the view is shown: a re-render after an answer must
  // not undo what the person is typing (the answer may come back while a
  // field is being edited, before its change event).
  function renderFilters({ inputs = true } = {}) {
    const f = dash.filters;
    if (inputs) {
      $('dash-start').value = f.start;
      $('dash-end').value = f.end;
    }
    const departments = ctx.departments().map((d) => [d.id, d.name[ctx.lang()]]);
    // Only those who read every department may ask for all of them at once.
    if (seesEveryDepartment()) departments.unshift(['', t().dashAllDepartments]);
    if (f.department === null || !departments.some(([id]) => id === f.department)) {
      f.department = departments.length ? departments[0][0] : '';
    }
    options($('dash-department'), departments, f.department);
    options($('dash-channel'), [['', t().dashAllChannels], ...CHANNELS.map((c) => [c, t().channels[c]])], f.channel);
    if (inputs) {
      $('dash-product').value = f.product;
      $('dash-region').value = f.region;
    }
    options($('dash-granularity'), [['day', t().granularityDay], ['week', t().granularityWeek]], f.granularity);
    options($('dash-kind'), [['', t().dashAllKinds], ...KINDS.map((k) => [k, t().kinds[k]])], f.kind);
    options($('dash-order'), [['volume', t().orderVolume], ['growth', t().orderGrowth]], dash.order);
    $('dash-negative-only').checked = dash.negativeOnly;
  }

  function readFilters() {
    const f = dash.filters;
    f.start = $('dash-start').value;
    f.end = $('dash-end').value;
    f.department = $('dash-department').value;
    f.channel = $('dash-channel').value;
    f.product = $('dash-product').value.trim();
    f.region = $('dash-region').value.trim();
    f.granularity = $('dash-granularity').value;
    f.kind = $('dash-kind').value;
  }

  function voiceParams(extra = {}) {
    const f = dash.filters;
    const params = new URLSearchParams({ start: f.start, end: f.end });
    for (const key of ['department', 'channel', 'product', 'region']) if (f[key]) params.set(key, f[key]);
    for (const [k, v] of Object.entries(extra)) params.set(k, v);
    return params;
  }

  // ---- loading: each answer is kept only when it is the latest asked for.

  async function fetchInto(key, path) {
    const seq = ++dash.seq[key];
    let result;
    try {
      result = { data: await ctx.api(path) };
    } catch (error) {
      result = { error };
    }
    if (seq !== dash.seq[key]) return;
    dash[key] = result;
  }

  function loadVoice() {
    return fetchInto('voice', `/api/reports/voice?${voiceParams({ granularity: dash.filters.granularity })}`);
  }
  function loadTopics() {
    const extra = { order: dash.order, page_size: '10' };
    if (dash.negativeOnly) extra.negative_only = '1';
    return fetchInto('topics', `/api/reports/topics?${voiceParams(extra)}`);
  }
  // Issue 12: triage's weak signals, narrowed to the Dashboard's department
  // (the signals whose feedback is on its topics). Triage counts them per
  // UTC day: those of the range's last day, or of today when it ends today.
  function loadSignals() {
    const f = dash.filters;
    const params = new URLSearchParams();
    if (f.department) params.set('department', f.department);
    if (dash.reportDay && f.end < dash.reportDay) params.set('day', f.end);
    return fetchInto('signals', `/api/signals?${params}`);
  }
  function loadLoop() {
    const f = dash.filters;
    const params = new URLSearchParams({ start: f.start, end: f.end });
    if (f.department) params.set('department', f.department);
    if (f.kind) params.set('kind', f.kind);
    return fetchInto('loop', `/api/reports/loop?${params}`);
  }

  async function load(which = ['voice', 'topics', 'loop', 'signals', 'programme']) {
    const view = $('view-dashboard');
    view.dataset.state = 'loading';
    const loaders = { voice: loadVoice, topics: loadTopics, loop: loadLoop, signals: loadSignals, programme: programme.load };
    await Promise.all(which.map((k) => loaders[k]()));
    render();
    view.dataset.state = 'ready';
  }

  // ---- charts

  function chart(name) {
    if (!hasCharts()) return null;
    const node = $(`chart-${name}`);
    if (!dash.charts[name]) {
      dash.charts[name] = window.echarts.init(node, null, { renderer: 'canvas' });
      if (name === 'topics') {
        dash.charts[name].on('click', (p) => { if (p.data && p.data.topic) openTopicFeedback(p.data.topic); });
      }
      if (name === 'volume' || name === 'nps') {
        dash.charts[name].on('click', (p) => { if (p.componentType === 'series') openPointFeedback(p.dataIndex); });
      }
      if (name === 'sla') {
        dash.charts[name].on('click', (p) => { if (p.data && p.data.department) ctx.openCases(p.data.department); });
      }
      if (name === 'backlog') {
        dash.charts[name].on('click', (p) => { if (p.componentType === 'series') openBacklogCases(p.dataIndex); });
      }
    }
    return dash.charts[name];
  }

  function draw(name, option) {
    const c = chart(name);
    if (!c) return;
    // No animation: the figures are there as soon as the answer is, for
    // people and for the browser test alike.
    c.setOption({ animation: false, textStyle: { fontFamily: 'system-ui, "PingFang SC", "Microsoft YaHei", sans-serif' },
      tooltip: { trigger: 'axis' }, grid: { left: 56, right: 56, top: 40, bottom: 40, containLabel: true }, ...option }, true);
  }

  function drawVoice(points) {
    draw('volume', {
      legend: { top: 0 },
      xAxis: { type: 'category', data: points.map((p) => p.period_start) },
      yAxis: [{ type: 'value', name: t().seriesTotal, minInterval: 1 },
        { type: 'value', name: t().seriesNegativeShare, min: 0, max: 100, axisLabel: { formatter: '{value}%' } }],
      series: [
        { name: t().seriesTotal, type: 'bar', data: points.map((p) => p.total), itemStyle: { color: COLORS.total } },
        { name: t().seriesNegativeShare, type: 'line', yAxisIndex: 1, data: points.map((p) => pct(p.negative_share)),
          itemStyle: { color: COLORS.negative }, symbolSize: 5 },
      ],
    });
    // The band: an invisible line at the interval's low end and, stacked on
    // it, the interval's width as an area. Periods whose NPS is not shown
    // are gaps, never zeros.
    const shown = (p) => p.nps.shown;
    draw('nps', {
      legend: { top: 0, data: [t().seriesNps, t().seriesCi] },
      xAxis: { type: 'category', data: points.map((p) => p.period_start) },
      yAxis: { type: 'value', min: -100, max: 100, name: 'NPS' },
      series: [
        // stackStrategy 'all': a negative low end and a positive width stack
        // on each other (ECharts' default stacks only values of one sign).
        { name: t().seriesCiLow, type: 'line', stack: 'ci', stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 },
          data: points.map((p) => (shown(p) ? round(p.nps.ci_low) : null)), tooltip: { show: false } },
        { name: t().seriesCi, type: 'line', stack: 'ci', stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 },
          areaStyle: { color: COLORS.band }, itemStyle: { color: COLORS.band },
          data: points.map((p) => (shown(p) ? round(p.nps.ci_high - p.nps.ci_low) : null)) },
        { name: t().seriesNps, type: 'line', itemStyle: { color: COLORS.nps }, connectNulls: false,
          data: points.map((p) => (shown(p) ? round(p.nps.nps, 1) : null)) },
      ],
    });
  }

  function drawTopics(data) {
    const growth = data.order === 'growth';
    // Largest on top: ECharts puts a category axis's first entry at the bottom.
    const topics = [...data.topics].reverse();
    draw('topics', {
      tooltip: { trigger: 'item' },
      xAxis: { type: 'value', name: growth ? t().topicsGrowthAxis : t().topicsVolumeAxis },
      yAxis: { type: 'category', data: topics.map((x) => ctx.topicLabel(x.topic, data.topic_names)) },
      series: [{
        name: growth ? t().topicsGrowthAxis : t().topicsVolumeAxis, type: 'bar', cursor: 'pointer',
        data: topics.map((x) => ({ value: growth ? round(x.z) : x.count, topic: x.topic,
          itemStyle: { color: x.significant_rise ? COLORS.negative : COLORS.total } })),
      }],
    });
  }

  function drawLoop(data) {
    const departments = complianceByDepartment(data.rows);
    draw('sla', {
      legend: { top: 0 },
      xAxis: { type: 'category', data: departments.map((d) => ctx.departmentName(d.department)) },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        { name: t().seriesFirstResponse, type: 'bar', cursor: 'pointer', itemStyle: { color: COLORS.total },
          data: departments.map((d) => ({ value: pct(d.frShare), department: d.department })) },
        { name: t().seriesResolution, type: 'bar', cursor: 'pointer', itemStyle: { color: COLORS.second },
          data: departments.map((d) => ({ value: pct(d.resShare), department: d.department })) },
      ],
    });
    draw('backlog', {
      xAxis: { type: 'category', data: data.backlog.map((b) => t().backlogLabels[b.label] || b.label) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ name: t().seriesOpen, type: 'bar', cursor: 'pointer', data: data.backlog.map((b) => b.open),
        itemStyle: { color: COLORS.negative } }],
    });
  }

  // ---- tables (and their CSV: the same headers and rows)

  function volumeTable(points) {
    return {
      headers: [t().colPeriod, t().colPeriodEnd, t().colTotal, t().colNegative, t().colNeutral, t().colPositive,
        t().colNegativeShare, t().colIntensity],
      rows: points.map((p) => [p.period_start, p.period_end, p.total, p.negative, p.neutral, p.positive,
        pct(p.negative_share), round(p.mean_negative_intensity)]),
      show: (row) => [...row.slice(0, 6), percent(row[6] === null ? null : row[6] / 100), fixed(row[7], 2)],
    };
  }
  function npsTable(points) {
    return {
      headers: [t().colPeriod, t().colAnswers, t().colPromoters, t().colPassives, t().colDetractors, t().colNps,
        t().colCiLow, t().colCiHigh],
      rows: points.map((p) => [p.period_start, p.nps.answers, p.nps.promoters, p.nps.passives, p.nps.detractors,
        round(p.nps.nps, 1), round(p.nps.ci_low, 1), round(p.nps.ci_high, 1)]),
      show: (row) => row.map((v) => (v === null ? '—' : v)),
    };
  }
  function topicsTable(data) {
    return {
      headers: [t().colTopic, t().colTopicId, t().colDepartment, t().colCount, t().colPrevious, t().colShare,
        t().colPrevShare, t().colZ, t().colP, t().colRise],
      rows: data.topics.map((x) => [ctx.topicLabel(x.topic, data.topic_names), x.topic, ctx.departmentName(x.department),
        x.count, x.previous_count, pct(x.share), pct(x.previous_share), round(x.z), x.p_value,
        x.significant_rise ? t().yes : t().no]),
      show: (row) => [...row.slice(0, 5), `${fixed(row[5])}%`, `${fixed(row[6])}%`, fixed(row[7], 2),
        formatPValue(row[8]), row[9]],
    };
  }
  function slaTable(data) {
    const d = (ms) => (ms ? formatDuration(ms, ctx.lang()) : '—');
    return {
      headers: [t().colDepartment, t().colKind, t().colOpened, t().colResolved, t().colFrDue, t().colFrMet,
        t().colFrShare, t().colMtta, t().colResDue, t().colResMet, t().colResShare, t().colMttr, t().colBreaches,
        t().colEscalations],
      rows: data.rows.map((r) => [ctx.departmentName(r.department), t().kinds[r.kind] || r.kind, r.opened, r.resolved,
        r.first_response.due, r.first_response.met, pct(r.first_response.met_share), d(r.first_response.used.median_ms),
        r.resolution.due, r.resolution.met, pct(r.resolution.met_share), d(r.resolution.used.median_ms),
        r.breaches, r.escalations]),
      show: (row) => row.map((v, i) => (i === 6 || i === 10 ? `${fixed(v)}%` : v)),
    };
  }
  function signalsTable(data) {
    return {
      headers: [t().signalTerms, t().signalCount, t().signalExpected, t().signalP, t().signalFirstSeen, t().colDepartments],
      rows: data.signals.map((x) => [x.terms.join(' + '), x.count, round(x.expected), x.p_value,
        x.first_seen_time ? x.first_seen_time.slice(0, 10) : '',
        (x.departments || []).map((d) => ctx.departmentName(d)).join(ctx.lang() === 'zh' ? '、' : ', ')]),
      show: (row) => [row[0], row[1], fixed(row[2], 2), formatPValue(row[3]), row[4], row[5]],
    };
  }
  function backlogTable(data) {
    return {
      headers: [t().colAge, t().colOpen],
      rows: data.backlog.map((b) => [t().backlogLabels[b.label] || b.label, b.open]),
      show: (row) => row,
    };
  }

  const { fillTable, clearTable, download } = createTables((name) => {
    const f = dash.filters;
    return `voc-${name}-${f.start}_${f.end}.csv`;
  });

  // ---- rendering

  function message(name, text, isError = false) {
    const node = $(`dash-${name}-message`);
    node.textContent = text || '';
    node.hidden = !text;
    node.classList.toggle('error', isError);
  }

  function kpi(name, text) {
    $(`kpi-${name}`).textContent = text;
  }

  function renderVoice() {
    const v = dash.voice;
    if (!v || v.error) {
      clearTable('volume');
      clearTable('nps');
      for (const name of ['total', 'negative', 'nps']) kpi(name, '—');
      const text = v ? ctx.errorText(v.error) : t().loading;
      message('volume', text, Boolean(v));
      message('nps', text, Boolean(v));
      return;
    }
    const { points, total } = v.data;
    kpi('total', total.total.toLocaleString(ctx.lang() === 'zh' ? 'zh-CN' : 'en-GB'));
    kpi('negative', percent(total.negative_share));
    kpi('nps', total.nps.shown ? fixed(total.nps.nps) : '—');
    fillTable('volume', volumeTable(points));
    fillTable('nps', npsTable(points));
    drawVoice(points);
    message('volume', total.total ? '' : t().dashEmpty);
    const shownCount = points.filter((p) => p.nps.shown).length;
    const min = total.nps.min_answers || 30;
    if (!shownCount) message('nps', format(t().npsNoneShown, { n: min }));
    else if (shownCount < points.length) message('nps', format(t().npsSomeHidden, { n: min }));
    else message('nps', '');
  }

  function renderTopics() {
    const v = dash.topics;
    $('dash-order').value = dash.order;
    if (!v || v.error) {
      clearTable('topics');
      if (chart('topics')) chart('topics').clear();
      message('topics', v ? ctx.errorText(v.error) : t().loading, Boolean(v));
      $('dash-topics-note').textContent = '';
      return;
    }
    fillTable('topics', topicsTable(v.data));
    drawTopics(v.data);
    $('dash-topics-note').textContent = v.data.order === 'growth'
      ? format(t().topicsGrowthNote, { a: v.data.previous_start, b: v.data.previous_end }) : t().topicsHint;
    message('topics', v.data.topics.length ? '' : t().dashEmpty);
  }

  function renderLoop() {
    const v = dash.loop;
    if (!v || v.error) {
      clearTable('sla');
      clearTable('backlog');
      kpi('hotloop', '—');
      kpi('sla', '—');
      $('dash-hotloop').textContent = '';
      const text = v ? ctx.errorText(v.error) : t().loading;
      message('sla', text, Boolean(v));
      message('backlog', text, Boolean(v));
      return;
    }
    const data = v.data;
    const h = data.hot_loop;
    kpi('hotloop', h.detractor_cases ? percent(h.rate) : '—');
    const all = complianceByDepartment(data.rows).reduce((a, d) => ({ due: a.due + d.resDue, met: a.met + d.resMet }),
      { due: 0, met: 0 });
    kpi('sla', all.due ? percent(all.met / all.due) : '—');
    $('dash-hotloop').textContent = format(t().hotLoopFacts, {
      n: h.detractor_cases, c: h.called_back_within_24h, r: percent(h.rate), reached: h.reached,
      s: percent(h.reached_share), d: data.as_of_day,
    });
    fillTable('sla', slaTable(data));
    fillTable('backlog', backlogTable(data));
    drawLoop(data);
    message('sla', data.rows.length ? t().slaHint : t().dashEmpty);
    message('backlog', '');
  }

  function renderSignals() {
    const v = dash.signals;
    const department = dash.filters.department;
    $('dash-signals-scope').textContent = department
      ? format(t().dashSignalsDepartment, { d: ctx.departmentName(department) }) : t().dashSignalsCompany;
    if (!v || v.error) {
      clearTable('signals');
      const off = v && v.error && v.error.code === 'FAILED_PRECONDITION';
      message('signals', !v ? t().loading : (off ? t().signalsOff : ctx.errorText(v.error)), Boolean(v) && !off);
      return;
    }
    fillTable('signals', signalsTable(v.data));
    message('signals', v.data.signals.length ? '' : t().dashSignalsEmpty);
  }

  function render() {
    // Charts drawn into a hidden view would have no size; show() renders.
    if (!dash.built || $('view-dashboard').hidden) return;
    renderFilters({ inputs: false });
    $('dash-charts-message').hidden = hasCharts();
    renderVoice();
    renderTopics();
    renderLoop();
    renderSignals();
    programme.render();
    feedbackList.render();
  }

  function resize() {
    for (const name of CHARTS) if (dash.charts[name]) dash.charts[name].resize();
    programme.resize();
  }

  // Once, before the first figures: the default range ends on the report
  // day. Without an answer the browser's calendar stays.
  async function useReportDay() {
    if (dash.rangeFromServices) return;
    dash.rangeFromServices = true;
    try {
      const clock = await ctx.api('/api/clock');
      if (clock && clock.report_day) {
        dash.reportDay = clock.report_day;
        Object.assign(dash.filters, rangeEnding(clock.report_day));
      }
    } catch { /* the browser's calendar day */ }
  }

  function build() {
    if (dash.built) return;
    dash.built = true;
    const reload = () => { readFilters(); load(); };
    for (const id of ['dash-start', 'dash-end', 'dash-department', 'dash-channel', 'dash-product', 'dash-region', 'dash-kind']) {
      $(id).addEventListener('change', reload);
    }
    $('dash-granularity').addEventListener('change', () => { readFilters(); load(['voice']); });
    $('dash-order').addEventListener('change', (e) => { dash.order = e.target.value; load(['topics']); });
    $('dash-negative-only').addEventListener('change', (e) => { dash.negativeOnly = e.target.checked; load(['topics']); });
    for (const name of ['volume', 'nps', 'topics', 'sla', 'backlog', 'signals']) {
      $(`csv-${name}`).addEventListener('click', () => download(name));
    }
    window.addEventListener('resize', resize);
    programme.build();
  }

  return {
    // The view became visible: charts need their size, and the figures.
    async show() {
      build();
      await useReportDay();
      renderFilters();
      resize();
      return load();
    },
    // A language switch: the labels change, the figures do not.
    render,
    // A new session: nothing of the last person's figures stays.
    reset() {
      dash.voice = null;
      dash.topics = null;
      dash.loop = null;
      dash.signals = null;
      dash.filters.department = null;
      for (const name of CHARTS) if (dash.charts[name]) dash.charts[name].clear();
      if (dash.built) for (const name of [...CHARTS, 'signals']) clearTable(name);
      programme.reset();
      feedbackList.reset();
    },
  };
}
