import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { startYiciban } from '../../src/app.js';
import { createBackofficeClient } from '../../src/backoffice/client.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startBackofficeSimulator } from '../../src/sandbox/backoffice/simulator.js';
import { startDingTalkSimulator } from '../../src/sandbox/dingtalk/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.js';
import { createSandboxWeb, type SandboxWeb } from '../../src/sandbox/web/routes.js';
import { waitForStream } from '../support/browser.js';
import { TEST_DATA_KEY } from '../support/harness.js';

const test = suite('sandbox web: JSON API');
const SECRET = 'sandbox-web-test-secret';
const GROUP = 'cid-group-qyfw';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let sandbox: Sandbox;
let web: SandboxWeb;
let dataDir: string;
let base: string;

test.before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'yiciban-web-api-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, SANDBOX_REVIEW_DELAY_MS: '0', LOG_LEVEL: 'silent', BACKOFFICE_SECRET: SECRET });
  sandbox = await startSandbox({ config, logger: createLogger('silent'), pages: (parts) => (web = createSandboxWeb(parts)).routers });
  base = sandbox.app.url;
  await waitForStream(base, 10_000);
});

test.after(async () => {
  web.close();
  await sandbox.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function call(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  if (body !== undefined) init.headers = { 'Content-Type': 'application/json' };
  const response = await fetch(`${base}/sandbox/api${route}`, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const history = async (userId: string, conversation = 'single') =>
  (await call('GET', `/history?userId=${userId}&conversation=${conversation}`)).body.entries as any[];

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25)); // poll interval of a real-I/O wait
  }
}

test('lists the sample organisation by role, with the groups and their members', async () => {
  const { status, body } = await call('GET', '/people');
  assert.is(status, 200);
  assert.equal(
    body.roles.map((r: any) => r.label),
    ['群众', '企业办事员', '部门审核员', '管理员', '信息发布员'],
  );
  assert.ok(body.roles[0].people.some((p: any) => p.userId === 'citizen-zhang' && p.name === '张三'));
  const group = body.groups.find((g: any) => g.id === GROUP);
  assert.is(group.title, '企业服务群');
  assert.ok(group.members.some((m: any) => m.userId === 'clerk-chen'));
});

test('bad input is a 400 naming the problem, in the {"error":{code,message}} shape', async () => {
  const missing = await call('POST', '/messages', { userId: 'citizen-zhang' });
  assert.is(missing.status, 400);
  assert.is(missing.body.error.code, 'invalid_request');
  assert.match(missing.body.error.message, 'conversation');
  assert.match(missing.body.error.message, 'text');
  const notJson = await call('POST', '/messages', '{"userId":');
  assert.is(notJson.status, 400);
  assert.is(notJson.body.error.code, 'invalid_json');
  const tooLong = await call('POST', '/messages', { userId: 'citizen-zhang', conversation: 'single', text: '长'.repeat(2001) });
  assert.is(tooLong.status, 400);
  const badParams = await call('POST', '/click', { userId: 'citizen-zhang', outTrackId: 'x', params: { action: 1 } });
  assert.is(badParams.status, 400);
  const noQuery = await call('GET', '/history');
  assert.is(noQuery.status, 400);
});

test('an unknown person, group, card or route is a 404; a group the person is not in is a 403', async () => {
  const person = await call('GET', '/history?userId=nobody&conversation=single');
  assert.is(person.status, 404);
  assert.is(person.body.error.code, 'unknown_person');
  const sent = await call('POST', '/messages', { userId: 'nobody', conversation: 'single', text: '帮助' });
  assert.is(sent.status, 404);
  const group = await call('GET', '/history?userId=citizen-zhang&conversation=cid-group-none');
  assert.is(group.status, 404);
  assert.is(group.body.error.code, 'unknown_conversation');
  const card = await call('POST', '/click', { userId: 'citizen-zhang', outTrackId: 'no-such-card', params: { action: 'help.guide' } });
  assert.is(card.status, 404);
  assert.is(card.body.error.code, 'unknown_card');
  const route = await call('GET', '/nothing-here');
  assert.is(route.status, 404);
  assert.is(route.body.error.code, 'not_found');
  const outsider = await call('POST', '/messages', { userId: 'citizen-zhang', conversation: GROUP, text: '@一次办 帮助' });
  assert.is(outsider.status, 403);
  assert.is(outsider.body.error.code, 'not_a_member');
});

test("a typed message reaches the bot over the Stream, and its card shows only in that person's chat", async () => {
  const sent = await call('POST', '/messages', { userId: 'citizen-zhang', conversation: 'single', text: '帮助' });
  assert.is(sent.status, 201);
  assert.is(sent.body.delivered, true);
  const card = await until('the help card', async () => (await history('citizen-zhang')).find((e) => e.kind === 'card'));
  assert.match(card.data.title, '我能帮您做什么');
  assert.ok(JSON.parse(card.data.buttons).length > 0);
  assert.is((await history('citizen-zhang'))[0].text, '帮助', "the person's own message comes first");
  assert.equal(await history('citizen-li'), [], 'nobody else sees it');
});

test('clicking a card button is a real card callback answered by the bot; another person cannot click it', async () => {
  const card = await until('the help card', async () => (await history('citizen-zhang')).find((e) => e.kind === 'card'));
  const button = JSON.parse(card.data.buttons)[0];
  const before = sandbox.dingtalk.frames.filter((f) => f.topic === '/v1.0/card/instances/callback').length;
  const clicked = await call('POST', '/click', { userId: 'citizen-zhang', outTrackId: card.outTrackId, params: button.params });
  assert.is(clicked.status, 200);
  assert.equal([clicked.body.delivered, clicked.body.acked], [true, true]);
  assert.is(sandbox.dingtalk.frames.filter((f) => f.topic === '/v1.0/card/instances/callback').length, before + 1);
  const other = await call('POST', '/click', { userId: 'citizen-li', outTrackId: card.outTrackId, params: button.params });
  assert.is(other.status, 403);
  assert.is(other.body.error.code, 'card_not_visible');
});

test('in a group only messages that @ the bot reach it, and the reply stays in the group', async () => {
  const quiet = await call('POST', '/messages', { userId: 'clerk-chen', conversation: GROUP, text: '大家好' });
  assert.is(quiet.body.delivered, false);
  const mention = await call('POST', '/messages', { userId: 'clerk-chen', conversation: GROUP, text: '@一次办 帮助' });
  assert.is(mention.body.delivered, true);
  const frame = sandbox.dingtalk.frames.find((f) => JSON.stringify(f.data).includes(mention.body.msgId));
  assert.ok(frame, 'the @ message was pushed to the bot');
  assert.not.ok(JSON.stringify(frame.data).includes('@一次办'), 'DingTalk strips the mention from the text');
  await until('the group card', async () => (await history('clerk-chen', GROUP)).find((e) => e.kind === 'card'));
  const group = await history('clerk-chen', GROUP);
  assert.equal(
    group.map((e) => e.kind),
    ['user', 'user', 'card'],
    'one answer: the first message never reached the bot',
  );
  assert.equal((await history('clerk-zhao', GROUP)).length, 3, 'every member sees the group');
  assert.equal(await history('clerk-chen'), [], 'nothing in the one-to-one chat');
});

test('an uploaded picture is sent to the bot with its bytes and can be shown again; too large is 413, a file in a group 400', async () => {
  const sent = await call('POST', '/uploads', {
    userId: 'citizen-wang',
    conversation: 'single',
    kind: 'picture',
    fileName: '户口簿.png',
    mime: 'image/png',
    dataBase64: PNG.toString('base64'),
  });
  assert.is(sent.status, 201);
  const frame = sandbox.dingtalk.frames.find((f) => JSON.stringify(f.data).includes(sent.body.msgId));
  assert.ok(frame && JSON.stringify(frame.data).includes('pictureDownloadCode'));
  const file = await fetch(`${base}${sent.body.entry.attachment.url}`);
  assert.is(file.headers.get('content-type'), 'image/png');
  assert.ok(Buffer.from(await file.arrayBuffer()).equals(PNG));

  const big = Buffer.alloc(5 * 1024 * 1024 + 1).toString('base64');
  const tooBig = await call('POST', '/uploads', {
    userId: 'citizen-wang',
    conversation: 'single',
    kind: 'file',
    fileName: 'big.pdf',
    dataBase64: big,
  });
  assert.is(tooBig.status, 413);
  const inGroup = await call('POST', '/uploads', {
    userId: 'clerk-chen',
    conversation: GROUP,
    kind: 'file',
    fileName: 'a.pdf',
    dataBase64: PNG.toString('base64'),
  });
  assert.is(inGroup.status, 400);
  assert.is(inGroup.body.error.code, 'file_in_group');
});

test("live events stream the conversation's new entries only, and the listener goes when the page does", async () => {
  const controller = new AbortController();
  const response = await fetch(`${base}/sandbox/api/events?userId=citizen-li&conversation=single`, { signal: controller.signal });
  assert.is(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = response.body!.getReader();
  let text = '';
  const read = async (needle: string) => {
    while (!text.includes(needle)) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`stream ended before ${needle}`);
      text += Buffer.from(chunk.value).toString('utf8');
    }
  };
  await read('event: ready');
  assert.is(web.transcript.events.listenerCount('change'), 1);
  await call('POST', '/messages', { userId: 'citizen-zhang', conversation: 'single', text: '别人的消息' });
  await call('POST', '/messages', { userId: 'citizen-li', conversation: 'single', text: '帮助' });
  await read('"kind":"card"');
  assert.not.ok(text.includes('别人的消息'), "another person's chat is not streamed");
  assert.match(text, /event: entry\ndata: \{.*"text":"帮助"/);
  controller.abort();
  await until('the listener to go', async () => web.transcript.events.listenerCount('change') === 0);
});

test('the back-office panel lists cases and reports a status the bot refuses as 409', async () => {
  const client = createBackofficeClient({ url: sandbox.backoffice!.baseUrl, secret: SECRET });
  await client.submit(
    {
      applicationId: 'YC-NOT-IN-BOT',
      matter: { id: 'housing-fund-withdrawal', version: 1, name: '住房公积金提取' },
      applicant: { userId: 'citizen-zhang', name: '张三' },
      fields: {},
      materials: [],
      departments: ['gjj'],
      submittedAt: new Date().toISOString(),
      deadline: null,
    },
    'YC-NOT-IN-BOT',
  );
  const listed = await call('GET', '/backoffice');
  assert.is(listed.body.available, true);
  const item = listed.body.cases.find((c: any) => c.applicationId === 'YC-NOT-IN-BOT');
  assert.equal([item.statusText, item.actions], ['待受理', ['accept', 'not_accept', 'supplement']]);
  assert.equal(
    item.departments.map((d: any) => d.name),
    ['住房公积金管理中心'],
  );

  const early = await call('POST', '/backoffice/decisions', { applicationId: 'YC-NOT-IN-BOT', action: 'deliver' });
  assert.is(early.status, 409);
  assert.is(early.body.error.code, 'action_not_allowed');
  const noDepartment = await call('POST', '/backoffice/decisions', { applicationId: 'YC-NOT-IN-BOT', action: 'approve' });
  assert.is(noDepartment.status, 400);
  const noItems = await call('POST', '/backoffice/decisions', { applicationId: 'YC-NOT-IN-BOT', action: 'supplement', missing: [] });
  assert.is(noItems.status, 400);
  const unknown = await call('POST', '/backoffice/decisions', { applicationId: 'YC-NOPE', action: 'accept' });
  assert.is(unknown.status, 404);

  const refused = await call('POST', '/backoffice/decisions', { applicationId: 'YC-NOT-IN-BOT', action: 'accept' });
  assert.is(refused.status, 409);
  assert.is(refused.body.error.code, 'bot_refused');
  const after = (await call('GET', '/backoffice')).body.cases.find((c: any) => c.applicationId === 'YC-NOT-IN-BOT');
  assert.equal(after.lastEvent, { status: 'accepted', httpStatus: 404, message: after.lastEvent.message });
});

test('the page and the vendor modules are served with a strict content policy', async () => {
  const page = await fetch(`${base}/sandbox`);
  assert.is(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', "script-src 'self'");
  assert.match(await page.text(), '一次办 · 沙箱');
  for (const file of ['marked.js', 'purify.js']) {
    const vendor = await fetch(`${base}/sandbox/vendor/${file}`);
    assert.is(vendor.status, 200);
    assert.match(vendor.headers.get('content-type') ?? '', 'text/javascript');
    await vendor.arrayBuffer();
  }
  const traversal = await fetch(`${base}/sandbox/assets/..%2F..%2Froutes.ts`);
  assert.is(traversal.status, 404);
  await traversal.arrayBuffer();
});

test('reset needs confirmation, answers 202, clears the conversations and brings the bot back', async () => {
  const unconfirmed = await call('POST', '/reset', {});
  assert.is(unconfirmed.status, 400);
  assert.ok((await history('citizen-zhang')).length > 0, 'not reset without confirmation');
  assert.ok((await call('GET', '/backoffice')).body.cases.length > 0);
  const before = sandbox.app;
  const reset = await call('POST', '/reset', { confirm: true });
  assert.is(reset.status, 202);
  await until('a new bot', async () => sandbox.app !== before, 10_000);
  await waitForStream(base, 10_000);
  assert.equal(await history('citizen-zhang'), []);
  assert.equal((await call('GET', '/backoffice')).body.cases, []);
  const again = await call('POST', '/messages', { userId: 'citizen-zhang', conversation: 'single', text: '帮助' });
  assert.is(again.status, 201);
  await until('the new bot to answer', async () => (await history('citizen-zhang')).find((e) => e.kind === 'card'));
});

test('outside sandbox mode (startYiciban without pages) there is no /sandbox route', async () => {
  const dingtalk = await startDingTalkSimulator();
  const backoffice = await startBackofficeSimulator({ secret: SECRET });
  const dir = await mkdtemp(path.join(tmpdir(), 'yiciban-web-prod-'));
  const config = loadConfig({
    DINGTALK_CLIENT_ID: dingtalk.clientId,
    DINGTALK_CLIENT_SECRET: dingtalk.clientSecret,
    DINGTALK_API_BASE: dingtalk.baseUrl,
    DINGTALK_OAPI_BASE: dingtalk.baseUrl,
    BACKOFFICE_URL: backoffice.baseUrl,
    BACKOFFICE_SECRET: SECRET,
    DATA_DIR: dir,
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATA_KEY: TEST_DATA_KEY,
  });
  const app = await startYiciban({ config, logger: createLogger('silent') });
  try {
    for (const route of ['/sandbox', '/sandbox/api/people', '/sandbox/api/events?userId=citizen-zhang&conversation=single']) {
      const response = await fetch(`${app.url}${route}`);
      assert.is(response.status, 404, route);
      await response.arrayBuffer();
    }
    assert.is((await fetch(`${app.url}/healthz`)).status, 200);
  } finally {
    await app.stop();
    await backoffice.close();
    await dingtalk.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
