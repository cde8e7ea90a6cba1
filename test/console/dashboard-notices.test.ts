// The console's 监察看板 and 通知 in headless Chromium against `tsx src/main.ts` in sandbox mode: three
// 住房公积金提取 applications filed through the sandbox chat API (as a person types and clicks) and decided through
// the back-office simulator — two completed and rated 5 and 2, one left running until the sandbox clock jumps five
// working days (red), with a complaint whose text is markup — then the dashboard's figures, tables and a CSV export
// match the scenario; a notice composed in the console (an error for an empty title first) reaches its people and
// its report completes. Screenshots (desktop 1280×800, phone 390×844) go to test-output/console/.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { launchBrowser, ROOT, startSandboxProcess, type SandboxProcess } from '../support/browser.js';
import { ZHANG_ID_CARD } from '../support/apply-flow.js';

const TOKEN = 'console-dash-browser-token';
const SHOTS = path.join(ROOT, 'test-output/console');
const XSS = '<img src=x onerror="window.__xss=1">办理太慢';
const test = suite<{ ids: string[] }>('console: dashboard and notices in the browser');

let sandbox: SandboxProcess | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

test.before(async (ctx) => {
  await mkdir(SHOTS, { recursive: true });
  sandbox = await startSandboxProcess({ ADMIN_TOKEN: TOKEN }, 60_000);
  try {
    browser = await launchBrowser();
    ctx.ids = await scenario();
  } catch (error) {
    await browser?.close();
    await sandbox.stop();
    sandbox = undefined;
    throw error;
  }
});

test.before.each(async () => {
  context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // CSP violations and failed loads are reported on the console as errors.
  page.on('console', (message: ConsoleMessage) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  const login = await context.request.post(`${sandbox!.baseUrl}/console/session`, { data: { token: TOKEN } });
  assert.ok(login.ok(), `console login answered ${login.status()}`);
});

test.after.each(async () => {
  await context.close();
  assert.equal(problems.splice(0), [], 'no script error, CSP violation or failed load');
});

test.after(async () => {
  await browser?.close();
  await sandbox?.stop();
});

// --- the scenario, through the sandbox's own HTTP API ------------------------------------------------------------

async function call(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${sandbox!.baseUrl}/sandbox/api${route}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const history = async (userId: string): Promise<any[]> => (await call('GET', `/history?userId=${userId}&conversation=single`)).body.entries;
const cardsOf = async (userId: string) => (await history(userId)).filter((e) => e.kind === 'card');
/** What the bot has shown so far (the person's own entries left out: they appear at once). */
const botSide = async (userId: string) => JSON.stringify((await history(userId)).filter((e) => e.kind !== 'user'));
const buttonsOf = (card: any): any[] => JSON.parse(card.data.buttons ?? '[]');

/** Polls `probe` until it gives a value (a bound on the other process's answer, not a wait for time to pass). */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // real time: poll interval while the bot answers
  }
}

// The bot lets one person send 10 messages or clicks per 10 s (a bucket refilled evenly); the scenario is longer,
// so it keeps to 9 in any 10.5 s of real time — the sandbox process's budget runs on the wall clock.
const sent = new Map<string, number[]>();
async function paced(userId: string): Promise<void> {
  const times = (sent.get(userId) ?? []).filter((at) => at > Date.now() - 10_500);
  if (times.length >= 9) await new Promise((resolve) => setTimeout(resolve, times[0]! + 10_500 - Date.now())); // real time, see above
  sent.set(
    userId,
    [...times, Date.now()].filter((at) => at > Date.now() - 10_500),
  );
}

async function say(userId: string, text: string): Promise<void> {
  await paced(userId);
  const before = await botSide(userId);
  assert.ok((await call('POST', '/messages', { userId, conversation: 'single', text })).status < 300, text);
  await until(`an answer to ${text}`, async () => ((await botSide(userId)) !== before ? true : undefined)).catch(async (error) => {
    throw new Error(`${error.message}; the chat ends with ${JSON.stringify((await history(userId)).slice(-3))}`);
  });
}

async function click(userId: string, text: string): Promise<void> {
  const card = await until(`a card with ${text}`, async () =>
    (await cardsOf(userId)).reverse().find((c) => buttonsOf(c).some((b) => b.text === text)),
  );
  const button = buttonsOf(card).find((b) => b.text === text);
  await paced(userId);
  const before = await botSide(userId);
  assert.ok((await call('POST', '/click', { userId, outTrackId: card.outTrackId, params: button.params })).status < 300, text);
  await until(`an answer to ${text}`, async () => ((await botSide(userId)) !== before ? true : undefined));
}

const lastTitle = async (userId: string) => (await cardsOf(userId)).at(-1)?.data.title ?? '';

async function fileHousingFund(): Promise<string> {
  const zhang = 'citizen-zhang';
  await say(zhang, '我要办 公积金提取');
  await click(zhang, '同意调取');
  await say(zhang, ZHANG_ID_CARD);
  await click(zhang, '租赁自住住房');
  await say(zhang, '12000');
  await say(zhang, '6222021234567890128');
  await say(zhang, '13800000001');
  for (let i = 0; i < 8 && !(await lastTitle(zhang)).includes('核对信息'); i += 1) await click(zhang, '不提供');
  await click(zhang, '提交');
  return until('the application card', async () => {
    const titles = (await cardsOf(zhang)).map((c) => /^办件 (YC\d{8}-\d{4})$/.exec(c.data.title ?? '')?.[1]).filter(Boolean);
    return titles.at(-1) as string | undefined;
  });
}

async function decide(applicationId: string, action: string, department?: string): Promise<void> {
  const answer = await call('POST', '/backoffice/decisions', { applicationId, action, ...(department ? { department } : {}) });
  assert.is(answer.status, 200, `${action} ${applicationId}: ${JSON.stringify(answer.body)}`);
}

/** Returns [completed and praised, completed and criticised, running (red after the jump)]. */
async function scenario(): Promise<string[]> {
  const ids = [await fileHousingFund(), await fileHousingFund(), await fileHousingFund()];
  for (const id of ids) await decide(id, 'accept');
  for (const id of ids.slice(0, 2)) {
    await decide(id, 'approve', 'gjj');
    await decide(id, 'complete');
    await decide(id, 'deliver');
  }
  await say('citizen-zhang', `评价 ${ids[0]} 5`);
  await say('citizen-zhang', `评价 ${ids[1]} 2`);
  await say('citizen-zhang', '材料退回了两次');
  await say('citizen-zhang', `投诉 ${ids[2]} ${XSS}`);
  await click('citizen-zhang', '提交投诉');
  // Promised in 1 working day: five working days later the running one is red.
  assert.is((await call('POST', '/clock/advance', { workingDays: 5 })).status, 200);
  return ids;
}

// --- the console ----------------------------------------------------------------------------------------------

async function shot(name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}
const figure = (id: string) => page.locator(`.dash-figure[data-figure="${id}"] .dash-figure-value`).innerText();

async function onPhone(name: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  // The page must not scroll sideways at phone width: wide tables scroll inside their own box, and the charts
  // follow their box (their ResizeObserver redraws them after the next layout).
  const fits = await page
    .waitForFunction(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth, undefined, { timeout: 5_000 })
    .then(() => true)
    .catch(() => false);
  if (!fits) {
    const widest = await page.evaluate(() =>
      Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`),
    );
    assert.unreachable(`the page is wider than the phone screen: ${widest.join(', ')}`);
  }
  await shot(name);
}

test('the dashboard shows the scenario’s figures as cards, charts and tables, and exports CSV', async ({ ids }) => {
  const [praised, criticised, running] = ids as [string, string, string];
  await page.goto(`${sandbox!.baseUrl}/console#/dashboard`);
  await page.locator('.dash-figure[data-figure="accepted"]').waitFor();
  assert.equal(
    [await figure('accepted'), await figure('completed'), await figure('onTimeRate'), await figure('satisfactionRate')],
    ['3', '2', '100%', '50%'],
  );
  assert.equal([await figure('zeroVisitShare'), await figure('atMostOneVisitShare')], ['100%', '100%']);
  assert.match(await page.locator('.dash-figure[data-figure="accepted"]').innerText(), '收件 3 件');
  assert.match(await page.locator('.dash-figure[data-figure="satisfactionRate"]').innerText(), '平均 3.50 分 · 差评 50%');

  const matterRow = page.locator('table[aria-label="按事项统计"] tr[data-group="housing-fund-withdrawal"]');
  assert.equal((await matterRow.locator('th, td').allInnerTexts()).slice(0, 9), [
    '住房公积金提取',
    '3',
    '3',
    '2',
    '100%',
    '50%',
    '3.50',
    '50%',
    '100%',
  ]);
  assert.match(await page.locator('table[aria-label="按部门统计"] tr[data-group="gjj"]').innerText(), '住房公积金管理中心');
  assert.equal(
    await page
      .locator(
        'table[aria-label="跑动次数"] tr[data-group="housing-fund-withdrawal"] th, table[aria-label="跑动次数"] tr[data-group="housing-fund-withdrawal"] td',
      )
      .allInnerTexts(),
    ['住房公积金提取', '3', '0', '100%', '100%'],
  );
  const warning = page.locator('table[aria-label="预警办件"] tr[data-level="red"]');
  assert.is(await warning.count(), 1);
  assert.match(await warning.innerText(), running);
  assert.match(await warning.innerText(), '红牌');
  assert.match(await page.locator('table[aria-label="差评整改"]').innerText(), `ZG-${criticised}`);
  const complaints = page.locator('table[aria-label="投诉"]');
  assert.match(await complaints.innerText(), XSS, 'the complaint’s markup is shown as text');
  assert.is(await complaints.locator('img').count(), 0);
  assert.is(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
  assert.ok(!(await page.locator('table[aria-label="预警办件"]').innerText()).includes(praised));
  // Four charts drew on their canvases.
  await page.locator('.dash-chart canvas').nth(3).waitFor();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('section[aria-label="按事项"]').getByRole('button', { name: '导出 CSV' }).click(),
  ]);
  const csv = await readFile((await download.path())!);
  assert.equal([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const lines = csv.toString('utf8').slice(1).split('\r\n');
  assert.match(lines[0]!, /^"事项编号","事项","收件数","受理数","办结数"/);
  assert.match(lines[1]!, /^"housing-fund-withdrawal","住房公积金提取",3,3,2,2,"100%"/);

  // The axis tooltip is drawn on the canvas: hovering shows it without an inline style the CSP would refuse.
  await page.locator('.dash-chart').first().hover();
  await shot('dashboard-desktop');

  const loaded = (await page.locator('section.dash').getAttribute('data-loaded'))!;
  const to = loaded.split('..')[1]!;
  const weekAgo = new Date(Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
  await page.getByRole('button', { name: '近7天' }).click();
  await page.locator(`section.dash[data-loaded="${weekAgo}..${to}"][aria-busy="false"]`).waitFor();
  assert.is(await page.locator('table[aria-label="每日办件"] tbody tr').count(), 7);
  // A range of one day: the day the applications came in (their numbers carry it).
  const filed = /^YC(\d{4})(\d{2})(\d{2})-/.exec(praised)!.slice(1).join('-');
  await page.locator('input[name="from"]').fill(filed);
  await page.locator('input[name="to"]').fill(filed);
  await page.getByRole('button', { name: '查询' }).click();
  await page.locator(`section.dash[data-loaded="${filed}..${filed}"][aria-busy="false"]`).waitFor();
  assert.equal([await figure('accepted'), await figure('completed'), await figure('onTimeRate')], ['3', '2', '100%']);
  assert.equal(await page.locator('table[aria-label="每日办件"] tbody tr td').allTextContents(), [
    `${Number(filed.slice(0, 4))}年${Number(filed.slice(5, 7))}月${Number(filed.slice(8))}日`,
    '3',
    '3',
    '2',
  ]);
  await page.getByRole('button', { name: '近30天' }).click();
  await page.locator(`section.dash[data-loaded="${loaded}"][aria-busy="false"]`).waitFor();
  await onPhone('dashboard-phone');
});

test('a notice composed in the console is refused without a title, then reaches its people and its report completes', async () => {
  await page.goto(`${sandbox!.baseUrl}/console#/notices`);
  const form = page.locator('form[aria-label="发布通知"]');
  await form.locator('textarea[name="body"]').fill('**元旦**期间大厅 9:00–12:00 开放。');
  await form.getByRole('button', { name: '立即发布' }).click();
  await form.locator('.field-error', { hasText: '标题不能为空' }).waitFor();
  assert.match(await form.innerText(), '请至少选择一个部门');
  // Chromium logs the refused POST (400) as a console error: that one is expected.
  const refused = problems.findIndex((p) => p.includes('status of 400'));
  assert.ok(refused >= 0, 'the refused POST');
  problems.splice(refused, 1);

  await form.locator('input[name="title"]').fill('元旦大厅开放安排');
  await form.getByLabel('个人办事群众').check();
  await form.getByRole('button', { name: '立即发布' }).click();
  const item = page.locator('li.notice-item', { hasText: '元旦大厅开放安排' });
  await item.waitFor();
  await page.locator('li.notice-item[data-status="completed"]', { hasText: '元旦大厅开放安排' }).waitFor({ timeout: 30_000 });
  assert.match(await item.locator('.notice-sent').innerText(), '已送达 3 / 3');
  await item.locator('.notice-report dd[data-figure="sent"]', { hasText: '3' }).waitFor();
  await shot('notices-desktop');

  await form.locator('input[name="title"]').fill('发给陈静的提醒');
  await form.locator('textarea[name="body"]').fill('请查看。');
  await form.getByLabel('指定人员').check();
  await form.locator('input[name="people-search"]').fill('陈');
  await form.locator('ul[aria-label="搜索结果"] li', { hasText: 'clerk-chen' }).getByRole('button', { name: '添加' }).click();
  assert.match(await form.locator('[aria-label="已选人员"]').innerText(), '陈静');
  await form.getByLabel('定时发送').check();
  await form.locator('input[name="sendAt"]').fill('2099-01-01T09:00');
  await form.getByRole('button', { name: '定时发布' }).click();
  const scheduled = page.locator('li.notice-item[data-status="scheduled"]', { hasText: '发给陈静的提醒' });
  await scheduled.waitFor();
  await scheduled.getByRole('button', { name: '取消发送' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '确认取消' }).click();
  await page.locator('li.notice-item[data-status="cancelled"]', { hasText: '发给陈静的提醒' }).waitFor();
  await onPhone('notices-phone');
});

test.run();
