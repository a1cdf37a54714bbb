// Issue 13: an outreach campaign started from the Root cause view. A finding
// ("vehicle.production_batch" = "B-2026-07" of the brake-squeal signal)
// prefills the segment (the owners of that batch, less those who complained
// on the topic lately) and the issue link; Preview asks voc-entities for the
// segment's size and a sample (POST /api/segments/preview, nothing saved);
// Save as draft saves the segment (POST /api/segments) and a DRAFT campaign
// on it (POST /api/campaigns); Submit sends the draft to its department's
// head (POST /api/campaigns/{id}/submit). voc-entities validates and decides
// who may: its INVALID_ARGUMENT names the field, shown beside that field.
// Values go into the page with textContent only.
import { format } from './i18n.js';
import { $, el } from './dom.js';
import { fieldError } from './programme.js';

const OPS = ['eq', 'ne', 'has'];
const ISSUE_KINDS = ['finding', 'signal', 'cluster', 'project'];
const CHANNELS = ['email', 'sms', 'app_push', 'wecom'];
const MAX_ISSUE_ID_BYTES = 200;
// A segment's or the create call's own field names, as the form names them.
const FIELD_ALIASES = {
  display_name: 'campaign.display_name',
  'query.where': 'query.where[0].attribute',
  'query.not_complained_topic': 'campaign.issue.topic',
};

// Cut to at most `max` UTF-8 bytes, on a character boundary.
export function cutBytes(text, max) {
  const encoder = new TextEncoder();
  let out = '';
  for (const ch of String(text)) {
    if (encoder.encode(out + ch).length > max) break;
    out += ch;
  }
  return out;
}

// Where a finding of the Root cause view can be written to: its attribute
// names a record of an entity ("vehicle.production_batch"), not the
// feedback's own field ("feedback.app_version").
export function findingEntity(attribute) {
  const dot = String(attribute || '').indexOf('.');
  if (dot <= 0) return null;
  const entity = attribute.slice(0, dot);
  return entity === 'feedback' ? null : { entity, attribute: attribute.slice(dot + 1) };
}

// The form's first values for a Root cause view's source ({kind: cluster |
// signal | topic, value}), a finding of it ({attribute, value}) or none, and
// the topic when the page knows it.
export function campaignPrefill(source, finding, topic = '') {
  const where = finding ? findingEntity(finding.attribute) : null;
  const sourceId = `${source.kind}:${source.value}`;
  let issue;
  if (finding) {
    issue = { kind: 'finding', id: cutBytes(`${sourceId} ${finding.attribute}=${finding.value}`, MAX_ISSUE_ID_BYTES) };
  } else if (source.kind === 'cluster' || source.kind === 'signal') {
    issue = { kind: source.kind, id: cutBytes(source.value, MAX_ISSUE_ID_BYTES) };
  } else {
    issue = { kind: 'finding', id: cutBytes(sourceId, MAX_ISSUE_ID_BYTES) };
  }
  return {
    entity: where ? where.entity : '',
    attribute: where ? where.attribute : '',
    op: 'eq',
    values: finding && where ? finding.value : '',
    issue: { ...issue, topic: source.kind === 'topic' ? source.value : topic },
  };
}

// "2026-12-08T10:00" (the browser's zone) -> RFC 3339 UTC, or "" when empty.
function localInputToIso(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

// A number field: left out when empty (voc-entities' default), a number when
// it is one, else as typed (the gateway then says which field is not one).
function numberField(text) {
  const v = String(text || '').trim();
  if (v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
}

export function createCampaignForm(ctx) {
  // ctx: { api, t, errorText, departments, department, showStatus, onChanged }
  const t = () => ctx.t();
  let opened = null; // {source, finding}
  let saved = null; // {key, segment}: reused while the segment's query is unchanged
  let draft = null; // the DRAFT campaign once created
  let preview = null; // {preview} | null

  const form = () => $('cf-form');
  const input = (name) => form().elements[name];
  const text = (name) => input(name).value.trim();

  function options(select, values, label) {
    const chosen = select.value;
    select.replaceChildren(...values.map((v) => {
      const o = el('option', label(v));
      o.value = v;
      return o;
    }));
    if (chosen && values.includes(chosen)) select.value = chosen;
  }

  function sourceText() {
    if (!opened) return '';
    const { source, finding } = opened;
    const sourceLabel = `${source.kind}:${source.value}`;
    return finding
      ? format(t().cfSourceFinding, { source: sourceLabel, attribute: finding.attribute, value: finding.value })
      : format(t().cfSourceOnly, { source: sourceLabel });
  }

  function render() {
    $('cf-box').hidden = !opened;
    if (!opened) return;
    options(input('query.where[0].op'), OPS, (o) => t().cfOps[o]);
    options(input('campaign.issue.kind'), ISSUE_KINDS, (k) => t().cfIssueKinds[k]);
    options(input('campaign.channel'), CHANNELS, (c) => t().campaignChannels[c]);
    const departments = ctx.departments();
    options(input('campaign.department'), departments.map((d) => d.id),
      (id) => (departments.find((d) => d.id === id) || { name: {} }).name[ctx.lang()] || id);
    $('cf-source').textContent = sourceText();
    $('cf-preview-result').hidden = !preview;
    if (preview) {
      const p = preview.preview;
      $('cf-preview-result').textContent = format(t().cfPreviewResult, {
        n: p.size, rows: p.rows_matched, x: p.excluded_complained,
        sample: p.sample && p.sample.length ? p.sample.join(', ') : t().cfPreviewNoSample,
      });
    }
    $('cf-submit').hidden = !(draft && draft.state === 'DRAFT');
    $('cf-create').disabled = Boolean(draft);
  }

  function message(textValue, isError = false) {
    const node = $('cf-message');
    node.textContent = textValue || '';
    node.hidden = !textValue;
    node.classList.toggle('error', isError);
  }

  function clearErrors() {
    for (const node of form().querySelectorAll('[data-field-error]')) {
      node.textContent = '';
      node.hidden = true;
    }
    for (const node of form().querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
    message('');
  }

  // The service's refusal: beside its field when it names one of the form's,
  // and always in the form's message line.
  function showError(error) {
    if (error.code === 'INVALID_ARGUMENT') {
      const { field, text: why } = fieldError(error.message);
      const name = FIELD_ALIASES[field] || field;
      const slot = name && form().querySelector(`[data-field-error="${CSS.escape(name)}"]`);
      if (slot) {
        slot.textContent = why;
        slot.hidden = false;
        const control = input(name);
        if (control) {
          control.setAttribute('aria-invalid', 'true');
          control.focus();
        }
      }
    }
    message(ctx.errorText(error), true);
  }

  function query() {
    const q = { entity: text('query.entity'), where: [] };
    if (text('query.where[0].attribute')) {
      q.where.push({
        attribute: text('query.where[0].attribute'),
        op: input('query.where[0].op').value,
        values: text('query.where[0].values').split(/[,，]/).map((v) => v.trim()).filter(Boolean),
      });
    }
    const topic = text('campaign.issue.topic');
    if (input('not_complained').checked && topic) {
      q.not_complained_topic = topic;
      const days = numberField(text('query.not_complained_days'));
      if (days !== undefined) q.not_complained_days = days;
    }
    return q;
  }

  function campaign(segmentId) {
    const body = {
      display_name: text('campaign.display_name'),
      department: input('campaign.department').value,
      issue: { kind: input('campaign.issue.kind').value, id: text('campaign.issue.id'), topic: text('campaign.issue.topic') },
      segment_id: segmentId,
      message: {
        subject_zh: text('campaign.message.subject_zh'), body_zh: input('campaign.message.body_zh').value.trim(),
        subject_en: text('campaign.message.subject_en'), body_en: input('campaign.message.body_en').value.trim(),
      },
      channel: input('campaign.channel').value,
      holdout_share: numberField(text('campaign.holdout_share')),
      effect_window_days: numberField(text('campaign.effect_window_days')),
    };
    const start = localInputToIso(input('campaign.start_time').value);
    if (start) body.start_time = start;
    return JSON.parse(JSON.stringify(body)); // drops what is left to voc-entities' defaults
  }

  async function runPreview() {
    clearErrors();
    message(t().cfPreviewing);
    try {
      preview = await ctx.api('/api/segments/preview', { method: 'POST', body: JSON.stringify({ query: query(), sample_size: 5 }) });
      message('');
    } catch (error) {
      preview = null;
      showError(error);
    }
    render();
  }

  async function create(event) {
    event.preventDefault();
    if (draft) return;
    clearErrors();
    const q = query();
    const name = text('campaign.display_name');
    const key = JSON.stringify({ name, q });
    try {
      if (!saved || saved.key !== key) {
        const answer = await ctx.api('/api/segments', { method: 'POST', body: JSON.stringify({ display_name: name, query: q }) });
        saved = { key, segment: answer.segment };
      }
      const answer = await ctx.api('/api/campaigns', { method: 'POST', body: JSON.stringify({ campaign: campaign(saved.segment.id) }) });
      draft = answer.campaign;
      message(format(t().cfCreated, { id: draft.id, segment: saved.segment.id, n: saved.segment.size_at_creation }));
      ctx.onChanged();
    } catch (error) {
      showError(error);
    }
    render();
  }

  async function submit() {
    if (!draft) return;
    clearErrors();
    try {
      const answer = await ctx.api(`/api/campaigns/${encodeURIComponent(draft.id)}/submit`, { method: 'POST', body: '{}' });
      draft = answer.campaign;
      const department = ctx.departments().find((d) => d.id === draft.department);
      message(format(t().cfSubmitted, { id: draft.id, department: department ? department.name[ctx.lang()] : draft.department }));
      ctx.onChanged();
    } catch (error) {
      showError(error);
    }
    render();
  }

  // Opens the form for a source and (optionally) one of its findings.
  function open(source, finding = null, topic = '') {
    opened = { source, finding };
    saved = null;
    draft = null;
    preview = null;
    form().reset();
    render();
    clearErrors();
    const p = campaignPrefill(source, finding, topic);
    input('query.entity').value = p.entity;
    input('query.where[0].attribute').value = p.attribute;
    input('query.where[0].op').value = p.op;
    input('query.where[0].values').value = p.values;
    input('campaign.issue.kind').value = p.issue.kind;
    input('campaign.issue.id').value = p.issue.id;
    input('campaign.issue.topic').value = p.issue.topic;
    input('campaign.display_name').value = finding ? cutBytes(format(t().cfDefaultName, { value: finding.value }), 200) : '';
    const own = ctx.department();
    if (own) input('campaign.department').value = own;
    $('cf-box').scrollIntoView({ block: 'start' });
  }

  function close() {
    opened = null;
    render();
  }

  function start() {
    form().addEventListener('submit', create);
    $('cf-preview').addEventListener('click', runPreview);
    $('cf-submit').addEventListener('click', submit);
    $('cf-close').addEventListener('click', close);
    // A changed segment field makes the last preview stale.
    form().addEventListener('input', (e) => {
      const name = e.target.name || '';
      if (name.startsWith('query.') || name === 'not_complained' || name === 'campaign.issue.topic') {
        preview = null;
        render();
      }
    });
  }

  return { start, render, open, close };
}
