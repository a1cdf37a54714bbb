// The feedback behind a Dashboard figure (issue 12): a click on a volume,
// sentiment or NPS trend point opens this panel with the point's day or
// week and the Dashboard's slice as the filter, and lists that feedback
// newest first from /api/reports/feedback (triage's ListVoiceFeedback).
// "More" asks for the next page; the CSV holds every row loaded so far
// (csv.js: UTF-8 with BOM). The service decides what the person may see
// and de-identifies the text for anyone but analysts and admins; the
// panel says so. Values from the server go in with textContent only.
import { format } from './i18n.js';
import { toCsv, downloadCsv } from './csv.js';
import { $, el } from './dom.js';

const PAGE_SIZE = 50;
const FILTER_KEYS = ['department', 'topic', 'channel', 'product', 'region', 'store', 'tier', 'sentiment', 'nps'];

// The query of one page of `filter` (start and end required).
export function feedbackParams(filter, pageToken = '') {
  const params = new URLSearchParams({ start: filter.start, end: filter.end, page_size: String(PAGE_SIZE) });
  for (const key of FILTER_KEYS) if (filter[key]) params.set(key, filter[key]);
  if (pageToken) params.set('page_token', pageToken);
  return params;
}

export function createFeedbackList(ctx) {
  // ctx: { api, t, lang, errorText, departmentName, topicLabel, openTopic }
  const list = { filter: null, rows: [], next: '', total: null, estimate: false, error: null, seq: 0 };
  const t = () => ctx.t();

  function filterText(filter) {
    const parts = [filter.start === filter.end ? filter.start : `${filter.start} – ${filter.end}`];
    if (filter.department) parts.push(ctx.departmentName ? ctx.departmentName(filter.department) : filter.department);
    if (filter.topic) parts.push(ctx.topicLabel ? ctx.topicLabel(filter.topic) : filter.topic);
    if (filter.channel) parts.push((t().channels || {})[filter.channel] || filter.channel);
    for (const key of ['product', 'region', 'store', 'tier']) if (filter[key]) parts.push(`${t()[`feedbackFilter_${key}`]}: ${filter[key]}`);
    if (filter.sentiment) parts.push(t().feedbackSentiments[filter.sentiment]);
    if (filter.nps) parts.push(t().feedbackNps[filter.nps]);
    return parts.join(' · ');
  }

  const headers = () => [t().feedbackColTime, t().feedbackColId, t().feedbackColChannel, t().feedbackColProduct,
    t().feedbackColRegion, t().feedbackColSentiment, t().feedbackColIntensity, t().feedbackColNps,
    t().feedbackColTopics, t().feedbackColPriority, t().feedbackColCluster, t().feedbackColText];

  function cells(r) {
    return [r.occurred_time || '', r.feedback_id, (t().channels || {})[r.channel] || r.channel, r.product, r.region,
      t().feedbackSentiments[r.sentiment] || r.sentiment, r.intensity, r.nps, r.topics.join(' '), r.priority,
      r.cluster_id, r.erased ? t().feedbackErased : r.text];
  }

  function render() {
    const panel = $('feedback-list');
    if (!panel || !list.filter) return;
    panel.hidden = false;
    $('feedback-list-filter').textContent = filterText(list.filter);
    const count = list.total === null ? '' : format(list.estimate ? t().feedbackTotalAtMost : t().feedbackTotal,
      { n: list.total, shown: list.rows.length });
    $('feedback-list-count').textContent = count;
    $('feedback-list-masked').hidden = !list.rows.some((r) => r.text_masked);
    // A topic's feedback: its similar-complaint clusters are one click on.
    $('feedback-list-clusters').hidden = !(list.filter.topic && ctx.openTopic);
    const message = $('feedback-list-message');
    message.hidden = !list.error && list.rows.length > 0;
    message.textContent = list.error ? (ctx.errorText ? ctx.errorText(list.error) : String(list.error.message))
      : t().feedbackEmpty;
    const head = el('tr');
    head.append(...headers().map((h) => el('th', h)));
    $('feedback-list-table').querySelector('thead').replaceChildren(head);
    $('feedback-list-table').querySelector('tbody').replaceChildren(...list.rows.map((r) => {
      const tr = el('tr');
      tr.dataset.feedbackId = r.feedback_id;
      tr.append(...cells(r).map((v) => el('td', v, typeof v === 'number' ? 'num' : '')));
      return tr;
    }));
    $('feedback-list-more').hidden = !list.next;
    $('feedback-list-csv').disabled = list.rows.length === 0;
    panel.dataset.state = 'ready';
  }

  async function loadPage(token) {
    const seq = ++list.seq;
    const filter = list.filter;
    $('feedback-list').dataset.state = 'loading';
    try {
      const data = await ctx.api(`/api/reports/feedback?${feedbackParams(filter, token)}`);
      if (seq !== list.seq) return;
      list.rows = token ? [...list.rows, ...data.rows] : data.rows;
      list.next = data.next_page_token || '';
      list.total = data.total;
      list.estimate = Boolean(data.total_is_estimate);
      list.error = null;
    } catch (error) {
      if (seq !== list.seq) return;
      list.error = error;
    }
    render();
  }

  function download() {
    const f = list.filter;
    downloadCsv(`voc-feedback-${f.start}_${f.end}.csv`, toCsv(headers(), list.rows.map(cells)));
  }

  let built = false;
  function build() {
    if (built) return;
    built = true;
    $('feedback-list-more').addEventListener('click', () => loadPage(list.next));
    $('feedback-list-csv').addEventListener('click', download);
    $('feedback-list-clusters').addEventListener('click', () => {
      if (list.filter && list.filter.topic && ctx.openTopic) ctx.openTopic(list.filter.topic);
    });
    $('feedback-list-close').addEventListener('click', () => {
      list.seq++;
      list.filter = null;
      $('feedback-list').hidden = true;
    });
  }

  return {
    // Lists the feedback of `filter` ({start, end, department, topic, channel, ...}).
    open(filter) {
      build();
      list.filter = { ...filter };
      list.rows = [];
      list.next = '';
      list.total = null;
      list.error = null;
      const panel = $('feedback-list');
      panel.hidden = false;
      if (panel.scrollIntoView) panel.scrollIntoView({ block: 'nearest' });
      return loadPage('');
    },
    // A language switch.
    render,
    // A new session: nothing of the last person's feedback stays.
    reset() {
      list.seq++;
      list.filter = null;
      list.rows = [];
      if ($('feedback-list')) $('feedback-list').hidden = true;
    },
  };
}
