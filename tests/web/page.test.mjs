// Browser test of the department-owner page: Debian's chromium, driven by
// playwright-core, against the real gateway routes and page served by
// stub_gateway (an in-memory backend; see stub_gateway.cc).
//   cmake --build build --target stub_gateway && (cd tests/web && npm install && npm test)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const stubPath = process.env.STUB_GATEWAY || path.join(root, 'build/tests/web/stub_gateway');
const staticDir = path.join(root, 'services/gateway/web');
// Issue 12: the ECharts the build bundled (services/gateway/CMakeLists.txt).
const vendorDir = process.env.WEB_VENDOR_DIR || path.join(root, 'build/services/gateway/vendor');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
// The stub's accounts share one password, drawn per run (never checked in).
const password = randomBytes(18).toString('base64url');

let server;
let browser;
let baseUrl;

function startStub() {
  return new Promise((resolve, reject) => {
    server = spawn(stubPath, [staticDir, '0', vendorDir], {
      stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, STUB_PASSWORD: password },
    });
    server.on('error', reject);
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/listening on (\d+)/);
      if (match) resolve(Number(match[1]));
    });
    setTimeout(() => reject(new Error('stub_gateway did not start')), 10000);
  });
}

before(async () => {
  const port = await startStub();
  baseUrl = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
});

// Fills and sends the login form (issue 9).
async function logIn(page, user, secret = password) {
  await page.waitForSelector('[data-testid=login]:not([hidden])');
  await page.fill('[data-testid=login-username]', user);
  await page.fill('[data-testid=login-password]', secret);
  await page.click('[data-testid=login-submit]');
}

// A fresh page, logged in as `user` (an analyst by default: every
// department), that fails the test on any script dialog (an XSS would
// alert). `route(context)` may intercept requests before the page loads.
async function openPage(lang = 'zh', { hash = '', waitFor = '[data-testid=case-rows] tr', route, user = 'p-emily-carter',
  timezoneId } = {}) {
  const context = await browser.newContext(timezoneId ? { timezoneId } : {});
  await context.addInitScript((l) => { localStorage.setItem('voc.lang', l); }, lang);
  if (route) await route(context);
  const page = await context.newPage();
  const problems = [];
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(baseUrl + '/' + hash);
  await logIn(page, user);
  await page.waitForSelector(waitFor);
  return { page, context, problems };
}

const texts = (page, selector) => page.$$eval(selector, (nodes) => nodes.map((n) => n.textContent));
const visible = (page, testid) => page.isVisible(`[data-testid=${testid}]`);

async function rowTexts(page) {
  return page.$$eval('[data-testid=case-rows] tr', (rows) => rows.map((r) => ({
    id: r.dataset.caseId, overdue: r.classList.contains('overdue'),
    cells: [...r.cells].map((c) => c.textContent),
  })));
}

test('lists the department\'s cases, overdue first and marked red', async () => {
  const { page, context, problems } = await openPage('zh');
  const options = await page.$$eval('[data-testid=department] option', (os) => os.map((o) => o.value));
  assert.deepEqual(options, ['customer_success', 'logistics'], 'an analyst may pick every department');
  assert.equal(await page.$$eval('[data-testid=actor]', (n) => n.length), 0, 'no operator box: the actor is the session');

  const rows = await rowTexts(page);
  assert.deepEqual(rows.map((r) => r.id), ['c-overdue', 'c-soon', 'c-later']);
  assert.equal(rows[0].overdue, true);
  assert.match(rows[0].cells[0], /^已超时/);
  assert.match(rows[1].cells[0], /^剩余 /);
  const color = await page.$eval('[data-testid=case-rows] tr.overdue td.time', (td) => getComputedStyle(td).color);
  assert.equal(color, 'rgb(198, 40, 40)');
  assert.deepEqual(problems, []);
  await context.close();
});

test('both SLA countdowns in business time, paused cases marked (zh and en)', async () => {
  const { page, context, problems } = await openPage('zh');
  const paused = await page.$eval('[data-testid=case-rows] tr[data-case-id=c-soon]', (r) => r.classList.contains('paused'));
  assert.equal(paused, true);
  const zh = await texts(page, '[data-testid=case-rows] tr[data-case-id=c-soon] .clock-countdown');
  assert.deepEqual(zh, ['首次响应: 剩余工作时间 3小时0分', '解决: 已暂停，剩余工作时间 1天6小时']);
  await page.click('[data-testid=lang]');
  const en = await texts(page, '[data-testid=case-rows] tr[data-case-id=c-soon] .clock-countdown');
  assert.match(en[0], /^First response: 3h 0m business time left$/);
  assert.match(en[1], /^Resolution: paused, .* business time left$/);
  assert.equal(await page.$$eval('[data-testid=case-rows] tr[data-case-id=c-later] .clock-countdown', (n) => n.length), 0,
    'a case without clocks shows none');
  assert.deepEqual(problems, []);
  await context.close();
});

test('server data is shown as text, never run as HTML', async () => {
  const { page, context, problems } = await openPage('en');
  const rows = await rowTexts(page);
  assert.ok(rows[0].cells[3].startsWith('<img src=x'), 'the title is shown literally');
  assert.equal(await page.$$eval('[data-testid=case-rows] img', (imgs) => imgs.length), 0);
  await page.click('[data-testid=case-rows] tr[data-case-id=c-overdue]');
  await page.waitForSelector('[data-testid=detail]:not([hidden])');
  await page.waitForFunction(() => document.querySelector('[data-testid=feedback-text]').textContent.includes('快递'));
  const feedback = await page.textContent('[data-testid=feedback-text]');
  assert.ok(feedback.startsWith('<script>window.__xss=1</script>'));
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.deepEqual(problems, []);
  await context.close();
});

// Issue 12: why is this case here, from the case's explanation.
test('the case page says why the case is here, with the evidence marked in the text (zh and en)', async () => {
  const { page, context, problems } = await openPage('zh');
  await page.click('[data-testid=case-rows] tr[data-case-id=c-soon]');
  await page.waitForSelector('[data-testid=why]:not([hidden])');
  await page.waitForFunction(() => document.querySelector('[data-testid=why-text]').textContent.includes('快递'));
  const marks = () => page.$$eval('[data-testid=why-text] mark', (ms) => ms.map((m) => [m.textContent, m.className]));
  // One <mark> per occurrence, in text order: the topic's term, the red
  // line's match, the sentiment evidence.
  assert.deepEqual(await marks(), [['快递', 'why-topic'], ['一周还没到', 'why-red-line'], ['失望', 'why-evidence']]);
  assert.equal(await page.textContent('[data-testid=why-text]'), '<script>window.__xss=1</script>快递一周还没到，太失望了',
    'the whole text, the HTML in it as text');
  assert.equal(await page.$$eval('[data-testid=why-text] script', (n) => n.length), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.textContent('[data-testid=why] h3'), '为什么有这个工单');
  const factsZh = await texts(page, '[data-testid=why-facts] dd');
  assert.deepEqual(factsZh, [
    '负面 (-0.80)',
    '失望',
    'logistics.delivery_delay · 物流部: 快递',
    'P2 — negative x detractor -> P2',
    '舆情危机“一周还没到”，分析文本第 37–52 字节，规则 config/redlines.yaml:88: whole word',
    'account_manager（routing.yaml 第 27 行，detractor_callback.owners[0]）：detractor callback owned by the account manager of customer c-10001',
    '7',
    'complaint · 首次响应: 剩余工作时间 3小时0分; complaint · 解决: 已暂停，剩余工作时间 1天6小时',
  ]);
  assert.deepEqual(await texts(page, '[data-testid=why-facts] dt'),
    ['情感', '情感依据词', '主题与匹配词', '优先级与原因', '红线', '分派规则', '相似投诉簇', 'SLA 策略与时钟']);
  // The services' history words in the page's language too.
  assert.match(await page.textContent('[data-testid=history]'), /system:assignment · 创建工单/);

  await page.click('[data-testid=lang]');
  await page.waitForFunction(() => document.querySelector('[data-testid=why] h3').textContent === 'Why is this case here');
  await page.waitForFunction(() => document.querySelector('[data-testid=why-facts] dd').textContent.startsWith('negative'));
  assert.deepEqual(await marks(), [['快递', 'why-topic'], ['一周还没到', 'why-red-line'], ['失望', 'why-evidence']]);
  const factsEn = await texts(page, '[data-testid=why-facts] dd');
  assert.equal(factsEn[0], 'negative (-0.80)');
  assert.equal(factsEn[4], 'PR crisis “一周还没到”, bytes 37–52 of the analysed text, rule config/redlines.yaml:88: whole word');
  assert.equal(factsEn[5], 'account_manager (routing.yaml line 27, detractor_callback.owners[0]): detractor callback owned by the account manager of customer c-10001');
  assert.match(factsEn[7], /^complaint · First response: 3h 0m business time left; complaint · Resolution: paused, .* business time left$/);
  assert.deepEqual(await texts(page, '[data-testid=why-facts] dt'),
    ['Sentiment', 'Sentiment evidence', 'Topics and matched terms', 'Priority and reason', 'Red lines', 'Routing rule',
      'Similar-complaint cluster', 'SLA policy and clocks']);

  // A case without an explanation shows no such section.
  await page.click('[data-testid=case-rows] tr[data-case-id=c-later]');
  await page.waitForFunction(() => document.getElementById('detail-title').textContent === 'App crash on login');
  assert.equal(await visible(page, 'why'), false);
  assert.deepEqual(problems, []);
  await context.close();
});

test('language toggle switches every label', async () => {
  const { page, context } = await openPage('zh');
  assert.equal(await page.textContent('th[data-i18n=timeLeft]'), '剩余时间');
  await page.click('[data-testid=lang]');
  assert.equal(await page.textContent('th[data-i18n=timeLeft]'), 'Time left');
  assert.match((await rowTexts(page))[0].cells[0], /^overdue /);
  assert.equal(await page.textContent('[data-testid=lang]'), '中文');
  await context.close();
});

test('acknowledge, log a callback and resolve a case', async () => {
  const { page, context, problems } = await openPage('en');
  await page.click('[data-testid=case-rows] tr[data-case-id=c-soon]');
  await page.waitForSelector('[data-testid=history] li');
  assert.match(await page.textContent('[data-testid=history]'), /system:assignment · created/);

  await page.click('[data-testid=ack]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').textContent === 'Saved.');
  await page.waitForFunction(() => document.querySelector('[data-testid=ack]').disabled);
  const row = await page.$eval('tr[data-case-id=c-soon]', (r) => r.cells[4].textContent);
  assert.equal(row, 'Acknowledged');

  await page.check('[data-testid=callback-form] input[value=no]');
  await page.fill('[data-testid=callback-form] textarea', '无人接听 no answer');
  await page.click('[data-testid=callback-form] button');
  await page.waitForFunction(() => document.querySelector('#callbacks').textContent.includes('no answer'));
  assert.match(await page.textContent('#callbacks'), /not reached — 无人接听 no answer/);

  await page.fill('[data-testid=resolve-form] textarea', 'Re-delivered and refunded the fee');
  await page.click('[data-testid=resolve-form] button');
  await page.waitForFunction(() => !document.querySelector('tr[data-case-id=c-soon]'));
  assert.equal((await rowTexts(page)).length, 2, 'a resolved case leaves the worklist');
  assert.deepEqual(problems, []);
  await context.close();
});

// --- issue 9: logging in, seeing only your department, CSRF ---

test('log in, see only your department\'s cases, act on one as yourself, log out', async () => {
  const { page, context, problems } = await openPage('en', { user: 'p-wang-lei' });
  assert.equal(await page.textContent('[data-testid=who]'), '王磊 (p-wang-lei)');
  assert.equal(await visible(page, 'login'), false);
  const options = await page.$$eval('[data-testid=department] option', (os) => os.map((o) => o.value));
  assert.deepEqual(options, ['logistics'], 'a department head picks only their own department');
  assert.deepEqual((await rowTexts(page)).map((r) => r.id), ['c-logistics']);

  await page.click('[data-testid=case-rows] tr[data-case-id=c-logistics]');
  await page.waitForSelector('[data-testid=history] li');
  await page.click('[data-testid=ack]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').textContent === 'Saved.');
  await page.waitForFunction(() => document.querySelector('[data-testid=history]').textContent.includes('acknowledged'));
  assert.match(await page.textContent('[data-testid=history]'), /p-wang-lei · acknowledged/, 'recorded as the logged-in person');

  // Someone else's case: refused by the service, whatever the page asks.
  const other = await page.evaluate(async () => (await fetch('/api/cases/c-later')).status);
  assert.equal(other, 403);

  await page.click('[data-testid=logout]');
  await page.waitForSelector('[data-testid=login]:not([hidden])');
  assert.equal(await visible(page, 'app'), false);
  assert.equal(await page.$$eval('[data-testid=case-rows] tr', (rows) => rows.length), 0, 'nothing of the session stays');
  const after = await page.evaluate(async () => (await fetch('/api/cases?department=logistics')).status);
  assert.equal(after, 401, 'the session ended server-side');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong password and an unknown user show the same generic error', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => { localStorage.setItem('voc.lang', 'en'); });
  const page = await context.newPage();
  await page.goto(baseUrl + '/');
  await logIn(page, 'p-wang-lei', 'not-the-password');
  await page.waitForFunction(() => document.querySelector('[data-testid=login-error]').textContent !== '');
  const wrong = await page.textContent('[data-testid=login-error]');
  assert.equal(wrong, 'Wrong user name or password.');
  await page.evaluate(() => { document.querySelector('[data-testid=login-error]').textContent = ''; });
  await logIn(page, 'p-nobody', 'not-the-password');
  await page.waitForFunction(() => document.querySelector('[data-testid=login-error]').textContent !== '');
  assert.equal(await page.textContent('[data-testid=login-error]'), wrong);
  assert.equal(await visible(page, 'app'), false);
  // The Chinese page says it in Chinese.
  await page.click('[data-testid=lang]');
  assert.equal(await page.textContent('[data-testid=login-submit]'), '登录');
  await context.close();
});

test('a state change without the session\'s CSRF token is refused', async () => {
  const { page, context } = await openPage('en');
  const status = await page.evaluate(async () => (await fetch('/api/cases/c-later/acknowledge', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}',
  })).status);
  assert.equal(status, 403);
  // The page's own requests carry it.
  await page.click('[data-testid=case-rows] tr[data-case-id=c-later]');
  await page.waitForSelector('[data-testid=detail]:not([hidden])');
  await page.click('[data-testid=ack]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').textContent === 'Saved.');
  await context.close();
});

test('a session that ends brings the login form back', async () => {
  const { page, context } = await openPage('en');
  // End the session behind the page's back (as an expiry would).
  await context.clearCookies();
  await page.click('[data-testid=case-rows] tr[data-case-id=c-overdue]');
  await page.waitForSelector('[data-testid=login]:not([hidden])');
  assert.equal(await page.textContent('[data-testid=login-error]'), 'Your session has ended. Please log in again.');
  await context.close();
});

// --- Insights: triage's weak signals and similar-complaint clusters ---

async function signalRows(page) {
  return page.$$eval('[data-testid=signal-rows] tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
}

async function clusterCards(page) {
  return page.$$eval('[data-testid=cluster-list] li', (items) => items.map((li) => ({
    id: li.dataset.clusterId,
    size: li.querySelector('.size').textContent,
    topics: [...li.querySelectorAll('.chip')].map((c) => c.textContent),
    text: li.querySelector('blockquote').textContent,
  })));
}

test('Insights shows the weak signals and clusters triage knows, as text', async () => {
  const { page, context, problems } = await openPage('zh');
  await page.click('[data-testid=nav-insights]');
  await page.waitForSelector('[data-testid=signal-rows] tr');
  await page.waitForSelector('[data-testid=cluster-list] li');
  assert.equal(await visible(page, 'view-cases'), false);
  assert.equal(await page.getAttribute('[data-testid=nav-insights]', 'aria-current'), 'page');
  assert.equal(await visible(page, 'overdue-only'), false, 'the case filter belongs to the Cases view');

  // Weak signals: company-wide, and said so.
  assert.deepEqual(await signalRows(page), [
    ['星辰S7 + 刹车 + 异响', '5', '0.18', '3.2e-7', '2026/2/26'],
    ['<script>window.__xss=1</script> + 充电桩', '3', '0.04', '8.1e-6', '2026/3/1'],
  ]);
  assert.match(await page.textContent('[data-testid=signals-scope]'), /^全公司范围/);
  assert.equal(await visible(page, 'signals-message'), false);

  // Customer Success owns no topic in the taxonomy: every cluster, and why.
  const cards = await clusterCards(page);
  assert.deepEqual(cards.map((c) => c.id), ['11', '7', '3']);
  assert.equal(cards[0].size, '42 条相似投诉');
  assert.deepEqual(cards[0].topics, ['闪退'], 'topic names from the taxonomy, in Chinese');
  assert.equal(cards[0].text, 'App 一打开就闪退 <img src=x onerror="window.__xss=1">');
  assert.equal(await page.$$eval('[data-testid=cluster-list] img', (imgs) => imgs.length), 0);
  assert.equal(await page.$$eval('[data-testid=signal-rows] script', (s) => s.length), 0);
  assert.equal(await page.textContent('[data-testid=clusters-scope]'), '客户成功部在主题分类中没有负责的主题，因此显示所有部门的投诉簇。');
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Insights narrows clusters to the department\'s topics, and back to every department', async () => {
  const { page, context, problems } = await openPage('en', { hash: '#insights', waitFor: '[data-testid=cluster-list] li' });
  await page.selectOption('[data-testid=department]', 'logistics');
  await page.waitForFunction(() => document.querySelector('[data-testid=clusters-scope]').textContent.startsWith('Topics owned by Logistics'));
  assert.equal(await page.textContent('[data-testid=clusters-scope]'), 'Topics owned by Logistics (with their subtopics): Logistics');
  const cards = await clusterCards(page);
  assert.deepEqual(cards.map((c) => c.id), ['7', '3'], 'the app cluster belongs to another department');
  assert.deepEqual(cards[1].topics, ['Damaged package', 'Staff attitude']);
  assert.equal(cards[0].text, '快递一周还没到，催了三次都没用');
  assert.equal(cards[0].size, '18 similar complaints');

  await page.check('[data-testid=clusters-all]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=cluster-list] li').length === 3);
  assert.equal(await page.textContent('[data-testid=clusters-scope]'), 'Clusters of every department.');

  // The language switch re-renders what was loaded.
  await page.click('[data-testid=lang]');
  assert.equal(await page.textContent('th[data-i18n=signalTerms]'), '词语组合');
  assert.equal((await clusterCards(page))[0].topics[0], '闪退');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Insights shows empty and error states', async () => {
  const { page, context, problems } = await openPage('en', {
    hash: '#insights',
    waitFor: '[data-testid=signals-message]:not([hidden])',
    route: async (ctx) => {
      await ctx.route('**/api/signals*', (r) => r.fulfill({
        status: 409, contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'FAILED_PRECONDITION', message: 'weak-signal detection is off' } }),
      }));
      await ctx.route('**/api/clusters*', (r) => r.fulfill({
        status: 503, contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'failed to connect to triage' } }),
      }));
    },
  });
  assert.equal(await page.textContent('[data-testid=signals-message]'), 'Weak-signal detection is turned off in triage.');
  await page.waitForFunction(() => document.querySelector('[data-testid=clusters-message]').textContent.includes('UNAVAILABLE'));
  assert.equal(await page.textContent('[data-testid=clusters-message]'), 'Error: UNAVAILABLE: failed to connect to triage');
  assert.equal(await page.$eval('[data-testid=clusters-message]', (n) => n.classList.contains('error')), true);
  assert.equal((await signalRows(page)).length, 0);

  await context.unroute('**/api/signals*');
  await context.unroute('**/api/clusters*');
  await context.route('**/api/signals*', (r) => r.fulfill({ status: 200, contentType: 'application/json', body: '{"signals":[],"day":null,"scope":"company"}' }));
  await context.route('**/api/clusters*', (r) => r.fulfill({
    status: 200, contentType: 'application/json',
    body: '{"clusters":[],"next_page_token":"","department":null,"topic":null,"department_topics":[],"filtered":false,"topic_names":{}}',
  }));
  await page.click('[data-testid=nav-cases]');
  await page.click('[data-testid=nav-insights]');
  await page.waitForFunction(() => document.querySelector('[data-testid=signals-message]').textContent === 'No emerging signals today.');
  await page.waitForFunction(() => document.querySelector('[data-testid=clusters-message]').textContent === 'No similar-complaint clusters here yet.');
  assert.deepEqual(problems, []);
  await context.close();
});

// --- Knowledge base: verification's verified fixes and resolved cases ---

async function knowledgeEntries(page) {
  return page.$$eval('[data-testid=knowledge-results] li', (items) => items.map((li) => {
    const facts = {};
    const dts = li.querySelectorAll('dt');
    dts.forEach((dt) => { facts[dt.textContent] = dt.nextElementSibling.textContent; });
    return { source: li.dataset.source, chips: [...li.querySelectorAll('.chip')].map((c) => c.textContent), facts };
  }));
}

async function search(page, q) {
  await page.fill('[data-testid=knowledge-q]', q);
  await page.click('[data-testid=knowledge-form] button');
  await page.waitForFunction((query) => document.querySelector('[data-testid=knowledge-message]').textContent.includes(query), q);
}

test('Knowledge base finds verified fixes with what was done and the measured effect', async () => {
  const { page, context, problems } = await openPage('en');
  await page.click('[data-testid=nav-knowledge]');
  await page.waitForSelector('[data-testid=view-knowledge]:not([hidden])');
  assert.equal(await page.textContent('[data-testid=knowledge-message]'), 'Type a word to search verified fixes and resolved cases.');

  await search(page, '配送');
  assert.equal(await page.textContent('[data-testid=knowledge-message]'), '2 found for “配送”.');
  const [project, resolved] = await knowledgeEntries(page);
  assert.equal(project.source, 'projects/p-riders');
  assert.deepEqual(project.chips, ['Verified project', 'logistics.delivery_delay']);
  assert.equal(project.facts.Problem, '午高峰配送延迟整改');
  assert.equal(project.facts['What was done'], '增加午高峰骑手 30 名；商家出餐超时自动提醒');
  assert.match(project.facts['Measured effect'], /40\/100 negative feedback \(40\.0%\) before vs 10\/100 \(10\.0%\) after; z = 4\.90/);
  assert.ok(project.facts.Verified);
  assert.equal(resolved.source, 'cases/c-damaged');
  assert.equal(resolved.chips[0], 'Resolved case');
  assert.equal(resolved.facts['Case summary'], 'Customer received a crushed box (配送破损)');
  assert.equal(resolved.facts.Problem, '<i>Damaged</i> package refund', 'shown as text');
  assert.equal(await page.$$eval('[data-testid=knowledge-results] i', (n) => n.length), 0);

  await search(page, 'DAMAGED');
  assert.deepEqual((await knowledgeEntries(page)).map((e) => e.source), ['cases/c-damaged']);

  await search(page, 'nothing-like-this');
  assert.equal(await page.textContent('[data-testid=knowledge-message]'), 'Nothing found for “nothing-like-this”.');
  assert.equal((await knowledgeEntries(page)).length, 0);

  await page.click('[data-testid=lang]');
  assert.equal(await page.textContent('[data-testid=knowledge-message]'), '没有找到与“nothing-like-this”相关的记录。');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Knowledge base shows errors and refuses an over-long query', async () => {
  const { page, context, problems } = await openPage('zh', {
    hash: '#knowledge',
    waitFor: '[data-testid=view-knowledge]:not([hidden])',
    route: (ctx) => ctx.route('**/api/knowledge*', (r) => r.fulfill({
      status: 503, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'verification is unreachable' } }),
    })),
  });
  await page.fill('[data-testid=knowledge-q]', '退款');
  await page.click('[data-testid=knowledge-form] button');
  await page.waitForFunction(() => document.querySelector('[data-testid=knowledge-message]').textContent.includes('UNAVAILABLE'));
  assert.equal(await page.textContent('[data-testid=knowledge-message]'), '出错了：UNAVAILABLE: verification is unreachable');

  await page.fill('[data-testid=knowledge-q]', '配'.repeat(100));  // 300 bytes in UTF-8
  await page.click('[data-testid=knowledge-form] button');
  assert.equal(await page.textContent('[data-testid=knowledge-message]'), '搜索词太长（最多 256 字节）。');
  assert.deepEqual(problems, []);
  await context.close();
});

// --- issue 12: the Dashboard ---

// The stub's data set (tests/web/stub_reports.h), recomputed here from its
// stated formulas: every day, each of four leaf topics x three channels x
// two products x two regions has (d + 3t + 5c + 7p + 11r) % 5 + 1 feedback,
// (count + t + d) % (count + 1) of them negative; d is the day number. The
// January range below lies far from the app-crash riser (the last 180 days).
const LEAVES = ['logistics.delivery_delay', 'logistics.damaged_package', 'service.staff_attitude', 'app.crash'];
const LEAF_DEPARTMENT = ['logistics', 'logistics', 'customer_service', 'app_engineering'];
const CHANNELS = ['nps_survey', 'social', 'app_review'];
const PRODUCTS = ['星辰 S7', '星辰 S9'];
const REGIONS = ['华东', '华南'];
const RANGE = { start: '2026-01-05', end: '2026-02-01' }; // Monday to Sunday, 4 weeks

const dayNumber = (iso) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86400000;

// Sums the stub's feedback of one day (or all days of RANGE) in a slice.
function expected({ days = null, channel = null, product = null, region = null, department = null } = {}) {
  const out = { total: 0, negative: 0, answers: 0, nps: 0 }; // nps: promoters - detractors
  const first = dayNumber(RANGE.start);
  const last = dayNumber(RANGE.end);
  for (let d = first; d <= last; d++) {
    if (days && !days.includes(d)) continue;
    LEAVES.forEach((_, t) => {
      if (department && LEAF_DEPARTMENT[t] !== department) return;
      CHANNELS.forEach((c, ci) => {
        if (channel && c !== channel) return;
        PRODUCTS.forEach((p, pi) => {
          if (product && p !== product) return;
          REGIONS.forEach((r, ri) => {
            if (region && r !== region) return;
            const count = (d + 3 * t + 5 * ci + 7 * pi + 11 * ri) % 5 + 1;
            out.total += count;
            out.negative += (count + t + d) % (count + 1);
            if (c === 'nps_survey') {
              // Its negative feedback are the detractors, half the rest passives.
              const negative = (count + t + d) % (count + 1);
              const passives = Math.floor((count - negative) / 2);
              out.answers += count;
              out.nps += count - negative - passives - negative;
            }
          });
        });
      });
    });
  }
  return out;
}

async function openDashboard(lang, options = {}) {
  const opened = await openPage(lang, { hash: '#dashboard', waitFor: '[data-testid=view-dashboard][data-state=ready]', ...options });
  return opened;
}

// Sets the date range in one change (one reload) and waits for the figures.
async function setRange(page, start, end, total) {
  await page.evaluate(([s, e]) => {
    document.querySelector('[data-testid=dash-start]').value = s;
    const endInput = document.querySelector('[data-testid=dash-end]');
    endInput.value = e;
    endInput.dispatchEvent(new Event('change'));
  }, [start, end]);
  await waitForKpi(page, total);
}

async function waitForKpi(page, total) {
  await page.waitForFunction((n) => document.querySelector('[data-testid=view-dashboard]').dataset.state === 'ready'
    && document.querySelector('[data-testid=kpi-total]').textContent.replace(/,/g, '') === String(n), total);
}

// The chart's option as ECharts holds it, and how many of its canvas pixels are drawn.
async function chartState(page, name) {
  return page.evaluate((n) => {
    const node = document.querySelector(`[data-testid=chart-${n}]`);
    const chart = window.echarts.getInstanceByDom(node);
    const canvas = node.querySelector('canvas');
    const image = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 0; i < image.length; i += 4) {
      const [r, g, b, a] = [image[i], image[i + 1], image[i + 2], image[i + 3]];
      if (a > 0 && !(r > 245 && g > 245 && b > 245)) drawn++;
    }
    const option = chart.getOption();
    return {
      drawn,
      series: option.series.map((s) => ({ name: s.name, data: s.data.map((x) => (x && typeof x === 'object' ? x.value : x)) })),
      xAxis: option.xAxis.map((a) => a.data || null),
      yAxis: option.yAxis.map((a) => a.data || null),
    };
  }, name);
}

// Clicks the middle of the bar drawn for `category` in series `seriesIndex`,
// where a person would (the bar's rectangle as ECharts laid it out).
async function clickBar(page, name, seriesIndex, category, horizontal = false) {
  await page.locator(`[data-testid=chart-${name}]`).scrollIntoViewIfNeeded();
  const point = await page.evaluate(([n, s, cat, h]) => {
    const node = document.querySelector(`[data-testid=chart-${n}]`);
    const chart = window.echarts.getInstanceByDom(node);
    const option = chart.getOption();
    const categories = h ? option.yAxis[0].data : option.xAxis[0].data;
    const index = categories.indexOf(cat);
    const bar = chart.getModel().getSeriesByIndex(s).getData().getItemLayout(index);
    const box = node.getBoundingClientRect();
    return { x: box.left + bar.x + bar.width / 2, y: box.top + bar.y + bar.height / 2, index };
  }, [name, seriesIndex, category, horizontal]);
  assert.notEqual(point.index, -1, `${category} is drawn in ${name}`);
  await page.mouse.click(point.x, point.y);
}

function parseCsv(text) {
  // RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks.
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field); rows.push(row); row = []; field = ''; i++;
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

async function downloadText(page, testid) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

test('Dashboard draws its charts from the report figures (zh), NPS only where shown', async () => {
  // The browser 24 hours behind the stub's report time zone (UTC+14): its
  // calendar day is never the report day.
  const { page, context, problems } = await openDashboard('zh', { timezoneId: 'Etc/GMT+10' });
  assert.equal(await page.textContent('[data-testid=nav-dashboard]'), '仪表盘');
  // The default range: the last 90 days, ending on today's report day (the
  // services' clock in the report time zone, not the browser's calendar).
  const [start, end] = [await page.inputValue('[data-testid=dash-start]'), await page.inputValue('[data-testid=dash-end]')];
  assert.equal(dayNumber(end) - dayNumber(start), 89);
  const clock = await page.evaluate(() => fetch('/api/clock').then((r) => r.json()));
  assert.match(clock.report_day, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(clock.report_utc_offset_minutes, 840);
  assert.equal(end, clock.report_day);
  const all = expected();
  await setRange(page, RANGE.start, RANGE.end, all.total);
  assert.equal(await page.textContent('[data-testid=kpi-total]'), all.total.toLocaleString('zh-CN'));
  assert.equal(await page.textContent('[data-testid=kpi-negative]'), `${(all.negative / all.total * 100).toFixed(1)}%`);
  assert.equal(await page.textContent('[data-testid=kpi-nps]'), (all.nps / all.answers * 100).toFixed(1));

  for (const name of ['volume', 'nps', 'topics', 'sla', 'backlog']) {
    const chart = await chartState(page, name);
    assert.ok(chart.drawn > 500, `${name}: the canvas is drawn on (${chart.drawn} pixels)`);
    assert.ok(chart.series[0].data.length > 0, `${name}: the chart has data`);
  }
  const volume = await chartState(page, 'volume');
  assert.equal(volume.series[0].name, '反馈量');
  assert.equal(volume.xAxis[0].length, 28, 'one point a day');
  assert.equal(volume.xAxis[0][0], RANGE.start);
  const first = dayNumber(RANGE.start);
  assert.deepEqual(volume.series[0].data, volume.xAxis[0].map((_, i) => expected({ days: [first + i] }).total));
  assert.equal((await texts(page, '[data-testid=table-volume] tbody tr')).length, 28);

  // A period's NPS is drawn only when it had at least 30 answers (the stub's
  // nps_survey feedback): every day of the whole data set has enough ...
  const npsLine = async () => (await chartState(page, 'nps')).series.find((s) => s.name === 'NPS').data
    .map((v) => (typeof v === 'number' ? v : null));
  const everyDay = volume.xAxis[0].map((_, i) => expected({ days: [first + i] }).answers);
  assert.ok(everyDay.every((n) => n >= 30));
  assert.ok((await npsLine()).every((v) => v !== null));
  assert.equal(await visible(page, 'dash-nps-message'), false);
  // The band: from the interval's low end up by its width, i.e. to its high end.
  const band = (await chartState(page, 'nps')).series;
  const low = band.find((x) => x.name === '置信区间下限').data;
  const width = band.find((x) => x.name === '95% 置信区间').data;
  const npsRows = await page.$$eval('[data-testid=table-nps] tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  npsRows.forEach((row, i) => {
    assert.ok(Math.abs(Number(row[6]) - low[i]) < 0.06, `day ${i}: low ${row[6]} vs ${low[i]}`);
    assert.ok(Math.abs(Number(row[7]) - (low[i] + width[i])) < 0.06, `day ${i}: high ${row[7]} vs ${low[i] + width[i]}`);
    assert.ok(low[i] <= Number(row[5]) && Number(row[5]) <= low[i] + width[i], 'the NPS lies in its interval');
  });
  // ... one product's days have too few: no NPS, and the page says why ...
  await page.fill('[data-testid=dash-product]', '星辰 S7');
  await page.dispatchEvent('[data-testid=dash-product]', 'change');
  await waitForKpi(page, expected({ product: '星辰 S7' }).total);
  assert.ok(volume.xAxis[0].every((_, i) => expected({ days: [first + i], product: '星辰 S7' }).answers < 30));
  assert.deepEqual(await npsLine(), new Array(28).fill(null), 'gaps, never zeros');
  assert.equal(await page.textContent('[data-testid=dash-nps-message]'), '每个周期的回答都少于 30 条，不显示 NPS；可以改为按周查看或放宽筛选。');

  // ... and its weeks have enough: four Monday-to-Sunday points, each drawn.
  await page.selectOption('[data-testid=dash-granularity]', 'week');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=table-volume] tbody tr').length === 4);
  const weekly = await chartState(page, 'volume');
  assert.deepEqual(weekly.xAxis[0], ['2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26']);
  const week = (w) => [0, 1, 2, 3, 4, 5, 6].map((i) => first + 7 * w + i);
  assert.deepEqual(weekly.series[0].data, [0, 1, 2, 3].map((w) => expected({ days: week(w), product: '星辰 S7' }).total));
  assert.ok([0, 1, 2, 3].every((w) => expected({ days: week(w), product: '星辰 S7' }).answers >= 30));
  assert.ok((await npsLine()).every((v) => v !== null));
  assert.equal(await visible(page, 'dash-nps-message'), false);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Dashboard filters change the numbers', async () => {
  const { page, context, problems } = await openDashboard('en');
  await setRange(page, RANGE.start, RANGE.end, expected().total);

  await page.selectOption('[data-testid=dash-channel]', 'social');
  await waitForKpi(page, expected({ channel: 'social' }).total);

  await page.fill('[data-testid=dash-product]', '星辰 S9');
  await page.dispatchEvent('[data-testid=dash-product]', 'change');
  await waitForKpi(page, expected({ channel: 'social', product: '星辰 S9' }).total);

  await page.selectOption('[data-testid=dash-channel]', '');
  await page.fill('[data-testid=dash-product]', '');
  await page.fill('[data-testid=dash-region]', '华南');
  await page.dispatchEvent('[data-testid=dash-region]', 'change');
  await waitForKpi(page, expected({ region: '华南' }).total);

  // A department: the feedback on the topics routed to it, and its own cases only.
  await page.fill('[data-testid=dash-region]', '');
  await page.selectOption('[data-testid=dash-department]', 'logistics');
  await waitForKpi(page, expected({ department: 'logistics' }).total);
  const sla = await chartState(page, 'sla');
  assert.deepEqual(sla.xAxis[0], ['Logistics']);
  const topics = await texts(page, '[data-testid=table-topics] tbody tr td:nth-child(2)');
  assert.deepEqual(new Set(topics), new Set(['logistics', 'logistics.delivery_delay', 'logistics.damaged_package']));
  assert.deepEqual(problems, []);
  await context.close();
});

test('Dashboard ranks topics by volume or growth', async () => {
  const { page, context, problems } = await openDashboard('en');
  // The default range (the last 90 days) holds the stub's rising app crashes.
  await page.selectOption('[data-testid=dash-order]', 'growth');
  await page.waitForFunction(() => document.querySelector('[data-testid=dash-topics-note]').textContent.startsWith('Ranked by'));
  await page.waitForFunction(() => document.querySelector('[data-testid=table-topics] tbody tr td:nth-child(2)').textContent.startsWith('app'));
  const rows = await page.$$eval('[data-testid=table-topics] tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(new Set(rows.slice(0, 2).map((r) => r[1])), new Set(['app', 'app.crash']));
  assert.equal(rows[0][9], 'yes', 'a significant rise');
  for (const r of rows) assert.ok(parseFloat(r[5]) > parseFloat(r[6]), `${r[1]}: only topics whose share rose`);
  const chart = await chartState(page, 'topics');
  assert.equal(chart.series[0].name, 'Rise (z)');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a click on a topic bar lists that topic\'s feedback, and its clusters are one click on', async () => {
  const { page, context, problems } = await openDashboard('zh');
  await setRange(page, RANGE.start, RANGE.end, expected().total);
  const shown = await page.$$eval('[data-testid=table-topics] tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const delay = shown.find((r) => r[1] === 'logistics.delivery_delay');
  await clickBar(page, 'topics', 0, '配送延迟', true);
  await page.waitForSelector('[data-testid=feedback-list]:not([hidden])[data-state=ready]');
  // The ranking counts complaints (negative feedback) by default.
  assert.equal(await page.textContent('[data-testid=feedback-list-filter]'), `${RANGE.start} – ${RANGE.end} · 配送延迟 · 负面`);
  const count = await page.textContent('[data-testid=feedback-list-count]');
  assert.ok(count.startsWith(`共 ${delay[3]} 条`), `${count}: as many as the bar counts (${delay[3]})`);
  // From the feedback to the topic's similar-complaint clusters (Insights).
  await page.click('[data-testid=feedback-list-clusters]');
  await page.waitForSelector('[data-testid=view-insights]:not([hidden])');
  await page.waitForFunction(() => document.querySelector('[data-testid=clusters-scope]').textContent.includes('配送延迟'));
  assert.equal(await page.textContent('[data-testid=clusters-scope]'), '主题“配送延迟”（含子主题）的相似投诉簇。');
  assert.deepEqual((await clusterCards(page)).map((c) => c.id), ['7']);
  // Back to the department's clusters.
  await page.click('[data-testid=clusters-clear-topic]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=cluster-list] li').length === 3);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a click on a department bar opens that department\'s worklist', async () => {
  const { page, context, problems } = await openDashboard('en');
  await setRange(page, RANGE.start, RANGE.end, expected().total);
  const sla = await chartState(page, 'sla');
  assert.deepEqual(sla.xAxis[0], ['Customer Success', 'Logistics']);
  await clickBar(page, 'sla', 1, 'Logistics');
  await page.waitForSelector('[data-testid=view-cases]:not([hidden])');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=case-rows] tr')].map((r) => r.dataset.caseId).join() === 'c-logistics');
  assert.equal(await page.inputValue('[data-testid=department]'), 'logistics');
  assert.deepEqual(problems, []);
  await context.close();
});

// Issue 12: a backlog bar lands on the worklist of its cases: open, of the
// Dashboard's department (or every one) and kind, opened on the days whose
// age (the report's end day - the day opened) the bar counts. The stub has
// two such cases in January: a complaint opened 2026-01-12 (20 days before
// RANGE's end: "7-30d") and a red-line case opened 2026-01-30 ("1-3d").
test('a click on a backlog bar lists the open cases opened in that age range (zh and en)', async () => {
  const { page, context, problems } = await openDashboard('zh');
  await setRange(page, RANGE.start, RANGE.end, expected().total);
  const ids = () => page.$$eval('[data-testid=case-rows] tr', (rows) => rows.map((r) => r.dataset.caseId).join());
  // Clicks the bar and waits for the worklist it lands on; the query asked.
  const clickBacklog = async (label) => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/cases?') && r.url().includes('opened_from=')),
      clickBar(page, 'backlog', 0, label),
    ]);
    assert.equal(response.status(), 200);
    await page.waitForSelector('[data-testid=view-cases]:not([hidden])');
    await page.waitForSelector('[data-testid=case-filter]:not([hidden])');
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').textContent === '');
    return new URL(response.url()).searchParams;
  };
  const backToDashboard = async (total) => {
    await page.click('[data-testid=nav-dashboard]');
    await page.waitForSelector('[data-testid=view-dashboard]:not([hidden])');
    await waitForKpi(page, total);
  };

  assert.deepEqual((await chartState(page, 'backlog')).xAxis[0], ['不到 1 天', '1–3 天', '3–7 天', '7–30 天', '30 天及以上']);
  let q = await clickBacklog('7–30 天');
  await page.waitForFunction(() => document.querySelector('#case-count').textContent === '(1)');
  assert.equal(await ids(), 'c-jan-complaint');
  assert.equal(await page.textContent('[data-testid=case-filter-text]'),
    '积压工单（7–30 天）：2026-01-05 至 2026-01-25 开立、尚未解决 · 全部部门');
  assert.deepEqual([q.get('opened_from'), q.get('opened_to'), q.get('department'), q.get('kind')],
    ['2026-01-05', '2026-01-25', null, null], 'the days cut to the Dashboard\'s start; every department');

  // The other January case in English, by its bar.
  await backToDashboard(expected().total);
  await page.click('[data-testid=lang]');
  q = await clickBacklog('1–3 days');
  await page.waitForFunction(() => document.querySelector('#case-count').textContent === '(1)');
  assert.equal(await ids(), 'c-jan-red-line');
  assert.deepEqual([q.get('opened_from'), q.get('opened_to')], ['2026-01-30', '2026-01-31']);
  assert.equal(await page.textContent('[data-testid=case-filter-text]'),
    'Backlog (1–3 days): opened 2026-01-30 to 2026-01-31, not yet resolved · All departments');
  assert.match(await page.textContent('[data-testid=case-rows] tr'), /Red line \(safety\): "起火"/);

  // The Dashboard's kind goes with the click: no complaint was opened then.
  await backToDashboard(expected().total);
  await page.selectOption('[data-testid=dash-kind]', 'complaint');
  await page.waitForSelector('[data-testid=view-dashboard][data-state=ready]');
  q = await clickBacklog('1–3 days');
  assert.equal(q.get('kind'), 'complaint');
  await page.waitForFunction(() => document.querySelector('#case-count').textContent === '(0)');
  assert.equal(await page.isVisible('#empty'), true);
  assert.equal(await page.textContent('[data-testid=case-filter-text]'),
    'Backlog (1–3 days): opened 2026-01-30 to 2026-01-31, not yet resolved · All departments · Complaint');

  // And its department: Logistics opened no case in January.
  await backToDashboard(expected().total);
  await page.selectOption('[data-testid=dash-kind]', '');
  await page.selectOption('[data-testid=dash-department]', 'logistics');
  await waitForKpi(page, expected({ department: 'logistics' }).total);
  q = await clickBacklog('7–30 days');
  assert.equal(q.get('department'), 'logistics');
  await page.waitForFunction(() => document.querySelector('#case-count').textContent === '(0)');
  assert.match(await page.textContent('[data-testid=case-filter-text]'), / · Logistics$/);
  // Back to the department's worklist.
  await page.click('[data-testid=case-filter-clear]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=case-rows] tr')].map((r) => r.dataset.caseId).join() === 'c-logistics');
  assert.equal(await visible(page, 'case-filter'), false);
  assert.deepEqual(problems, []);
  await context.close();
});

// Issue 12: weak signals name the departments triage routes their feedback
// to; the Dashboard's department keeps that department's (stub: the brake
// squeal is Customer Success's, the charging pile both departments').
test('the Dashboard\'s department filter narrows the weak signals, and they download as CSV (zh and en)', async () => {
  const { page, context, problems } = await openDashboard('zh');
  const rows = () => page.$$eval('[data-testid=table-signals] tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const rowCount = (n) => page.waitForFunction((k) => document.querySelectorAll('[data-testid=table-signals] tbody tr').length === k, n);
  await rowCount(2);
  assert.deepEqual((await rows()).map((r) => r[0]), ['星辰S7 + 刹车 + 异响', '<script>window.__xss=1</script> + 充电桩']);
  assert.equal((await rows())[1][5], '客户成功部、物流部');
  assert.match(await page.textContent('[data-testid=dash-signals-scope]'), /^全公司/);
  assert.equal(await page.$$eval('[data-testid=table-signals] script', (n) => n.length), 0, 'terms are text');

  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().includes('/api/signals?') && r.url().includes('department=logistics')),
    page.selectOption('[data-testid=dash-department]', 'logistics'),
  ]);
  assert.ok(request);
  await rowCount(1);
  assert.deepEqual((await rows()).map((r) => r[0]), ['<script>window.__xss=1</script> + 充电桩']);
  assert.match(await page.textContent('[data-testid=dash-signals-scope]'), /^物流部：/);
  const { name, bytes } = await downloadText(page, 'csv-signals');
  assert.match(name, /^voc-signals-.*\.csv$/);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
  const csv = parseCsv(bytes.subarray(3).toString('utf8'));
  assert.deepEqual(csv[0], ['词语组合', '今日次数', '日均预期', 'p 值', '开始出现', '相关部门']);
  assert.deepEqual(csv.slice(1).map((r) => [r[0], r[1], r[5]]), [['<script>window.__xss=1</script> + 充电桩', '3', '客户成功部、物流部']]);

  await page.click('[data-testid=lang]');
  assert.match(await page.textContent('[data-testid=dash-signals-scope]'), /^Logistics: weak signals/);
  assert.equal((await texts(page, '[data-testid=table-signals] thead th'))[0], 'Terms');
  await page.selectOption('[data-testid=dash-department]', 'customer_success');
  await rowCount(2);
  assert.equal((await rows())[0][5], 'Customer Success');
  assert.deepEqual(problems, []);
  await context.close();
});

// Issue 12: the worklist pages through every case (here in pages of one,
// the page's size rewritten on its way to the stub) and downloads as CSV.
// Earlier tests resolve cases: the expected list is asked of the stub.
test('the worklist pages through every case with "more" and downloads as CSV', async () => {
  const { page, context, problems } = await openPage('zh', {
    route: (ctx) => ctx.route('**/api/cases?*', (r) => {
      const url = new URL(r.request().url());
      if (url.searchParams.get('page_size') === '50') url.searchParams.set('page_size', '1');
      return r.continue({ url: url.toString() });
    }),
  });
  const all = await page.evaluate(async () => (await (await fetch('/api/cases?department=customer_success&page_size=1000')).json()).cases.map((c) => c.id));
  assert.ok(all.length >= 2, all.join());
  await page.waitForFunction((n) => document.querySelector('#case-count').textContent === `(1 / ${n})`, all.length);
  assert.equal((await rowTexts(page)).length, 1);
  for (let shown = 1; shown < all.length; shown++) {
    assert.equal(await visible(page, 'cases-more'), true);
    await page.click('[data-testid=cases-more]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=case-rows] tr').length === n, shown + 1);
  }
  await page.waitForFunction((n) => document.querySelector('#case-count').textContent === `(${n})`, all.length);
  assert.deepEqual(new Set((await rowTexts(page)).map((r) => r.id)), new Set(all));
  assert.equal(await visible(page, 'cases-more'), false);

  const { name, bytes } = await downloadText(page, 'csv-cases');
  assert.equal(name, 'voc-cases-customer_success.csv');
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
  const csv = parseCsv(bytes.subarray(3).toString('utf8'));
  assert.deepEqual(csv[0].slice(0, 6), ['ID', '剩余时间', '优先级', '类型', '标题', '状态']);
  assert.deepEqual(csv.slice(1).map((r) => r[0]), (await rowTexts(page)).map((r) => r.id), 'the rows as the table shows them');
  assert.equal(csv.find((r) => r[0] === 'c-overdue')[4], '<img src=x onerror="window.__xss=1">Overdue callback', 'markup kept as text');
  assert.deepEqual(problems, []);
  await context.close();
});

// Issue 12: every table downloads as CSV: Insights' weak signals and the
// department's tasks too (the tasks answered by Playwright's routing: the
// stub has none).
test('Insights\' weak signals and the department\'s tasks download as CSV with a BOM', async () => {
  const task = { name: 'cases/c-soon/tasks/task-1', id: 'task-1', case_id: 'c-soon', case_title: 'Call back detractor c-10001 (NPS 2)',
    title: '补发包裹, 加急', owner: { department: 'logistics', person: 'p-xu-gang' }, state: 'open',
    due_time: '2026-01-05T02:00:00Z', time_left_ms: -3600000 };
  const { page, context, problems } = await openPage('zh', {
    hash: '#insights', waitFor: '[data-testid=signal-rows] tr',
    route: (ctx) => ctx.route('**/api/tasks?*', (r) => r.fulfill({
      status: 200, contentType: 'application/json', body: JSON.stringify({ tasks: [task] }),
    })),
  });
  let file = await downloadText(page, 'csv-insight-signals');
  assert.deepEqual([...file.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
  let csv = parseCsv(file.bytes.subarray(3).toString('utf8'));
  assert.deepEqual(csv[0], ['词语组合', '今日次数', '日均预期', 'p 值', '开始出现']);
  assert.deepEqual(csv.slice(1), [['星辰S7 + 刹车 + 异响', '5', '0.18', '3.2e-7', '2026-02-26'],
    ['<script>window.__xss=1</script> + 充电桩', '3', '0.04', '0.0000081', '2026-03-01']]);

  await page.click('[data-testid=nav-work]');
  await page.waitForSelector('[data-testid=task-rows] tr');
  file = await downloadText(page, 'csv-tasks');
  assert.equal(file.name, 'voc-tasks-customer_success.csv');
  assert.deepEqual([...file.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  csv = parseCsv(file.bytes.subarray(3).toString('utf8'));
  assert.deepEqual(csv[0], ['剩余时间', '任务', '所属工单', '负责人', '状态', '截止时间']);
  assert.deepEqual(csv[1], ['已超时 1小时0分', '补发包裹, 加急', '回访贬损客户 c-10001（NPS 2）', '物流部 / p-xu-gang', '待处理',
    '2026-01-05T02:00:00Z']);
  assert.deepEqual(problems, []);
  await context.close();
});

// Issue 12: a project's history on its card, in the page's language (the
// projects answered through Playwright's routing: the stub has none).
test('a project card shows its history in Chinese and English', async () => {
  const project = {
    name: 'projects/p-riders', id: 'p-riders', title: '午高峰配送延迟整改', topic: 'logistics.delivery_delay', state: 'open',
    decided_by: 'p-chen-jie', decision_reason: '', action_items: [],
    history: [
      { time: '2026-01-02T02:00:00Z', actor: 'p-zhao-min', action: 'proposed',
        detail: 'proposal on topic logistics.delivery_delay with 1 action items, for the VoC committee' },
      { time: '2026-01-03T02:00:00Z', actor: 'p-chen-jie', action: 'approved', detail: 'approved by the VoC committee: 预算已批' },
      { time: '2026-01-04T02:00:00Z', actor: 'p-zhao-min', action: 'action_item_added',
        detail: 'action item "Add 30 riders" for logistics/p-xu-gang, due none' },
    ],
  };
  const json = (body) => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  const { page, context, problems } = await openPage('zh', {
    hash: '#work', waitFor: '[data-testid=project-history] li',
    route: async (ctx) => {
      await ctx.route('**/api/projects', (r) => r.fulfill(json({ projects: [{ id: 'p-riders', title: project.title, state: 'open' }] })));
      await ctx.route('**/api/projects/p-riders', (r) => r.fulfill(json({ project })));
    },
  });
  const lines = () => page.$$eval('[data-testid=project-history] li span:last-child', (n) => n.map((x) => x.textContent));
  assert.deepEqual(await lines(), [
    'p-zhao-min · 提交提案 — 主题 logistics.delivery_delay 的项目提案，含 1 项行动，提交 VoC 委员会审批',
    'p-chen-jie · 批准 — VoC 委员会批准：预算已批',
    'p-zhao-min · 新增行动项 — 行动项“Add 30 riders”，负责人 logistics/p-xu-gang，截止 无',
  ]);
  await page.click('[data-testid=lang]');
  assert.deepEqual(await lines(), project.history.map((h) => `${h.actor} · ${h.action} — ${h.detail}`), 'English as stored');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a click on a volume point lists the feedback of that day, paged, as CSV', async () => {
  const { page, context, problems } = await openDashboard('zh');
  await setRange(page, RANGE.start, RANGE.end, expected().total);
  const day = '2026-01-10';
  const total = expected({ days: [dayNumber(day)] }).total;
  assert.ok(total > 50, `more than a page on ${day} (${total})`);
  await clickBar(page, 'volume', 0, day);
  await page.waitForSelector('[data-testid=feedback-list]:not([hidden])[data-state=ready]');
  assert.equal(await page.textContent('[data-testid=feedback-list-filter]'), day);
  assert.equal(await page.textContent('[data-testid=feedback-list-count]'), `共 ${total} 条，已显示 50 条。`);
  const ids = async () => page.$$eval('[data-testid=feedback-list-rows] tr', (rows) => rows.map((r) => r.dataset.feedbackId));
  let listed = await ids();
  assert.equal(listed.length, 50);
  assert.ok(listed.every((id) => id.startsWith(`fb-${day}-`)), listed.join());
  assert.equal(await page.isVisible('[data-testid=feedback-list-masked]'), true);
  // "More" until every row of the day is there.
  while (await page.isVisible('[data-testid=feedback-list-more]')) {
    const before = listed.length;
    await page.click('[data-testid=feedback-list-more]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=feedback-list-rows] tr').length > n, before);
    listed = await ids();
  }
  assert.equal(listed.length, total);
  assert.equal(new Set(listed).size, total, 'no row twice');
  const { name, bytes } = await downloadText(page, 'feedback-list-csv');
  assert.equal(name, `voc-feedback-${day}_${day}.csv`);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
  const csv = parseCsv(bytes.subarray(3).toString('utf8'));
  assert.equal(csv[0][1], '反馈编号');
  assert.equal(csv.length - 1, total);
  assert.equal(csv[1][4], '华东');
  assert.deepEqual(problems, []);
  await context.close();
});

test('every Dashboard table downloads as CSV with a BOM, Chinese intact', async () => {
  const { page, context, problems } = await openDashboard('zh');
  await setRange(page, RANGE.start, RANGE.end, expected().total);
  const { name, bytes } = await downloadText(page, 'csv-topics');
  assert.equal(name, `voc-topics-${RANGE.start}_${RANGE.end}.csv`);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
  const text = bytes.toString('utf8');
  assert.ok(text.includes('\r\n'), 'CRLF line ends');
  const rows = parseCsv(text.slice(1));
  assert.deepEqual(rows[0].slice(0, 4), ['主题', '主题编号', '部门', '数量']);
  const shown = await page.$$eval('[data-testid=table-topics] tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length - 1, shown.length);
  const delay = rows.find((r) => r[1] === 'logistics.delivery_delay');
  assert.equal(delay[0], '配送延迟');
  assert.equal(delay[2], '物流部');
  assert.equal(delay[3], shown.find((r) => r[1] === 'logistics.delivery_delay')[3]);

  for (const table of ['volume', 'nps', 'sla', 'backlog']) {
    const file = await downloadText(page, `csv-${table}`);
    assert.deepEqual([...file.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], table);
    const parsed = parseCsv(file.bytes.toString('utf8').slice(1));
    assert.equal(parsed.length - 1, (await texts(page, `[data-testid=table-${table}] tbody tr`)).length, table);
  }
  const volume = parseCsv((await downloadText(page, 'csv-volume')).bytes.toString('utf8').slice(1));
  assert.equal(volume[0][0], '周期');
  assert.equal(volume.slice(1).reduce((sum, r) => sum + Number(r[2]), 0), expected().total);

  // Quoting (RFC 4180) and formulas kept as text, on the page's own CSV writer.
  const csv = await page.evaluate(async () => {
    const { toCsv } = await import('/csv.js');
    return toCsv(['名称', 'n'], [['a,b', -3.5], ['说 "你好"', null], ['=1+1', 0], ['两\r\n行', true]]);
  });
  assert.equal(csv, '\uFEFF名称,n\r\n"a,b",-3.5\r\n"说 ""你好""",\r\n\'=1+1,0\r\n"两\r\n行",true\r\n');
  assert.deepEqual(parseCsv(csv.slice(1)), [['名称', 'n'], ['a,b', '-3.5'], ['说 "你好"', ''], ["'=1+1", '0'], ['两\r\n行', 'true']]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Dashboard labels in both languages', async () => {
  const { page, context, problems } = await openDashboard('zh');
  await setRange(page, RANGE.start, RANGE.end, expected().total);
  assert.equal(await page.textContent('[data-i18n=slaTitle]'), '各部门 SLA 达标率');
  let sla = await chartState(page, 'sla');
  assert.deepEqual(sla.series.map((s) => s.name), ['首次响应达标', '解决达标']);
  assert.deepEqual(sla.xAxis[0], ['客户成功部', '物流部']);
  assert.equal((await texts(page, '[data-testid=table-backlog] thead th'))[0], '账龄');
  assert.equal(await page.textContent('[data-testid=dash-channel] option[value=social]'), '社交媒体');

  await page.click('[data-testid=lang]');
  assert.equal(await page.textContent('[data-testid=nav-dashboard]'), 'Dashboard');
  assert.equal(await page.textContent('[data-i18n=slaTitle]'), 'SLA compliance by department');
  sla = await chartState(page, 'sla');
  assert.deepEqual(sla.series.map((s) => s.name), ['First response met', 'Resolution met']);
  assert.deepEqual(sla.xAxis[0], ['Customer Success', 'Logistics']);
  assert.equal((await chartState(page, 'topics')).yAxis[0].includes('Delivery delay'), true);
  assert.equal((await texts(page, '[data-testid=table-backlog] thead th'))[0], 'Age');
  assert.equal(await page.textContent('[data-testid=dash-channel] option[value=social]'), 'Social media');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a department head\'s Dashboard shows their department only', async () => {
  const { page, context, problems } = await openDashboard('en', { user: 'p-wang-lei' });
  const options = await page.$$eval('[data-testid=dash-department] option', (os) => os.map((o) => o.value));
  assert.deepEqual(options, ['logistics'], 'no "all departments" for a department head');
  await setRange(page, RANGE.start, RANGE.end, expected({ department: 'logistics' }).total);
  assert.deepEqual((await chartState(page, 'sla')).xAxis[0], ['Logistics']);
  // Asking for every department anyway: refused by the service, shown as an error.
  const status = await page.evaluate(async (r) => (await fetch(`/api/reports/voice?start=${r.start}&end=${r.end}`)).status, RANGE);
  assert.equal(status, 403);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a report that fails shows its error and leaves the other charts', async () => {
  const { page, context, problems } = await openDashboard('en', {
    route: (ctx) => ctx.route('**/api/reports/loop*', (r) => r.fulfill({
      status: 503, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'failed to connect to tracking' } }),
    })),
  });
  assert.equal(await page.textContent('[data-testid=dash-sla-message]'), 'Error: UNAVAILABLE: failed to connect to tracking');
  assert.equal(await page.$eval('[data-testid=dash-sla-message]', (n) => n.classList.contains('error')), true);
  assert.equal(await page.textContent('[data-testid=kpi-sla]'), '—');
  assert.equal(await page.isDisabled('[data-testid=csv-sla]'), true, 'nothing to download');
  assert.ok((await chartState(page, 'volume')).series[0].data.length > 0, 'the voice figures still draw');
  assert.deepEqual(problems, []);
  await context.close();
});

// --- issue 12: the programme on the Dashboard (goals, outcomes, the digest archive) ---

// The stub's programme (tests/web/stub_programme.h), restated: each goal's
// January history is value = baseline + slope * i + (i % 3) / 10 for day i
// from its start, rounded to 0.01.
const GOALS = {
  'g-e7': { baseline: 12, target: 17, slope: 0.06, start: '2026-01-01', deadline: '2026-06-30', status: 'on_track' },
  'g-delay': { baseline: 30, target: 20, slope: -0.02, start: '2026-01-01', deadline: '2026-03-31', status: 'at_risk' },
  'g-fr': { baseline: 80, target: 95, slope: 0.6, start: '2026-01-01', deadline: '2026-01-31', status: 'met' },
};
const goalHistory = (id) => Array.from({ length: 31 }, (_, i) => {
  const g = GOALS[id];
  return Math.round((g.baseline + g.slope * i + (i % 3) / 10) * 100) / 100;
});
// Verifications {project, state, day, before, after, reopened} and re-survey answers {day, original, now}.
const CHECKS = [
  { project: 'projects/p-riders', state: 'verified', day: '2026-01-10', before: 40, after: 10, reopened: false },
  { project: 'projects/p-packaging', state: 'failed', day: '2026-01-20', before: 20, after: 19, reopened: true },
  { project: 'projects/p-app-crash', state: 'verified', day: '2026-01-25', before: 30, after: 12, reopened: false },
  { project: 'projects/p-staff', state: 'failed', day: '2026-01-28', before: 15, after: 12, reopened: false },
  { project: 'projects/p-old', state: 'verified', day: '2025-12-01', before: 35, after: 20, reopened: false },
];
const ANSWERS = [['2026-01-08', 3, 9], ['2026-01-12', 5, 10], ['2026-01-15', 6, 8], ['2026-01-21', 2, 4],
  ['2026-01-30', 4, 7], ['2026-02-10', 1, 9]];
const UNANSWERED = ['2026-01-18', '2026-01-29', '2026-02-11'];
const inRange = (day) => day >= RANGE.start && day <= RANGE.end;

// The goal chart's series as ECharts holds them, and its drawn pixels.
async function goalChart(page) {
  return page.evaluate(() => {
    const node = document.querySelector('[data-testid=chart-goal]');
    const chart = window.echarts.getInstanceByDom(node);
    const canvas = node.querySelector('canvas');
    const image = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 0; i < image.length; i += 4) {
      if (image[i + 3] > 0 && !(image[i] > 245 && image[i + 1] > 245 && image[i + 2] > 245)) drawn++;
    }
    return { drawn, series: chart.getOption().series.map((s) => ({ name: s.name, data: s.data })) };
  });
}

const goalRows = (page) => page.$$eval('[data-testid=table-goals] tbody tr', (trs) => trs.map((tr) => ({
  id: tr.dataset.goal, cells: [...tr.cells].map((c) => c.textContent),
  status: tr.querySelector('.badge') && tr.querySelector('.badge').dataset.status,
})));

test('goals: the table with its status in both languages, and a goal\'s trajectory drawn from its history', async () => {
  const { page, context, problems } = await openDashboard('zh');
  await page.waitForSelector('[data-testid=table-goals] tbody tr');
  let rows = await goalRows(page);
  assert.deepEqual(rows.map((r) => r.id), ['g-fr', 'g-delay', 'g-e7'], 'active goals, newest first');
  assert.deepEqual(rows.map((r) => r.status), ['met', 'at_risk', 'on_track']);
  assert.deepEqual(rows.map((r) => r.cells[5]), ['已达成', '有风险', '进展正常']);
  const e7 = rows.find((r) => r.id === 'g-e7').cells;
  assert.equal(e7[1], 'NPS');
  assert.equal(e7[2], '星辰 E7');
  assert.equal(e7[3], '12.0 → 17.0，截至 2026-06-30');
  assert.equal(e7[4], goalHistory('g-e7')[30].toFixed(1));
  assert.equal(rows.find((r) => r.id === 'g-delay').cells[3], '30.0% → 20.0%，截至 2026-03-31');

  // The first goal is drawn; a click draws another's, from its history.
  let chart = await goalChart(page);
  assert.deepEqual(chart.series[0].data.map((p) => p[1]), goalHistory('g-fr'));
  await page.click('[data-testid=table-goals] tbody tr[data-goal=g-delay]');
  await page.waitForFunction(() => document.querySelector('[data-testid=goal-chart-title]').textContent.startsWith('配送延迟'));
  chart = await goalChart(page);
  assert.ok(chart.drawn > 500, `the trajectory is drawn (${chart.drawn} pixels)`);
  assert.deepEqual(chart.series.map((s) => s.name), ['实际值', '预期轨迹', '目标值']);
  assert.equal(chart.series[0].data.length, 31, 'one point per evaluated day');
  assert.equal(chart.series[0].data[0][0], '2026-01-01');
  assert.deepEqual(chart.series[0].data.map((p) => p[1]), goalHistory('g-delay'));
  assert.deepEqual(chart.series[1].data, [['2026-01-01', 30], ['2026-03-31', 20]], 'the straight line baseline -> target');
  assert.deepEqual(chart.series[2].data, [['2026-01-01', 20], ['2026-03-31', 20]], 'the target');

  await page.click('[data-testid=lang]');
  rows = await goalRows(page);
  assert.deepEqual(rows.map((r) => r.cells[5]), ['met', 'at risk', 'on track']);
  assert.equal(rows.find((r) => r.id === 'g-e7').cells[3], '12.0 → 17.0 by 2026-06-30');
  assert.deepEqual((await goalChart(page)).series.map((s) => s.name), ['Value', 'Expected trajectory', 'Target']);
  assert.equal(await page.textContent('[data-i18n=goalsTitle]'), 'Programme goals');

  // The table's CSV: every goal, the numbers apart.
  const { name, bytes } = await downloadText(page, 'csv-goals');
  assert.match(name, /^voc-goals-.*\.csv$/);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const csv = parseCsv(bytes.toString('utf8').slice(1));
  assert.deepEqual(csv[0], ['Goal', 'Metric', 'Scope', 'Baseline', 'Target', 'Deadline', 'Latest', 'Status']);
  assert.deepEqual(csv.slice(1).map((r) => r[7]), ['met', 'at risk', 'on track']);
  assert.deepEqual(csv[3].slice(3, 6), ['12', '17', '2026-06-30']);
  assert.ok(csv[3][0].startsWith('星辰 E7'), 'Chinese intact');
  assert.deepEqual(problems, []);
  await context.close();
});

test('creating a goal posts the right JSON and shows the service\'s field error beside the field', async () => {
  const { page, context, problems } = await openDashboard('en');
  await page.waitForSelector('[data-testid=table-goals] tbody tr');
  assert.equal(await visible(page, 'goal-form-box'), true, 'an analyst may create goals');
  await page.click('[data-testid=goal-form-box] summary');
  await page.fill('[data-testid=goal-title]', '配送延迟投诉占比 / Delivery-delay share');
  await page.selectOption('[data-testid=goal-metric]', 'topic_complaint_share');
  await page.selectOption('[data-testid=goal-department]', 'logistics');
  await page.fill('[data-testid=goal-baseline]', '30');
  await page.fill('[data-testid=goal-target]', '20');
  await page.fill('[data-testid=goal-start]', '2026-02-01');
  await page.fill('[data-testid=goal-deadline]', '2026-06-30');
  const [posted] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith('/api/goals') && r.method() === 'POST'),
    page.click('[data-testid=goal-submit]'),
  ]);
  const body = posted.postDataJSON();
  assert.match(body.request_id, /^goal-/);
  delete body.request_id;
  assert.deepEqual(body, {
    title: '配送延迟投诉占比 / Delivery-delay share', metric: 'topic_complaint_share', scope: { department: 'logistics' },
    baseline: 30, target: 20, start_day: '2026-02-01', deadline_day: '2026-06-30',
  });
  assert.ok(posted.headers()['x-csrf-token'], 'the session\'s CSRF token goes with it');
  // Verification's error names scope.topic: shown beside the topic field.
  const topicError = '[data-testid="goal-error-scope.topic"]';
  await page.waitForSelector(`${topicError}:not([hidden])`);
  assert.equal(await page.textContent(topicError), 'required for a topic\'s complaint share');
  assert.equal(await page.getAttribute('[data-testid=goal-topic]', 'aria-invalid'), 'true');
  assert.equal(await visible(page, 'goal-form-message'), false, 'not a general error');

  // The gateway's own error, for a missing baseline, beside the baseline.
  await page.fill('[data-testid=goal-topic]', 'logistics.delivery_delay');
  assert.equal(await page.isHidden(topicError), true, 'typing clears the field\'s error');
  await page.fill('[data-testid=goal-baseline]', '');
  await page.click('[data-testid=goal-submit]');
  await page.waitForSelector('[data-testid="goal-error-baseline"]:not([hidden])');
  assert.equal(await page.textContent('[data-testid="goal-error-baseline"]'), 'required, a number');

  // Now right: created, listed first, not evaluated yet, and drawn (no history).
  await page.fill('[data-testid=goal-baseline]', '30');
  await page.click('[data-testid=goal-submit]');
  await page.waitForFunction(() => document.querySelector('[data-testid=goal-form-message]').textContent === 'Goal created.');
  const rows = await goalRows(page);
  assert.equal(rows.length, 4);
  assert.equal(rows[0].cells[0], '配送延迟投诉占比 / Delivery-delay share');
  assert.equal(rows[0].status, 'not_evaluated');
  assert.equal(rows[0].cells[5], 'not evaluated');
  assert.equal(rows[0].cells[2], 'Logistics · logistics.delivery_delay');
  assert.equal(await page.textContent('[data-testid=goal-chart-message]'), 'This goal has not been evaluated yet.');
  assert.equal(await page.inputValue('[data-testid=goal-title]'), '', 'the form is cleared');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a department head sees company-wide and their own goals and digests, and may not create a goal', async () => {
  const { page, context, problems } = await openDashboard('zh', { user: 'p-wang-lei' });
  await page.waitForSelector('[data-testid=table-goals] tbody tr');
  // The stub's goals (another test may have added one for logistics).
  assert.deepEqual((await goalRows(page)).map((r) => r.id).filter((id) => id in GOALS), ['g-delay', 'g-e7']);
  assert.equal(await visible(page, 'goal-form-box'), false, 'no new goal form');
  const scopes = await page.$$eval('[data-testid=digest-weeks] button', (bs) => bs.map((b) => b.dataset.digest.split('/')[2]));
  assert.deepEqual(new Set(scopes), new Set(['company', 'logistics']));
  // Posting anyway (with the session's token): refused by the service.
  const status = await page.evaluate(async () => {
    const me = await (await fetch('/api/me')).json();
    const r = await fetch('/api/goals', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify({ title: 'x', metric: 'nps', baseline: 1, target: 2, start_day: '2026-02-01', deadline_day: '2026-03-01' }) });
    return r.status;
  });
  assert.equal(status, 403);
  assert.deepEqual(problems, []);
  await context.close();
});

test('outcomes: verified, failed and reopened, the verifications and the re-survey equal the stub\'s', async () => {
  const { page, context, problems } = await openDashboard('zh');
  await setRange(page, RANGE.start, RANGE.end, expected().total);
  const finished = CHECKS.filter((c) => inRange(c.day)).sort((a, b) => (a.day < b.day ? 1 : -1));
  assert.equal(await page.textContent('[data-testid=outcome-verified]'), String(finished.filter((c) => c.state === 'verified').length));
  assert.equal(await page.textContent('[data-testid=outcome-failed]'), String(finished.filter((c) => c.state === 'failed').length));
  assert.equal(await page.textContent('[data-testid=outcome-reopened]'), String(finished.filter((c) => c.reopened).length));
  const rows = await page.$$eval('[data-testid=table-outcomes] tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => r[0]), finished.map((c) => c.project), 'newest verdict first');
  assert.deepEqual(rows.map((r) => r[2]), finished.map((c) => `${c.before.toFixed(1)}% → ${c.after.toFixed(1)}%`));
  assert.deepEqual(rows.map((r) => r[4]), finished.map((c) => (c.state === 'verified' ? '有效' : '无效')));
  assert.equal(rows.find((r) => r[0] === 'projects/p-riders')[3], '4.8e-7');
  assert.equal(rows.find((r) => r[0] === 'projects/p-riders')[1], '配送延迟', 'the topic in the page\'s language');

  const answers = ANSWERS.filter(([day]) => inRange(day));
  const promoters = answers.filter(([, , now]) => now >= 9).length;
  const passives = answers.filter(([, , now]) => now >= 7 && now <= 8).length;
  const detractors = answers.filter(([, , now]) => now <= 6).length;
  const change = answers.reduce((sum, [, before, now]) => sum + now - before, 0) / answers.length;
  const facts = async (k) => page.textContent(`[data-testid=resurvey-${k}]`);
  assert.equal(await facts('answered'), String(answers.length));
  assert.equal(await facts('unanswered'), String(UNANSWERED.filter(inRange).length));
  assert.equal(await facts('original'), '-100.0');
  assert.equal(await facts('answer'), ((promoters - detractors) / answers.length * 100).toFixed(1));
  assert.equal(await facts('change'), `+${change.toFixed(2)}`);
  assert.equal(await facts('promoters'), String(promoters));
  assert.equal(await facts('passives'), String(passives));
  assert.equal(await facts('detractors'), String(detractors));

  // A range with none of them: zeros, and no re-survey NPS.
  await page.evaluate(() => {
    document.querySelector('[data-testid=dash-start]').value = '2026-03-02';
    const endInput = document.querySelector('[data-testid=dash-end]');
    endInput.value = '2026-03-08';
    endInput.dispatchEvent(new Event('change'));
  });
  await page.waitForFunction(() => document.querySelector('[data-testid=view-dashboard]').dataset.state === 'ready'
    && document.querySelector('[data-testid=outcome-verified]').textContent === '0');
  assert.equal(await facts('answer'), '—');

  await setRange(page, RANGE.start, RANGE.end, expected().total);
  const { name, bytes } = await downloadText(page, 'csv-outcomes');
  assert.equal(name, `voc-outcomes-${RANGE.start}_${RANGE.end}.csv`);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const csv = parseCsv(bytes.toString('utf8').slice(1));
  assert.deepEqual(csv[0], ['项目', '主题', '改进前占比', '改进后占比', 'p 值', '验证结果', '验证日期']);
  assert.deepEqual(csv.slice(1).map((r) => [r[0], Number(r[2]), Number(r[3]), r[6]]),
    finished.map((c) => [c.project, c.before, c.after, c.day]));
  assert.deepEqual(problems, []);
  await context.close();
});

test('the digest archive shows the chosen week\'s digest in zh and en, its parts as tables', async () => {
  const { page, context, problems } = await openDashboard('zh');
  await page.waitForSelector('[data-testid=digest-weeks] button');
  const weeks = await page.$$eval('[data-testid=digest-weeks] button', (bs) => bs.map((b) => b.dataset.digest));
  assert.equal(weeks.length, 8, 'four weeks, company-wide and logistics');
  assert.ok(weeks[0].startsWith('digests/2026-01-26/'), 'newest week first');
  // The newest is shown first; choose another week.
  await page.waitForFunction(() => document.querySelector('[data-testid=digest]').dataset.digest === 'digests/2026-01-26/logistics');
  await page.click('[data-testid=digest-weeks] button[data-digest="digests/2026-01-12/company"]');
  await page.waitForFunction(() => document.querySelector('[data-testid=digest]').dataset.digest === 'digests/2026-01-12/company');
  assert.equal(await page.textContent('[data-testid=digest-subject]'), '全公司周报 2026-01-12');
  assert.equal(await page.textContent('[data-testid=digest-body]'),
    '全公司周报（2026-01-12 至 2026-01-18）\n已验证的改进：午高峰配送延迟整改，投诉占比 40.0% → 10.0%。');
  assert.equal(await page.textContent('[data-testid=digest-lesson]'), '值得借鉴：破损包裹退款——退款并加厚包装重发');
  const cells = (name) => page.$$eval(`[data-testid=table-${name}] tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(await cells('digest-wins'), [['午高峰配送延迟整改', 'projects/p-riders', '配送延迟', '40.0%', '10.0%', '4.8e-7']]);
  assert.equal((await cells('digest-rising'))[0][0], '包裹破损', 'topics named in the page\'s language');
  assert.deepEqual((await cells('digest-goals'))[0].slice(0, 2), ['配送延迟投诉占比降到 20% / Delivery-delay share down to 20%', '有风险']);
  assert.equal((await cells('digest-rising'))[0][1], String(30 + dayNumber('2026-01-12') % 7));
  assert.deepEqual(await cells('digest-signals'), [['刹车 + 异响', '5', '0.2']]);
  assert.deepEqual(await cells('digest-sla'), [['40', '36', '30', '24', '6', '12', '75.0%']]);
  // Issue 13: the campaign whose verdict landed in the week.
  assert.deepEqual(await cells('digest-outreach'), [['延迟包裹致歉', 'campaigns/camp-1', '配送延迟', '150', '2.5% (120)',
    '10.0% (30)', '-7.5 (-18.6 … 3.6)', '0.041', '投诉减少']]);

  await page.click('[data-testid=lang]');
  assert.equal(await page.textContent('[data-testid=digest-subject]'), 'Company-wide weekly digest 2026-01-12');
  assert.equal(await page.textContent('[data-testid=digest-body]'),
    'Company-wide digest (2026-01-12 to 2026-01-18)\nVerified fix: lunch-peak delivery delays, complaint share 40.0% -> 10.0%.');
  assert.equal((await cells('digest-goals'))[0][1], 'at risk');
  assert.equal((await cells('digest-wins'))[0][2], 'Delivery delay');
  assert.deepEqual((await cells('digest-outreach'))[0].slice(2), ['Delivery delay', '150', '2.5% (120)', '10.0% (30)',
    '-7.5 (-18.6 … 3.6)', '0.041', 'Fewer complaints']);
  assert.equal(await page.textContent('[data-testid=digest-weeks] button[data-digest="digests/2026-01-12/company"]'),
    '2026-01-12 – 2026-01-18 · Company-wide');

  // The Dashboard's department narrows the list.
  await page.selectOption('[data-testid=dash-department]', 'customer_success');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=digest-weeks] button')].every((b) => b.dataset.digest.endsWith('/company')));

  for (const table of ['digest-wins', 'digest-outreach', 'digest-goals', 'digest-rising', 'digest-signals', 'digest-sla']) {
    const file = await downloadText(page, `csv-${table}`);
    assert.deepEqual([...file.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], table);
    const parsed = parseCsv(file.bytes.toString('utf8').slice(1));
    assert.equal(parsed.length - 1, (await cells(table)).length, table);
  }
  const wins = parseCsv((await downloadText(page, 'csv-digest-wins')).bytes.toString('utf8').slice(1));
  assert.deepEqual(wins[1].slice(0, 5), ['午高峰配送延迟整改', 'projects/p-riders', 'Delivery delay', '40', '10']);
  assert.deepEqual(problems, []);
  await context.close();
});

// --- issue 12 follow-up: the programme pages through everything; archiving goals ---
// (Last in the file: archiving changes the stub's goals for later tests.)

test('the programme pages through goals, a goal\'s history and digests past the first page', async () => {
  const { page, context, problems } = await openDashboard('en');
  await page.waitForSelector('[data-testid=table-goals] tbody tr');
  // The stub answers short pages (2 goals, 10 days, 3 digests) with a next_page_token.
  const first = await page.evaluate(async () => {
    const get = async (path) => (await fetch(path)).json();
    const goals = await get('/api/goals?state=active');
    const history = await get('/api/goals/g-delay/history');
    const digests = await get('/api/digests');
    return { goals: goals.goals.length, goalsNext: goals.next_page_token, history: history.evaluations.length,
      historyNext: history.next_page_token, digests: digests.digests.length, digestsNext: digests.next_page_token };
  });
  assert.deepEqual(first, { goals: 2, goalsNext: '2', history: 10, historyNext: '10', digests: 3, digestsNext: '3' });
  // The page shows every page's items.
  assert.deepEqual((await goalRows(page)).map((r) => r.id).filter((id) => id in GOALS), ['g-fr', 'g-delay', 'g-e7']);
  await page.click('[data-testid=table-goals] tbody tr[data-goal=g-delay]');
  // Marked chosen once its history is loaded (a goal made by another test has a similar title).
  await page.waitForSelector('[data-testid=table-goals] tbody tr[data-goal=g-delay].selected');
  const chart = await goalChart(page);
  assert.deepEqual(chart.series[0].data.map((p) => p[1]), goalHistory('g-delay'), 'all 31 days, from 4 pages');
  const weeks = await page.$$eval('[data-testid=digest-weeks] button', (bs) => bs.map((b) => b.dataset.digest));
  assert.equal(weeks.length, 8, 'four weeks, company-wide and logistics, from 3 pages');
  assert.equal(new Set(weeks).size, 8, 'no week twice');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an analyst archives a goal after confirming, and "show archived" lists archived goals (zh and en)', async () => {
  const { page, context, problems } = await openDashboard('zh');
  await page.waitForSelector('[data-testid=table-goals] tbody tr');
  const title = '归档测试 / Archive test';
  const created = await page.evaluate(async (t) => {
    const me = await (await fetch('/api/me')).json();
    const r = await fetch('/api/goals', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify({ title: t, metric: 'nps', baseline: 1, target: 2, start_day: '2026-02-01', deadline_day: '2026-03-01' }) });
    return (await r.json()).goal.id;
  }, title);
  // "Show archived": the archived goal joins the list, marked, with no archive button.
  await page.check('[data-testid=goals-archived]');
  await page.waitForSelector('[data-testid=table-goals] tbody tr[data-goal=g-old]');
  let rows = await goalRows(page);
  const old = rows.find((r) => r.id === 'g-old');
  assert.equal(old.status, 'archived');
  assert.equal(old.cells[5], '已归档');
  assert.equal(await page.$('[data-testid=table-goals] tr[data-goal=g-old] [data-archive]'), null);
  assert.ok(rows.some((r) => r.id === created), 'the new goal is listed');
  assert.equal(await page.textContent(`[data-testid=table-goals] tr[data-goal="${created}"] [data-archive]`), '归档');
  // g-old has 450 days of history (45 pages): the chart draws the newest 400.
  await page.click('[data-testid=table-goals] tbody tr[data-goal=g-old]');
  await page.waitForSelector('[data-testid=table-goals] tbody tr[data-goal=g-old].selected');
  const long = (await goalChart(page)).series[0].data;
  assert.equal(long.length, 400);
  assert.equal(long[0][0], '2025-02-20', 'day 50 of 450 from 2025-01-01');
  assert.equal(long[399][0], '2026-03-26', 'the newest day');
  await page.uncheck('[data-testid=goals-archived]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=table-goals] tbody tr[data-goal=g-old]'));

  // Cancelled: nothing is posted.
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/archive')) posts.push(r); });
  await page.evaluate(() => { window.confirm = (m) => { window.lastConfirm = m; return false; }; });
  await page.click(`[data-testid=table-goals] tr[data-goal="${created}"] [data-archive]`);
  assert.equal(await page.evaluate(() => window.lastConfirm), `归档目标“${title}”？归档后不再每日跟踪（历史保留）。`);
  assert.equal(posts.length, 0, 'no archive without confirming');
  assert.ok((await goalRows(page)).some((r) => r.id === created));

  // Confirmed: posted with the CSRF token, gone from the active list, listed as archived.
  await page.evaluate(() => { window.confirm = () => true; });
  await page.click(`[data-testid=table-goals] tr[data-goal="${created}"] [data-archive]`);
  await page.waitForFunction((t) => document.querySelector('[data-testid=goals-message]').textContent === `目标“${t}”已归档。`, title);
  assert.equal(posts.length, 1);
  assert.ok(posts[0].headers()['x-csrf-token'], 'the session\'s CSRF token goes with it');
  assert.equal(posts[0].url().endsWith(`/api/goals/${created}/archive`), true);
  assert.equal((await goalRows(page)).some((r) => r.id === created), false, 'no longer among the active goals');
  await page.check('[data-testid=goals-archived]');
  await page.waitForSelector(`[data-testid=table-goals] tbody tr[data-goal="${created}"]`);
  assert.equal((await goalRows(page)).find((r) => r.id === created).status, 'archived');

  // In English: the badge, the actions header, the toggle's label.
  await page.click('[data-testid=lang]');
  rows = await goalRows(page);
  assert.equal(rows.find((r) => r.id === created).cells[5], 'archived');
  const headers = await page.$$eval('[data-testid=table-goals] thead th', (ths) => ths.map((th) => th.textContent));
  assert.equal(headers[6], 'Actions');
  assert.equal(await page.textContent('[data-i18n=goalsShowArchived]'), 'Show archived goals');
  assert.equal(await page.textContent('[data-testid=table-goals] tr[data-goal=g-e7] [data-archive]'), 'Archive');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a department head sees no archive button and is refused an archive by the service', async () => {
  const { page, context, problems } = await openDashboard('en', { user: 'p-wang-lei' });
  await page.waitForSelector('[data-testid=table-goals] tbody tr[data-goal=g-delay]');
  assert.equal(await page.$('[data-testid=table-goals] [data-archive]'), null, 'no archive button');
  const headers = await page.$$eval('[data-testid=table-goals] thead th', (ths) => ths.map((th) => th.textContent));
  assert.equal(headers.includes('Actions'), false);
  const refused = await page.evaluate(async () => {
    const me = await (await fetch('/api/me')).json();
    const r = await fetch('/api/goals/g-delay/archive', { method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token }, body: '{}' });
    return { status: r.status, code: (await r.json()).error.code };
  });
  assert.deepEqual(refused, { status: 403, code: 'PERMISSION_DENIED' });
  // Still active for everyone.
  await page.reload();
  await page.waitForSelector('[data-testid=table-goals] tbody tr[data-goal=g-delay]');
  assert.deepEqual(problems, []);
  await context.close();
});

// --- issue 13: the Root cause view ---

// Independent of the page and the server: Fisher's one-sided tail by
// summing hypergeometric probabilities, G², the add-half lift and
// Benjamini-Hochberg, for the stub's planted tables (stub_rootcause.h).
function logChoose(n, k) {
  let s = 0;
  for (let i = 1; i <= k; i += 1) s += Math.log(n - k + i) - Math.log(i);
  return s;
}
function fisher(a, n1, b, n2) {
  const N = n1 + n2;
  const K = a + b;
  let p = 0;
  for (let x = a; x <= Math.min(K, n1); x += 1) {
    if (n1 - x > N - K) continue;
    p += Math.exp(logChoose(K, x) + logChoose(N - K, n1 - x) - logChoose(N, n1));
  }
  return Math.min(1, p);
}
function g2(a, n1, b, n2) {
  const n = n1 + n2; const w = a + b; const wo = n - w;
  const term = (o, e) => (o > 0 ? o * Math.log(o / e) : 0);
  return 2 * (term(a, (n1 * w) / n) + term(n1 - a, (n1 * wo) / n) + term(b, (n2 * w) / n) + term(n2 - b, (n2 * wo) / n));
}
function bh(ps) {
  const order = ps.map((p, i) => [p, i]).sort((x, y) => x[0] - y[0]);
  const q = new Array(ps.length);
  let running = 1;
  for (let r = order.length - 1; r >= 0; r -= 1) {
    running = Math.min(running, (order[r][0] * ps.length) / (r + 1));
    q[order[r][1]] = Math.min(1, running);
  }
  return q;
}
function pText(p) {
  if (p === 0) return '0';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

async function evidence(page) {
  return page.$$eval('[data-testid=rc-rows] tr', (rows) => rows.map((r) => ({
    attribute: r.dataset.attribute, value: r.dataset.value, cells: [...r.cells].map((c) => c.textContent),
  })));
}

test('the Root cause view from a cluster shows the planted supplier with its evidence', async () => {
  const { page, context, problems } = await openPage('zh', { hash: '#insights', waitFor: '[data-testid=cluster-list] li' });
  await page.click('[data-testid=cluster-list] li[data-cluster-id="7"] [data-testid=cluster-rootcause]');
  await page.waitForSelector('[data-testid=rc-rows] tr');
  assert.equal(await page.isVisible('[data-testid=view-rootcause]'), true);
  assert.equal(await page.isVisible('[data-testid=view-insights]'), false);
  assert.equal(await page.textContent('[data-testid=rc-source]'), '相似投诉簇 7 的负面反馈，对比同期其他负面反馈。');
  const rows = await evidence(page);
  // The planted carrier (a logistics supplier) and its transit centre, by G²; nothing else.
  assert.deepEqual(rows.map((r) => `${r.attribute}=${r.value}`).sort(),
    ['order.carrier=顺达快运', 'order.transit_centre=广州白云转运中心']);
  const carrier = rows.find((r) => r.attribute === 'order.carrier');
  // 12 of the cluster's 18 complaints against 10 of the 120 others; the
  // family is six values (two carriers, two centres, two channels).
  const p = [fisher(12, 18, 10, 120), fisher(6, 18, 110, 120), fisher(12, 18, 10, 120), fisher(6, 18, 110, 120),
    fisher(9, 18, 60, 120), fisher(9, 18, 60, 120)];
  const q = bh(p)[0];
  assert.deepEqual(carrier.cells.slice(0, 7), ['order.carrier', '顺达快运', '12/18', '10/120',
    (((12 + 0.5) / 19) / ((10 + 0.5) / 121)).toFixed(2), g2(12, 18, 10, 120).toFixed(1), pText(q)]);
  assert.ok(q <= 0.05);
  assert.match(await page.textContent('[data-testid=rc-summary]'), /目标 18 条，对照 120 条.*共检验 6 个属性值/);
  // The examples are the cluster's feedback; one opens its text, as text.
  const examples = await page.$$eval('[data-testid=rc-rows] tr:first-child button.example', (bs) => bs.map((b) => b.textContent));
  assert.deepEqual(examples, ['fb-7-1', 'fb-7-2', 'fb-7-3', 'fb-7-4', 'fb-7-5']);
  await page.click('[data-testid=rc-rows] tr:first-child button.example >> nth=0');
  await page.waitForFunction(() => document.querySelector('[data-testid=rc-feedback-text]').textContent.includes('快递一周还没到'));
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  // The same view in English.
  await page.click('[data-testid=lang]');
  assert.equal(await page.textContent('[data-i18n=rcTitle]'), 'Root cause');
  assert.equal(await page.textContent('[data-testid=rc-source]'),
    'Negative feedback of similar-complaint cluster 7, against the other negative feedback of the window.');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the Root cause view from a weak signal traces the brake squeal to batch B-2026-07', async () => {
  const { page, context, problems } = await openPage('en', { hash: '#insights', waitFor: '[data-testid=signal-rows] tr' });
  await page.click('[data-testid=signal-rows] tr:first-child [data-testid=signal-rootcause]');
  await page.waitForSelector('[data-testid=rc-rows] tr');
  assert.match(await page.evaluate(() => decodeURIComponent(location.hash)), /^#rootcause\?signal=星辰S7,刹车,异响$/);
  const rows = await evidence(page);
  const batch = rows.find((r) => r.attribute === 'vehicle.production_batch');
  assert.ok(batch, JSON.stringify(rows));
  assert.equal(batch.value, 'B-2026-07');
  assert.deepEqual(batch.cells.slice(2, 4), ['7/9', '5/100']);
  assert.ok(rows.some((r) => r.attribute === 'vehicle.brake_pad_supplier' && r.value === 'Jinhua Friction'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a department head is refused the Root cause view by the service', async () => {
  const { page, context, problems } = await openPage('en', { hash: '#rootcause?cluster=7', waitFor: '[data-testid=rc-message]:not([hidden])',
    user: 'p-wang-lei' });
  await page.waitForFunction(() => document.querySelector('[data-testid=rc-message]').textContent.includes('PERMISSION_DENIED'));
  assert.equal(await page.$$eval('[data-testid=rc-rows] tr', (r) => r.length), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

// --- issue 13: the Campaigns panel (stub_outreach.h: camp-1 of logistics
// awaits its head p-wang-lei; its segment's size now is 42, 40 at creation).
// The non-head test runs first: the head's approval changes the stub's state.

async function campaignRow(page, id) {
  return page.$eval(`[data-testid=campaign-rows] tr[data-id=${id}]`, (r) => ({
    cells: [...r.cells].map((c) => c.textContent),
    state: r.querySelector('[data-testid=campaign-state]').dataset.state,
    // The head's decision; and every action button (the name opens the detail).
    decide: r.querySelectorAll('[data-testid=campaign-approve], [data-testid=campaign-reject]').length,
    actions: [...r.cells[r.cells.length - 1].querySelectorAll('button')].map((b) => b.dataset.testid),
  }));
}

test('a campaign preview shows the segment size; a non-head sees no buttons and a forced approve shows the 403', async () => {
  const { page, context, problems } = await openPage('zh', { hash: '#work', waitFor: '[data-testid=campaign-rows] tr[data-id=camp-1]' });
  const row = await campaignRow(page, 'camp-1');
  assert.equal(row.state, 'PENDING_APPROVAL');
  assert.deepEqual(row.cells.slice(0, 6), ['B-2026-07 批次刹车异响主动关怀', '待负责人批准', '物流部', '42 （创建时 40）',
    'signal:sig-3 · vehicle.brakes', '邮件']);
  assert.equal(row.decide, 0, 'an analyst does not approve');
  assert.deepEqual(row.actions, ['campaign-cancel'], 'an analyst may cancel it');
  assert.deepEqual((await campaignRow(page, 'camp-2')).actions, ['campaign-submit', 'campaign-cancel'],
    'a draft: submit or cancel, no decision');
  assert.deepEqual(problems, []);
  await context.close();

  // The same analyst with the buttons forced onto the page: voc-entities (the stub) refuses, and the page says so.
  const forced = await openPage('zh', {
    hash: '#work', waitFor: '[data-testid=campaign-approve]',
    route: (ctx) => ctx.route('**/api/campaigns/camp-1', async (r) => {
      const response = await r.fetch();
      const body = await response.json();
      body.campaign.can_decide = true;
      await r.fulfill({ response, body: JSON.stringify(body) });
    }),
  });
  await forced.page.click('[data-testid=campaign-approve]');
  await forced.page.waitForSelector('[data-testid=campaigns-message]:not([hidden])');
  const message = await forced.page.textContent('[data-testid=campaigns-message]');
  assert.match(message, /PERMISSION_DENIED: approve campaigns\/camp-1: only the head of logistics/);
  assert.equal((await campaignRow(forced.page, 'camp-1')).state, 'PENDING_APPROVAL');
  assert.deepEqual(forced.problems, []);
  await forced.context.close();
});

test('the head of the campaign\'s department approves it and the state shows APPROVED (en)', async () => {
  const { page, context, problems } = await openPage('en', {
    user: 'p-wang-lei', hash: '#work', waitFor: '[data-testid=campaign-rows] tr[data-id=camp-1] [data-testid=campaign-approve]',
  });
  const before = await campaignRow(page, 'camp-1');
  assert.deepEqual(before.cells.slice(1, 4), ['awaiting the head', 'Logistics', '42 (40 at creation)']);
  assert.equal(before.decide, 2);
  assert.deepEqual(await texts(page, '[data-testid=campaign-rows] tr[data-id=camp-1] td:last-child button'),
    ['Approve', 'Reject', 'Cancel']);
  assert.equal(await page.$('[data-testid=campaign-rows] tr[data-id=camp-2]'), null, 'another department\'s campaign is not listed');
  await page.click('[data-testid=campaign-approve]');
  await page.waitForSelector('[data-testid=campaign-rows] tr[data-id=camp-1] [data-state=APPROVED]');
  const after = await campaignRow(page, 'camp-1');
  assert.equal(after.cells[1], 'approved');
  assert.equal(after.decide, 0);
  assert.deepEqual(after.actions, ['campaign-cancel'], 'an approved campaign not yet sent may still be cancelled');
  // Stored by the service, not only on the page.
  await page.reload();
  await page.waitForSelector('[data-testid=campaign-rows] tr[data-id=camp-1] [data-state=APPROVED]');
  assert.deepEqual(problems, []);
  await context.close();
});

// --- issue 13: a campaign started from the Root cause view of the demo's
// finding (the brake-squeal signal's batch B-2026-07), previewed, saved as a
// draft, submitted; then cancelled, its history in both languages. The stub
// validates like voc-entities (stub_outreach.h). camp-1 and camp-2 exist, so
// the new one is camp-3 on segment seg-2.

const SIGNAL_HASH = `#rootcause?signal=${encodeURIComponent('星辰S7,刹车,异响')}`;
const inputValue = (page, testid) => page.$eval(`[data-testid=${testid}]`, (n) => n.value);

test('a campaign from the root-cause finding: prefilled, previewed with its size, the service\'s field error, created and submitted (zh)', async () => {
  const { page, context, problems } = await openPage('zh', { hash: '#insights', waitFor: '[data-testid=signal-rows] tr' });
  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && /\/api\/(segments|campaigns)/.test(r.url())) posts.push({ path: new URL(r.url()).pathname, body: r.postDataJSON() });
  });
  await page.click('[data-testid=signal-rows] tr:first-child [data-testid=signal-rootcause]');
  await page.waitForSelector('[data-testid=rc-rows] tr[data-attribute="vehicle.production_batch"]');
  assert.equal(await visible(page, 'campaign-form-box'), false);
  await page.click('[data-testid=rc-rows] tr[data-attribute="vehicle.production_batch"] [data-testid=rc-start-campaign]');
  await page.waitForSelector('[data-testid=campaign-form-box]:not([hidden])');
  assert.equal(await page.textContent('[data-testid=cf-source]'), '问题：signal:星辰S7,刹车,异响；根因 vehicle.production_batch = B-2026-07。');
  assert.equal(await inputValue(page, 'cf-query-entity'), 'vehicle');
  assert.equal(await inputValue(page, 'cf-attribute'), 'production_batch');
  assert.equal(await inputValue(page, 'cf-op'), 'eq');
  assert.equal(await inputValue(page, 'cf-values'), 'B-2026-07');
  assert.equal(await inputValue(page, 'cf-issue-kind'), 'finding');
  assert.equal(await inputValue(page, 'cf-issue-id'), 'signal:星辰S7,刹车,异响 vehicle.production_batch=B-2026-07');
  assert.equal(await inputValue(page, 'cf-name'), 'B-2026-07 客户主动关怀');
  assert.equal(await page.isChecked('[data-testid=cf-not-complained]'), true);
  assert.deepEqual(await texts(page, '[data-testid=cf-channel] option'), ['邮件', '短信', 'App 推送', '企业微信']);

  // Preview: the owners of the batch, less those who complained on the topic lately.
  await page.fill('[data-testid=cf-topic]', 'vehicle.brakes');
  await page.click('[data-testid=cf-preview]');
  await page.waitForSelector('[data-testid=cf-preview-result]:not([hidden])');
  assert.equal(await page.textContent('[data-testid=cf-preview-result]'),
    '目标客户 39 人（匹配 45 条记录；已排除 3 位近期已投诉的客户）。示例：c-20001, c-20002, c-20003, c-20004, c-20005');
  assert.deepEqual(posts.at(-1), { path: '/api/segments/preview', body: { query: {
    entity: 'vehicle', where: [{ attribute: 'production_batch', op: 'eq', values: ['B-2026-07'] }],
    not_complained_topic: 'vehicle.brakes' }, sample_size: 5 } });
  await page.uncheck('[data-testid=cf-not-complained]');
  assert.equal(await visible(page, 'cf-preview-result'), false, 'a changed segment hides the stale preview');
  await page.click('[data-testid=cf-preview]');
  await page.waitForFunction(() => document.querySelector('[data-testid=cf-preview-result]').textContent.startsWith('目标客户 42 人'));
  await page.check('[data-testid=cf-not-complained]');
  // A bad entity: the service's error beside the field.
  await page.fill('[data-testid=cf-query-entity]', 'spaceship');
  await page.click('[data-testid=cf-preview]');
  await page.waitForSelector('[data-testid=cf-error-query-entity]:not([hidden])');
  assert.equal(await page.textContent('[data-testid=cf-error-query-entity]'), 'no entity spaceship');
  assert.match(await page.textContent('[data-testid=cf-message]'), /INVALID_ARGUMENT: query\.entity: no entity spaceship/);
  await page.fill('[data-testid=cf-query-entity]', 'vehicle');

  // An empty English template: refused naming the field; nothing is a campaign yet.
  await page.selectOption('[data-testid=cf-department]', 'customer_success');
  await page.fill('[data-testid=cf-subject-zh]', '星辰 E7 刹车片免费更换');
  await page.fill('[data-testid=cf-body-zh]', '尊敬的客户 {customer_id}：您的车辆属于 B-2026-07 批次，可到店免费更换刹车片。');
  await page.fill('[data-testid=cf-subject-en]', 'Xingchen E7: free brake pad replacement');
  await page.click('[data-testid=cf-create]');
  await page.waitForSelector('[data-testid=cf-error-body-en]:not([hidden])');
  assert.equal(await page.textContent('[data-testid=cf-error-body-en]'), 'must not be empty');
  assert.equal(await page.getAttribute('[data-testid=cf-body-en]', 'aria-invalid'), 'true');
  assert.match(await page.textContent('[data-testid=cf-message]'), /INVALID_ARGUMENT: campaign\.message\.body_en: must not be empty/);
  assert.equal(await visible(page, 'cf-submit'), false);

  await page.fill('[data-testid=cf-body-en]', 'Dear {customer_id}, your car is of batch B-2026-07: its brake pads are replaced free of charge.');
  await page.click('[data-testid=cf-create]');
  await page.waitForSelector('[data-testid=cf-submit]:not([hidden])');
  assert.equal(await page.textContent('[data-testid=cf-message]'), '已保存草稿 camp-3（客群 seg-2，39 人）。请提交所属部门负责人审批。');
  assert.equal(posts.filter((p) => p.path === '/api/segments').length, 1, 'the segment is saved once for both tries');
  const created = posts.filter((p) => p.path === '/api/campaigns').at(-1).body.campaign;
  assert.deepEqual(created, {
    display_name: 'B-2026-07 客户主动关怀', department: 'customer_success',
    issue: { kind: 'finding', id: 'signal:星辰S7,刹车,异响 vehicle.production_batch=B-2026-07', topic: 'vehicle.brakes' },
    segment_id: 'seg-2',
    message: { subject_zh: '星辰 E7 刹车片免费更换', body_zh: '尊敬的客户 {customer_id}：您的车辆属于 B-2026-07 批次，可到店免费更换刹车片。',
      subject_en: 'Xingchen E7: free brake pad replacement',
      body_en: 'Dear {customer_id}, your car is of batch B-2026-07: its brake pads are replaced free of charge.' },
    channel: 'email', holdout_share: 0.1, effect_window_days: 14,
  });
  assert.equal(await page.isDisabled('[data-testid=cf-create]'), true, 'one draft per form');
  await page.click('[data-testid=cf-submit]');
  await page.waitForFunction(() => document.querySelector('[data-testid=cf-message]').textContent.includes('已提交'));
  assert.equal(await page.textContent('[data-testid=cf-message]'),
    '活动 camp-3 已提交，待 客户成功部 负责人批准。可在“任务与项目”的主动关怀活动中查看。');
  assert.equal(await visible(page, 'cf-submit'), false);

  // It is in the Campaigns panel, awaiting the head.
  await page.evaluate(() => { location.hash = '#work'; });
  await page.waitForSelector('[data-testid=campaign-rows] tr[data-id=camp-3] [data-state=PENDING_APPROVAL]');
  const row = await campaignRow(page, 'camp-3');
  assert.deepEqual(row.cells.slice(0, 6), ['B-2026-07 客户主动关怀', '待负责人批准', '客户成功部', '39 （创建时 39）',
    'finding:signal:星辰S7,刹车,异响 vehicle.production_batch=B-2026-07 · vehicle.brakes', '邮件']);
  assert.deepEqual(row.actions, ['campaign-cancel']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the campaign is cancelled from the panel and its history lists every step (zh, en)', async () => {
  const { page, context, problems } = await openPage('zh', { hash: '#work', waitFor: '[data-testid=campaign-rows] tr[data-id=camp-3]' });
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push({ path: new URL(r.url()).pathname, body: r.postDataJSON() }); });
  // A cancelled prompt posts nothing.
  await page.evaluate(() => { window.prompt = (m) => { window.lastPrompt = m; return null; }; });
  await page.click('[data-testid=campaign-rows] tr[data-id=camp-3] [data-testid=campaign-cancel]');
  assert.equal(await page.evaluate(() => window.lastPrompt), '取消原因（必填）：');
  assert.equal(posts.length, 0);
  await page.evaluate(() => { window.prompt = () => '配件延期到货'; });
  await page.click('[data-testid=campaign-rows] tr[data-id=camp-3] [data-testid=campaign-cancel]');
  await page.waitForSelector('[data-testid=campaign-rows] tr[data-id=camp-3] [data-state=CANCELLED]');
  assert.deepEqual(posts, [{ path: '/api/campaigns/camp-3/cancel', body: { reason: '配件延期到货' } }]);
  assert.deepEqual((await campaignRow(page, 'camp-3')).actions, [], 'a cancelled campaign has no actions');
  assert.match(await page.textContent('[data-testid=status]'), /已取消活动 B-2026-07 客户主动关怀。/);

  await page.click('[data-testid=campaign-rows] tr[data-id=camp-3] [data-testid=campaign-open]');
  await page.waitForSelector('[data-testid=campaign-detail]:not([hidden])');
  assert.equal(await page.textContent('[data-testid=campaign-detail-title]'), 'B-2026-07 客户主动关怀 (camp-3) · 已取消');
  const facts = await texts(page, '[data-testid=campaign-detail-facts] dd');
  assert.equal(facts[2], 'vehicle: production_batch 等于 B-2026-07（排除近 90 天已就 vehicle.brakes 投诉的客户）');
  assert.equal(facts[8], '已发送 0，对照组 0，未发送 0，因免打扰时段推迟 0');
  const history = () => page.$$eval('[data-testid=campaign-events] tr', (rows) => rows.map((r) => [...r.cells].slice(1).map((c) => c.textContent)));
  assert.deepEqual(await history(), [
    ['p-emily-carter', '创建草稿', '草稿', ''],
    ['p-emily-carter', '提交审批', '草稿 → 待负责人批准', ''],
    ['p-emily-carter', '取消', '待负责人批准 → 已取消', '配件延期到货'],
  ]);
  const times = await page.$$eval('[data-testid=campaign-events] tr td:first-child', (cells) => cells.map((c) => c.textContent));
  assert.ok(times.every((x) => /\d{4}\/\d{1,2}\/\d{1,2}/.test(x)), JSON.stringify(times));

  await page.click('[data-testid=lang]');
  await page.waitForFunction(() => document.querySelector('[data-testid=campaign-detail-title]').textContent.endsWith('cancelled'));
  assert.deepEqual(await history(), [
    ['p-emily-carter', 'created', 'draft', ''],
    ['p-emily-carter', 'submitted', 'draft → awaiting the head', ''],
    ['p-emily-carter', 'cancelled', 'awaiting the head → cancelled', '配件延期到货'],
  ]);
  assert.equal((await texts(page, '[data-testid=campaign-detail-facts] dd'))[2],
    'vehicle: production_batch is B-2026-07 (leaving out who complained on vehicle.brakes in the last 90 days)');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the campaign form from the view\'s source (no finding) in English, following a language switch', async () => {
  const { page, context, problems } = await openPage('en', { hash: SIGNAL_HASH, waitFor: '[data-testid=rc-rows] tr' });
  await page.click('[data-testid=rc-campaign]');
  await page.waitForSelector('[data-testid=campaign-form-box]:not([hidden])');
  assert.equal(await page.textContent('[data-testid=campaign-form-box] h2'), 'Start an outreach campaign');
  assert.equal(await page.textContent('[data-testid=cf-source]'), 'Issue: signal:星辰S7,刹车,异响.');
  assert.equal(await inputValue(page, 'cf-issue-kind'), 'signal');
  assert.equal(await inputValue(page, 'cf-issue-id'), '星辰S7,刹车,异响');
  assert.equal(await inputValue(page, 'cf-query-entity'), '', 'no finding: the segment is the person\'s to write');
  await page.fill('[data-testid=cf-query-entity]', 'vehicle');
  await page.fill('[data-testid=cf-attribute]', 'production_batch');
  await page.fill('[data-testid=cf-values]', 'B-2026-07');
  await page.click('[data-testid=cf-preview]');
  await page.waitForSelector('[data-testid=cf-preview-result]:not([hidden])');
  assert.match(await page.textContent('[data-testid=cf-preview-result]'), /^42 customers \(45 records matched; 0 who complained lately left out\)\. Sample: c-20001/);
  // Another language, the same form: its labels follow.
  await page.click('[data-testid=lang]');
  assert.equal(await page.textContent('[data-testid=campaign-form-box] h2'), '发起主动关怀活动');
  assert.match(await page.textContent('[data-testid=cf-preview-result]'), /^目标客户 42 人/);
  assert.deepEqual(problems, []);
  await context.close();
});
