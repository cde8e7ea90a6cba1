import type { Clock } from '../../src/clock.js';
import { waitFor } from '../support/wait.js';
import { FakeClock } from '../../src/fake-clock.js';
import Koa from 'koa';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { createBackofficeClient } from '../../src/backoffice/client.js';
import type { BackofficeEvent } from '../../src/backoffice/protocol.js';
import { sign } from '../../src/backoffice/signature.js';
import { backofficeWebhook } from '../../src/backoffice/webhook.js';
import { startBackofficeSimulator, type BackofficeSimulator, type WebhookDelivery } from '../../src/sandbox/backoffice/simulator.js';
import { submission } from '../support/backoffice-fixtures.js';
import { serve } from '../support/backoffice-harness.js';

interface Context {
  received: BackofficeEvent[];
  failApply: number;
  bot: { url: string; close: () => Promise<void> };
  sims: BackofficeSimulator[];
}

const test = suite<Context>('back-office simulator');
const secret = 'sim-secret';
const id = 'YC20261128-0001';

// The "bot" side: the real webhook middleware, which verifies every signature before `apply` sees the event.
test.before.each(async (context) => {
  context.received = [];
  context.failApply = 0;
  context.sims = [];
  const app = new Koa();
  app.use(
    backofficeWebhook({
      secret,
      apply: async (event) => {
        if (context.failApply > 0) {
          context.failApply -= 1;
          throw new Error('store briefly unavailable');
        }
        context.received.push(event);
        return { status: 'applied' };
      },
    }),
  );
  app.silent = true;
  context.bot = await serve(app);
});

test.after.each(async (context) => {
  for (const sim of context.sims) await sim.close();
  await context.bot.close();
});

async function start(context: Context, auto: { acceptAfterMs: number; decideAfterMs: number } | false = false, clock?: Clock) {
  const sim = await startBackofficeSimulator({
    secret,
    auto,
    webhookUrl: `${context.bot.url}/webhooks/backoffice`,
    ...(clock ? { clock } : {}),
  });
  context.sims.push(sim);
  const client = createBackofficeClient({ url: sim.baseUrl, secret });
  return { sim, client };
}

function until(sim: BackofficeSimulator, predicate: (delivery: WebhookDelivery) => boolean): Promise<WebhookDelivery> {
  return new Promise((resolve) => {
    const listener = (delivery: WebhookDelivery) => {
      if (!predicate(delivery)) return;
      sim.events.off('webhook', listener);
      resolve(delivery);
    };
    sim.events.on('webhook', listener);
  });
}

async function rawPost(sim: BackofficeSimulator, body: string, headers: Record<string, string>) {
  const response = await fetch(`${sim.baseUrl}/applications`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
}

test('stores a submission once per Idempotency-Key and answers 409 to the repeat', async (context) => {
  const { sim, client } = await start(context);
  const seen: string[] = [];
  sim.events.on('submission', (item: { body: { applicationId: string } }) => seen.push(item.body.applicationId));
  await client.submit(submission());
  await client.submit(submission());
  await client.submit(submission({ applicationId: 'YC20261128-0002' }));
  assert.equal(
    sim.calls.map((c) => c.status),
    [201, 409, 201],
  );
  assert.equal(seen, [id, 'YC20261128-0002']);
  assert.equal([...sim.submissions.keys()], [id, 'YC20261128-0002']);
});

test('refuses bad signatures, malformed bodies and a missing key, and records every call', async (context) => {
  const { sim } = await start(context);
  const body = JSON.stringify(submission());
  const now = Date.now();
  const good = { 'X-Yiciban-Timestamp': String(now), 'X-Yiciban-Signature': sign(secret, now, body), 'Idempotency-Key': id };
  const forged = await rawPost(sim, body, { ...good, 'X-Yiciban-Signature': sign('other', now, body) });
  const stale = await rawPost(sim, body, {
    ...good,
    'X-Yiciban-Timestamp': String(now - 10 * 60_000),
    'X-Yiciban-Signature': sign(secret, now - 10 * 60_000, body),
  });
  const notJson = await rawPost(sim, '{oops', { ...good, 'X-Yiciban-Signature': sign(secret, now, '{oops') });
  const incomplete = JSON.stringify({ applicationId: id });
  const missing = await rawPost(sim, incomplete, { ...good, 'X-Yiciban-Signature': sign(secret, now, incomplete) });
  const { 'Idempotency-Key': _key, ...withoutKey } = good;
  const keyless = await rawPost(sim, body, withoutKey);
  assert.equal(
    [forged, stale, notJson, missing, keyless].map((r) => [r.status, r.body.error?.code]),
    [
      [401, 'signature_mismatch'],
      [401, 'stale_timestamp'],
      [400, 'invalid_json'],
      [400, 'invalid_body'],
      [400, 'missing_idempotency_key'],
    ],
  );
  assert.match(missing.body.error?.message ?? '', 'matter');
  assert.is(sim.calls.length, 5);
  assert.is(sim.submissions.size, 0);
});

test('answers odd requests with a 4xx, never a 500', async (context) => {
  const { sim } = await start(context);
  const signed = (path: string, body: string, method = 'POST') => {
    const now = Date.now();
    return fetch(`${sim.baseUrl}${path}`, {
      method,
      headers: { 'X-Yiciban-Timestamp': String(now), 'X-Yiciban-Signature': sign(secret, now, body), 'Idempotency-Key': 'k' },
      ...(method === 'POST' ? { body } : {}),
    }).then((r) => r.status);
  };
  const statuses = [
    await signed('/applications', 'null'),
    await signed('/applications', '[1,2]'),
    await signed('/applications/%E0%A4%A/withdraw', JSON.stringify({ applicationId: 'x', withdrawnAt: new Date().toISOString() })),
    await signed('/applications/x/supplements', '"text"'),
    await signed('/applications', '', 'GET'),
    await signed('/nowhere', '{}'),
    await signed('/applications', 'x'.repeat(1024 * 1024 + 1)),
    await fetch(`${sim.baseUrl}/licences/%E0%A4%A`).then((r) => r.status),
    await fetch(`${sim.baseUrl}/sim/decide`, { method: 'POST', body: '[]' }).then((r) => r.status),
  ];
  assert.equal(statuses, [400, 400, 400, 400, 405, 404, 413, 404, 400]);
  assert.equal(
    sim.calls.map((c) => c.status),
    [400, 400, 400, 400, 405, 404, 413],
  );
});

test('injects failures for the next calls, then works again', async (context) => {
  const { sim, client } = await start(context);
  sim.failNext(2, 502);
  await client.submit(submission()).catch(() => undefined);
  await client.submit(submission()).catch(() => undefined);
  await client.submit(submission());
  assert.equal(
    sim.calls.map((c) => c.status),
    [502, 502, 201],
  );
});

test('refuses connections while paused and listens on the same port after resume', async (context) => {
  const { sim, client } = await start(context);
  const port = sim.port;
  await sim.pause();
  const refused = await fetch(`${sim.baseUrl}/sim/pending`).then(
    () => 'answered',
    (error: Error) => String((error.cause as { code?: string })?.code),
  );
  assert.is(refused, 'ECONNREFUSED');
  await sim.resume();
  assert.is(sim.port, port);
  assert.is((await client.submit(submission())).status, 201);
});

test('in auto mode accepts, approves department by department, completes and delivers an e-licence with signed webhooks', async (context) => {
  const { sim, client } = await start(context, { acceptAfterMs: 5, decideAfterMs: 5 });
  const delivered = until(sim, (d) => d.event.status === 'delivered');
  await client.submit(submission());
  const last = await delivered;
  assert.equal(
    context.received.map((e) => [e.status, e.department]),
    [
      ['accepted', undefined],
      ['department_approved', 'scjg'],
      ['department_approved', 'wsjk'],
      ['completed', undefined],
      ['delivered', undefined],
    ],
  );
  assert.is(new Set(context.received.map((e) => e.eventId)).size, 5);
  assert.ok(context.received.every((e) => e.applicationId === id));
  const result = last.event.result!;
  assert.match(result.licenseNo ?? '', /^ZJ\d{4}\d{8}$/);
  assert.is(result.url, `${sim.baseUrl}/licences/${result.licenseNo}`);
  const page = await fetch(result.url!);
  assert.is(page.status, 200);
  assert.match(await page.text(), '食品经营许可证核发');
  assert.equal(sim.pending(), []);
  assert.is(sim.cases()[0]?.status, 'delivered');
});

test('in auto mode a manual 补正 request pauses the case until the supplement arrives', async (context) => {
  // The simulator's time is a fake clock that starts now (the bot checks the signature's timestamp against real time).
  const clock = new FakeClock(Date.now());
  const { sim, client } = await start(context, { acceptAfterMs: 20, decideAfterMs: 2 }, clock);
  await client.submit(submission());
  const asked = await sim.requireSupplement(id, [{ name: '从业人员健康证明', reason: '未上传' }]);
  assert.is(asked.status, 200);
  await clock.advance(40);
  assert.equal(
    context.received.map((e) => e.status),
    ['supplement_required'],
    'not accepted while 补正 is open',
  );
  let done = false;
  void until(sim, (d) => d.event.status === 'delivered').then(() => (done = true));
  await client.supplement(id, { applicationId: id, round: 1, materials: [], submittedAt: '2026-11-29T01:00:00.000Z' });
  // Each step posts its webhook over real HTTP before the next decision is scheduled on the fake clock.
  await waitFor(
    async () => {
      await clock.advance(20);
      return done;
    },
    { what: 'the case to be delivered' },
  );
  assert.equal(context.received.map((e) => e.status).slice(0, 2), ['supplement_required', 'accepted']);
});

test('in auto mode retries a webhook the bot failed to take', async (context) => {
  const { sim, client } = await start(context, { acceptAfterMs: 1, decideAfterMs: 1 });
  context.failApply = 1;
  const accepted = until(sim, (d) => d.event.status === 'accepted' && d.status === 200);
  const statuses: number[] = [];
  sim.events.on('webhook', (d: WebhookDelivery) => statuses.push(d.status));
  await client.submit(submission());
  const delivery = await accepted;
  assert.equal(statuses.slice(0, 2), [500, 200]);
  assert.is(context.received[0]?.eventId, delivery.event.eventId, 'the retry carries the same eventId');
});

test('sendEvent signs with the shared secret unless told otherwise', async (context) => {
  const { sim } = await start(context);
  const ok = await sim.sendEvent({ applicationId: id, status: 'reviewing' });
  const forged = await sim.sendEvent({ applicationId: id, status: 'reviewing' }, { secret: 'forged' });
  assert.equal([ok.status, forged.status], [200, 401]);
  assert.is(context.received.length, 1);
});

test('the panel lists open cases and decides for a department', async (context) => {
  const { sim, client } = await start(context);
  await client.submit(submission());
  await sim.accept(id);
  const pending = (await (await fetch(`${sim.baseUrl}/sim/pending`)).json()) as {
    items: { applicationId: string; status: string; departments: { id: string; status: string }[] }[];
  };
  assert.equal(
    pending.items.map((c) => [c.applicationId, c.status, c.departments.map((d) => `${d.id}:${d.status}`)]),
    [[id, 'accepted', ['scjg:pending', 'wsjk:pending']]],
  );

  const decide = (body: unknown) =>
    fetch(`${sim.baseUrl}/sim/decide`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const approved = await decide({ applicationId: id, department: 'scjg', decision: 'approve' });
  assert.equal(await approved.json(), { ok: true, webhook: { status: 200, body: { ok: true } } });
  const rejected = await decide({ applicationId: id, department: 'wsjk', decision: 'reject', comment: '经营场所布局不符合要求' });
  assert.is(rejected.status, 200);
  assert.equal(
    context.received.slice(1).map((e) => [e.status, e.department, e.comment]),
    [
      ['department_approved', 'scjg', '审查通过'],
      ['department_rejected', 'wsjk', '经营场所布局不符合要求'],
    ],
  );
  assert.equal(sim.pending(), []);
  assert.is((await decide({ applicationId: id, department: 'nope', decision: 'approve' })).status, 400);
  assert.is((await decide({ applicationId: 'YC-unknown', decision: 'accept' })).status, 404);
  assert.is((await decide({ applicationId: id, decision: 'supplement' })).status, 400);
});

test.run();
