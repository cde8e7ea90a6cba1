// The sandbox as a newcomer uses it: `tsx src/main.ts` without credentials, the web chat in Chromium, an
// application typed and clicked from start to finish, decided from the back-office panel. Screenshots of the
// key steps go to test-output/sandbox/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { createBackofficeClient } from '../../src/backoffice/client.js';
import { launchBrowser, ROOT, startSandboxProcess, type SandboxProcess } from '../support/browser.js';

const test = suite('sandbox web: in the browser');
const SHOTS = path.join(ROOT, 'test-output/sandbox');
// Known to the test so it can post a case straight to the back-office simulator.
const SECRET = 'sandbox-browser-test-secret';

let sandbox: SandboxProcess | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

test.before(async () => {
  await mkdir(SHOTS, { recursive: true });
  sandbox = await startSandboxProcess({ BACKOFFICE_SECRET: SECRET });
  try {
    browser = await launchBrowser();
  } catch (error) {
    await sandbox.stop();
    sandbox = undefined;
    throw error;
  }
});

test.before.each(async () => {
  page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.setDefaultTimeout(8_000);
});

test.after.each(async () => {
  await page.close();
  assert.equal(pageErrors.splice(0), [], 'no script errors in the page');
});

test.after(async () => {
  await browser?.close();
  await sandbox?.stop();
});

const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

async function openAs(userId: string): Promise<void> {
  await page.goto(sandbox!.url);
  await page.locator('#person').selectOption(userId);
  await page.locator('#live[data-state="open"]').waitFor();
}

/** The text of every card in the chat, in order. */
const cardTexts = () => page.locator('#messages .card').allInnerTexts();

/**
 * Waits for a card whose title contains `title`, sent or updated in place (the apply form is one card) since the
 * chat showed `before`; returns its text.
 */
async function nextCard(before: string[], title: string): Promise<string> {
  const found = await page.waitForFunction(
    ([seen, t]) => {
      const cards = Array.from(document.querySelectorAll<HTMLElement>('#messages .card'));
      const changed = cards.filter((card, i) => i >= seen.length || card.innerText !== seen[i]);
      const hit = changed.reverse().find((card) => card.querySelector('.card-title')?.textContent?.includes(t));
      return hit ? hit.innerText : false;
    },
    [before, title] as const,
  );
  return (await found.jsonValue()) as string;
}

const cardCount = () => page.locator('#messages .card').count();

async function say(text: string, expectTitle: string): Promise<string> {
  const before = await cardTexts();
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
  return nextCard(before, expectTitle);
}

async function click(button: string, expectTitle: string): Promise<string> {
  const before = await cardTexts();
  await page.locator('#messages .card').last().getByRole('button', { name: button, exact: true }).click();
  return nextCard(before, expectTitle);
}

test('张三 applies for 住房公积金提取 by typing and clicking, and the back-office panel takes it to 已送达', async () => {
  await openAs('citizen-zhang');
  assert.is(await page.locator('#chat-subtitle').innerText(), '张三 与 一次办 的单聊');
  await shot('01-start');

  assert.match(await say('我要办 住房公积金提取', '电子证照授权'), '居民身份证、不动产权证书、结婚证');
  await click('同意调取', '住房公积金提取 · 第 1/6 项');
  assert.match(await say('330106198503122032', '第 1/6 项'), '身份证号校验位不正确');
  const prefilled = await say('330106198503122031', '第 3/6 项');
  assert.match(prefilled, '已从电子证照库调取并填写：姓名、居民身份证、不动产权证书、结婚证');
  await shot('02-prefilled-from-elicence');

  await click('租赁自住住房', '第 4/6 项');
  await say('20000', '第 5/6 项');
  await say('6222021234567890128', '第 6/6 项');
  assert.match(await say('13800000001', '材料 2/2'), '房屋租赁登记备案证明');

  const picture = await page.locator('.brand').screenshot();
  const before = await cardTexts();
  await page.locator('#file').setInputFiles({ name: '租赁备案证明.png', mimeType: 'image/png', buffer: picture });
  const review = await nextCard(before, '核对信息');
  assert.match(review, '已收到房屋租赁登记备案证明（1个文件）');
  assert.match(review, '张三（来源：电子证照·居民身份证');
  assert.match(review, '租赁自住住房');
  const shown = page.locator('.msg-mine img.attachment-image').last();
  assert.ok(
    await shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
    'the uploaded picture shows in the chat',
  );
  await shot('03-review');

  const submitted = await click('提交', '办件 YC');
  const id = /办件编号：(YC\d{8}-\d{4})/.exec(submitted)?.[1];
  assert.ok(id, submitted);
  const appCard = page.locator('#messages .card', { has: page.locator('.card-title', { hasText: `办件 ${id}` }) });
  const status = appCard.locator('[data-role=status]');
  assert.is(await status.innerText(), '已提交');
  const element = await appCard.elementHandle();

  const caseIn = (scope: string) => page.locator(`#cases section[data-scope="${scope}"] .case[data-application-id="${id}"]`);
  await caseIn('case').waitFor();
  assert.match(await caseIn('case').innerText(), '待受理');
  await shot('04-submitted-and-pending');

  await caseIn('case').getByRole('button', { name: '受理', exact: true }).click();
  await status.filter({ hasText: '已受理' }).waitFor();
  await caseIn('gjj').getByRole('button', { name: '同意', exact: true }).click();
  await status.filter({ hasText: '已办结' }).waitFor();
  assert.match(await appCard.innerText(), '住房公积金管理中心：已同意');
  await shot('05-approved');
  await caseIn('case').getByRole('button', { name: '办结', exact: true }).click();
  await caseIn('case').filter({ hasText: '已办结，待送达' }).waitFor();
  await caseIn('case').getByRole('button', { name: '送达', exact: true }).click();
  await status.filter({ hasText: '已送达' }).waitFor();
  assert.match(await appCard.innerText(), '证照编号：ZJ');
  await caseIn('none').filter({ hasText: '已送达' }).waitFor();

  assert.is(await appCard.count(), 1, 'one application card, updated in place');
  assert.ok(
    await element!.evaluate((node) => node.isConnected && Number((node as HTMLElement).dataset.version) >= 4),
    'the very same element was redrawn',
  );
  assert.match(await page.locator('#messages').innerText(), `办件 ${id}（住房公积金提取）已受理`);
  await shot('06-delivered');
});

test('in a group only an @ reaches the bot, its card stays in the group, and the one-to-one chat is separate', async () => {
  await openAs('clerk-chen');
  await page.locator('.conversation[data-conversation="cid-group-qyfw"]').click();
  await page.locator('#chat-title', { hasText: '企业服务群' }).waitFor();
  await page.locator('#live[data-state="open"]').waitFor();
  await page.locator('#at-bot').uncheck();
  await page.locator('#text').fill('大家好');
  await page.locator('#text').press('Enter');
  await page.locator('.msg-note', { hasText: '没有 @机器人' }).waitFor();
  await say('@一次办 帮助', '我能帮您做什么');
  assert.is(await cardCount(), 1);
  await shot('07-group');

  await page.locator('.conversation[data-conversation="single"]').click();
  await page.locator('#chat-subtitle', { hasText: '陈静 与 一次办 的单聊' }).waitFor();
  await page.locator('#live[data-state="open"]').waitFor();
  await page.locator('#messages .empty').waitFor();
  assert.is(await cardCount(), 0, 'the group card is not in the one-to-one chat');
});

test('markdown is rendered safely: no raw HTML or script links, dtmd links send their text; typed HTML stays text', async () => {
  await openAs('citizen-li');
  const rendered = await page.evaluate(async () => {
    const url = '/sandbox/assets/markdown.js';
    const { renderMarkdown } = await import(url);
    const box = renderMarkdown(
      '**粗体** <img src=x onerror="window.__xss=1"> [点我](javascript:alert(1)) [帮助](dtmd://dingtalkclient/sendMessage?content=%E5%B8%AE%E5%8A%A9)',
    );
    document.body.append(box);
    return {
      html: box.innerHTML as string,
      strong: box.querySelector('strong')?.textContent,
      command: (box.querySelector('a.command-link') as HTMLElement | null)?.dataset.command,
      images: box.querySelectorAll('img').length,
    };
  });
  assert.is(rendered.strong, '粗体');
  assert.is(rendered.images, 0);
  assert.match(rendered.html, '&lt;img');
  assert.not.match(rendered.html, 'javascript:');
  assert.is(rendered.command, '帮助');

  await page.locator('#text').fill('<img src=x onerror="window.__xss=1">');
  await page.locator('#text').press('Enter');
  await page.locator('.msg-mine .bubble-text', { hasText: '<img src=x' }).waitFor();
  await page.waitForTimeout(300);
  assert.is(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
  assert.is(await page.locator('#messages .msg-mine img').count(), 0);
});

test("the panel's 要求补正 form names the missing items, and a status the bot refuses is shown", async () => {
  const client = createBackofficeClient({ url: sandbox!.backofficeUrl!, secret: SECRET });
  await client.submit(
    {
      applicationId: 'YC-PANEL-ONLY',
      matter: { id: 'individual-business', version: 1, name: '个体工商户设立登记' },
      applicant: { userId: 'citizen-li', name: '李四' },
      fields: {},
      materials: [],
      departments: ['scjg', 'sw'],
      submittedAt: new Date().toISOString(),
      deadline: null,
    },
    'YC-PANEL-ONLY',
  );
  await openAs('reviewer-scjg');
  const item = page.locator('#cases .case[data-application-id="YC-PANEL-ONLY"]');
  assert.match(await item.innerText(), /市场监督管理局[\s\S]*税务局/);
  await item.getByRole('button', { name: '要求补正', exact: true }).click();
  await item.locator('.case-form input').fill('营业执照、房屋租赁合同');
  await item.getByRole('button', { name: '确认要求补正', exact: true }).click();
  await page.locator('#toast', { hasText: '机器人拒绝了该状态（404）' }).waitFor();
  await item.filter({ hasText: '待补正：营业执照、房屋租赁合同' }).waitFor();
  await item.locator('.case-error').waitFor();
  await shot('08-panel-refusal');
});

test('重置沙箱 asks first, then clears everything and the bot answers again', async () => {
  await openAs('citizen-zhang');
  await page.locator('#messages .card', { hasText: '已送达' }).waitFor();
  await page.locator('#reset').click();
  await page.locator('#confirm-reset-cancel').click();
  assert.ok((await cardCount()) > 0, 'cancel keeps everything');

  await page.locator('#reset').click();
  const reloaded = page.waitForEvent('load', { timeout: 20_000 });
  await page.locator('#confirm-reset-ok').click();
  await reloaded;
  await page.locator('#live[data-state="open"]').waitFor();
  await page.locator('#messages .empty').waitFor();
  await page.locator('#cases .empty').waitFor();
  assert.is(await page.locator('#person').inputValue(), 'citizen-zhang', 'still the same person');
  await say('帮助', '我能帮您做什么');
  await shot('09-after-reset');
});

test.run();
