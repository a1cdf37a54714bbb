// Bilingual labels. Data from the services is shown as is; only the page's
// own words are translated.
export const messages = {
  zh: {
    title: 'VoC 闭环', department: '部门', actor: '操作人（人员 ID）', overdueOnly: '只看超时',
    openCases: '待处理工单', timeLeft: '剩余时间', priority: '优先级', kind: '类型', caseTitle: '标题',
    state: '状态', owner: '负责人', noCases: '没有待处理的工单。', feedback: '客户反馈', actions: '操作',
    acknowledge: '确认受理', logCallback: '记录回访', reached: '已联系到客户', notReached: '未能联系到客户',
    save: '保存', resolve: '解决并关闭', callbacks: '回访记录', history: '处理历史',
    notePlaceholder: '回访备注', resolutionPlaceholder: '解决方案说明（必填）',
    overdueBy: '已超时 {t}', left: '剩余 {t}', noDue: '无时限', loading: '加载中…', saved: '已保存。',
    needActor: '请先填写操作人。', now: '当前时间 {t}', clockDev: '（开发时钟）',
    langButton: 'English', days: '{n}天', hours: '{n}小时', minutes: '{n}分',
    customer: '客户', channel: '渠道', nps: 'NPS', rating: '评分', product: '产品', occurred: '发生时间',
    due: '截止时间', created: '创建时间', topics: '主题', resolution: '解决说明', reachedYes: '已接通',
    reachedNo: '未接通', feedbackUnavailable: '反馈暂不可用：{m}', errorPrefix: '出错了：',
    kinds: { detractor_callback: '贬损者回访', red_line: '红线事件', complaint: '投诉' },
    states: {
      open: '待受理', acknowledged: '已受理', in_progress: '处理中', waiting_on_customer: '等待客户',
      resolved: '已解决', closed: '已关闭',
    },
  },
  en: {
    title: 'VoC Loop', department: 'Department', actor: 'You (person id)', overdueOnly: 'Overdue only',
    openCases: 'Open cases', timeLeft: 'Time left', priority: 'Priority', kind: 'Kind', caseTitle: 'Title',
    state: 'State', owner: 'Owner', noCases: 'No open cases.', feedback: 'Customer feedback', actions: 'Actions',
    acknowledge: 'Acknowledge', logCallback: 'Log a callback', reached: 'Reached the customer',
    notReached: 'Could not reach', save: 'Save', resolve: 'Resolve', callbacks: 'Callbacks', history: 'History',
    notePlaceholder: 'Callback note', resolutionPlaceholder: 'Resolution note (required)',
    overdueBy: 'overdue {t}', left: '{t} left', noDue: 'no due time', loading: 'Loading…', saved: 'Saved.',
    needActor: 'Enter your person id first.', now: 'Now {t}', clockDev: ' (dev clock)',
    langButton: '中文', days: '{n}d', hours: '{n}h', minutes: '{n}m',
    customer: 'Customer', channel: 'Channel', nps: 'NPS', rating: 'Rating', product: 'Product', occurred: 'Occurred',
    due: 'Due', created: 'Created', topics: 'Topics', resolution: 'Resolution', reachedYes: 'reached',
    reachedNo: 'not reached', feedbackUnavailable: 'Feedback unavailable: {m}', errorPrefix: 'Error: ',
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

// Overdue first (most overdue on top), then the least time left; cases
// without a due time last.
export function sortCases(cases) {
  const key = (c) => (c.time_left_ms === null || c.time_left_ms === undefined ? Infinity : c.time_left_ms);
  return [...cases].sort((a, b) => {
    if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
    return key(a) - key(b);
  });
}
