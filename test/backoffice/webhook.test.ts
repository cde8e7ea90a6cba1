import { request } from 'node:http';
import Koa from 'koa';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { BackofficeEvent } from '../../src/backoffice/protocol.js';
import { sign } from '../../src/backoffice/signature.js';
import { backofficeWebhook, type WebhookOutcome } from '../../src/backoffice/webhook.js';
import { serve } from '../support/backoffice-harness.js';
import { FakeClock } from '../../src/fake-clock.js';

interface Context {
  url: string;
  close: () => Promise<void>;
  applied: BackofficeEvent[];
  outcome: WebhookOutcome;
  clock: FakeClock;
}

const test = suite<Context>('back-office webhook');
const secret = 'shared-secret';

test.before.each(async (context) => {
  context.clock = new FakeClock();
  context.applied = [];
  context.outcome = { status: 'applied' };
  const app = new Koa();
  app.use(
    backofficeWebhook({
      secret,
      clock: context.clock,
      apply: async (event) => {
        context.applied.push(event);
        return context.outcome;
      },
    }),
  );
  const server = await serve(app);
  context.url = `${server.url}/webhooks/backoffice`;
  context.close = server.close;
});

test.after.each((context) => context.close());

const event = (overrides: Record<string, unknown> = {}) => ({
  eventId: 'evt-1',
  applicationId: 'YC20261128-0001',
  status: 'accepted',
  at: '2026-11-28T10:00:00+08:00',
  ...overrides,
});

async function post(context: Context, body: string, options: { timestamp?: number; signature?: string } = {}) {
  const timestamp = options.timestamp ?? context.clock.now();
  const response = await fetch(context.url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Yiciban-Timestamp': String(timestamp),
      'X-Yiciban-Signature': options.signature ?? sign(secret, timestamp, body),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as { ok?: boolean; error?: { code: string; message: string } } };
}

test('applies a signed event and answers 200 {ok:true}', async (context) => {
  const answer = await post(context, JSON.stringify(event({ comment: '材料齐全，予以受理' })));
  assert.equal(answer, { status: 200, body: { ok: true } });
  assert.equal(context.applied, [event({ comment: '材料齐全，予以受理' })]);
});

test('answers 200 for a duplicate, 404 for an unknown application and 409 for an illegal transition', async (context) => {
  const cases: [WebhookOutcome, number, string | undefined][] = [
    [{ status: 'duplicate' }, 200, undefined],
    [{ status: 'unknown_application' }, 404, 'unknown_application'],
    [{ status: 'illegal', message: '办件尚未受理，不能办结' }, 409, 'illegal_transition'],
    [{ status: 'invalid', message: '部门编号不属于该办件' }, 400, 'invalid_event'],
  ];
  for (const [outcome, status, code] of cases) {
    context.outcome = outcome;
    const answer = await post(context, JSON.stringify(event()));
    assert.is(answer.status, status);
    assert.is(answer.body.error?.code, code);
  }
  assert.is(context.applied.length, 4);
});

test('refuses a forged signature with 401 and does not apply the event', async (context) => {
  const body = JSON.stringify(event());
  const forged = await post(context, body, { signature: sign('not-the-secret', context.clock.now(), body) });
  assert.is(forged.status, 401);
  assert.is(forged.body.error?.code, 'signature_mismatch');
  const tampered = await post(context, body.replace('accepted', 'completed'), { signature: sign(secret, context.clock.now(), body) });
  assert.is(tampered.status, 401);
  assert.equal(context.applied, []);
});

test('refuses a stale or future timestamp with 401 even when the signature matches', async (context) => {
  const body = JSON.stringify(event());
  const stale = await post(context, body, { timestamp: context.clock.now() - 6 * 60_000 });
  const future = await post(context, body, { timestamp: context.clock.now() + 6 * 60_000 });
  assert.equal([stale.status, stale.body.error?.code], [401, 'stale_timestamp']);
  assert.equal([future.status, future.body.error?.code], [401, 'future_timestamp']);
  assert.equal(context.applied, []);
});

test('answers 400 with the reason for malformed JSON and for missing or wrong fields', async (context) => {
  const bad = await post(context, '{"eventId": "e1", ');
  assert.equal([bad.status, bad.body.error?.code], [400, 'invalid_json']);
  const missing = await post(context, JSON.stringify({ eventId: 'e2', status: 'accepted' }));
  assert.equal([missing.status, missing.body.error?.code], [400, 'invalid_event']);
  assert.match(missing.body.error?.message ?? '', 'applicationId');
  assert.match(missing.body.error?.message ?? '', 'at');
  const status = await post(context, JSON.stringify(event({ status: 'finished' })));
  assert.match(status.body.error?.message ?? '', 'status');
  const rejection = await post(context, JSON.stringify(event({ status: 'department_rejected', department: 'scjg' })));
  assert.equal([rejection.status, rejection.body.error?.code], [400, 'invalid_event']);
  assert.match(rejection.body.error?.message ?? '', 'comment');
  const supplement = await post(context, JSON.stringify(event({ status: 'supplement_required', missing: [] })));
  assert.match(supplement.body.error?.message ?? '', 'missing');
  assert.equal(context.applied, []);
});

test('refuses a body over 256 KB with 413 before reading it all', async (context) => {
  const big = JSON.stringify(event({ comment: '补'.repeat(100_000) }));
  const declared = await post(context, big).catch(() => undefined);
  assert.is(declared?.status, 413);

  // Chunked, without Content-Length: the limit applies to the bytes as they arrive.
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(context.url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Yiciban-Timestamp': '1' } });
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    for (let i = 0; i < 5; i += 1) req.write(chunk);
    req.end();
  });
  assert.is(status, 413);
  assert.equal(context.applied, []);
});

test.run();
