// The console as an admin uses it: `tsx src/main.ts` in sandbox mode, the sandbox page's "以管理员身份打开控制台"
// link (a 免登 code minted by the DingTalk simulator), a matter's promised days edited (a bad value first),
// published with confirmation, a stored XSS payload shown as text. Outside DingTalk the page logs nothing,
// violates no CSP rule and loads nothing that fails. Screenshots (desktop and phone) go to test-output/console/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import * as assert from 'uvu/assert';
import { launchBrowser, ROOT, startSandboxProcess, type SandboxProcess } from '../support/browser.js';
import { suite } from '../support/suite.js';
import { send } from './support.js';

const test = suite('console: in the browser');
const SHOTS = path.join(ROOT, 'test-output/console');
const XSS = '<img src=x onerror="window.__xss=1">';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let sandbox: SandboxProcess | undefined;
let browser: Browser | undefined;

/** What went wrong in a page: console errors and warnings, script errors, CSP violations, failed loads. */
interface Trouble {
  console: string[];
  errors: string[];
  failed: string[];
  statuses: string[];
}

test.before(async () => {
  await mkdir(SHOTS, { recursive: true });
  sandbox = await startSandboxProcess();
  try {
    browser = await launchBrowser();
  } catch (error) {
    await sandbox.stop();
    sandbox = undefined;
    throw error;
  }
});

test.after(async () => {
  await browser?.close();
  await sandbox?.stop();
});

async function openPage(viewport = DESKTOP): Promise<{ page: Page; trouble: Trouble }> {
  const context = await browser!.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const trouble: Trouble = { console: [], errors: [], failed: [], statuses: [] };
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') trouble.console.push(message.text());
  });
  page.on('pageerror', (error) => trouble.errors.push(error.message));
  // The sandbox page's own requests (its live event stream, its polls) are cut when its link leaves the page: an
  // abort of a request the sandbox page made is not a failed load.
  const fromSandbox = new WeakSet<object>();
  page.on('request', (request) => {
    if (new URL(page.url() || 'about:blank', 'http://x').pathname.startsWith('/sandbox')) fromSandbox.add(request);
  });
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText;
    if (!(fromSandbox.has(request) && error === 'net::ERR_ABORTED')) trouble.failed.push(`${request.url()} ${error}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400)
      trouble.statuses.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  return { page, trouble };
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

/** Through the sandbox page's link, as the sandbox admin. */
async function logInFromSandbox(page: Page): Promise<void> {
  await page.goto(sandbox!.url);
  await page.locator('#open-console').click();
  await page.locator('.who-name', { hasText: '刘主任' }).waitFor();
}

test('GET /console without a session is HTML; the sandbox opens as its admin, and after 退出 shows the login, with no error of any kind', async () => {
  const answer = await send(sandbox!.baseUrl, 'GET', '/console', {});
  assert.is(answer.status, 200);
  assert.match(String(answer.headers['content-type']), /^text\/html/);
  const { page, trouble } = await openPage(PHONE);
  await page.goto(`${sandbox!.baseUrl}/console`);
  await page.locator('.who-name', { hasText: '刘主任' }).waitFor();
  await page.getByRole('button', { name: '退出' }).click();
  await page.locator('#login-token').waitFor();
  await page.getByRole('button', { name: '以沙箱管理员身份进入' }).waitFor();
  assert.is(await page.evaluate(() => typeof (window as { dd?: unknown }).dd), 'undefined', 'no DingTalk JSAPI outside DingTalk');
  await shot(page, 'login-phone');
  await page.reload();
  await page.locator('#login-token').waitFor();
  assert.is(await page.locator('.who-name').count(), 0, 'after 退出 a reload does not log in again');
  assert.equal(trouble, { console: [], errors: [], failed: [], statuses: [] });
  await page.context().close();
});

test('the sandbox login answers only on this machine (a foreign Host is refused)', async () => {
  const port = new URL(sandbox!.baseUrl).port;
  const foreign = await send(
    sandbox!.baseUrl,
    'POST',
    '/console/sandbox-session',
    { host: `rebound.example:${port}`, 'content-type': 'application/json' },
    '{}',
  );
  assert.is(foreign.status, 403);
  assert.equal(foreign.setCookie, []);
});

test("a citizen's 免登 code gets no session: 403 with a Chinese message and no cookie", async () => {
  const minted = await send(
    sandbox!.baseUrl,
    'POST',
    '/sandbox/api/console-code',
    { 'content-type': 'application/json' },
    '{"userId":"citizen-zhang"}',
  );
  assert.is(minted.status, 200, minted.text);
  const { authCode } = JSON.parse(minted.text) as { authCode: string };
  const login = await send(
    sandbox!.baseUrl,
    'POST',
    '/console/session',
    { 'content-type': 'application/json' },
    JSON.stringify({ authCode }),
  );
  assert.is(login.status, 403);
  assert.equal(login.setCookie, []);
  assert.match(JSON.parse(login.text).error.message, /权限/);
});

test('an admin edits promised days (a bad value is refused next to its input), publishes with confirmation and sees the new version', async () => {
  const { page, trouble } = await openPage();
  await logInFromSandbox(page);
  assert.not.match(page.url(), /authCode/, 'the code is dropped from the address');
  const row = page.locator('tr[data-matter="housing-fund-withdrawal"]');
  const before = Number(/第 (\d+) 版/.exec(await row.locator('.matters-version').innerText())?.[1]);
  const next = before + 1;
  assert.ok(before >= 1, 'a published version');
  await shot(page, 'matters-desktop');
  await row.click();

  const days = page.locator('[data-path="timeLimit.promisedDays"]');
  await days.locator('input').fill('0');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await days.locator('.field-error').waitFor();
  assert.match(await days.locator('.field-error').innerText(), /1/);
  await shot(page, 'editor-error-desktop');

  await days.locator('input').fill('2');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.locator('.toast', { hasText: '草稿已保存' }).waitFor();
  assert.is(await days.locator('.field-error').count(), 0);
  assert.match(await page.locator('.card', { hasText: '草稿相对当前版本的修改' }).innerText(), /承诺时限：1个工作日 → 2个工作日/);
  await page.getByRole('button', { name: '发布', exact: true }).click();
  const dialog = page.getByRole('dialog');
  assert.ok((await dialog.innerText()).includes(`发布第 ${next} 版`));
  await dialog.getByRole('button', { name: '确认发布' }).click();
  await page.locator('.matters-status', { hasText: `当前版本：第 ${next} 版` }).waitFor();
  await page.getByRole('tab', { name: '版本历史' }).click();
  const diff = page.locator('.matters-version-diff[open]');
  assert.ok((await diff.innerText()).includes(`第 ${next} 版`));
  assert.match(await diff.innerText(), /时限 · 承诺时限（工作日）：1 → 2/);
  await shot(page, 'versions-desktop');

  await page.getByRole('link', { name: '返回事项列表' }).click();
  await page.locator('tr[data-matter="housing-fund-withdrawal"] .matters-version', { hasText: `第 ${next} 版` }).waitFor();

  // Only the refused draft answered with an error.
  assert.equal(trouble.statuses, ['422 PUT /api/matters/housing-fund-withdrawal/draft']);
  assert.ok(
    trouble.console.every((line) => /status of 422/.test(line)),
    trouble.console.join('\n'),
  );
  assert.equal(trouble.errors, []);
  assert.equal(trouble.failed, []);
  await page.context().close();
});

test('an admin creates a matter from a blueprint: a bad number is refused next to its input, then the editor opens on the draft', async () => {
  const { page, trouble } = await openPage();
  await logInFromSandbox(page);
  await page.getByRole('button', { name: '新建事项' }).click();
  const dialog = page.getByRole('dialog', { name: '新建事项' });
  await dialog.locator('[data-path="id"] input').fill('Birth_Registration');
  await dialog.locator('[data-path="name"] input').fill('出生登记');
  await dialog.locator('select').selectOption('housing-fund-withdrawal');
  await dialog.getByRole('button', { name: '建立草稿' }).click();
  await dialog.locator('[data-path="id"] .field-error').waitFor();
  assert.match(await dialog.locator('[data-path="id"] .field-error').innerText(), /小写字母/);

  await dialog.locator('[data-path="id"] input').fill('birth-registration');
  await dialog.getByRole('button', { name: '建立草稿' }).click();
  await page.locator('.view-title', { hasText: '出生登记' }).waitFor();
  assert.match(page.url(), /#\/matters\/birth-registration$/);
  assert.match(await page.locator('.matters-status').innerText(), /当前版本：未发布[\s\S]*第 1 版（未发布）/);
  await page.getByRole('tab', { name: '填写项' }).click();
  const firstLabel = page.locator('[data-path="fields[0].label"] input');
  assert.ok((await firstLabel.inputValue()).length > 0, "the blueprint's fields came along");

  await page.getByRole('link', { name: '返回事项列表' }).click();
  await page.locator('tr[data-matter="birth-registration"] .matters-version', { hasText: '未发布' }).waitFor();
  assert.is(await page.locator('tr[data-matter="birth-registration"] .badge', { hasText: '待发布' }).count(), 1);
  assert.equal(trouble.statuses, ['422 POST /api/matters']);
  assert.equal(trouble.errors, []);
  assert.equal(trouble.failed, []);
  await page.context().close();
});

test('a stored XSS payload in a template label renders as text', async () => {
  const { page, trouble } = await openPage();
  await logInFromSandbox(page);
  await page.goto(`${sandbox!.baseUrl}/console#/matters/food-business-licence`);
  await page.getByRole('tab', { name: '填写项' }).click();
  await page.locator('[data-path="fields[0].label"] input').fill(XSS);
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.locator('.toast', { hasText: '草稿已保存' }).waitFor();
  await page.getByRole('button', { name: '发布', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: '确认发布' }).click();
  await page.locator('.matters-status', { hasText: '当前版本：第 2 版' }).waitFor();
  await page.getByRole('tab', { name: '版本历史' }).click();
  const line = page.locator('.matters-log li', { hasText: XSS }).first();
  await line.waitFor();
  assert.ok((await line.innerText()).includes(XSS), 'the payload is shown as text');
  await page.reload();
  await page.getByRole('tab', { name: '版本历史' }).click();
  await page.locator('.matters-log li', { hasText: XSS }).first().waitFor();
  assert.is(await page.evaluate(() => (window as { __xss?: unknown }).__xss), undefined, 'the payload never ran');
  assert.is(await page.locator('img[src="x"]').count(), 0, 'no element was made from it');
  await shot(page, 'history-desktop');
  assert.equal(trouble, { console: [], errors: [], failed: [], statuses: [] });
  await page.context().close();
});

test("a department contact's code opens their department's view only: 办件 and 监察看板, no 事项管理", async () => {
  const minted = await send(
    sandbox!.baseUrl,
    'POST',
    '/sandbox/api/console-code',
    { 'content-type': 'application/json' },
    '{"userId":"reviewer-gjj"}',
  );
  const { authCode } = JSON.parse(minted.text) as { authCode: string };
  const { page, trouble } = await openPage(PHONE);
  await page.goto(`${sandbox!.baseUrl}/console?authCode=${encodeURIComponent(authCode)}#/matters`);
  await page.locator('.who .badge', { hasText: '住房公积金管理中心' }).waitFor();
  await page.waitForURL(/#\/applications$/);
  assert.equal(await page.locator('.nav-item').allInnerTexts(), ['办件', '监察看板']);
  assert.is(await page.locator('label', { hasText: '部门' }).count(), 0, 'no department filter: it is their own');
  await shot(page, 'department-phone');
  assert.equal(trouble, { console: [], errors: [], failed: [], statuses: [] });
  await page.context().close();
});

test('applications, dead letters and the editor are usable on a 390-px phone screen', async () => {
  const { page, trouble } = await openPage(PHONE);
  await logInFromSandbox(page);
  await shot(page, 'matters-phone');
  await page.locator('tr[data-matter="housing-fund-withdrawal"]').click();
  await page.locator('[data-path="timeLimit.promisedDays"] input').waitFor();
  await shot(page, 'editor-phone');
  // Nothing is wider than the screen.
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'no horizontal scrolling');
  await page.getByRole('link', { name: '办件' }).click();
  await page.getByRole('button', { name: '查询' }).waitFor();
  await shot(page, 'applications-phone');
  await page.getByRole('tab', { name: '发送失败的任务' }).click();
  await page.locator('.empty', { hasText: '没有发送失败的任务' }).waitFor();
  await page.setViewportSize(DESKTOP);
  await page.getByRole('tab', { name: '办件列表' }).click();
  await page.getByRole('button', { name: '查询' }).waitFor();
  // The department choices come last (from every template): once they are there, nothing is loading.
  await page.locator('label', { hasText: '部门' }).locator('option[value="gjj"]').waitFor({ state: 'attached' });
  await shot(page, 'applications-desktop');
  await page.getByRole('button', { name: '退出' }).click();
  await page.locator('#login-token').waitFor();
  assert.equal(trouble, { console: [], errors: [], failed: [], statuses: [] });
  await page.context().close();
});

test.run();
