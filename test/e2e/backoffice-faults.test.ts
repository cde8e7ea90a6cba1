import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Application } from '../../src/domain/types.js';
import type { OutboxJob } from '../../src/store/store.js';
import { fileHousingFund, fileIndividualBusiness, fillHousingFund, postWebhook, statusEvent } from '../support/apply-flow.js';
import { startBotChild, startTap, type BotChild, type Tap } from '../support/bot-child.js';
import { startHarness, waitFor, type Harness } from '../support/harness.js';
import { SimPlayer } from '../support/sim-player.js';

interface Context {
  h: Harness;
  children: BotChild[];
  taps: Tap[];
}

const faults = suite<Context>('e2e: back-office faults — outages, a killed bot, duplicate and out-of-order webhooks');

faults.before.each(async (ctx) => {
  ctx.children = [];
  ctx.taps = [];
  ctx.h = await startHarness();
});
faults.after.each(async (ctx) => {
  for (const child of ctx.children) await child.kill('SIGKILL');
  for (const tap of ctx.taps) await tap.close();
  await ctx.h.close();
});

const RETRY_LOG = 'outbox job failed; will retry';

async function pendingJobs(h: Harness, kind?: OutboxJob['kind']): Promise<OutboxJob[]> {
  const jobs = await h.app.store.dueJobs(Number.MAX_SAFE_INTEGER, 1_000);
  return kind ? jobs.filter((job) => job.kind === kind) : jobs;
}

function submissionPosts(h: Harness) {
  return h.backoffice.calls.filter((call) => call.method === 'POST' && call.path === '/applications');
}

async function spawnBot(ctx: Context, backofficeUrl: string): Promise<BotChild> {
  const child = await startBotChild({ dingtalk: ctx.h.dingtalk, backofficeUrl, dataDir: ctx.h.dataDir });
  ctx.children.push(child);
  return child;
}

/** Stops the child gracefully, then reopens its DATA_DIR in-process to look at what it left behind. */
async function reopenAfter(ctx: Context, child: BotChild): Promise<void> {
  const exit = await child.kill('SIGTERM');
  assert.is(exit.code, 0, 'the bot process shuts down cleanly on SIGTERM');
  await ctx.h.restart();
}

/** Every history entry starts where the previous one ended, and the last one is the current status. */
function assertHistoryConsistent(app: Application): void {
  for (let i = 1; i < app.history.length; i += 1) {
    assert.is(
      app.history[i]!.from,
      app.history[i - 1]!.to,
      `history entry ${i} (${app.history[i]!.action}) starts where entry ${i - 1} ended`,
    );
  }
  assert.is(app.history.at(-1)!.to, app.status);
}

faults('back office refusing connections, then recovering: three queued submissions each arrive exactly once', async (ctx) => {
  const { h } = ctx;
  await h.backoffice.pause();
  const zhang = new SimPlayer(h, 'citizen-zhang');
  const ids = [await fileHousingFund(zhang, '12000'), await fileHousingFund(zhang, '8000'), await fileHousingFund(zhang, '5000')];

  const queued = await waitFor(
    async () => {
      const jobs = await pendingJobs(h, 'backoffice.submit');
      return jobs.length === 3 && jobs.every((job) => job.attempts >= 2) ? jobs : undefined;
    },
    { what: 'three queued submissions, each tried and refused at least twice' },
  );
  assert.equal(queued.map((job) => job.key).sort(), [...ids].sort(), 'one job per application, keyed by its id');
  for (const job of queued) assert.match(job.lastError ?? '', '无法连接');
  assert.ok(h.app.outbox.stats().retried >= 6, 'the outbox keeps retrying');
  assert.is(submissionPosts(h).length, 0, 'nothing reached the back office');
  assert.equal(await h.app.store.deadJobs(), [], 'an outage is not a permanent failure');
  for (const id of ids) assert.is((await h.app.store.getApplication(id))?.status, 'submitted');

  // The outage is 60 s against production's backoff (1 s base, doubling): about seven retry rounds. The
  // outage lasts until every job has been refused that often (FAST_TUNING's backoff: 50 ms base, 400 ms cap),
  // counted rather than timed; it is the same dispatcher code path.
  await waitFor(async () => (await pendingJobs(h, 'backoffice.submit')).every((job) => job.attempts >= 7), {
    timeoutMs: 10_000,
    what: 'seven refused rounds for every submission',
  });
  await h.backoffice.resume();
  await waitFor(() => h.backoffice.submissions.size === 3, { timeoutMs: 5_000, what: 'the three submissions after the recovery' });
  // Nothing is running after drain(), and the queue is asserted empty below: no job is left that could send again.
  await h.app.outbox.drain();

  const posts = submissionPosts(h);
  assert.equal(
    posts.map((call) => call.status),
    [201, 201, 201],
    'one POST per application, no duplicate',
  );
  assert.equal(posts.map((call) => call.headers['idempotency-key']).sort(), [...ids].sort());
  assert.equal([...h.backoffice.submissions.keys()].sort(), [...ids].sort());
  assert.equal(await pendingJobs(h, 'backoffice.submit'), [], 'the queue is empty');
  assert.equal(await h.app.store.deadJobs(), []);
});

faults(
  'the bot SIGKILLed while its submission POST is in flight: after a restart the same key gets 409 and the back office keeps one',
  async (ctx) => {
    const { h } = ctx;
    const zhang = new SimPlayer(h, 'citizen-zhang');
    await fillHousingFund(zhang);
    await h.app.stop(); // from here on the bot is a separate process on the same DATA_DIR
    const tap = await startTap(h.backoffice.port);
    ctx.taps.push(tap);
    const first = await spawnBot(ctx, tap.url);
    h.backoffice.setLatency(1_000); // keeps the POST in flight: the kill below comes milliseconds after it arrives

    await zhang.click('提交'); // ACKed by the child after the store write holding the application and its job
    const sent = await waitFor(() => tap.requests.find((r) => r.path === '/applications'), {
      what: 'the submission POST to reach the back office',
    });
    const id = (JSON.parse(sent.body) as { applicationId: string }).applicationId;
    assert.is(sent.headers['idempotency-key'], id);
    assert.is(h.backoffice.submissions.size, 0, 'the back office has not answered yet');
    assert.is((await first.kill('SIGKILL')).signal, 'SIGKILL');
    await waitFor(() => h.backoffice.submissions.has(id), { what: 'the back office to store the POST of the killed bot' });
    h.backoffice.setLatency(0);

    const second = await spawnBot(ctx, tap.url);
    await waitFor(() => submissionPosts(h).length === 2, { timeoutMs: 30_000, what: "the restarted bot's retry" });
    const posts = submissionPosts(h);
    assert.equal(
      posts.map((call) => call.status),
      [201, 409],
      'stored once; the retry is told it is a duplicate',
    );
    assert.equal(
      posts.map((call) => call.headers['idempotency-key']),
      [id, id],
      'the retry keeps the Idempotency-Key',
    );
    assert.equal(JSON.parse(posts[1]!.body), JSON.parse(posts[0]!.body), 'the same submission body');
    assert.equal([...h.backoffice.submissions.keys()], [id]);

    await reopenAfter(ctx, second); // a graceful stop lets the running job record its outcome first
    assert.equal(await pendingJobs(h, 'backoffice.submit'), [], 'the job is gone');
    assert.equal(await h.app.store.deadJobs(), [], '409 is success, not a permanent failure');
    assert.is((await h.app.store.getApplication(id))?.status, 'submitted');
    await h.app.outbox.drain(); // the queue is empty (asserted above) and nothing runs: no retry can follow
    assert.is(submissionPosts(h).length, 2, 'no further retries');
  },
);

faults(
  'the bot SIGKILLed while the back office refuses connections: after a restart and the recovery the submission arrives once',
  async (ctx) => {
    const { h } = ctx;
    const zhang = new SimPlayer(h, 'citizen-zhang');
    await fillHousingFund(zhang);
    await h.app.stop();
    await h.backoffice.pause();
    const first = await spawnBot(ctx, h.backoffice.baseUrl);

    await zhang.click('提交');
    const refused = await waitFor(() => first.logs.find((l) => l.msg === RETRY_LOG && l.kind === 'backoffice.submit'), {
      what: 'a refused submission attempt',
    });
    const id = String(refused.key);
    assert.match(id, /^YC\d{8}-\d{4}$/);
    await first.kill('SIGKILL');

    const second = await spawnBot(ctx, h.backoffice.baseUrl);
    const again = await waitFor(() => second.logs.find((l) => l.msg === RETRY_LOG && l.kind === 'backoffice.submit'), {
      what: 'the restarted bot retrying',
    });
    assert.is(again.key, id, 'the job survived the kill with its key');
    assert.ok(Number(again.attempt) >= 2, 'its attempts were kept');
    await h.backoffice.resume();
    // A bound, not a wait: the child retries on its own backoff, slower when the machine is loaded.
    await waitFor(() => h.backoffice.submissions.has(id), { timeoutMs: 30_000, what: 'the submission after the recovery' });

    await reopenAfter(ctx, second);
    assert.equal(await pendingJobs(h, 'backoffice.submit'), []);
    await h.app.outbox.drain(); // the queue is empty (asserted above) and nothing runs: no retry can follow
    assert.equal(
      submissionPosts(h).map((call) => [call.status, call.headers['idempotency-key']]),
      [[201, id]],
      'exactly one POST reached it',
    );
  },
);

faults('the same webhook event sent 20 times, at once and one after another, has one effect', async ({ h }) => {
  const zhang = new SimPlayer(h, 'citizen-zhang');
  const id = await fileHousingFund(zhang);
  const cardId = zhang.card().id;
  const before = (await h.app.store.getApplication(id))!;
  const shownBefore = h.dingtalk.botOutput({ userId: 'citizen-zhang' }).length;
  const event = statusEvent({ eventId: 'evt-accept-once', applicationId: id, status: 'accepted', comment: '材料齐全，予以受理' });

  const together = await Promise.all(Array.from({ length: 10 }, () => postWebhook(h.app.url, { body: event })));
  const oneByOne: number[] = [];
  for (let i = 0; i < 10; i += 1) oneByOne.push((await h.backoffice.sendEvent(event)).status);
  assert.equal([...together.map((r) => r.status), ...oneByOne], Array<number>(20).fill(200));
  await h.app.outbox.drain();

  const after = (await h.app.store.getApplication(id))!;
  assert.is(after.status, 'accepted');
  assert.is(after.rev, before.rev + 1, 'changed once');
  assert.equal(
    after.history.slice(before.history.length).map((e) => e.action),
    ['accept'],
  );
  const shown = h.dingtalk.botOutput({ userId: 'citizen-zhang' }).slice(shownBefore);
  const updates = shown.filter((out) => out.via === 'card.update');
  const others = shown.filter((out) => out.via !== 'card.update');
  assert.equal(
    updates.map((out) => out.outTrackId),
    [cardId],
    'one update of the application card',
  );
  assert.is(zhang.show(cardId)?.status, '已受理');
  assert.is(others.length, 1, 'one status message');
  assert.match(JSON.stringify(others[0]!.content), '已受理');
  const metrics = await fetch(`${h.app.url}/metrics`).then((r) => r.text());
  assert.match(metrics, 'yiciban_backoffice_webhooks_total{outcome="applied"} 1\n');
  assert.match(metrics, 'yiciban_backoffice_webhooks_total{outcome="duplicate"} 19\n');
});

faults(
  'out-of-order events: a department decision before acceptance is refused without a trace; the state machine keeps the application whole',
  async ({ h }) => {
    const li = new SimPlayer(h, 'citizen-li');
    const id = await fileIndividualBusiness(li);
    const cardId = li.card().id;
    const send = (status: string, extra: Record<string, unknown> = {}) =>
      h.backoffice.sendEvent({ applicationId: id, status, ...extra } as never);
    const look = async () => {
      await h.app.outbox.drain();
      return {
        app: await h.app.store.getApplication(id),
        jobs: (await pendingJobs(h)).length,
        shown: h.dingtalk.botOutput({ userId: 'citizen-li' }).length,
      };
    };
    const submitted = await look();

    const early = await send('department_approved', { eventId: 'evt-scjg-early', department: 'scjg', comment: '审查通过' });
    assert.is(early.status, 409, 'department_approved before accepted');
    assert.is((await send('delivered', { result: { type: 'elicence', licenseNo: 'X1' } })).status, 409, 'delivered before anything');
    assert.is((await send('completed')).status, 409, 'completed before accepted');
    assert.equal(await look(), submitted, 'the application, the outbox and the chat are untouched');

    assert.is((await send('accepted')).status, 200);
    assert.is((await send('department_approved', { department: 'sw', comment: '税务登记信息确认' })).status, 200);
    assert.is((await h.app.store.getApplication(id))?.status, 'in_review');
    const redelivered = await h.backoffice.sendEvent(early.event); // the back office retries the refused event later
    assert.is(redelivered.status, 200, 'a refused eventId is not remembered as processed');
    assert.is((await h.app.store.getApplication(id))?.status, 'approved');

    const decided = await look();
    assert.is((await send('reviewing', { department: 'scjg' })).status, 200, 'a late reviewing is harmless');
    assert.is((await send('accepted')).status, 200, 'a late accepted is harmless');
    assert.is(
      (await send('department_rejected', { department: 'sw', comment: '不符合条件' })).status,
      409,
      'a contradicting decision is refused',
    );
    assert.equal(await look(), decided, 'late events change nothing');

    // The 经营场所使用证明 was promised (容缺) and never handed in: delivery needs the back office's explicit waiver.
    assert.is((await h.backoffice.deliver(id)).status, 409, 'an open 容缺 promise blocks delivery');
    assert.is((await h.backoffice.deliver(id, undefined, true)).status, 200);
    const final = (await look()).app!;
    assert.is(final.status, 'delivered');
    assert.equal(
      final.departments.map((d) => [d.id, d.status]),
      [
        ['scjg', 'approved'],
        ['sw', 'approved'],
      ],
    );
    assert.match(final.result?.licenseNo ?? '', /^ZJ\d+/);
    assert.equal(
      final.history.map((e) => e.action),
      ['created', 'submit', 'accept', 'department_approve', 'department_approve', 'deliver'],
    );
    assertHistoryConsistent(final);
    assert.is(final.rev - final.history.length, submitted.app!.rev - submitted.app!.history.length, 'one revision per history entry');
    assert.is(li.show(cardId)?.status, '已送达');
  },
);

faults.run();
