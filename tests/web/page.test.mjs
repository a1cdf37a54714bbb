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

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const stubPath = process.env.STUB_GATEWAY || path.join(root, 'build/tests/web/stub_gateway');
const staticDir = path.join(root, 'services/gateway/web');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

let server;
let browser;
let baseUrl;

function startStub() {
  return new Promise((resolve, reject) => {
    server = spawn(stubPath, [staticDir, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
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

// A fresh page that fails the test on any script dialog (an XSS would alert).
async function openPage(lang = 'zh') {
  const context = await browser.newContext();
  await context.addInitScript((l) => { localStorage.setItem('voc.lang', l); }, lang);
  const page = await context.newPage();
  const problems = [];
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(baseUrl + '/');
  await page.waitForSelector('[data-testid=case-rows] tr');
  return { page, context, problems };
}

async function rowTexts(page) {
  return page.$$eval('[data-testid=case-rows] tr', (rows) => rows.map((r) => ({
    id: r.dataset.caseId, overdue: r.classList.contains('overdue'),
    cells: [...r.cells].map((c) => c.textContent),
  })));
}

test('lists the department\'s cases, overdue first and marked red', async () => {
  const { page, context, problems } = await openPage('zh');
  const options = await page.$$eval('[data-testid=department] option', (os) => os.map((o) => o.value));
  assert.deepEqual(options, ['customer_success', 'logistics']);
  assert.equal(await page.inputValue('[data-testid=actor]'), 'p-liu-yang', 'actor defaults to the department head');

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

test('an action without an actor is refused on the page', async () => {
  const { page, context } = await openPage('en');
  await page.click('[data-testid=case-rows] tr[data-case-id=c-later]');
  await page.waitForSelector('[data-testid=detail]:not([hidden])');
  await page.fill('[data-testid=actor]', '');
  await page.click('[data-testid=ack]');
  assert.equal(await page.textContent('[data-testid=status]'), 'Enter your person id first.');
  await context.close();
});
