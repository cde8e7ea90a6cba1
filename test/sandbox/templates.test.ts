import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.js';
import { createSandboxWeb, type SandboxWeb } from '../../src/sandbox/web/routes.js';
import { saveDraft } from '../../src/templates/matter-admin.js';
import { waitForStream } from '../support/browser.js';
import { suite } from '../support/suite.js';

const test = suite('sandbox: an admin publishes a template change in the web chat');

let sandbox: Sandbox;
let web: SandboxWeb;
let dataDir: string;
let base: string;

test.before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'yiciban-templates-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, SANDBOX_REVIEW_DELAY_MS: '0', LOG_LEVEL: 'silent' });
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
  const init: RequestInit = {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  };
  const response = await fetch(`${base}/sandbox/api${route}`, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Sends `text` as `userId` and waits for the next card in their chat. */
async function say(userId: string, text: string): Promise<any> {
  const before = await cards(userId);
  assert.ok((await call('POST', '/messages', { userId, conversation: 'single', text })).status < 300);
  return until(`a card answering ${text}`, async () => (await cards(userId)).slice(before.length)[0]);
}

const cards = async (userId: string) =>
  ((await call('GET', `/history?userId=${userId}&conversation=single`)).body.entries as any[]).filter((e) => e.kind === 'card');
const texts = async (userId: string) =>
  ((await call('GET', `/history?userId=${userId}&conversation=single`)).body.entries as any[]).filter(
    (e) => e.kind !== 'user' && e.kind !== 'card',
  );

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25)); // poll interval of a real-I/O wait (Stream, outbox)
  }
}

test("管理员刘主任 publishes 住房公积金提取 with 2 promised days; 张三's next guide shows them without a restart", async () => {
  const before = await say('citizen-zhang', '办事指南 住房公积金提取');
  assert.match(JSON.stringify(before.data), '1个工作日（法定3个工作日）');

  // The draft, as PUT /api/matters/housing-fund-withdrawal/draft makes it (same code, same records).
  const store = sandbox.app.store;
  const current = (await store.getRecord<any>('matter.version', 'housing-fund-withdrawal@2'))!.data.matter;
  const draft = await saveDraft(
    store,
    'housing-fund-withdrawal',
    { ...current, timeLimit: { ...current.timeLimit, promisedDays: 2 } },
    { now: Date.now(), actor: { type: 'admin', id: 'admin-liu' }, newId: () => 'sandbox-draft' },
  );
  assert.is(draft.status, 'ok');
  if (draft.status === 'ok') await store.commit({ records: { put: draft.records } });

  const confirm = await say('admin-liu', '发布 住房公积金提取');
  assert.match(confirm.data.title, '确认发布「住房公积金提取」？');
  assert.match(JSON.stringify(confirm.data), '承诺时限：1个工作日 → 2个工作日');
  const button = JSON.parse(confirm.data.buttons).find((b: any) => b.text === '确认发布');
  const shown = (await texts('admin-liu')).length;
  assert.ok((await call('POST', '/click', { userId: 'admin-liu', outTrackId: confirm.outTrackId, params: button.params })).status < 300);
  await until('the publish answer', async () => ((await texts('admin-liu')).length > shown ? true : undefined));

  const after = await say('citizen-zhang', '办事指南 住房公积金提取');
  assert.match(JSON.stringify(after.data), '2个工作日（法定3个工作日）');
});

test.run();
