// Issue 13: the Campaigns panel on the Tasks & projects view. Lists the
// campaigns voc-entities lets the person read, each with its segment's size
// now (GET /api/campaigns/{id}); a PENDING_APPROVAL campaign the gateway says
// the person may decide (they head its department) gets 批准 / 驳回. The
// service decides: a refusal (403) is shown as its error. Text goes in with
// textContent only.
import { $, el } from './dom.js';
import { format } from './i18n.js';

export function createCampaigns({ api, t, departmentName, errorText, showStatus }) {
  // {campaigns: [{campaign, segment, preview, error}]} | {error}
  let data = null;

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
    if (action === 'reject') {
      const reason = window.prompt(t().campaignRejectPrompt) || '';
      if (!reason.trim()) return;
      body.reason = reason.trim();
    }
    const message = $('campaigns-message');
    try {
      const answer = await api(`/api/campaigns/${encodeURIComponent(row.campaign.id)}/${action}`,
        { method: 'POST', body: JSON.stringify(body) });
      row.campaign = answer.campaign;
      message.hidden = true;
      showStatus(format(action === 'approve' ? t().campaignApproved : t().campaignRejected,
        { name: answer.campaign.display_name }));
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
    const issue = el('td', `${c.issue.kind}:${c.issue.id}${c.issue.topic ? ` · ${c.issue.topic}` : ''}`);
    const actions = el('td');
    if (c.can_decide && c.state === 'PENDING_APPROVAL') {
      const approve = el('button', t().approve);
      approve.type = 'button';
      approve.dataset.testid = 'campaign-approve';
      approve.addEventListener('click', () => decide(row, 'approve'));
      const reject = el('button', t().reject);
      reject.type = 'button';
      reject.dataset.testid = 'campaign-reject';
      reject.addEventListener('click', () => decide(row, 'reject'));
      actions.append(approve, ' ', reject);
    }
    tr.append(el('td', c.display_name), stateCell, el('td', departmentName(c.department)), size, issue,
      el('td', (t().campaignChannels || {})[c.channel] || c.channel), actions);
    return tr;
  }

  function render() {
    if (!data) return;
    const empty = $('campaigns-empty');
    if (data.error) {
      $('campaign-rows').replaceChildren();
      empty.hidden = false;
      empty.textContent = t().errorPrefix + data.error;
      return;
    }
    empty.hidden = data.campaigns.length > 0;
    empty.textContent = t().campaignsEmpty;
    $('campaign-rows').replaceChildren(...data.campaigns.map(rowOf));
  }

  return { load, render };
}
