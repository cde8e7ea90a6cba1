// The 办件 view in Chromium over a bot whose application was filed by a person through the DingTalk simulator:
// the token login outside DingTalk, the list and its filters, one application with its timeline and masked
// numbers, a dead letter retried after confirmation; and inside DingTalk (its user agent) the page loads dd.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import * as assert from 'uvu/assert';
import { fileHousingFund, ZHANG_ID_CARD } from '../support/apply-flow.js';
import { launchBrowser, ROOT } from '../support/browser.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../support/harness.js';
import { SimPlayer } from '../support/sim-player.js';
import { suite } from '../support/suite.js';

const test = suite<{ h: Harness; browser: Browser; id: string }>('console: applications in the browser');
const SHOTS = path.join(ROOT, 'test-output/console');

test.before(async (context) => {
  await mkdir(SHOTS, { recursive: true });
  context.h = await startHarness();
  context.id = await fileHousingFund(new SimPlayer(context.h, 'citizen-zhang'));
  context.browser = await launchBrowser();
});

test.after(async (context) => {
  await context.browser?.close();
  await context.h?.close();
});

async function logInWithToken(browser: Browser, base: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(`${base}/console#/applications`);
  await page.locator('#login-token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator('.who-name', { hasText: '管理员' }).waitFor();
  return { page, errors };
}

test('the token logs in outside DingTalk; an application opens with its timeline and its ID number masked', async ({ h, browser, id }) => {
  const { page, errors } = await logInWithToken(browser, h.app.url);
  const row = page.locator('.apps-table tbody tr', { hasText: id });
  await row.waitFor();
  assert.match(await row.innerText(), /住房公积金提取/);
  await page.locator('label', { hasText: '部门' }).locator('select').selectOption('scjg');
  await page.getByRole('button', { name: '查询' }).click();
  await page.locator('.empty', { hasText: '没有符合条件的办件' }).waitFor();
  await page.locator('label', { hasText: '部门' }).locator('select').selectOption('gjj');
  await page.getByRole('button', { name: '查询' }).click();
  await row.click();
  await page.locator('.apps-timeline li', { hasText: '提交申请' }).waitFor();
  await page.locator('.apps-facts dt', { hasText: '身份证号' }).waitFor();
  const text = await page.locator('.view').innerText();
  assert.not.ok(text.includes(ZHANG_ID_CARD), 'the ID number is not shown in full');
  assert.match(text, /3301\*+2031/);
  await page.screenshot({ path: path.join(SHOTS, 'application-desktop.png'), fullPage: true });
  assert.equal(errors, []);
  await page.close();
});

test('a dead letter is retried after a confirmation', async ({ h, browser }) => {
  await h.app.store.commit({
    jobs: {
      dead: [
        {
          id: 'dead-1',
          kind: 'backoffice.submit',
          key: 'YC-dead-1',
          payload: { applicationId: 'YC-dead-1' },
          attempts: 8,
          nextAt: 0,
          createdAt: 0,
          failedAt: Date.now(),
          reason: '后台拒绝：HTTP 400',
        },
      ],
    },
  });
  const { page, errors } = await logInWithToken(browser, h.app.url);
  await page.getByRole('tab', { name: '发送失败的任务' }).click();
  const row = page.locator('tr', { hasText: 'YC-dead-1' });
  assert.match(await row.innerText(), /后台拒绝：HTTP 400/);
  await row.getByRole('button', { name: '重试' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '重试' }).click();
  await page.locator('.toast', { hasText: '已重新放回发送队列' }).waitFor();
  assert.ok((await h.app.store.getJob('dead-1')) !== undefined || (await h.app.store.deadJobs()).some((j) => j.id === 'dead-1'));
  assert.equal(errors, []);
  await page.close();
});

test('inside DingTalk (its user agent) the page loads the JSAPI for 免登', async ({ h, browser }) => {
  const context = await browser.newContext({
    userAgent: 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120 Mobile DingTalk/7.6.0',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${h.app.url}/console?corpId=dingtestcorp`);
  await page.waitForFunction(() => typeof (window as { dd?: any }).dd?.runtime?.permission?.requestAuthCode === 'function');
  assert.is(await page.evaluate(() => typeof (window as { dd?: any }).dd.ready), 'function');
  // Headless Chromium is not a DingTalk client: the JSAPI itself says so; nothing of ours fails.
  assert.ok(
    errors.every((error) => error.includes('[DINGTALK-JSAPI]')),
    errors.join('\n'),
  );
  await context.close();
});

test.run();
