// Issue 13: the Campaigns panel on the Tasks & projects view. Lists the
// campaigns voc-entities lets the person read, each with its segment's size
// now (GET /api/campaigns/{id}); a PENDING_APPROVAL campaign the gateway says
// the person may decide (they head its department) gets 批准 / 驳回; a draft
// its author (or an analyst, an admin, the head) may submit gets 提交审批, and
// any campaign not yet sent 取消活动 (with a reason). A campaign's name opens
// its detail: the definition, its segment and its history (Campaign.events,
// the audit trail) in the page's language. The service decides: a refusal
// (403) is shown as its error. Text goes in with textContent only.
import { $, el } from './dom.js';
import { format } from './i18n.js';

// Each action's body: reject and cancel ask why (the event's note).
const ACTIONS = {
  approve: { done: 'campaignApproved' },
  reject: { prompt: 'campaignRejectPrompt', done: 'campaignRejected' },
  submit: { done: 'campaignSubmitted' },
  cancel: { prompt: 'campaignCancelPrompt', done: 'campaignCancelled' },
};

export function createCampaigns({ api, t, departmentName, errorText, showStatus, localTime }) {
  // {campaigns: [{campaign, segment, preview, error}]} | {error}
  let data = null;
  let selected = null; // the id of the campaign whose detail is open

  async function detail(c) {
    try {
      const d = await api(`/api/campaigns/${encodeURIComponent(c.id)}`);
      return { campaign: d.campaign, segment: d.segment, preview: d.preview, error: d.preview_error || d.segment_error };
    } catch (error) {
      return { campaign: c, error: { code: error.code, message: error.message } };
    }
  }

  async function load() {
    try {
      const listed = await api('/api/campaigns');
      data = { campaigns: await Promise.all(listed.campaigns.map(detail)) };
    } catch (error) {
      data = { error: error.message };
    }
    render();
  }

  function sizeText(row) {
    if (row.preview) {
      const base = String(row.preview.size);
      return row.segment ? `${base} ${format(t().campaignSegmentAtCreation, { n: row.segment.size_at_creation })}` : base;
    }
    if (row.error) return `— (${row.error.code})`;
    return '—';
  }

  async function decide(row, action) {
    const body = {};
    if (ACTIONS[action].prompt) {
      const reason = window.prompt(t()[ACTIONS[action].prompt]) || '';
      if (!reason.trim()) return;
      body.reason = reason.trim();
    }
    const message = $('campaigns-message');
    try {
      const answer = await api(`/api/campaigns/${encodeURIComponent(row.campaign.id)}/${action}`,
        { method: 'POST', body: JSON.stringify(body) });
      row.campaign = answer.campaign;
      message.hidden = true;
      showStatus(format(t()[ACTIONS[action].done], { name: answer.campaign.display_name }));
    } catch (error) {
      message.hidden = false;
      message.textContent = errorText(error);
      showStatus(errorText(error), true);
    }
    render();
  }

  function rowOf(row) {
    const c = row.campaign;
    const tr = el('tr');
    tr.dataset.testid = 'campaign-row';
    tr.dataset.id = c.id;
    const stateCell = el('td', (t().campaignStates || {})[c.state] || c.state);
    stateCell.dataset.testid = 'campaign-state';
    stateCell.dataset.state = c.state;
    const size = el('td', sizeText(row), 'num');
    size.dataset.testid = 'campaign-size';
    const issue = el('td', issueText(c));
    const actions = el('td');
    const button = (label, testid, action) => {
      const b = el('button', label);
      b.type = 'button';
      b.dataset.testid = testid;
      b.addEventListener('click', () => decide(row, action));
      if (actions.childNodes.length) actions.append(' ');
      actions.append(b);
    };
    if (c.can_decide && c.state === 'PENDING_APPROVAL') {
      button(t().approve, 'campaign-approve', 'approve');
      button(t().reject, 'campaign-reject', 'reject');
    }
    if (c.can_submit && c.state === 'DRAFT') button(t().campaignSubmit, 'campaign-submit', 'submit');
    if (c.can_cancel && c.state !== 'SENT' && c.state !== 'CANCELLED') button(t().campaignCancel, 'campaign-cancel', 'cancel');
    const name = el('td');
    const open = el('button', c.display_name, 'link');
    open.type = 'button';
    open.dataset.testid = 'campaign-open';
    open.addEventListener('click', () => {
      selected = selected === c.id ? null : c.id;
      render();
    });
    name.append(open);
    tr.append(name, stateCell, el('td', departmentName(c.department)), size, issue,
      el('td', (t().campaignChannels || {})[c.channel] || c.channel), actions);
    return tr;
  }

  function issueText(c) {
    return `${c.issue.kind}:${c.issue.id}${c.issue.topic ? ` · ${c.issue.topic}` : ''}`;
  }

  function stateName(state) {
    return (t().campaignStates || {})[state] || state;
  }

  function queryText(q) {
    const ops = t().cfOps || {};
    const where = (q.where || []).map((w) => `${w.attribute} ${ops[w.op] || w.op} ${w.values.join(', ')}`);
    let out = `${q.entity}${where.length ? `: ${where.join('; ')}` : ''}`;
    if (q.not_complained_topic) {
      out += format(t().campaignNotComplained, { topic: q.not_complained_topic, days: q.not_complained_days || 90 });
    }
    return out;
  }

  // The open campaign: what it is, whom it reaches and every step of its history.
  function renderDetail() {
    const box = $('campaign-detail');
    const row = data && data.campaigns && data.campaigns.find((r) => r.campaign.id === selected);
    box.hidden = !row;
    if (!row) return;
    const c = row.campaign;
    const facts = t().campaignFacts;
    $('campaign-detail-title').textContent = `${c.display_name} (${c.id}) · ${stateName(c.state)}`;
    const suppressed = Object.values(c.counts.suppressed || {}).reduce((a, b) => a + Number(b), 0);
    const lines = [
      [facts.issue, issueText(c)],
      [facts.segment, row.segment ? `${row.segment.display_name} (${row.segment.id})` : c.segment_id],
      [facts.query, row.segment ? queryText(row.segment.query) : '—'],
      [facts.size, sizeText(row)],
      [facts.channel, (t().campaignChannels || {})[c.channel] || c.channel],
      [facts.start, localTime(c.start_time)],
      [facts.holdout, String(c.holdout_share)],
      [facts.window, format(t().campaignWindowDays, { n: c.effect_window_days })],
      [facts.counts, format(t().campaignCounts, {
        sent: c.counts.sent, held: c.counts.held_out, suppressed, deferred: c.counts.deferred_quiet_hours,
      })],
      [facts.createdBy, c.created_by],
      [facts.message, `${c.message.subject_zh} / ${c.message.subject_en}`],
    ];
    $('campaign-detail-facts').replaceChildren(...lines.flatMap(([k, v]) => [el('dt', k), el('dd', v)]));
    const actions = t().campaignActions || {};
    $('campaign-events').replaceChildren(...(c.events || []).map((e) => {
      const tr = el('tr');
      tr.dataset.action = e.action;
      const moved = e.from_state && e.from_state !== 'UNSPECIFIED'
        ? `${stateName(e.from_state)} → ${stateName(e.to_state)}` : stateName(e.to_state);
      tr.append(el('td', localTime(e.time)), el('td', e.actor), el('td', actions[e.action] || e.action), el('td', moved),
        el('td', e.note || ''));
      return tr;
    }));
  }

  function render() {
    if (!data) return;
    const empty = $('campaigns-empty');
    if (data.error) {
      $('campaign-rows').replaceChildren();
      $('campaign-detail').hidden = true;
      empty.hidden = false;
      empty.textContent = t().errorPrefix + data.error;
      return;
    }
    empty.hidden = data.campaigns.length > 0;
    empty.textContent = t().campaignsEmpty;
    $('campaign-rows').replaceChildren(...data.campaigns.map(rowOf));
    renderDetail();
  }

  function start() {
    $('campaign-detail-close').addEventListener('click', () => {
      selected = null;
      render();
    });
  }

  return { load, render, start };
}
