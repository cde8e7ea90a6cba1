// Fuzzing the sandbox web chat's JSON API (/sandbox/api/*), sent as the page sends it (loopback Host, same-origin
// Origin, application/json): odd people, conversations, texts, uploads, card clicks with odd params on real cards,
// back-office decisions and unknown routes. No answer may be a 5xx, and the sandbox keeps working afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.js';
import { createSandboxWeb, type SandboxWeb } from '../../src/sandbox/web/routes.js';
import { waitForStream } from '../support/browser.js';
import { mutated, oddBody, oddJson, oddText, runs, watchCrashes } from '../support/fuzz.js';
import { suite } from '../support/suite.js';
import { waitFor } from '../support/wait.js';

const test = suite('fuzz: sandbox API requests never get a 5xx');
const GROUP = 'cid-group-qyfw';
const USERS = ['citizen-zhang', 'citizen-li', 'citizen-wang', 'clerk-chen', 'nobody'];
// Requests per run, sent concurrently.
const BATCH = 10;

let dataDir: string;
let sandbox: Sandbox;
let web: SandboxWeb;
let base: string;
const watch = watchCrashes();

async function start(): Promise<void> {
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    SANDBOX_REVIEW_DELAY_MS: '0',
    LOG_LEVEL: 'silent',
    BACKOFFICE_SECRET: 'sandbox-fuzz-secret',
  });
  sandbox = await startSandbox({ config, logger: createLogger('silent'), pages: (parts) => (web = createSandboxWeb(parts)).routers });
  base = sandbox.app.url;
  await waitForStream(base, 10_000);
}

async function stop(): Promise<void> {
  web.close();
  await sandbox.stop();
}

test.before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'yiciban-fuzz-sandbox-'));
  await start();
  // Real cards to click on: the help card for two people.
  for (const userId of ['citizen-zhang', 'citizen-li'])
    await call('POST', '/messages', JSON.stringify({ userId, conversation: 'single', text: '帮助' }));
  await waitFor(() => sandbox.dingtalk.cards.size >= 2, { what: 'two help cards' });
});

test.after(async () => {
  watch.stop();
  await stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function call(method: string, route: string, body?: string): Promise<{ status: number; text: string }> {
  const init: RequestInit = { method, headers: { 'Content-Type': 'application/json', Origin: base } };
  if (body !== undefined && method !== 'GET') init.body = body;
  const response = await fetch(`${base}/sandbox/api${route}`, init);
  return { status: response.status, text: await response.text() };
}

interface Sent {
  method: string;
  route: string;
  body?: string;
}

const who = fc.oneof({ arbitrary: fc.constantFrom(...USERS), weight: 3 }, { arbitrary: oddText, weight: 1 });
const where = fc.oneof({ arbitrary: fc.constantFrom('single', GROUP), weight: 3 }, { arbitrary: oddText, weight: 1 });
const json = (arbitrary: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: arbitrary.map((value) => JSON.stringify(value)), weight: 4 }, { arbitrary: oddBody, weight: 1 });

function requests(cardIds: string[]): fc.Arbitrary<Sent> {
  const query = (value: string) => encodeURIComponent(value.slice(0, 300));
  const history = fc
    .tuple(who, where)
    .map(
      ([userId, conversation]): Sent => ({ method: 'GET', route: `/history?userId=${query(userId)}&conversation=${query(conversation)}` }),
    );
  const message = fc
    .record({ userId: who, conversation: where, text: oddText, atBot: fc.oneof(fc.boolean(), oddJson) })
    .chain((input) => json(mutated(input)))
    .map((body): Sent => ({ method: 'POST', route: '/messages', body }));
  const upload = fc
    .record({
      userId: who,
      conversation: where,
      kind: fc.oneof(fc.constantFrom('picture', 'file'), oddText),
      fileName: oddText,
      mime: fc.oneof(fc.constantFrom('image/png', 'application/pdf', 'text/html'), oddText),
      dataBase64: fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64')),
        oddText,
      ),
    })
    .chain((input) => json(mutated(input)))
    .map((body): Sent => ({ method: 'POST', route: '/uploads', body }));
  const file = oddText.map((id): Sent => ({ method: 'GET', route: `/files/${query(id)}` }));
  const click = fc
    .record({
      userId: who,
      outTrackId: fc.oneof(fc.constantFrom(...cardIds), oddText),
      params: fc.oneof({ arbitrary: fc.dictionary(oddText, oddText, { maxKeys: 4 }), weight: 3 }, { arbitrary: oddJson, weight: 1 }),
    })
    .chain((input) => json(mutated(input)))
    .map((body): Sent => ({ method: 'POST', route: '/click', body }));
  const decision = fc
    .record({
      applicationId: oddText,
      action: fc.oneof(fc.constantFrom('accept', 'supplement', 'approve', 'reject', 'complete', 'deliver'), oddText),
      department: oddText,
      comment: oddText,
      missing: fc.oneof(fc.array(oddText, { maxLength: 3 }), oddJson),
    })
    .chain((input) => json(mutated(input)))
    .map((body): Sent => ({ method: 'POST', route: '/backoffice/decisions', body }));
  const reads = fc.constantFrom<Sent>({ method: 'GET', route: '/people' }, { method: 'GET', route: '/backoffice' });
  const unknown = fc
    .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), oddText, oddBody)
    .map(([method, route, body]): Sent => ({ method, route: `/${query(route)}`, body }));
  return fc.oneof(
    { arbitrary: message, weight: 3 },
    { arbitrary: click, weight: 3 },
    { arbitrary: history, weight: 2 },
    { arbitrary: upload, weight: 2 },
    { arbitrary: decision, weight: 2 },
    { arbitrary: file, weight: 1 },
    { arbitrary: reads, weight: 1 },
    { arbitrary: unknown, weight: 1 },
  );
}

test('answers 3,000 fuzzed sandbox API requests without a 5xx, and keeps working on a store that reloads', async () => {
  const cardIds = [...sandbox.dingtalk.cards.keys()];
  await fc.assert(
    fc.asyncProperty(fc.array(requests(cardIds), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      const answers = await Promise.all(batch.map((request) => call(request.method, request.route, request.body)));
      answers.forEach((answer, index) => {
        const { method, route } = batch[index]!;
        assert.ok(answer.status < 500, `${method} ${route} → ${answer.status} ${answer.text.slice(0, 300)}`);
      });
    }),
    runs(300),
  );
  assert.equal(watch.crashes, []);

  // The same DATA_DIR again: the store loads, and a person still gets an answer to 帮助.
  await stop();
  await start();
  const before = (await call('GET', '/history?userId=citizen-wang&conversation=single')).text;
  const sent = await call('POST', '/messages', JSON.stringify({ userId: 'citizen-wang', conversation: 'single', text: '帮助' }));
  assert.is(sent.status, 201);
  await waitFor(
    async () => {
      const entries = JSON.parse((await call('GET', '/history?userId=citizen-wang&conversation=single')).text).entries as Array<{
        kind: string;
      }>;
      return entries.length > JSON.parse(before).entries.length + 1 && entries.some((entry) => entry.kind !== 'user');
    },
    { timeoutMs: 10_000, what: 'an answer to 帮助 after fuzzing and a restart' },
  );
});

test.run();
