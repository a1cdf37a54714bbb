// Bilingual labels. Data from the services is shown as is; only the page's
// own words are translated.
export const messages = {
  zh: {
    title: 'VoC 闭环', department: '部门', overdueOnly: '只看超时',
    openCases: '待处理工单', timeLeft: '剩余时间', priority: '优先级', kind: '类型', caseTitle: '标题',
    state: '状态', owner: '负责人', noCases: '没有待处理的工单。', feedback: '客户反馈', actions: '操作',
    acknowledge: '确认受理', logCallback: '记录回访', reached: '已联系到客户', notReached: '未能联系到客户',
    save: '保存', resolve: '解决并关闭', callbacks: '回访记录', history: '处理历史',
    notePlaceholder: '回访备注', resolutionPlaceholder: '解决方案说明（必填）',
    overdueBy: '已超时 {t}', left: '剩余 {t}', noDue: '无时限',
    // The two SLA clocks, counted in business time (issue 11).
    firstResponse: '首次响应', resolutionClock: '解决', clockMet: '已达成',
    clockLeft: '剩余工作时间 {t}', clockOverdue: '超时 {t}（工作时间）', clockPaused: '已暂停，剩余工作时间 {t}',
    pausedCase: '等待客户，计时暂停', loading: '加载中…', saved: '已保存。',
    // issue 9: logging in (one message for every refused login).
    loginTitle: '登录', username: '用户名', password: '密码', loginButton: '登录', logout: '退出登录',
    loginFailed: '用户名或密码错误。', loginThrottled: '登录失败次数过多，请稍后再试。',
    sessionEnded: '登录已过期，请重新登录。', loggedInAs: '{name}（{person}）',
    now: '当前时间 {t}', clockDev: '（开发时钟）',
    langButton: 'English', days: '{n}天', hours: '{n}小时', minutes: '{n}分',
    customer: '客户', channel: '渠道', nps: 'NPS', rating: '评分', product: '产品', occurred: '发生时间',
    due: '截止时间', created: '创建时间', topics: '主题', resolution: '解决说明', reachedYes: '已接通',
    reachedNo: '未接通', feedbackUnavailable: '反馈暂不可用：{m}', errorPrefix: '出错了：',
    viewCases: '工单', viewInsights: '洞察', viewKnowledge: '知识库',
    signalsTitle: '新出现的弱信号',
    signalsScope: '全公司范围：这里列出今天所有新出现的弱信号；仪表盘可按部门筛选（只看该部门主题上的信号）。',
    signalTerms: '词语组合', signalCount: '今日次数', signalExpected: '日均预期', signalP: 'p 值', signalFirstSeen: '开始出现',
    signalsEmpty: '今天没有新出现的弱信号。', signalsOff: '分诊服务没有开启弱信号检测。',
    clustersTitle: '最大的相似投诉簇', clustersAll: '显示所有部门',
    clustersScopeDepartment: '{d}负责的主题（含子主题）：{topics}',
    clustersScopeNoTopics: '{d}在主题分类中没有负责的主题，因此显示所有部门的投诉簇。',
    clustersScopeAll: '所有部门的投诉簇。', clustersEmpty: '这里还没有相似投诉簇。',
    // Issue 13: the Root cause view.
    rcTitle: '根因分析', rcOpen: '根因', rcOfTopic: '分析该主题的根因',
    rcFromCluster: '相似投诉簇 {id} 的负面反馈，对比同期其他负面反馈。',
    rcFromSignal: '弱信号「{terms}」的负面反馈，对比同期其他负面反馈。',
    rcFromTopic: '主题「{topic}」的负面反馈，对比同期其他负面反馈。',
    rcMethod: '反馈关联到的业务记录（车辆、订单、门店日、App 版本、客户）中显著偏多的属性值（Fisher 精确检验；q 值：Benjamini-Hochberg 多重检验校正）。',
    rcExposure: '按暴露量计算投诉率：', rcExposureNone: '不计算', rcExposureVehicle: '每辆车（批次规模）',
    rcExposureStoreDay: '每个门店日（按客流）',
    rcSummary: '目标 {n} 条，对照 {b} 条，其中 {j} 条目标反馈关联到了业务记录；近 {days} 天，共检验 {m} 个属性值。',
    rcAttribute: '属性', rcValue: '取值', rcTarget: '目标', rcBaseline: '对照', rcLift: '提升度', rcQ: 'q 值',
    rcExamples: '示例反馈', rcEmpty: '没有显著偏多的属性值。', rcNoSource: '请从相似投诉簇、弱信号或主题打开根因分析。',
    rcRatesTitle: '投诉率', rcGroup: '分组', rcEvents: '投诉 / 暴露量', rcOtherEvents: '其余', rcRateRatio: '率比',
    rcRatesEmpty: '没有投诉率显著偏高的分组。',
    clusterSize: '{n} 条相似投诉', firstSeen: '首次出现', lastSeen: '最近出现', more: '加载更多',
    knowledgeTitle: '知识库',
    knowledgeHint: '已验证有效的改进项目和已解决的工单：问题是什么、做了什么、效果如何。',
    knowledgePlaceholder: '搜索，例如：配送、退款', search: '搜索',
    knowledgeStart: '输入关键词搜索已验证的改进和已解决的工单。', knowledgeEmpty: '没有找到与“{q}”相关的记录。',
    // issue 11: the case's delivery log (voc-notify)
    deliveries: '通知记录', deliveriesEmpty: '这个工单还没有发出通知。', deliveriesUnavailable: '通知记录暂不可用：{m}',
    deliveryStates: { pending: '发送中', delivered: '已送达', failed: '发送失败' }, deliveryAttempts: '第 {n} 次尝试',
    knowledgeCount: '找到 {n} 条与“{q}”相关的记录。', queryTooLong: '搜索词太长（最多 256 字节）。',
    problem: '问题', whatWasDone: '采取的措施', measuredEffect: '验证效果', caseSummary: '工单摘要',
    evidence: '依据', verifiedAt: '验证时间', resolvedAt: '解决时间', source: '来源',
    entryKinds: { project: '已验证的改进项目', case: '已解决的工单' },
    kinds: { detractor_callback: '贬损者回访', red_line: '红线事件', complaint: '投诉' },
    states: {
      open: '待受理', acknowledged: '已受理', in_progress: '处理中', waiting_on_customer: '等待客户',
      resolved: '已解决', closed: '已关闭',
    },
  },
  en: {
    title: 'VoC Loop', department: 'Department', overdueOnly: 'Overdue only',
    openCases: 'Open cases', timeLeft: 'Time left', priority: 'Priority', kind: 'Kind', caseTitle: 'Title',
    state: 'State', owner: 'Owner', noCases: 'No open cases.', feedback: 'Customer feedback', actions: 'Actions',
    acknowledge: 'Acknowledge', logCallback: 'Log a callback', reached: 'Reached the customer',
    notReached: 'Could not reach', save: 'Save', resolve: 'Resolve', callbacks: 'Callbacks', history: 'History',
    notePlaceholder: 'Callback note', resolutionPlaceholder: 'Resolution note (required)',
    overdueBy: 'overdue {t}', left: '{t} left', noDue: 'no due time',
    // The two SLA clocks, counted in business time (issue 11).
    firstResponse: 'First response', resolutionClock: 'Resolution', clockMet: 'met',
    clockLeft: '{t} business time left', clockOverdue: 'overdue {t} (business time)', clockPaused: 'paused, {t} business time left',
    pausedCase: 'waiting on the customer, clock paused', loading: 'Loading…', saved: 'Saved.',
    // issue 9: logging in (one message for every refused login).
    loginTitle: 'Log in', username: 'User name', password: 'Password', loginButton: 'Log in', logout: 'Log out',
    loginFailed: 'Wrong user name or password.', loginThrottled: 'Too many failed logins. Try again later.',
    sessionEnded: 'Your session has ended. Please log in again.', loggedInAs: '{name} ({person})',
    now: 'Now {t}', clockDev: ' (dev clock)',
    langButton: '中文', days: '{n}d', hours: '{n}h', minutes: '{n}m',
    customer: 'Customer', channel: 'Channel', nps: 'NPS', rating: 'Rating', product: 'Product', occurred: 'Occurred',
    due: 'Due', created: 'Created', topics: 'Topics', resolution: 'Resolution', reachedYes: 'reached',
    reachedNo: 'not reached', feedbackUnavailable: 'Feedback unavailable: {m}', errorPrefix: 'Error: ',
    viewCases: 'Cases', viewInsights: 'Insights', viewKnowledge: 'Knowledge base',
    signalsTitle: 'Emerging weak signals',
    signalsScope: 'Company-wide: every weak signal emerging today; the Dashboard narrows them to a department '
      + '(the signals on its topics).',
    signalTerms: 'Terms', signalCount: 'Today', signalExpected: 'Expected a day', signalP: 'p-value', signalFirstSeen: 'Counted since',
    signalsEmpty: 'No emerging signals today.', signalsOff: 'Weak-signal detection is turned off in triage.',
    clustersTitle: 'Largest similar-complaint clusters', clustersAll: 'Every department',
    clustersScopeDepartment: 'Topics owned by {d} (with their subtopics): {topics}',
    clustersScopeNoTopics: '{d} owns no topic in the taxonomy, so clusters of every department are shown.',
    clustersScopeAll: 'Clusters of every department.', clustersEmpty: 'No similar-complaint clusters here yet.',
    // Issue 13: the Root cause view.
    rcTitle: 'Root cause', rcOpen: 'Root cause', rcOfTopic: 'Root cause of this topic',
    rcFromCluster: 'Negative feedback of similar-complaint cluster {id}, against the other negative feedback of the window.',
    rcFromSignal: 'Negative feedback of the weak signal “{terms}”, against the other negative feedback of the window.',
    rcFromTopic: 'Negative feedback on “{topic}”, against the other negative feedback of the window.',
    rcMethod: 'Attribute values of the records the feedback links to (vehicles, orders, store-days, app builds, customers) that are over-represented (Fisher exact test; q-value: Benjamini-Hochberg).',
    rcExposure: 'Complaint rates per: ', rcExposureNone: 'none', rcExposureVehicle: 'vehicle (batch size)',
    rcExposureStoreDay: 'store-day (by visitors)',
    rcSummary: '{n} in the target, {b} in the baseline, {j} of the target linked to records; last {days} days, {m} values tested.',
    rcAttribute: 'Attribute', rcValue: 'Value', rcTarget: 'Target', rcBaseline: 'Baseline', rcLift: 'Lift', rcQ: 'q-value',
    rcExamples: 'Example feedback', rcEmpty: 'No attribute value is over-represented.',
    rcNoSource: 'Open the root cause from a cluster, a weak signal or a topic.',
    rcRatesTitle: 'Complaint rates', rcGroup: 'Group', rcEvents: 'Complaints / exposure', rcOtherEvents: 'Others',
    rcRateRatio: 'Rate ratio', rcRatesEmpty: 'No group has a significantly high complaint rate.',
    clusterSize: '{n} similar complaints', firstSeen: 'First seen', lastSeen: 'Last seen', more: 'More',
    knowledgeTitle: 'Knowledge base',
    knowledgeHint: 'Verified improvement projects and resolved cases: what the problem was, what was done, and its effect.',
    knowledgePlaceholder: 'Search, e.g. delivery, refund', search: 'Search',
    knowledgeStart: 'Type a word to search verified fixes and resolved cases.', knowledgeEmpty: 'Nothing found for “{q}”.',
    // issue 11: the case's delivery log (voc-notify)
    deliveries: 'Notifications sent', deliveriesEmpty: 'No notification was sent for this case yet.',
    deliveriesUnavailable: 'The notification log is not available: {m}',
    deliveryStates: { pending: 'sending', delivered: 'delivered', failed: 'failed' }, deliveryAttempts: 'try {n}',
    knowledgeCount: '{n} found for “{q}”.', queryTooLong: 'The search text is too long (at most 256 bytes).',
    problem: 'Problem', whatWasDone: 'What was done', measuredEffect: 'Measured effect', caseSummary: 'Case summary',
    evidence: 'Evidence', verifiedAt: 'Verified', resolvedAt: 'Resolved', source: 'Source',
    entryKinds: { project: 'Verified project', case: 'Resolved case' },
    kinds: { detractor_callback: 'Detractor callback', red_line: 'Red line', complaint: 'Complaint' },
    states: {
      open: 'Open', acknowledged: 'Acknowledged', in_progress: 'In progress',
      waiting_on_customer: 'Waiting on customer', resolved: 'Resolved', closed: 'Closed',
    },
  },
};

export function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ''));
}

// "2d 3h", "3h 20m", "5m": the two largest units, in the given language.
export function formatDuration(ms, lang) {
  const m = messages[lang];
  const totalMinutes = Math.floor(Math.abs(ms) / 60000);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const parts = [];
  if (days) parts.push(format(m.days, { n: days }));
  if (hours || days) parts.push(format(m.hours, { n: hours }));
  if (!days) parts.push(format(m.minutes, { n: minutes }));
  return parts.join(lang === 'zh' ? '' : ' ');
}

// A p-value for people: 3.2e-7 -> "3.2e-7", 0.0123 -> "0.012".
export function formatPValue(p) {
  if (typeof p !== 'number' || !Number.isFinite(p)) return '—';
  if (p === 0) return '0';
  if (p < 0.001) return p.toExponential(1);
  return p.toFixed(3);
}

// Overdue first (most overdue on top), then the least time left; cases
// without a due time last.
export function sortCases(cases) {
  const key = (c) => (c.time_left_ms === null || c.time_left_ms === undefined ? Infinity : c.time_left_ms);
  return [...cases].sort((a, b) => {
    if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
    return key(a) - key(b);
  });
}

// ---- issue 12: why is this case here (the case's explanation)
Object.assign(messages.zh, {
  whyTitle: '为什么有这个工单', whySentiment: '情感', whyEvidence: '情感依据词', whyTopics: '主题与匹配词',
  whyPriority: '优先级与原因', whyRedLines: '红线', whyRouting: '分派规则', whyCluster: '相似投诉簇',
  whySla: 'SLA 策略与时钟',
  whyRedLineSpan: '{c}“{w}”，分析文本第 {b}–{e} 字节，规则 {r}',
  whyRoutingRule: '{rule}（routing.yaml 第 {line} 行，{id}）：{reason}',
  whyRoutingRuleNoLine: '{rule}（{id}）：{reason}',
  whyNoText: '（没有可标注的文本）',
  sentiments: { negative: '负面', neutral: '中性', positive: '正面' },
  redLineCategories: { safety: '安全', legal: '法律', regulatory: '监管', pr_crisis: '舆情危机' },
  // The services' English titles and history words, said in Chinese (service_text.js).
  serviceTitles: {
    callback: '回访贬损客户 {c}', callbackNps: '回访贬损客户 {c}（NPS {n}）', redLine: '红线（{k}）：“{w}”',
    complaint: '投诉：{t}',
    fixed: {
      'Negative feedback': '负面反馈', 'Call back a detractor': '回访贬损客户', 'Red-line feedback': '红线反馈',
      'Customer complaint': '客户投诉',
    },
  },
  historyActions: {
    created: '创建工单', acknowledged: '确认受理', callback_logged: '记录回访', resolved: '已解决', reassigned: '转派',
    closed: '关闭', overdue: '超时', escalated: '升级', reopened: '重新打开', sla_warning: 'SLA 预警',
    sla_paused: 'SLA 计时暂停', sla_resumed: 'SLA 计时恢复', sla_retargeted: 'SLA 目标调整',
    priority_changed: '优先级变更', resumed: '客户已答复', task_added: '新增任务', task_started: '任务开始',
    task_done: '任务完成', task_cancelled: '任务取消', task_reassigned: '任务转派', task_redated: '任务改期',
  },
  historyDetails: {
    'case acknowledged': '工单已受理', 'case closed': '工单已关闭', 'customer reached': '已联系到客户',
    'customer not reached': '未能联系到客户', 'the customer answered': '客户已回复，工单继续处理',
  },
  historyNoteSeparator: '：',
  // service_text.js HISTORY_SHAPES: {1}, {2}, ... are what the service wrote.
  historyShapes: {
    reassigned: '由 {1} 转给 {2}',
    priorityReason: '{1} → {2}：{3}',
    paused: '等待客户答复，解决时限暂停，剩余 {1} 个工作分钟',
    resumed: '解决时限恢复计时，截止 {1}',
    warning: '{clock}预警 {2}，通知 {3}；截止 {4}',
    breach: '{clock}超时；负责人 {2}；截止 {3}',
    escalation: '{clock}第 {2} 级升级（{3}），通知 {4}，负责人 {5}；截止 {6}',
  },
  historyClocks: { 'first response': '首次响应', resolution: '解决' },
  historyNobody: '未找到接收人',
});
Object.assign(messages.en, {
  whyTitle: 'Why is this case here', whySentiment: 'Sentiment', whyEvidence: 'Sentiment evidence',
  whyTopics: 'Topics and matched terms', whyPriority: 'Priority and reason', whyRedLines: 'Red lines',
  whyRouting: 'Routing rule', whyCluster: 'Similar-complaint cluster', whySla: 'SLA policy and clocks',
  whyRedLineSpan: '{c} “{w}”, bytes {b}–{e} of the analysed text, rule {r}',
  whyRoutingRule: '{rule} (routing.yaml line {line}, {id}): {reason}',
  whyRoutingRuleNoLine: '{rule} ({id}): {reason}',
  whyNoText: '(no text to mark)',
  sentiments: { negative: 'negative', neutral: 'neutral', positive: 'positive' },
  redLineCategories: { safety: 'safety', legal: 'legal', regulatory: 'regulatory', pr_crisis: 'PR crisis' },
});

// ---- issue 10 item 4: the owners' verdict on a red-line case
Object.assign(messages.zh, {
  redLineMarkTitle: '红线结论', markConfirmed: '确认属实', markFalseAlarm: '误报',
  markConfirmedPrompt: '确认属实：请说明理由（必填）', markFalseAlarmPrompt: '误报：请说明理由（必填），分析员据此收紧红线词表',
  markReasonRequired: '请填写理由', redLineUnmarked: '尚未标记：是真实的红线事件还是误报？',
  redLineMarked: '{v}（{a}，{w}）：{r}',
  redLineVerdicts: { confirmed: '确认属实', false_alarm: '误报' },
});
Object.assign(messages.en, {
  redLineMarkTitle: 'Red-line verdict', markConfirmed: 'Confirmed', markFalseAlarm: 'False alarm',
  markConfirmedPrompt: 'Confirmed: why? (required)',
  markFalseAlarmPrompt: 'False alarm: why? (required; analysts tighten the red-line lists from it)',
  markReasonRequired: 'A reason is required', redLineUnmarked: 'Not marked yet: a real red-line event or a false alarm?',
  redLineMarked: '{v} ({a}, {w}): {r}',
  redLineVerdicts: { confirmed: 'Confirmed', false_alarm: 'False alarm' },
});
if (messages.zh.historyActions) messages.zh.historyActions.red_line_marked = '红线结论';

// ---- issue 11 (tasks): tasks on cases and improvement projects
Object.assign(messages.zh, {
  viewWork: '任务与项目', myTasks: '本部门的任务', taskTitle: '任务', taskCase: '所属工单',
  addTask: '给其他部门派任务', taskTitlePlaceholder: '任务内容（必填）', taskPersonPlaceholder: '负责人 ID（可选）',
  addTaskButton: '派发任务', caseTasks: '任务', tasksEmpty: '本部门没有待办任务。',
  startTask: '开始处理', doneTask: '完成', cancelTask: '取消', cancelReasonPrompt: '取消原因（必填）：',
  projectsTitle: '改进项目', projectsHint: '项目提案须经 VoC 委员会批准后才能启动。',
  proposeProject: '提交项目提案', projectTitlePlaceholder: '项目名称（必填）',
  projectTopicPlaceholder: '主题 ID，例如 logistics.delivery_delay', itemTitlePlaceholder: '第一项行动（可选）',
  propose: '提交提案', approve: '批准', reject: '驳回', startProject: '启动项目',
  rejectReasonPrompt: '驳回原因（必填）：', projectsEmpty: '还没有改进项目。', decidedBy: '{p} 决定：{r}',
  itemOverdue: '已逾期', itemDone: '已完成', completeItem: '标记完成',
  taskStates: { open: '待处理', in_progress: '处理中', done: '已完成', cancelled: '已取消' },
  projectStates: {
    proposed: '待委员会审批', approved: '已批准', rejected: '已驳回', open: '进行中', closed: '已完成',
  },
});
Object.assign(messages.en, {
  viewWork: 'Tasks & projects', myTasks: "My department's tasks", taskTitle: 'Task', taskCase: 'Case',
  addTask: 'Add a task for another department', taskTitlePlaceholder: 'What to do (required)',
  taskPersonPlaceholder: 'Person id (optional)', addTaskButton: 'Add task', caseTasks: 'Tasks',
  tasksEmpty: 'No open tasks for this department.',
  startTask: 'Start', doneTask: 'Done', cancelTask: 'Cancel', cancelReasonPrompt: 'Why cancel? (required)',
  projectsTitle: 'Improvement projects', projectsHint: 'A proposal starts only after the VoC committee approves it.',
  proposeProject: 'Propose a project', projectTitlePlaceholder: 'Project title (required)',
  projectTopicPlaceholder: 'Topic id, e.g. logistics.delivery_delay', itemTitlePlaceholder: 'First action item (optional)',
  propose: 'Propose', approve: 'Approve', reject: 'Reject', startProject: 'Start project',
  rejectReasonPrompt: 'Why reject? (required)', projectsEmpty: 'No improvement projects yet.',
  decidedBy: 'Decided by {p}: {r}', itemOverdue: 'overdue', itemDone: 'done', completeItem: 'Mark done',
  taskStates: { open: 'open', in_progress: 'in progress', done: 'done', cancelled: 'cancelled' },
  projectStates: {
    proposed: 'awaiting the VoC committee', approved: 'approved', rejected: 'rejected', open: 'in progress',
    closed: 'done',
  },
});

// ---- issue 12: the Dashboard
Object.assign(messages.zh, {
  viewDashboard: '仪表盘', dashboardTitle: '闭环仪表盘',
  dashStart: '开始日期', dashEnd: '结束日期', dashDepartment: '部门', dashAllDepartments: '全部部门',
  dashChannel: '渠道', dashAllChannels: '全部渠道', dashProduct: '产品', dashRegion: '地区', dashAny: '全部',
  dashGranularity: '粒度', granularityDay: '按天', granularityWeek: '按周',
  dashKind: '工单类型', dashAllKinds: '全部类型',
  dashRangeNote: '日期按部署的报表时区计算（默认 UTC+8），包含首尾两天，最长 400 天。',
  channels: {
    nps_survey: 'NPS 调研', social: '社交媒体', call_center: '呼叫中心', review: '用户评价',
    app_review: '应用商店评价', email: '邮件', chat: '在线客服',
  },
  kpiTotal: '反馈总量', kpiNegative: '负面占比', kpiNps: 'NPS', kpiHotLoop: '24 小时内回访率', kpiSla: '解决时效达标率',
  volumeTitle: '反馈量与负面占比', seriesTotal: '反馈量', seriesNegative: '负面反馈', seriesNegativeShare: '负面占比',
  npsTitle: 'NPS 趋势（95% 置信区间）', seriesNps: 'NPS', seriesCiLow: '置信区间下限', seriesCi: '95% 置信区间',
  npsNoneShown: '每个周期的回答都少于 {n} 条，不显示 NPS；可以改为按周查看或放宽筛选。',
  npsSomeHidden: '回答少于 {n} 条的周期不显示 NPS。',
  topicsTitle: '热点主题', orderVolume: '按数量', orderGrowth: '按增长', negativeOnly: '只计负面（投诉）',
  topicsHint: '点击主题，查看该主题的相似投诉簇。', topicsGrowthNote: '按占比上升的显著性（z）排序，对比上一周期 {a} 至 {b}。',
  topicsVolumeAxis: '数量', topicsGrowthAxis: '上升显著性 z',
  slaTitle: '各部门 SLA 达标率', seriesFirstResponse: '首次响应达标', seriesResolution: '解决达标',
  slaHint: '点击部门，查看该部门的工单。',
  backlogTitle: '积压工单（按账龄）', seriesOpen: '未结工单',
  backlogLabels: { '<1d': '不到 1 天', '1-3d': '1–3 天', '3-7d': '3–7 天', '7-30d': '7–30 天', '>=30d': '30 天及以上' },
  hotLoopFacts: '贬损者回访工单 {n} 个，24 小时内回访 {c} 个（{r}），联系到客户 {reached} 个（{s}）。截至 {d}。',
  colPeriod: '周期', colPeriodEnd: '截止', colTotal: '总量', colNegative: '负面', colNeutral: '中性', colPositive: '正面',
  colNegativeShare: '负面占比', colIntensity: '负面强度均值',
  colAnswers: '回答数', colPromoters: '推荐者', colPassives: '被动者', colDetractors: '贬损者', colNps: 'NPS',
  colCiLow: '区间下限', colCiHigh: '区间上限', colShown: '显示',
  colTopic: '主题', colTopicId: '主题编号', colDepartment: '部门', colCount: '数量', colPrevious: '上期数量',
  colShare: '占比', colPrevShare: '上期占比', colZ: 'z', colP: 'p 值', colRise: '显著上升',
  colKind: '类型', colOpened: '新建', colResolved: '已解决', colFrDue: '首次响应应达', colFrMet: '首次响应达标',
  colFrShare: '首次响应达标率', colMtta: 'MTTA 中位数', colResDue: '解决应达', colResMet: '解决达标',
  colResShare: '解决达标率', colMttr: 'MTTR 中位数', colBreaches: '超时次数', colEscalations: '升级次数',
  colAge: '账龄', colOpen: '未结',
  yes: '是', no: '否', csv: '下载 CSV', dashEmpty: '这个范围内没有数据。',
  chartsUnavailable: '图表库（/vendor/echarts.min.js）没有加载，只显示表格。',
  clustersScopeTopic: '主题“{topic}”（含子主题）的相似投诉簇。', clearTopic: '清除主题筛选',
});
Object.assign(messages.en, {
  viewDashboard: 'Dashboard', dashboardTitle: 'Loop dashboard',
  dashStart: 'From', dashEnd: 'To', dashDepartment: 'Department', dashAllDepartments: 'All departments',
  dashChannel: 'Channel', dashAllChannels: 'All channels', dashProduct: 'Product', dashRegion: 'Region', dashAny: 'Any',
  dashGranularity: 'Granularity', granularityDay: 'Daily', granularityWeek: 'Weekly',
  dashKind: 'Case kind', dashAllKinds: 'All kinds',
  dashRangeNote: 'Days are in the deployment\'s report time zone (UTC+8 by default), both ends included, at most 400 days.',
  channels: {
    nps_survey: 'NPS survey', social: 'Social media', call_center: 'Call center', review: 'Reviews',
    app_review: 'App store reviews', email: 'E-mail', chat: 'Chat',
  },
  kpiTotal: 'Feedback', kpiNegative: 'Negative share', kpiNps: 'NPS', kpiHotLoop: 'Called back within 24 h',
  kpiSla: 'Resolved within SLA',
  volumeTitle: 'Feedback volume and negative share', seriesTotal: 'Feedback', seriesNegative: 'Negative',
  seriesNegativeShare: 'Negative share',
  npsTitle: 'NPS trend (95% confidence interval)', seriesNps: 'NPS', seriesCiLow: 'Interval low', seriesCi: '95% interval',
  npsNoneShown: 'Fewer than {n} answers in every period, so no NPS is shown: try weekly or a wider filter.',
  npsSomeHidden: 'Periods with fewer than {n} answers show no NPS.',
  topicsTitle: 'Top topics', orderVolume: 'By volume', orderGrowth: 'By growth', negativeOnly: 'Negative only (complaints)',
  topicsHint: 'Click a topic to see its similar-complaint clusters.',
  topicsGrowthNote: 'Ranked by how significantly the share rose (z) against the previous period, {a} to {b}.',
  topicsVolumeAxis: 'Count', topicsGrowthAxis: 'Rise (z)',
  slaTitle: 'SLA compliance by department', seriesFirstResponse: 'First response met', seriesResolution: 'Resolution met',
  slaHint: 'Click a department to see its cases.',
  backlogTitle: 'Backlog by age', seriesOpen: 'Open cases',
  backlogLabels: { '<1d': 'under 1 day', '1-3d': '1–3 days', '3-7d': '3–7 days', '7-30d': '7–30 days', '>=30d': '30 days or more' },
  hotLoopFacts: '{n} detractor callback cases, {c} called back within 24 h ({r}), {reached} reached ({s}). As of {d}.',
  colPeriod: 'Period', colPeriodEnd: 'Until', colTotal: 'Total', colNegative: 'Negative', colNeutral: 'Neutral',
  colPositive: 'Positive', colNegativeShare: 'Negative share', colIntensity: 'Mean negative intensity',
  colAnswers: 'Answers', colPromoters: 'Promoters', colPassives: 'Passives', colDetractors: 'Detractors', colNps: 'NPS',
  colCiLow: 'CI low', colCiHigh: 'CI high', colShown: 'Shown',
  colTopic: 'Topic', colTopicId: 'Topic id', colDepartment: 'Department', colCount: 'Count', colPrevious: 'Previous',
  colShare: 'Share', colPrevShare: 'Previous share', colZ: 'z', colP: 'p-value', colRise: 'Significant rise',
  colKind: 'Kind', colOpened: 'Opened', colResolved: 'Resolved', colFrDue: 'First response due',
  colFrMet: 'First response met', colFrShare: 'First response met share', colMtta: 'MTTA (median)',
  colResDue: 'Resolution due', colResMet: 'Resolution met', colResShare: 'Resolution met share',
  colMttr: 'MTTR (median)', colBreaches: 'Breaches', colEscalations: 'Escalations',
  colAge: 'Age', colOpen: 'Open',
  yes: 'yes', no: 'no', csv: 'Download CSV', dashEmpty: 'No figures in this range.',
  chartsUnavailable: 'The chart library (/vendor/echarts.min.js) did not load: tables only.',
  clustersScopeTopic: 'Similar-complaint clusters on “{topic}” (with its subtopics).', clearTopic: 'Clear the topic filter',
});

// ---- issue 12: the feedback behind a Dashboard figure (feedback_list.js)
Object.assign(messages.zh, {
  feedbackTitle: '图表背后的反馈', feedbackClose: '关闭', feedbackClusters: '该主题的相似投诉簇', feedbackMore: '加载更多',
  feedbackTotal: '共 {n} 条，已显示 {shown} 条。', feedbackTotalAtMost: '至多 {n} 条，已显示 {shown} 条。',
  feedbackEmpty: '这个筛选下没有反馈。', feedbackErased: '（已按客户要求删除）',
  feedbackMasked: '文本已去标识化（手机号、邮箱、姓名等已替换）。',
  feedbackColTime: '时间', feedbackColId: '反馈编号', feedbackColChannel: '渠道', feedbackColProduct: '产品',
  feedbackColRegion: '地区', feedbackColSentiment: '情感', feedbackColIntensity: '强度', feedbackColNps: 'NPS 分',
  feedbackColTopics: '主题', feedbackColPriority: '优先级', feedbackColCluster: '簇', feedbackColText: '文本',
  feedbackFilter_product: '产品', feedbackFilter_region: '地区', feedbackFilter_store: '门店', feedbackFilter_tier: '客户等级',
  feedbackSentiments: { negative: '负面', neutral: '中性', positive: '正面' },
  feedbackNps: { promoter: '推荐者', passive: '被动者', detractor: '贬损者' },
  feedbackHint: '点击趋势图上的点，查看当天或当周的反馈。',
});
Object.assign(messages.en, {
  feedbackTitle: 'Feedback behind the figure', feedbackClose: 'Close', feedbackClusters: 'Similar complaints on this topic', feedbackMore: 'More',
  feedbackTotal: '{n} in all, {shown} shown.', feedbackTotalAtMost: 'At most {n}, {shown} shown.',
  feedbackEmpty: 'No feedback under this filter.', feedbackErased: '(erased at the customer\'s request)',
  feedbackMasked: 'Texts are de-identified (phone numbers, e-mail addresses, names and the like replaced).',
  feedbackColTime: 'Time', feedbackColId: 'Feedback id', feedbackColChannel: 'Channel', feedbackColProduct: 'Product',
  feedbackColRegion: 'Region', feedbackColSentiment: 'Sentiment', feedbackColIntensity: 'Intensity', feedbackColNps: 'NPS score',
  feedbackColTopics: 'Topics', feedbackColPriority: 'Priority', feedbackColCluster: 'Cluster', feedbackColText: 'Text',
  feedbackFilter_product: 'Product', feedbackFilter_region: 'Region', feedbackFilter_store: 'Store', feedbackFilter_tier: 'Tier',
  feedbackSentiments: { negative: 'Negative', neutral: 'Neutral', positive: 'Positive' },
  feedbackNps: { promoter: 'Promoter', passive: 'Passive', detractor: 'Detractor' },
  feedbackHint: 'Click a point of a trend to see that day\'s or week\'s feedback.',
});

// ---- issue 12: the programme on the Dashboard (programme.js): goals, outcomes, the digest archive
Object.assign(messages.zh, {
  goalsTitle: '项目目标', goalsHint: '点击目标，查看它的轨迹。', goalsEmpty: '还没有目标。',
  goalNoHistory: '这个目标还没有评估记录。',
  pagesLoading: '正在加载……已读取 {n} 条', goalsShowArchived: '显示已归档的目标', colActions: '操作',
  goalArchive: '归档', goalArchived: '已归档', goalArchiveConfirm: '归档目标“{title}”？归档后不再每日跟踪（历史保留）。',
  goalArchivedDone: '目标“{title}”已归档。',
  colGoal: '目标', colMetric: '指标', colScope: '范围', colBaseline: '基线', colTarget: '目标值', colDeadline: '截止日期',
  colBaselineTarget: '基线 → 目标值', colLatest: '最新值', colStatus: '状态',
  goalLine: '{b} → {t}，截至 {d}', goalScopeCompany: '全公司',
  goalMetrics: {
    nps: 'NPS', topic_complaint_share: '主题投诉占比', hot_loop_rate: '24 小时回访率',
    first_response_compliance: '首次响应达标率', projects_verified: '已验证的项目数',
  },
  goalStatuses: {
    not_evaluated: '尚未评估', on_track: '进展正常', at_risk: '有风险', met: '已达成', missed: '未达成',
    no_data: '数据不足', unspecified: '未知',
  },
  goalSeriesValue: '实际值', goalSeriesExpected: '预期轨迹', goalSeriesTarget: '目标值',
  goalNew: '新建目标', goalCreate: '创建目标', goalCreated: '目标已创建。',
  goalFieldTitle: '名称', goalFieldMetric: '指标', goalFieldProduct: '产品', goalFieldRegion: '地区',
  goalFieldDepartment: '部门', goalFieldTopic: '主题', goalFieldProjects: '项目（逗号分隔）',
  goalFieldBaseline: '基线', goalFieldTarget: '目标值', goalFieldStart: '开始日期', goalFieldDeadline: '截止日期',
  goalFieldWindow: '计算窗口（天）', goalTopicPlaceholder: '例如 logistics.delivery_delay', goalProjectsPlaceholder: '例如 p-riders, p-app-crash',
  outcomesTitle: '改进成效', outcomeVerified: '验证有效', outcomeFailed: '验证无效', outcomeReopened: '已重新打开',
  outcomesEmpty: '这个范围内没有完成的验证。',
  colProject: '项目', colProjectTitle: '项目名称', colBeforeShare: '改进前占比', colAfterShare: '改进后占比',
  colBeforeAfter: '改进前 → 改进后', colVerificationState: '验证结果', colChecked: '验证日期',
  verificationStates: { verified: '有效', failed: '无效', scheduled: '待验证', unspecified: '未知' },
  resurveyTitle: '贬损者回访后的再调研', resurveyAnswered: '已回答', resurveyUnanswered: '到期未回答',
  resurveyOriginal: '原 NPS', resurveyAnswer: '再调研 NPS', resurveyChange: '平均分变化',
  resurveyPromoters: '现为推荐者', resurveyPassives: '现为被动者', resurveyDetractors: '仍为贬损者',
  digestsTitle: '周报存档', digestsHint: '按仪表盘的部门筛选；选一周查看当周周报。', digestsEmpty: '还没有周报。',
  digestCompany: '全公司', digestWins: '已验证的改进', digestGoals: '目标进展', digestRising: '上升最快的主题',
  digestSignals: '新的弱信号', digestSla: 'SLA 达标与超时', digestLessonLine: '值得借鉴：{title}——{resolution}',
  digestOutreach: '主动外呼', colCampaign: '活动', colCampaignId: '活动编号', colSegment: '目标客户', colContactedRate: '被联系组投诉率',
  colHeldOutRate: '对照组投诉率', colDifferenceCi: '差值（95% 置信区间）', colVerdict: '结论',
  verdict_fewer_complaints: '投诉减少', verdict_more_complaints: '投诉增加',
  verdict_no_difference_detected: '未发现差异', verdict_too_few_customers: '客户太少，无法判断',
});
Object.assign(messages.en, {
  goalsTitle: 'Programme goals', goalsHint: 'Click a goal to see its trajectory.', goalsEmpty: 'No goals yet.',
  goalNoHistory: 'This goal has not been evaluated yet.',
  pagesLoading: 'Loading… {n} read so far', goalsShowArchived: 'Show archived goals', colActions: 'Actions',
  goalArchive: 'Archive', goalArchived: 'archived',
  goalArchiveConfirm: 'Archive the goal “{title}”? It is no longer tracked daily (its history is kept).',
  goalArchivedDone: 'Goal “{title}” archived.',
  colGoal: 'Goal', colMetric: 'Metric', colScope: 'Scope', colBaseline: 'Baseline', colTarget: 'Target', colDeadline: 'Deadline',
  colBaselineTarget: 'Baseline → target', colLatest: 'Latest', colStatus: 'Status',
  goalLine: '{b} → {t} by {d}', goalScopeCompany: 'Company-wide',
  goalMetrics: {
    nps: 'NPS', topic_complaint_share: 'Topic complaint share', hot_loop_rate: 'Hot-loop rate (24 h)',
    first_response_compliance: 'First response compliance', projects_verified: 'Projects verified',
  },
  goalStatuses: {
    not_evaluated: 'not evaluated', on_track: 'on track', at_risk: 'at risk', met: 'met', missed: 'missed',
    no_data: 'no data', unspecified: 'unknown',
  },
  goalSeriesValue: 'Value', goalSeriesExpected: 'Expected trajectory', goalSeriesTarget: 'Target',
  goalNew: 'New goal', goalCreate: 'Create goal', goalCreated: 'Goal created.',
  goalFieldTitle: 'Title', goalFieldMetric: 'Metric', goalFieldProduct: 'Product', goalFieldRegion: 'Region',
  goalFieldDepartment: 'Department', goalFieldTopic: 'Topic', goalFieldProjects: 'Projects (comma-separated)',
  goalFieldBaseline: 'Baseline', goalFieldTarget: 'Target', goalFieldStart: 'Start', goalFieldDeadline: 'Deadline',
  goalFieldWindow: 'Window (days)', goalTopicPlaceholder: 'e.g. logistics.delivery_delay', goalProjectsPlaceholder: 'e.g. p-riders, p-app-crash',
  outcomesTitle: 'Outcomes', outcomeVerified: 'Verified', outcomeFailed: 'Failed', outcomeReopened: 'Reopened',
  outcomesEmpty: 'No verification finished in this range.',
  colProject: 'Project', colProjectTitle: 'Project title', colBeforeShare: 'Share before', colAfterShare: 'Share after',
  colBeforeAfter: 'Before → after', colVerificationState: 'Verdict', colChecked: 'Checked',
  verificationStates: { verified: 'verified', failed: 'failed', scheduled: 'scheduled', unspecified: 'unknown' },
  resurveyTitle: 'Re-surveyed detractors', resurveyAnswered: 'Answered', resurveyUnanswered: 'Due, not answered',
  resurveyOriginal: 'Original NPS', resurveyAnswer: 'NPS of the answers', resurveyChange: 'Mean score change',
  resurveyPromoters: 'Now promoters', resurveyPassives: 'Now passives', resurveyDetractors: 'Still detractors',
  digestsTitle: 'Weekly digest archive', digestsHint: "Filtered by the Dashboard's department; choose a week to read its digest.",
  digestsEmpty: 'No digests yet.',
  digestCompany: 'Company-wide', digestWins: 'Verified wins', digestGoals: 'Goals', digestRising: 'Topics rising fastest',
  digestSignals: 'New weak signals', digestSla: 'SLA compliance and open breaches',
  digestLessonLine: 'Worth learning from: {title} — {resolution}',
  digestOutreach: 'Proactive outreach', colCampaign: 'Campaign', colCampaignId: 'Campaign id', colSegment: 'Segment',
  colContactedRate: 'Complaint rate, contacted', colHeldOutRate: 'Complaint rate, held out',
  colDifferenceCi: 'Difference (95% CI)', colVerdict: 'Verdict',
  verdict_fewer_complaints: 'Fewer complaints', verdict_more_complaints: 'More complaints',
  verdict_no_difference_detected: 'No difference detected', verdict_too_few_customers: 'Too few customers to tell',
});

// ---- issue 12: the "created" and "sla_retargeted" case details and the
// project history in the page's language (service_text.js). English is what
// the services wrote, so only Chinese needs the words.
Object.assign(messages.zh.historyShapes, {
  created: '{kind}工单，负责人 {owners}，截止 {due}（请求 {request}）',
  retargeted: '{before} → {after}',
  clocksUnchanged: '时钟未变：{why}',
  taskAdded: '任务 {task}：“{title}”，负责人 {owner}，截止 {due}', taskPolicy: '（SLA 策略 {policy}）',
  taskState: '任务 {task}：“{title}” {from} → {to}', taskEdited: '任务 {task}：',
  redLineMarked: '{verdict}：{reason}',
});
Object.assign(messages.zh, {
  historyListSeparator: '；',
  historyClock: '{clock}{state}（目标 {target}，日历 {calendar}，策略 {policy}）',
  historyClockStates: { met: '已达成', paused: '已暂停', due: '截止 {t}' },
  historyTargetHours: '{h}小时', historyTargetHoursMinutes: '{h}小时{m}分',
  historyReasons: { 'no SLA policies loaded': '没有加载 SLA 策略' },
  projectHistory: '项目历史',
  projectHistoryActions: {
    proposed: '提交提案', approved: '批准', rejected: '驳回', started: '启动项目', closed: '项目完成',
    reopened: '重新打开', action_item_added: '新增行动项', action_item_edited: '修改行动项',
    action_item_reassigned: '行动项转派', action_item_redated: '行动项改期', action_item_done: '行动项完成',
  },
  projectHistoryShapes: {
    proposed: '主题 {topic} 的项目提案，含 {n} 项行动，提交 VoC 委员会审批',
    approved: 'VoC 委员会批准', approvedReason: 'VoC 委员会批准：{reason}',
    rejected: 'VoC 委员会驳回', rejectedReason: 'VoC 委员会驳回：{reason}',
    started: '已批准的项目开始实施',
    itemAdded: '行动项“{title}”，负责人 {owner}，截止 {due}',
    itemDone: '行动项 {item} 已完成',
    closed: '所有行动项均已完成',
    reopened: '验证 {verification} 未通过。{summary}',
    itemTitle: '标题“{from}”改为“{to}”', itemReassigned: '由 {from} 转给 {to}', itemRedated: '截止时间由 {from} 改为 {to}',
  },
  projectHistoryNoDue: '无',
  verificationSummary: {
    counts: '主题 {topic}：改进前负面反馈 {a}/{b}（{p}），改进后 {c}/{d}（{q}）；',
    cannotTest: '无法检验：{reason}——未通过。',
    test: 'z = {z}，单侧 p = {p} {op} {alpha}：',
    fell: '占比显著下降——验证有效。',
    noFall: '占比没有显著下降——未通过。',
  },
});
Object.assign(messages.en, { projectHistory: 'History' });

// ---- issue 12: the cases behind a backlog bar, the worklist's pages and
// CSV, and the Dashboard's weak signals by department
Object.assign(messages.zh, {
  caseFilterBacklog: '积压工单（{age}）：{from} 至 {to} 开立、尚未解决', caseFilterClear: '返回工单列表',
  colDepartments: '相关部门',
  dashSignalsCompany: '全公司：今天（或所选范围最后一天）新出现的弱信号。',
  dashSignalsDepartment: '{d}：今天（或所选范围最后一天）出现在本部门主题上的弱信号。',
  dashSignalsEmpty: '没有新出现的弱信号。',
});
Object.assign(messages.en, {
  caseFilterBacklog: 'Backlog ({age}): opened {from} to {to}, not yet resolved', caseFilterClear: 'Back to the worklist',
  colDepartments: 'Departments',
  dashSignalsCompany: 'Company-wide: weak signals emerging today (or on the range\'s last day).',
  dashSignalsDepartment: '{d}: weak signals on its topics today (or on the range\'s last day).',
  dashSignalsEmpty: 'No emerging weak signals.',
});

// ---- issue 13: the Campaigns panel (proactive outreach; only the head of a
// campaign's department approves it)
Object.assign(messages.zh, {
  campaignsTitle: '主动关怀活动', campaignsHint: '活动须由所属部门负责人批准后才会发送。',
  campaignName: '活动', campaignDepartment: '部门', campaignSegment: '目标客户数', campaignIssue: '关联问题',
  campaignChannel: '渠道', campaignsEmpty: '没有可查看的活动。', campaignRejectPrompt: '驳回原因（必填）：',
  campaignSegmentAtCreation: '（创建时 {n}）', campaignApproved: '已批准活动 {name}。', campaignRejected: '已驳回活动 {name}。',
  campaignStates: {
    DRAFT: '草稿', PENDING_APPROVAL: '待负责人批准', APPROVED: '已批准', SENDING: '发送中', SENT: '已发送',
    CANCELLED: '已取消',
  },
  campaignChannels: { email: '邮件', sms: '短信', app_push: 'App 推送', wecom: '企业微信' },
});
Object.assign(messages.en, {
  campaignsTitle: 'Outreach campaigns', campaignsHint: "A campaign sends only after its department's head approves it.",
  campaignName: 'Campaign', campaignDepartment: 'Department', campaignSegment: 'Customers', campaignIssue: 'Issue',
  campaignChannel: 'Channel', campaignsEmpty: 'No campaigns to show.', campaignRejectPrompt: 'Why reject? (required)',
  campaignSegmentAtCreation: '({n} at creation)', campaignApproved: 'Approved {name}.', campaignRejected: 'Rejected {name}.',
  campaignStates: {
    DRAFT: 'draft', PENDING_APPROVAL: 'awaiting the head', APPROVED: 'approved', SENDING: 'sending', SENT: 'sent',
    CANCELLED: 'cancelled',
  },
  campaignChannels: { email: 'email', sms: 'SMS', app_push: 'app push', wecom: 'WeCom' },
});

// ---- issue 13: a campaign started from a root-cause finding (campaign_form.js),
// and a campaign's history and cancel on the Campaigns panel
Object.assign(messages.zh, {
  cfTitle: '发起主动关怀活动', cfStart: '发起关怀活动', cfStartFromSource: '为该问题发起关怀活动',
  cfSourceFinding: '问题：{source}；根因 {attribute} = {value}。', cfSourceOnly: '问题：{source}。',
  cfSegment: '目标客户（客群）', cfCampaign: '活动内容、时间与所属部门',
  cfEntity: '业务实体', cfAttribute: '属性', cfOp: '条件', cfValues: '取值（多个用逗号分隔）',
  cfOps: { eq: '等于', ne: '不等于', has: '包含' },
  cfNotComplained: '排除近期已就该主题投诉过的客户', cfNotComplainedDays: '近多少天（默认 90）',
  cfPreview: '预览', cfPreviewing: '正在预览…',
  cfPreviewResult: '目标客户 {n} 人（匹配 {rows} 条记录；已排除 {x} 位近期已投诉的客户）。示例：{sample}',
  cfPreviewNoSample: '无',
  cfName: '活动名称', cfIssueKind: '关联问题类型', cfIssueId: '关联问题', cfTopic: '主题（效果按该主题的投诉统计）',
  cfTopicPlaceholder: '例如 product.defect',
  cfIssueKinds: { finding: '根因发现', signal: '弱信号', cluster: '相似投诉簇', project: '改进项目' },
  cfStartTime: '开始发送时间（留空：批准后立即）', cfHoldout: '对照组比例（0–0.5，不发送，用于衡量效果）',
  cfWindow: '效果观察期（天）',
  cfSubjectZh: '中文标题', cfBodyZh: '中文正文', cfSubjectEn: '英文标题', cfBodyEn: '英文正文',
  cfBodyPlaceholder: '{customer_id} 会替换为客户编号',
  cfCreate: '保存草稿', cfSubmit: '提交负责人审批', cfClose: '关闭',
  cfDefaultName: '{value} 客户主动关怀',
  cfCreated: '已保存草稿 {id}（客群 {segment}，{n} 人）。请提交所属部门负责人审批。',
  cfSubmitted: '活动 {id} 已提交，待 {department} 负责人批准。可在“任务与项目”的主动关怀活动中查看。',
  campaignSubmit: '提交审批', campaignCancel: '取消活动', campaignCancelPrompt: '取消原因（必填）：',
  campaignSubmitted: '已提交活动 {name}。', campaignCancelled: '已取消活动 {name}。',
  campaignHistory: '活动记录', campaignTime: '时间', campaignActor: '操作人', campaignAction: '步骤', campaignNote: '备注',
  campaignActions: {
    create: '创建草稿', submit: '提交审批', approve: '批准', reject: '驳回', cancel: '取消', start: '开始发送',
    finish: '发送完成',
  },
  campaignFacts: {
    issue: '关联问题', segment: '客群', query: '条件', size: '目标客户数', channel: '渠道', start: '开始时间',
    holdout: '对照组比例', window: '效果观察期', counts: '发送情况', createdBy: '创建人', message: '文案',
  },
  campaignWindowDays: '{n} 天',
  campaignCounts: '已发送 {sent}，对照组 {held}，未发送 {suppressed}，因免打扰时段推迟 {deferred}',
  campaignNotComplained: '（排除近 {days} 天已就 {topic} 投诉的客户）',
});
Object.assign(messages.en, {
  cfTitle: 'Start an outreach campaign', cfStart: 'Start a campaign', cfStartFromSource: 'Start a campaign for this issue',
  cfSourceFinding: 'Issue: {source}; root cause {attribute} = {value}.', cfSourceOnly: 'Issue: {source}.',
  cfSegment: 'Who: the segment', cfCampaign: 'What, when and whose',
  cfEntity: 'Entity', cfAttribute: 'Attribute', cfOp: 'Condition', cfValues: 'Values (comma-separated)',
  cfOps: { eq: 'is', ne: 'is not', has: 'contains' },
  cfNotComplained: 'Leave out customers who already complained on the topic lately', cfNotComplainedDays: 'Within the last days (default 90)',
  cfPreview: 'Preview', cfPreviewing: 'Previewing…',
  cfPreviewResult: '{n} customers ({rows} records matched; {x} who complained lately left out). Sample: {sample}',
  cfPreviewNoSample: 'none',
  cfName: 'Campaign name', cfIssueKind: 'Issue kind', cfIssueId: 'Issue', cfTopic: 'Topic (the effect counts its complaints)',
  cfTopicPlaceholder: 'e.g. product.defect',
  cfIssueKinds: { finding: 'root-cause finding', signal: 'weak signal', cluster: 'similar-complaint cluster', project: 'improvement project' },
  cfStartTime: 'Start sending at (empty: once approved)', cfHoldout: 'Hold-out share (0–0.5, not contacted, to measure the effect)',
  cfWindow: 'Effect window (days)',
  cfSubjectZh: 'Chinese subject', cfBodyZh: 'Chinese message', cfSubjectEn: 'English subject', cfBodyEn: 'English message',
  cfBodyPlaceholder: '{customer_id} is replaced by the customer id',
  cfCreate: 'Save as draft', cfSubmit: 'Submit for approval', cfClose: 'Close',
  cfDefaultName: 'Outreach: {value}',
  cfCreated: 'Saved draft {id} (segment {segment}, {n} customers). Submit it for its department head\'s approval.',
  cfSubmitted: 'Campaign {id} submitted: awaiting the head of {department}. See Outreach campaigns on Tasks & projects.',
  campaignSubmit: 'Submit', campaignCancel: 'Cancel', campaignCancelPrompt: 'Why cancel? (required)',
  campaignSubmitted: 'Submitted {name}.', campaignCancelled: 'Cancelled {name}.',
  campaignHistory: 'History', campaignTime: 'Time', campaignActor: 'Who', campaignAction: 'Step', campaignNote: 'Note',
  campaignActions: {
    create: 'created', submit: 'submitted', approve: 'approved', reject: 'rejected', cancel: 'cancelled',
    start: 'started sending', finish: 'finished sending',
  },
  campaignFacts: {
    issue: 'Issue', segment: 'Segment', query: 'Conditions', size: 'Customers', channel: 'Channel', start: 'Starts',
    holdout: 'Hold-out share', window: 'Effect window', counts: 'Sends', createdBy: 'Created by', message: 'Message',
  },
  campaignWindowDays: '{n} days',
  campaignCounts: '{sent} sent, {held} held out, {suppressed} suppressed, {deferred} waiting for quiet hours to end',
  campaignNotComplained: ' (leaving out who complained on {topic} in the last {days} days)',
});
