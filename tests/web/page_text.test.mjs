// The page's pure helpers, without a browser (issue 12): which words the
// case page marks in the case text, and the services' English titles and
// history words said in the page's language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wordsToMark, markPieces } from '../../services/gateway/web/explanation.js';
import { caseTitleIn, historyLineIn, projectHistoryLineIn, verificationSummaryIn } from '../../services/gateway/web/service_text.js';
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

// Issue 12: the "created" and "sla_retargeted" case details, with their SLA
// clocks as tracking's DescribeClock writes them (case_clocks.cc).
test('the created and retargeted case details in Chinese; ids, times and policies stay', () => {
  const zh = messages.zh;
  const line = (action, detail, actor = 'system:assignment') => historyLineIn({ actor, action, detail }, zh);
  assert.equal(line('created', 'complaint case for logistics/p-xu-gang, customer_success, due 2026-12-07T09:00:00Z (request fb-9:complaint)'
    + '; first response due 2026-12-05T09:00:00Z (4h on workdays, policy complaint-p2)'
    + '; resolution due 2026-12-07T09:00:00Z (24h30m on workdays, policy complaint-p2)'),
  'system:assignment · 创建工单 — 投诉工单，负责人 logistics/p-xu-gang, customer_success，截止 2026-12-07T09:00:00Z（请求 fb-9:complaint）'
    + '；首次响应截止 2026-12-05T09:00:00Z（目标 4小时，日历 workdays，策略 complaint-p2）'
    + '；解决截止 2026-12-07T09:00:00Z（目标 24小时30分，日历 workdays，策略 complaint-p2）');
  assert.equal(line('created', 'detractor_callback case for customer_success, due 2026-12-05T09:00:00Z (request r-1)'),
    'system:assignment · 创建工单 — 贬损者回访工单，负责人 customer_success，截止 2026-12-05T09:00:00Z（请求 r-1）', 'a case without clocks');
  assert.equal(line('created', 'red_line case for legal, due 2026-12-05T09:00:00Z (request r-2); resolution met (0h45m on 24x7, policy red-line)'),
    'system:assignment · 创建工单 — 红线事件工单，负责人 legal，截止 2026-12-05T09:00:00Z（请求 r-2）；解决已达成（目标 0小时45分，日历 24x7，策略 red-line）');
  assert.equal(line('sla_retargeted', 'first response due 2026-12-05T09:00:00Z (4h on workdays, policy complaint-p3)'
    + ' -> first response due 2026-12-05T07:00:00Z (2h on workdays, policy complaint-p1)', 'system:tracking'),
  'system:tracking · SLA 目标调整 — 首次响应截止 2026-12-05T09:00:00Z（目标 4小时，日历 workdays，策略 complaint-p3）'
    + ' → 首次响应截止 2026-12-05T07:00:00Z（目标 2小时，日历 workdays，策略 complaint-p1）');
  assert.equal(line('sla_retargeted', 'resolution paused (8h on workdays, policy a) -> resolution paused (4h on workdays, policy b)', 'system:tracking'),
    'system:tracking · SLA 目标调整 — 解决已暂停（目标 8小时，日历 workdays，策略 a） → 解决已暂停（目标 4小时，日历 workdays，策略 b）');
  assert.equal(line('sla_retargeted', 'clocks unchanged: no SLA policies loaded', 'system:tracking'),
    'system:tracking · SLA 目标调整 — 时钟未变：没有加载 SLA 策略');
  assert.equal(line('sla_retargeted', 'clocks unchanged: no policy matches complaint/P1', 'system:tracking'),
    'system:tracking · SLA 目标调整 — 时钟未变：no policy matches complaint/P1', 'a reason the page has no words for stays');
  assert.equal(line('created', 'complaint case for x, due 2026-12-05T09:00:00Z (request r); something else'),
    'system:assignment · 创建工单 — complaint case for x, due 2026-12-05T09:00:00Z (request r); something else',
    'a clock of an unknown shape: the detail as stored');
  // English is what the services wrote.
  const created = 'complaint case for x, due 2026-12-05T09:00:00Z (request r); first response due 2026-12-05T09:00:00Z (4h on workdays, policy p)';
  assert.equal(historyLineIn({ actor: 'a', action: 'created', detail: created }, messages.en), `a · created — ${created}`);
});

// Issue 12: project history (tracking's project workflow and store) in Chinese.
test('every project history shape in Chinese; titles, ids, owners, times and reasons stay', () => {
  const zh = messages.zh;
  const line = (action, detail, actor = 'p-zhao-min') => projectHistoryLineIn({ actor, action, detail }, zh);
  assert.equal(line('proposed', 'proposal on topic logistics.delivery_delay with 2 action items, for the VoC committee'),
    'p-zhao-min · 提交提案 — 主题 logistics.delivery_delay 的项目提案，含 2 项行动，提交 VoC 委员会审批');
  assert.equal(line('approved', 'approved by the VoC committee', 'p-chen-jie'), 'p-chen-jie · 批准 — VoC 委员会批准');
  assert.equal(line('approved', 'approved by the VoC committee: 预算已批', 'p-chen-jie'), 'p-chen-jie · 批准 — VoC 委员会批准：预算已批');
  assert.equal(line('rejected', 'rejected by the VoC committee: duplicate of p-riders', 'p-chen-jie'),
    'p-chen-jie · 驳回 — VoC 委员会驳回：duplicate of p-riders');
  assert.equal(line('started', 'approved project started'), 'p-zhao-min · 启动项目 — 已批准的项目开始实施');
  assert.equal(line('action_item_added', 'action item "Add 30 riders; at noon" for logistics/p-xu-gang, due 2027-01-15T04:00:00Z'),
    'p-zhao-min · 新增行动项 — 行动项“Add 30 riders; at noon”，负责人 logistics/p-xu-gang，截止 2027-01-15T04:00:00Z');
  assert.equal(line('action_item_added', 'action item "培训" for customer_service, due none'),
    'p-zhao-min · 新增行动项 — 行动项“培训”，负责人 customer_service，截止 无');
  assert.equal(line('action_item_edited', 'title "Add riders" -> "Add 30 riders"'),
    'p-zhao-min · 修改行动项 — 标题“Add riders”改为“Add 30 riders”');
  assert.equal(line('action_item_reassigned', 'reassigned from logistics/p-xu-gang to logistics/p-wang-lei: 休假'),
    'p-zhao-min · 行动项转派 — 由 logistics/p-xu-gang 转给 logistics/p-wang-lei：休假');
  assert.equal(line('action_item_redated', 're-dated from none to 2027-01-15T04:00:00Z'),
    'p-zhao-min · 行动项改期 — 截止时间由 无 改为 2027-01-15T04:00:00Z');
  assert.equal(line('action_item_reassigned', 'title "a" -> "b"; reassigned from x to y/p; re-dated from 2027-01-01T00:00:00Z to none: why'),
    'p-zhao-min · 行动项转派 — 标题“a”改为“b”；由 x 转给 y/p；截止时间由 2027-01-01T00:00:00Z 改为 无：why');
  assert.equal(line('action_item_done', 'action item item-2 done'), 'p-zhao-min · 行动项完成 — 行动项 item-2 已完成');
  assert.equal(line('closed', 'all action items are done', 'system:tracking'), 'system:tracking · 项目完成 — 所有行动项均已完成');
  assert.equal(line('reopened', 'Verification verifications/v-7 failed. Topic logistics.delivery_delay: 40/100 negative feedback (40.0%) '
    + 'before vs 38/100 (38.0%) after; z = 0.29, one-sided p = 0.3859 >= 0.05: no significant fall in the share — failed.', 'system:verification'),
  'system:verification · 重新打开 — 验证 verifications/v-7 未通过。主题 logistics.delivery_delay：改进前负面反馈 40/100（40.0%），'
    + '改进后 38/100（38.0%）；z = 0.29，单侧 p = 0.3859 >= 0.05：占比没有显著下降——未通过。');
  assert.equal(line('reopened', 'Verification verifications/v-8 failed. Topic app.crash: 0/0 negative feedback (0.0%) before vs 0/0 (0.0%) '
    + 'after; cannot test: no feedback before — failed.', 'system:verification'),
  'system:verification · 重新打开 — 验证 verifications/v-8 未通过。主题 app.crash：改进前负面反馈 0/0（0.0%），改进后 0/0（0.0%）；'
    + '无法检验：no feedback before——未通过。');
  assert.equal(line('reopened', 'the fix did not hold, complaints are back', 'p-zhao-min'),
    'p-zhao-min · 重新打开 — the fix did not hold, complaints are back', 'evidence a person wrote stays');
  assert.equal(line('something_new', 'as stored'), 'p-zhao-min · something_new — as stored');
  // English is what the services wrote.
  assert.equal(projectHistoryLineIn({ actor: 'a', action: 'action_item_done', detail: 'action item item-2 done' }, messages.en),
    'a · action_item_done — action item item-2 done');
});

test('the verification summary in Chinese, verified and failed alike', () => {
  assert.equal(verificationSummaryIn('Topic logistics.delivery_delay: 40/100 negative feedback (40.0%) before vs 10/100 (10.0%) after; '
    + 'z = 4.90, one-sided p = 0.0000 < 0.05: the share fell significantly — verified.', messages.zh),
  '主题 logistics.delivery_delay：改进前负面反馈 40/100（40.0%），改进后 10/100（10.0%）；z = 4.90，单侧 p = 0.0000 < 0.05：占比显著下降——验证有效。');
  assert.equal(verificationSummaryIn('not a summary', messages.zh), null);
  assert.equal(verificationSummaryIn('Topic a: 1/2 negative feedback (50.0%) before vs 0/2 (0.0%) after; cannot test: x — failed.', messages.en), null);
});

// Issue 12: the days a backlog bar's cases were opened on (loop_figures.cc
// BacklogBucketOfDays: age = as_of_day - the day opened, in whole days).
test('a backlog bar\'s opened days follow tracking\'s age buckets, cut to the range', async () => {
  const { backlogWindow } = await import('../../services/gateway/web/dashboard.js');
  const range = ['2026-01-05', '2026-02-01'];
  assert.deepEqual(backlogWindow('<1d', '2026-02-01', ...range), { from: '2026-02-01', to: '2026-02-01' });
  assert.deepEqual(backlogWindow('1-3d', '2026-02-01', ...range), { from: '2026-01-30', to: '2026-01-31' });
  assert.deepEqual(backlogWindow('3-7d', '2026-02-01', ...range), { from: '2026-01-26', to: '2026-01-29' });
  assert.deepEqual(backlogWindow('7-30d', '2026-02-01', ...range), { from: '2026-01-05', to: '2026-01-25' }, 'cut at the start');
  assert.deepEqual(backlogWindow('>=30d', '2026-03-15', '2025-12-01', '2026-03-31'), { from: '2025-12-01', to: '2026-02-13' });
  assert.equal(backlogWindow('>=30d', '2026-02-01', ...range), null, 'no day of the range is 30 days old');
  assert.deepEqual(backlogWindow('1-3d', '2026-03-01', '2026-02-28', '2026-03-01'), { from: '2026-02-28', to: '2026-02-28' });
  assert.equal(backlogWindow('2-4d', '2026-02-01', ...range), null, 'an unknown bucket');
});

// Issue 12: the task rows of a case's history ("<task id>: <detail>") and
// the red-line verdict, in Chinese.
test('task history details and the red-line verdict in Chinese; titles, owners, times and reasons stay', () => {
  const zh = messages.zh;
  const line = (action, detail) => historyLineIn({ actor: 'p-wang-lei', action, detail }, zh);
  assert.equal(line('task_added', 'task-2: "补发包裹" for logistics/p-xu-gang, due 2026-12-07T09:00:00Z (SLA policy task-default)'),
    'p-wang-lei · 新增任务 — 任务 task-2：“补发包裹”，负责人 logistics/p-xu-gang，截止 2026-12-07T09:00:00Z（SLA 策略 task-default）');
  assert.equal(line('task_added', 'task-3: "Call "again"" for customer_success, due 2026-12-07T09:00:00Z'),
    'p-wang-lei · 新增任务 — 任务 task-3：“Call "again"”，负责人 customer_success，截止 2026-12-07T09:00:00Z');
  assert.equal(line('task_started', 'task-2: "补发包裹" open -> in_progress'), 'p-wang-lei · 任务开始 — 任务 task-2：“补发包裹” 待处理 → 处理中');
  assert.equal(line('task_cancelled', 'task-2: "补发包裹" in_progress -> cancelled: 客户已自提'),
    'p-wang-lei · 任务取消 — 任务 task-2：“补发包裹” 处理中 → 已取消：客户已自提');
  assert.equal(line('task_reassigned', 'task-2: reassigned from logistics/p-xu-gang to logistics/p-wang-lei; re-dated from none to 2026-12-08T09:00:00Z: 休假'),
    'p-wang-lei · 任务转派 — 任务 task-2：由 logistics/p-xu-gang 转给 logistics/p-wang-lei；截止时间由 无 改为 2026-12-08T09:00:00Z：休假');
  assert.equal(line('task_redated', 'task-2: re-dated from 2026-12-07T09:00:00Z to 2026-12-08T09:00:00Z'),
    'p-wang-lei · 任务改期 — 任务 task-2：截止时间由 2026-12-07T09:00:00Z 改为 2026-12-08T09:00:00Z');
  assert.equal(line('red_line_marked', 'false alarm: 只是比喻'), 'p-wang-lei · 红线结论 — 误报：只是比喻');
  assert.equal(line('red_line_marked', 'confirmed: 已核实起火'), 'p-wang-lei · 红线结论 — 确认属实：已核实起火');
  assert.equal(line('callback_logged', 'customer reached: a: b'), 'p-wang-lei · 记录回访 — 已联系到客户：a: b', 'a note stays whole');
  assert.equal(line('resolved', 'confirmed: refund sent'), 'p-wang-lei · 已解决 — confirmed: refund sent', 'only a verdict row is a verdict');
  assert.equal(line('resolved', 'task-2: "x" open -> done'), 'p-wang-lei · 已解决 — task-2: "x" open -> done', 'only task rows are tasks');
  const stored = 'task-2: "x" open -> in_progress';
  assert.equal(historyLineIn({ actor: 'a', action: 'task_started', detail: stored }, messages.en), `a · task_started — ${stored}`);
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

// Issue 13: the campaign form's first values for a root-cause finding, and
// the service's field errors as the form names its fields.
test('a finding prefills the segment of its entity and links the campaign to the finding', async () => {
  const { campaignPrefill, findingEntity, cutBytes } = await import('../../services/gateway/web/campaign_form.js');
  const { fieldError } = await import('../../services/gateway/web/programme.js');
  const source = { kind: 'signal', value: '星辰S7,刹车,异响' };
  assert.deepEqual(campaignPrefill(source, { attribute: 'vehicle.production_batch', value: 'B-2026-07' }), {
    entity: 'vehicle', attribute: 'production_batch', op: 'eq', values: 'B-2026-07',
    issue: { kind: 'finding', id: 'signal:星辰S7,刹车,异响 vehicle.production_batch=B-2026-07', topic: '' },
  });
  // From the source alone: a cluster or signal is the issue; a topic is its own topic.
  assert.deepEqual(campaignPrefill({ kind: 'cluster', value: '7' }, null, 'logistics.delivery_delay').issue,
    { kind: 'cluster', id: '7', topic: 'logistics.delivery_delay' });
  assert.deepEqual(campaignPrefill({ kind: 'topic', value: 'app.crash' }, null).issue,
    { kind: 'finding', id: 'topic:app.crash', topic: 'app.crash' });
  assert.equal(campaignPrefill({ kind: 'topic', value: 'app.crash' }, null).entity, '');
  // The feedback's own fields are no entity's records: no segment from them.
  assert.equal(findingEntity('feedback.app_version'), null);
  assert.deepEqual(findingEntity('store_day.staff_on_shift'), { entity: 'store_day', attribute: 'staff_on_shift' });
  assert.equal(findingEntity('nodot'), null);
  // The issue id fits voc-entities' 200 bytes, cut between characters.
  const long = campaignPrefill({ kind: 'signal', value: '异'.repeat(100) }, { attribute: 'vehicle.model', value: 'E7' }).issue.id;
  assert.ok(new TextEncoder().encode(long).length <= 200);
  assert.equal(long, `signal:${'异'.repeat(64)}`);
  assert.equal(cutBytes('ab异', 4), 'ab');

  assert.deepEqual(fieldError('INVALID_ARGUMENT: campaign.message.body_en: must not be empty'),
    { field: 'campaign.message.body_en', text: 'must not be empty' });
  assert.deepEqual(fieldError('INVALID_ARGUMENT: query.where[0].op: must be eq, ne'), { field: 'query.where[0].op', text: 'must be eq, ne' });
  assert.deepEqual(fieldError('INVALID_ARGUMENT: goal.scope.projects[2]: unknown'), { field: 'scope.projects', text: 'unknown' });
  assert.deepEqual(fieldError('PERMISSION_DENIED: create a campaign of logistics'), { field: '', text: 'create a campaign of logistics' });
});
