// The page's pure helpers, without a browser (issue 12): which words the
// case page marks in the case text, and the services' English titles and
// history words said in the page's language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wordsToMark, markPieces } from '../../services/gateway/web/explanation.js';
import { caseTitleIn, historyLineIn } from '../../services/gateway/web/service_text.js';
import { messages } from '../../services/gateway/web/i18n.js';

const marked = (text, explanation) => markPieces(text, wordsToMark(explanation))
  .filter((p) => p.kind).map((p) => [p.text, p.kind]);

test('every occurrence of every evidence word is marked, ignoring case', () => {
  assert.deepEqual(marked('Food was TERRIBLE, really terrible!', { evidence: ['terrible'] }),
    [['TERRIBLE', 'evidence'], ['terrible', 'evidence']]);
  const pieces = markPieces('Food was TERRIBLE!', wordsToMark({ evidence: ['terrible'] }));
  assert.equal(pieces.map((p) => p.text).join(''), 'Food was TERRIBLE!', 'the pieces are the whole text');
});

test('overlapping words: the first to start wins, then the longer; a word in two roles is marked as the most serious', () => {
  const e = { evidence: ['失望', '太失望'], topics: [{ terms: ['快递'] }], red_lines: [{ term: '还没到', matched: '一周还没到' }] };
  assert.deepEqual(marked('快递一周还没到，太失望了', e),
    [['快递', 'topic'], ['一周还没到', 'red_line'], ['太失望', 'evidence']]);
  assert.deepEqual(marked('难吃', { evidence: ['难吃'], topics: [{ terms: ['难吃'] }] }), [['难吃', 'evidence']]);
  assert.deepEqual(marked('蟑螂', { evidence: ['蟑螂'], red_lines: [{ matched: '蟑螂' }] }), [['蟑螂', 'red_line']]);
});

test('nothing to mark leaves the text as it is', () => {
  assert.deepEqual(markPieces('<b>hi</b>', wordsToMark({})), [{ text: '<b>hi</b>' }]);
  assert.deepEqual(markPieces('', wordsToMark({ evidence: ['x'] })), []);
  assert.deepEqual(marked('abc', { evidence: ['', '  '] }), [], 'empty words mark nothing');
});

test('service titles in Chinese, as stored in English', () => {
  const zh = messages.zh;
  assert.equal(caseTitleIn('Call back detractor c-10001 (NPS 3)', zh), '回访贬损客户 c-10001（NPS 3）');
  assert.equal(caseTitleIn('Call back detractor c-10001', zh), '回访贬损客户 c-10001');
  assert.equal(caseTitleIn('Red line (PR crisis): "曝光"', zh), '红线（舆情危机）：“曝光”');
  assert.equal(caseTitleIn('Red line (safety): "起火"', zh), '红线（安全）：“起火”');
  assert.equal(caseTitleIn('Complaint: logistics.delivery_delay', zh), '投诉：logistics.delivery_delay');
  assert.equal(caseTitleIn('Negative feedback', zh), '负面反馈');
  assert.equal(caseTitleIn('Customer complaint', zh), '客户投诉');
  assert.equal(caseTitleIn('配送延迟投诉', zh), '配送延迟投诉', 'a title a person wrote stays');
  assert.equal(caseTitleIn('Call back detractor c-1 (NPS 3)', messages.en), 'Call back detractor c-1 (NPS 3)');
});

test('history actions and fixed details in Chinese; what people wrote stays', () => {
  const zh = messages.zh;
  assert.equal(historyLineIn({ actor: 'p-am', action: 'acknowledged', detail: 'case acknowledged' }, zh), 'p-am · 确认受理 — 工单已受理');
  assert.equal(historyLineIn({ actor: 'p-am', action: 'callback_logged', detail: 'customer reached: 已退款 refunded' }, zh),
    'p-am · 记录回访 — 已联系到客户：已退款 refunded');
  assert.equal(historyLineIn({ actor: 'p-am', action: 'callback_logged', detail: 'customer not reached' }, zh),
    'p-am · 记录回访 — 未能联系到客户');
  assert.equal(historyLineIn({ actor: 'x', action: 'something_new', detail: 'as stored' }, zh), 'x · something_new — as stored');
  assert.equal(historyLineIn({ actor: 'p-am', action: 'acknowledged', detail: 'case acknowledged' }, messages.en),
    'p-am · acknowledged — case acknowledged');
});

test('history details with data in them, in Chinese; ids, times and what people wrote stay', () => {
  const zh = messages.zh;
  const line = (action, detail, actor = 'system:tracking') => historyLineIn({ actor, action, detail }, zh);
  assert.equal(line('reassigned', 'from logistics/p-xu-gang to logistics/p-wang-lei', 'p-wang-lei'),
    'p-wang-lei · 转派 — 由 logistics/p-xu-gang 转给 logistics/p-wang-lei');
  assert.equal(line('priority_changed', 'P3 -> P1: 客户升级投诉', 'p-am'), 'p-am · 优先级变更 — P3 → P1：客户升级投诉');
  assert.equal(line('priority_changed', 'P3 -> P1', 'p-am'), 'p-am · 优先级变更 — P3 -> P1', 'no words to say otherwise');
  assert.equal(line('resumed', 'the customer answered', 'p-am'), 'p-am · 客户已答复 — 客户已回复，工单继续处理');
  assert.equal(line('sla_paused', 'resolution clock paused while waiting on the customer, 405 business minutes left'),
    'system:tracking · SLA 计时暂停 — 等待客户答复，解决时限暂停，剩余 405 个工作分钟');
  assert.equal(line('sla_resumed', 'resolution clock resumed, due 2026-12-07T09:45:00Z'),
    'system:tracking · SLA 计时恢复 — 解决时限恢复计时，截止 2026-12-07T09:45:00Z');
  assert.equal(line('sla_warning', 'first response warning at_75pct to p-wang-lei, p-xu-gang; due 2026-12-07T09:00:00Z'),
    'system:tracking · SLA 预警 — 首次响应预警 at_75pct，通知 p-wang-lei, p-xu-gang；截止 2026-12-07T09:00:00Z');
  assert.equal(line('overdue', 'resolution SLA breached; owners nobody found; due 2026-12-07T09:00:00Z'),
    'system:tracking · 超时 — 解决超时；负责人 未找到接收人；截止 2026-12-07T09:00:00Z');
  assert.equal(line('escalated',
    'first response level 2 (department_head) to p-li-na, for owner logistics/p-xu-gang; due 2026-12-07T09:00:00Z'),
  'system:tracking · 升级 — 首次响应第 2 级升级（department_head），通知 p-li-na，负责人 logistics/p-xu-gang；截止 2026-12-07T09:00:00Z');
  // English is what the services wrote.
  assert.equal(historyLineIn({ actor: 'a', action: 'reassigned', detail: 'from x/p to y/q' }, messages.en), 'a · reassigned — from x/p to y/q');
});

// Issue 10 item 4: the red-line verdict is said in both languages.
test('the red-line verdict words exist in Chinese and English', () => {
  for (const key of ['redLineMarkTitle', 'markConfirmed', 'markFalseAlarm', 'markConfirmedPrompt',
    'markFalseAlarmPrompt', 'markReasonRequired', 'redLineUnmarked', 'redLineMarked']) {
    assert.ok(messages.zh[key] && messages.en[key], key);
  }
  assert.equal(messages.zh.markConfirmed, '确认属实');
  assert.equal(messages.zh.markFalseAlarm, '误报');
  assert.deepEqual(Object.keys(messages.zh.redLineVerdicts), Object.keys(messages.en.redLineVerdicts));
  assert.equal(historyLineIn({ actor: 'p-legal', action: 'red_line_marked', detail: '' }, messages.zh),
    'p-legal · 红线结论');
});

// Issue 13: the Root cause view's address.
test('a #rootcause hash names exactly one source and survives a round trip', async () => {
  const { rootCauseParams, rootCauseHash } = await import('../../services/gateway/web/rootcause.js');
  assert.deepEqual(rootCauseParams('#rootcause?cluster=7'), { cluster: '7' });
  assert.deepEqual(rootCauseParams(rootCauseHash({ signal: '异响,4s店', exposure: 'vehicle' })),
    { signal: '异响,4s店', exposure: 'vehicle' });
  assert.equal(rootCauseParams('#rootcause'), null);
  assert.equal(rootCauseParams('#rootcause?days=7'), null, 'a window without a source is no view');
  assert.equal(rootCauseParams('#insights'), null);
});
