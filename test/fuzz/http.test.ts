// Fuzzing the bot's HTTP surface: back-office webhook bodies and headers (forged, stale and validly signed, also
// validly signed bodies of any shape) and the admin API (any path spelling, method, token and body). No answer may
// be a 5xx, a validly signed body that is not an event is a 400, and the bot keeps working on a store that reloads.
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { sign } from '../../src/backoffice/signature.js';
import { WEBHOOK_STATUSES } from '../../src/domain/application-events.js';
import { fileHousingFund } from '../support/apply-flow.js';
import { assertBotAnswers, bugLogs, assertStoreReloads, mutated, oddBody, oddText, runs, watchCrashes } from '../support/fuzz.js';
import { ADMIN_TOKEN, BACKOFFICE_SECRET, startHarness, type Harness } from '../support/harness.js';
import { SimPlayer } from '../support/sim-player.js';
import { suite } from '../support/suite.js';

const test = suite<{ h: Harness; id: string; watch: ReturnType<typeof watchCrashes> }>('fuzz: webhook and admin requests never get a 5xx');
// Requests per run, sent concurrently.
const BATCH = 10;
const STATUSES = WEBHOOK_STATUSES;

test.before(async (ctx) => {
  ctx.h = await startHarness({ sim: { qps: 100_000 } });
  ctx.id = await fileHousingFund(new SimPlayer(ctx.h, 'citizen-zhang'));
  ctx.watch = watchCrashes();
});

test.after(async (ctx) => {
  ctx.watch?.stop();
  await ctx.h?.close();
});

/** Header values fetch can send: printable Latin-1. */
const headerText = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 80,
});

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The statuses the answer may have, when the input decides them. */
  expect?: number[];
}

async function send(base: string, request: Sent): Promise<{ status: number; text: string }> {
  const init: RequestInit = { method: request.method, headers: request.headers };
  if (request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD') init.body = request.body;
  const response = await fetch(base + request.path, init);
  return { status: response.status, text: await response.text() };
}

async function sendAll(base: string, batch: Sent[]): Promise<void> {
  const answers = await Promise.all(batch.map((request) => send(base, request)));
  answers.forEach((answer, index) => {
    const request = batch[index]!;
    const what = `${request.method} ${request.path} → ${answer.status} ${answer.text.slice(0, 300)}`;
    assert.ok(answer.status < 500, what);
    if (request.expect) assert.ok(request.expect.includes(answer.status), what);
  });
}

function webhookRequests(id: string): fc.Arbitrary<Sent> {
  const event = fc
    .record({
      applicationId: fc.oneof(fc.constant(id), oddText),
      status: fc.oneof(fc.constantFrom(...STATUSES), oddText),
      department: fc.constantFrom('gjj', 'amr', ''),
    })
    .chain((fields) =>
      mutated({
        eventId: `evt-${fields.status.length}-${fields.applicationId.length}`,
        at: new Date().toISOString(),
        comment: '请补充材料',
        ...fields,
      }),
    )
    .map((value) => ({ body: JSON.stringify(value), shaped: true }));
  const anyShape = oddBody.map((body) => ({ body, shaped: false }));
  const timestamp = fc.oneof(
    { arbitrary: fc.constant(() => String(Date.now())), weight: 4 },
    { arbitrary: fc.oneof(headerText, fc.constantFrom('0', '-1', '1e400', '9'.repeat(40), 'NaN')).map((text) => () => text), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
  const signature = fc.constantFrom('valid', 'valid', 'valid', 'wrong-secret', 'garbage', 'missing', 'upper-case');
  return fc
    .tuple(fc.oneof(event, anyShape), timestamp, signature, headerText, fc.constantFrom('application/json', 'text/plain', 'x'))
    .map(([{ body, shaped }, stamp, how, garbage, type]): Sent => {
      const headers: Record<string, string> = { 'Content-Type': type };
      const ts = stamp?.();
      if (ts !== undefined) headers['X-Yiciban-Timestamp'] = ts;
      if (how === 'valid' && ts !== undefined) headers['X-Yiciban-Signature'] = sign(BACKOFFICE_SECRET, ts, body);
      if (how === 'upper-case' && ts !== undefined) headers['X-Yiciban-Signature'] = sign(BACKOFFICE_SECRET, ts, body).toUpperCase();
      if (how === 'wrong-secret' && ts !== undefined) headers['X-Yiciban-Signature'] = sign('not-the-secret', ts, body);
      if (how === 'garbage') headers['X-Yiciban-Signature'] = garbage;
      const validlySigned = how === 'valid' && ts !== undefined && /^\d+$/.test(ts) && Math.abs(Number(ts) - Date.now()) < 60_000;
      // A validly signed body that is not even shaped like an event is the back office's mistake: a 400 (413 when huge).
      return { method: 'POST', path: '/webhooks/backoffice', headers, body, ...(validlySigned && !shaped ? { expect: [400, 413] } : {}) };
    });
}

/** Admin paths in every spelling: case, trailing slashes, percent-encoding, dot segments and odd ids. */
const adminPath = fc
  .tuple(
    fc.constantFrom(
      '/api/outbox/dead',
      '/api/outbox/dead/ID/retry',
      '/api/outbox',
      '/api',
      '/api/outbox/dead/ID',
      '/healthz',
      '/metrics',
      '/api/matters',
      '/api/matters/ID',
      '/api/matters/ID/draft',
      '/api/matters/ID/publish',
      '/api/matters/ID/retire',
      '/api/matters?q=ID&status=ID&limit=ID',
      '/api/applications',
      '/api/applications/ID',
      '/api/audit?matter=ID&offset=ID',
      '/api/applications?matter=ID&status=ID&submittedFrom=ID&overdue=ID&limit=ID',
    ),
    oddText,
    fc.constantFrom('as-is', 'upper', 'mixed', 'slash', 'encoded', 'dots', 'double-slash', 'bad-escape'),
  )
  .map(([template, id, spelling]) => {
    let path = template.replace('ID', encodeURIComponent(id.slice(0, 200)));
    if (spelling === 'upper') path = path.toUpperCase();
    if (spelling === 'mixed') path = path.replace(/[aeiou]/g, (c) => c.toUpperCase());
    if (spelling === 'slash') path += '/';
    if (spelling === 'encoded') path = path.replace(/o/g, '%6F').replace(/\//g, (s, i: number) => (i > 0 ? '%2F' : s));
    if (spelling === 'dots') path = `/api/./outbox/../outbox/dead${path.slice(16)}`;
    if (spelling === 'double-slash') path = path.replace('/outbox', '//outbox');
    if (spelling === 'bad-escape') path += '/%E0%A4%A';
    return path;
  });

const adminRequests: fc.Arbitrary<Sent> = fc
  .tuple(
    adminPath,
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    fc.constantFrom('none', 'right', 'wrong', 'odd'),
    headerText,
    oddBody,
  )
  .map(([path, method, token, garbage, body]): Sent => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (token === 'right') headers.Authorization = `Bearer ${ADMIN_TOKEN}`;
    if (token === 'wrong') headers.Authorization = `Bearer ${ADMIN_TOKEN}x`;
    if (token === 'odd') headers.Authorization = garbage;
    return { method, path, headers, body };
  });

test('answers 3,000 fuzzed back-office webhooks without a 5xx', async (ctx) => {
  await fc.assert(
    fc.asyncProperty(fc.array(webhookRequests(ctx.id), { minLength: BATCH, maxLength: BATCH }), (batch) => sendAll(ctx.h.app.url, batch)),
    runs(300),
  );
  assert.equal(ctx.watch.crashes, []);
});

test('answers 2,500 fuzzed admin API requests without a 5xx', async (ctx) => {
  await fc.assert(
    fc.asyncProperty(fc.array(adminRequests, { minLength: BATCH, maxLength: BATCH }), (batch) => sendAll(ctx.h.app.url, batch)),
    runs(250),
  );
  assert.equal(ctx.watch.crashes, []);
});

test('still answers 帮助 and reloads its store after the fuzzing', async (ctx) => {
  await ctx.h.app.outbox.drain(20_000);
  assert.equal(bugLogs(ctx.h.logs), [], 'no error logged');
  await assertBotAnswers(ctx.h);
  await assertStoreReloads(ctx.h);
  await assertBotAnswers(ctx.h, 'citizen-zhang');
});

test.run();
