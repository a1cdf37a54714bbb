// Issue 13: the Root cause view. Reached from a cluster card, a weak signal
// or a topic on Insights (#rootcause?cluster=7, #rootcause?signal=异响,
// #rootcause?topic=logistics); asks the gateway's /api/rootcause, which asks
// triage's RootCauseService (the attribute values of the records the
// feedback links to, over-represented against the window's other negative
// feedback) and shows the evidence: attribute, value, target count / n,
// baseline count / n, lift, G², q-value, and the example feedback, each
// opening its text (/api/feedback/{id}). With an exposure (store-days by
// visitors, vehicles), the groups whose complaint rate is high.
// A finding of an entity's attribute starts an outreach campaign to the
// customers it reaches (campaign_form.js), and so does the view's source.
// Values are put into the page with textContent only.
import { format, formatPValue } from './i18n.js';
import { $, el } from './dom.js';
import { findingEntity } from './campaign_form.js';

// The query of a #rootcause?... hash: {cluster|signal|topic, exposure?}.
export function rootCauseParams(hash) {
  const m = /^#?rootcause\?(.*)$/.exec(hash || '');
  if (!m) return null;
  const params = new URLSearchParams(m[1]);
  const out = {};
  for (const key of ['cluster', 'signal', 'topic', 'exposure', 'exposure_attribute', 'days']) {
    if (params.get(key)) out[key] = params.get(key);
  }
  return out.cluster || out.signal || out.topic ? out : null;
}

export function rootCauseHash(params) {
  return `#rootcause?${new URLSearchParams(params)}`;
}

// The exposures the view offers (config/entities.yaml's demo entities).
const EXPOSURES = [
  { value: '', key: 'rcExposureNone' },
  { value: 'vehicle', key: 'rcExposureVehicle' },
  { value: 'store_day:visitors', key: 'rcExposureStoreDay' },
];

export function createRootCause(ctx) {
  let params = null;
  let data = null;
  let feedback = null; // {id, text} | {id, error}

  function sourceText() {
    const t = ctx.t();
    if (!params) return '';
    if (params.cluster) return format(t.rcFromCluster, { id: params.cluster });
    if (params.signal) return format(t.rcFromSignal, { terms: params.signal.split(',').join(' + ') });
    return format(t.rcFromTopic, { topic: ctx.topicLabel(params.topic) });
  }

  function exampleButtons(ids) {
    const cell = el('td', undefined, 'examples');
    for (const id of ids || []) {
      const b = el('button', id, 'link example');
      b.type = 'button';
      b.dataset.feedbackId = id;
      b.addEventListener('click', () => openFeedback(id));
      cell.append(b);
    }
    return cell;
  }

  function findingRow(f) {
    const tr = el('tr');
    tr.dataset.attribute = f.attribute;
    tr.dataset.value = f.value;
    tr.append(
      el('td', f.attribute, 'attribute'),
      el('td', f.value, 'value'),
      el('td', `${f.target_count}/${f.target_size}`, 'num target'),
      el('td', `${f.baseline_count}/${f.baseline_size}`, 'num baseline'),
      el('td', Number(f.lift).toFixed(2), 'num lift'),
      el('td', Number(f.g2).toFixed(1), 'num g2'),
      el('td', formatPValue(f.q_value), 'num q'),
      exampleButtons(f.example_feedback_ids),
      campaignCell(f),
    );
    return tr;
  }

  // Issue 13: "Start a campaign" to the customers of the finding's records.
  function campaignCell(f) {
    const cell = el('td');
    if (findingEntity(f.attribute) && data && data.source) {
      const b = el('button', ctx.t().cfStart);
      b.type = 'button';
      b.dataset.testid = 'rc-start-campaign';
      b.addEventListener('click', () => ctx.startCampaign(data.source, f));
      cell.append(b);
    }
    return cell;
  }

  function rateRow(r) {
    const tr = el('tr');
    tr.dataset.group = r.group;
    const ratio = r.rate_ratio > 0 ? Number(r.rate_ratio).toFixed(2) : '∞';
    tr.append(
      el('td', r.group, 'group'),
      el('td', `${r.events}/${Number(r.exposure)}`, 'num'),
      el('td', `${r.other_events}/${Number(r.other_exposure)}`, 'num'),
      el('td', ratio, 'num'),
      el('td', formatPValue(r.q_value), 'num q'),
      exampleButtons(r.example_feedback_ids),
    );
    return tr;
  }

  function render() {
    const t = ctx.t();
    $('rc-source').textContent = sourceText();
    const select = $('rc-exposure');
    const current = params ? [params.exposure || '', params.exposure_attribute || ''].filter(Boolean).join(':') : '';
    select.replaceChildren(...EXPOSURES.map((x) => {
      const o = el('option', t[x.key]);
      o.value = x.value;
      return o;
    }));
    select.value = current;
    const rows = data && data.findings ? data.findings.map(findingRow) : [];
    $('rc-rows').replaceChildren(...rows);
    const rates = data && data.rates ? data.rates.map(rateRow) : [];
    $('rc-rate-rows').replaceChildren(...rates);
    $('rc-rates').hidden = !(data && data.exposure_entity);
    if (!params) {
      panel(t.rcNoSource);
    } else if (!data) {
      panel(t.loading);
    } else if (data.error) {
      panel(ctx.errorText(data.error), true);
    } else {
      $('rc-summary').textContent = format(t.rcSummary, {
        n: data.target_size, b: data.baseline_size, j: data.target_joined, m: data.tested, days: data.days,
      });
      panel(rows.length ? '' : t.rcEmpty);
    }
    if (!data || data.error) $('rc-summary').textContent = '';
    $('rc-campaign').hidden = !(data && data.source);
    $('rc-rates-message').textContent = data && data.exposure_entity && !rates.length ? t.rcRatesEmpty : '';
    const box = $('rc-feedback');
    box.hidden = !feedback;
    if (feedback) {
      $('rc-feedback-id').textContent = feedback.id;
      $('rc-feedback-text').textContent = feedback.error ? ctx.errorText(feedback.error) : feedback.text;
    }
  }

  function panel(text, isError = false) {
    const node = $('rc-message');
    node.textContent = text;
    node.hidden = !text;
    node.classList.toggle('error', isError);
  }

  async function openFeedback(id) {
    feedback = { id, text: ctx.t().loading };
    render();
    try {
      const body = await ctx.api(`/api/feedback/${encodeURIComponent(id)}`);
      feedback = { id, text: body.feedback.text };
    } catch (error) {
      feedback = { id, error };
    }
    render();
  }

  async function load() {
    data = null;
    feedback = null;
    render();
    if (!params) return;
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) query.set(k, v);
    try {
      data = await ctx.api(`/api/rootcause?${query}`);
    } catch (error) {
      data = { error };
    }
    render();
  }

  function start() {
    $('rc-campaign').addEventListener('click', () => { if (data && data.source) ctx.startCampaign(data.source, null); });
    $('rc-exposure').addEventListener('change', (e) => {
      if (!params) return;
      const [entity, attribute] = e.target.value.split(':');
      const next = { ...params };
      delete next.exposure;
      delete next.exposure_attribute;
      if (entity) next.exposure = entity;
      if (attribute) next.exposure_attribute = attribute;
      location.hash = rootCauseHash(next);
    });
  }

  return {
    start,
    render,
    show(hash) {
      params = rootCauseParams(hash);
      ctx.closeCampaign();
      load();
    },
  };
}
