import { request } from 'node:http';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { sign, signedHeaders } from '../../src/backoffice/signature.js';
import { fileHousingFund, postWebhook, statusEvent } from '../support/apply-flow.js';
import { ADMIN_TOKEN, BACKOFFICE_SECRET, startHarness, type Harness } from '../support/harness.js';
import { SimPlayer } from '../support/sim-player.js';

// One bot and one filed application for the whole file: every refused request must leave them exactly as they
// were, which each test checks, so they cannot leak into each other (and filing once keeps the file fast).
const security = suite<{ h: Harness; id: string }>('e2e: the back-office webhook refuses what it must, and changes nothing when it does');

security.before(async (ctx) => {
  ctx.h = await startHarness();
  ctx.id = await fileHousingFund(new SimPlayer(ctx.h, 'citizen-zhang'));
});
security.after(async (ctx) => {
  await ctx.h.close();
});

const MINUTE = 60_000;

/** Everything a webhook could change: the application, the outbox, the inbox and what DingTalk was asked to do. */
async function snapshot(h: Harness, id: string, eventId: string) {
  await h.app.outbox.drain();
  return {
    application: await h.app.store.getApplication(id),
    jobs: (await h.app.store.dueJobs(Number.MAX_SAFE_INTEGER, 1_000)).length,
    dead: (await h.app.store.deadJobs()).length,
    processed: await h.app.store.hasProcessed(`bo:${eventId}`),
    dingtalkCalls: h.dingtalk.calls.filter((call) => call.path.startsWith('/v1.0/')).length,
  };
}

/** Runs `attempt` and checks it answered `status` (with `code`) and left the store and DingTalk untouched. */
async function refused(
  ctx: { h: Harness; id: string },
  eventId: string,
  expected: { status: number; code: string },
  attempt: () => Promise<{ status: number; body: unknown }>,
) {
  const before = await snapshot(ctx.h, ctx.id, eventId);
  const answer = await attempt();
  assert.is(answer.status, expected.status);
  assert.is((answer.body as { error?: { code?: string } }).error?.code, expected.code);
  assert.equal(await snapshot(ctx.h, ctx.id, eventId), before, 'nothing changed');
}

const accepted = (id: string, eventId: string) =>
  statusEvent({ eventId, applicationId: id, status: 'accepted', comment: '材料齐全，予以受理' });

security('a forged or tampered signature is refused with 401', async (ctx) => {
  const event = accepted(ctx.id, 'evt-forged');
  await refused(ctx, event.eventId, { status: 401, code: 'signature_mismatch' }, () =>
    postWebhook(ctx.h.app.url, { body: event, secret: 'not-the-secret' }),
  );
  const now = Date.now();
  const otherBody = JSON.stringify({ ...event, status: 'not_accepted' });
  await refused(ctx, event.eventId, { status: 401, code: 'signature_mismatch' }, () =>
    postWebhook(ctx.h.app.url, { body: event, timestamp: now, signature: sign(BACKOFFICE_SECRET, now, otherBody) }),
  );
  await refused(ctx, event.eventId, { status: 401, code: 'malformed_signature' }, () =>
    postWebhook(ctx.h.app.url, { body: event, signature: 'sha256=abc' }),
  );
  await refused(ctx, event.eventId, { status: 401, code: 'missing_timestamp' }, async () => {
    const response = await fetch(`${ctx.h.app.url}/webhooks/backoffice`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(event),
    });
    return { status: response.status, body: await response.json() };
  });
});

security('a timestamp more than 5 minutes old or ahead is refused with 401, even correctly signed', async (ctx) => {
  const event = accepted(ctx.id, 'evt-replayed');
  await refused(ctx, event.eventId, { status: 401, code: 'stale_timestamp' }, () =>
    postWebhook(ctx.h.app.url, { body: event, timestamp: Date.now() - 5 * MINUTE - 5_000 }),
  );
  await refused(ctx, event.eventId, { status: 401, code: 'future_timestamp' }, () =>
    postWebhook(ctx.h.app.url, { body: event, timestamp: Date.now() + 5 * MINUTE + 5_000 }),
  );
});

security('signed but malformed JSON, or an event missing its fields, is refused with 400', async (ctx) => {
  await refused(ctx, 'evt-broken', { status: 400, code: 'invalid_json' }, () =>
    postWebhook(ctx.h.app.url, { body: `{"eventId":"evt-broken","applicationId":"${ctx.id}","status":"accepted"` }),
  );
  const full = accepted(ctx.id, 'evt-partial');
  for (const field of ['eventId', 'applicationId', 'status', 'at'] as const) {
    const { [field]: _dropped, ...partial } = full;
    await refused(ctx, full.eventId, { status: 400, code: 'invalid_event' }, () => postWebhook(ctx.h.app.url, { body: partial }));
  }
  await refused(ctx, 'evt-no-dept', { status: 400, code: 'invalid_event' }, () =>
    postWebhook(ctx.h.app.url, { body: statusEvent({ eventId: 'evt-no-dept', applicationId: ctx.id, status: 'department_approved' }) }),
  );
  await refused(ctx, 'evt-odd', { status: 400, code: 'invalid_event' }, () =>
    postWebhook(ctx.h.app.url, { body: { ...full, eventId: 'evt-odd', status: 'teleported' } }),
  );
});

security('a signed body over 256 KB is refused with 413, declared or streamed', async (ctx) => {
  const big = { ...accepted(ctx.id, 'evt-big'), comment: '很长的意见'.repeat(20_000) };
  const raw = JSON.stringify(big);
  assert.ok(Buffer.byteLength(raw) > 256 * 1024);
  await refused(ctx, big.eventId, { status: 413, code: 'payload_too_large' }, () => rawPost(ctx.h.app.url, raw, { chunked: false }));
  await refused(ctx, big.eventId, { status: 413, code: 'payload_too_large' }, () => rawPost(ctx.h.app.url, raw, { chunked: true }));
});

security('an event about an unknown application is refused with 404', async (ctx) => {
  const event = statusEvent({ eventId: 'evt-stranger', applicationId: 'YC20990101-9999', status: 'accepted' });
  await refused(ctx, event.eventId, { status: 404, code: 'unknown_application' }, () => postWebhook(ctx.h.app.url, { body: event }));
});

security('an illegal transition (delivered while submitted) is refused with 409', async (ctx) => {
  const event = statusEvent({
    eventId: 'evt-too-soon',
    applicationId: ctx.id,
    status: 'delivered',
    result: { type: 'elicence', licenseNo: 'GJJ2026001' },
  });
  await refused(ctx, event.eventId, { status: 409, code: 'illegal_transition' }, () => postWebhook(ctx.h.app.url, { body: event }));
});

security('after all that, the genuine event (an eventId a forger used before) is applied: 200 and one change', async (ctx) => {
  const before = await snapshot(ctx.h, ctx.id, 'evt-forged');
  const answer = await postWebhook(ctx.h.app.url, { body: accepted(ctx.id, 'evt-forged') });
  assert.equal(answer, { status: 200, body: { ok: true } });
  const after = await snapshot(ctx.h, ctx.id, 'evt-forged');
  assert.is(after.application?.status, 'accepted');
  assert.is(after.application?.rev, before.application!.rev + 1);
  assert.ok(after.processed);
  assert.ok(after.dingtalkCalls >= before.dingtalkCalls + 2, 'the card update and the message went out');
});

security('the admin API answers 401 without the token or with a wrong one, 200 with ADMIN_TOKEN', async ({ h }) => {
  const dead = (authorization?: string) =>
    fetch(`${h.app.url}/api/outbox/dead`, { headers: authorization ? { Authorization: authorization } : {} });
  for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${ADMIN_TOKEN}x`, ADMIN_TOKEN, `Basic ${ADMIN_TOKEN}`]) {
    const response = await dead(authorization);
    assert.is(response.status, 401, `refused: ${authorization ?? 'no header'}`);
    assert.is(response.headers.get('www-authenticate'), 'Bearer');
    assert.is(((await response.json()) as { error: { code: string } }).error.code, 'unauthorized');
  }
  const response = await dead(`Bearer ${ADMIN_TOKEN}`);
  assert.is(response.status, 200);
  assert.equal(await response.json(), { total: 0, items: [] });
});

/** POSTs a signed body with node:http (either with Content-Length or chunked); resolves on the response. */
function rawPost(appUrl: string, raw: string, options: { chunked: boolean }): Promise<{ status: number; body: unknown }> {
  const bytes = Buffer.from(raw);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...signedHeaders(BACKOFFICE_SECRET, Date.now(), bytes) };
  if (!options.chunked) headers['Content-Length'] = String(bytes.length);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(`${appUrl}/webhooks/backoffice`, { method: 'POST', headers }, (res) => {
      answered = true;
      let text = '';
      res
        .setEncoding('utf8')
        .on('data', (chunk: string) => (text += chunk))
        .on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown });
        });
    });
    // The server answers before reading everything and closes; a write error after that is expected.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    let offset = 0;
    const pump = () => {
      while (offset < bytes.length && !answered) {
        const chunk = bytes.subarray(offset, offset + 16 * 1024);
        offset += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

security.run();
