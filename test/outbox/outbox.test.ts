import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { createBackofficeClient } from '../../src/backoffice/client.js';
import { systemClock } from '../../src/clock.js';
import { ExternalError } from '../../src/errors.js';
import { startBackofficeSimulator } from '../../src/sandbox/backoffice/simulator.js';
import { submission } from '../support/backoffice-fixtures.js';
import { createOutbox, type JobHandler, type OutboxOptions } from '../../src/outbox/dispatcher.js';
import type { DeadJob, OutboxJob, Store } from '../../src/store/store.js';
import { deferred, job, silentLogger } from '../support/backoffice-harness.js';
import { waitFor } from '../support/wait.js';
import { FakeClock } from '../../src/fake-clock.js';
import { tempStore } from '../support/backoffice-store.js';

interface Context {
  clock: FakeClock;
  files: Awaited<ReturnType<typeof tempStore>>;
  store: Store;
  stops: (() => Promise<void>)[];
}

const test = suite<Context>('outbox');

test.before.each(async (context) => {
  context.clock = new FakeClock();
  context.files = await tempStore(context.clock.now);
  context.store = await context.files.open();
  context.stops = [];
});

test.after.each(async (context) => {
  for (const stop of context.stops) await stop();
  await context.store.close();
  await context.files.remove();
});

function outbox(context: Context, options: Partial<OutboxOptions> & Pick<OutboxOptions, 'handlers'>) {
  const box = createOutbox({ store: context.store, clock: context.clock, logger: silentLogger, random: () => 0.999, ...options });
  context.stops.push(() => box.stop());
  return box;
}

/** Lets every callback that is ready run (promise callbacks and I/O already done), without letting time pass. */
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const retryable = () => new ExternalError('backoffice', '后台服务暂时出错（HTTP 503）', { status: 503, retryable: true });
const permanent = () => new ExternalError('backoffice', '申请人身份证号与姓名不符', { status: 422, retryable: false });

test('delivers a due job and removes it from the store', async (context) => {
  const seen: OutboxJob[] = [];
  const box = outbox(context, { handlers: { 'dingtalk.message': async (j) => void seen.push(j) } });
  const pending = job(context.clock.now);
  await context.store.commit({ jobs: { put: [pending] } });
  await box.drain();
  assert.equal(
    seen.map((j) => j.id),
    [pending.id],
  );
  assert.is(await context.store.getJob(pending.id), undefined);
  assert.is(box.stats().delivered, 1);
});

test('retries a retryable failure with growing backoff and the same key, then delivers', async (context) => {
  const keys: string[] = [];
  let calls = 0;
  const box = outbox(context, {
    backoff: { baseMs: 1_000, maxMs: 60_000, jitter: 'full' },
    handlers: {
      'backoffice.submit': async (j) => {
        keys.push(j.key);
        calls += 1;
        if (calls <= 3) throw retryable();
      },
    },
  });
  const pending = job(context.clock.now, { kind: 'backoffice.submit', key: 'YC20261128-0001' });
  await context.store.commit({ jobs: { put: [pending] } });
  const delays: number[] = [];
  for (let round = 1; round <= 3; round += 1) {
    await box.drain();
    const stored = await context.store.getJob(pending.id);
    assert.ok(stored, 'still pending after a retryable failure');
    assert.is(stored.attempts, round);
    assert.match(stored.lastError ?? '', 'HTTP 503');
    delays.push(stored.nextAt - context.clock.now());
    await box.drain();
    assert.is(calls, round, 'not retried before its backoff has passed');
    await context.clock.advance(stored.nextAt - context.clock.now());
  }
  await box.drain();
  assert.is(calls, 4);
  assert.equal(delays, [999, 1998, 3996]);
  assert.equal(new Set(keys), new Set(['YC20261128-0001']));
  assert.is(await context.store.getJob(pending.id), undefined);
  assert.equal({ delivered: box.stats().delivered, retried: box.stats().retried }, { delivered: 1, retried: 3 });
});

test('caps the backoff at maxMs', async (context) => {
  const box = outbox(context, {
    backoff: { baseMs: 1_000, maxMs: 5_000, jitter: 'full' },
    handlers: {
      'dingtalk.message': async () => {
        throw retryable();
      },
    },
  });
  const pending = job(context.clock.now, { attempts: 9 });
  await context.store.commit({ jobs: { put: [pending] } });
  await box.drain();
  const stored = await context.store.getJob(pending.id);
  assert.is(stored?.nextAt, context.clock.now() + 4_995);
});

test('a permanent failure makes the job dead at once and commits what onDead returns', async (context) => {
  const deaths: DeadJob[] = [];
  const notices: OutboxJob[] = [];
  const box = outbox(context, {
    handlers: {
      'backoffice.submit': async () => {
        throw permanent();
      },
      'dingtalk.message': async (j) => void notices.push(j),
    },
    onDead: async (dead) => {
      deaths.push(dead);
      return { jobs: { put: [job(context.clock.now, { id: `notice-${dead.id}`, payload: { text: `提交失败：${dead.reason}` } })] } };
    },
  });
  const pending = job(context.clock.now, { kind: 'backoffice.submit' });
  await context.store.commit({ jobs: { put: [pending] } });
  await box.drain();
  assert.is(deaths.length, 1);
  assert.is(deaths[0]?.reason, '申请人身份证号与姓名不符');
  assert.is(deaths[0]?.attempts, 1);
  const dead = await context.store.deadJobs();
  assert.equal(
    dead.map((d) => [d.id, d.reason, d.failedAt]),
    [[pending.id, '申请人身份证号与姓名不符', context.clock.now()]],
  );
  assert.is(await context.store.getJob(pending.id), undefined);
  assert.equal(
    notices.map((n) => n.payload),
    [{ text: '提交失败：申请人身份证号与姓名不符' }],
  );
});

test('a job that keeps failing dies after maxAttempts with the last error in its reason', async (context) => {
  let calls = 0;
  const box = outbox(context, {
    maxAttempts: 3,
    handlers: {
      'dingtalk.message': async () => {
        calls += 1;
        throw new Error('connect ECONNREFUSED');
      },
    },
  });
  const pending = job(context.clock.now);
  await context.store.commit({ jobs: { put: [pending] } });
  for (let i = 0; i < 5; i += 1) {
    await box.drain();
    await context.clock.advance(60 * 60_000);
  }
  assert.is(calls, 3);
  const [dead] = await context.store.deadJobs();
  assert.is(dead?.id, pending.id);
  assert.is(dead?.reason, '重试 3 次后仍未成功：connect ECONNREFUSED');
});

test('a job kind without a handler is dead with a reason instead of blocking the queue', async (context) => {
  const box = outbox(context, { handlers: {} });
  const pending = job(context.clock.now, { kind: 'backoffice.withdraw' });
  await context.store.commit({ jobs: { put: [pending] } });
  await box.drain();
  const [dead] = await context.store.deadJobs();
  assert.match(dead?.reason ?? '', 'backoffice.withdraw');
});

test('runs at most the configured number of jobs of one kind at once, each exactly once', async (context) => {
  let running = 0;
  let peak = 0;
  const handled: string[] = [];
  const jobs = Array.from({ length: 7 }, () => job(context.clock.now));
  // A job stays busy until a second one runs beside it (or none is left to): a third would show as peak 3.
  let release: (() => void) | undefined;
  const slow: JobHandler = async (j) => {
    running += 1;
    peak = Math.max(peak, running);
    if (running < 2 && handled.length + running < jobs.length) await new Promise<void>((resolve) => (release = resolve));
    else release?.();
    await yieldTurn();
    handled.push(j.id);
    running -= 1;
  };
  const box = outbox(context, { concurrency: { 'dingtalk.message': 2 }, handlers: { 'dingtalk.message': slow } });
  await context.store.commit({ jobs: { put: jobs } });
  box.start();
  await Promise.all([box.drain(), box.drain()]);
  box.wake();
  await box.drain();
  assert.is(peak, 2);
  assert.equal([...handled].sort(), jobs.map((j) => j.id).sort());
});

test('kinds have separate limits: a slow back office does not hold up messages', async (context) => {
  const gate = deferred();
  const order: string[] = [];
  const box = outbox(context, {
    concurrency: { 'backoffice.submit': 1 },
    handlers: {
      'backoffice.submit': async () => {
        await gate.promise;
        order.push('submit');
      },
      'dingtalk.message': async () => void order.push('message'),
    },
  });
  await context.store.commit({ jobs: { put: [job(context.clock.now, { kind: 'backoffice.submit' }), job(context.clock.now)] } });
  const draining = box.drain();
  await waitFor(() => order.length > 0, { what: 'the message delivered while the submission hangs', intervalMs: 1 });
  assert.equal(order, ['message']);
  gate.resolve();
  await draining;
  assert.equal(order, ['message', 'submit']);
});

test('a backlog of one kind at its limit does not hide a due job of another kind behind it', async (context) => {
  const gate = deferred();
  const started: string[] = [];
  const box = outbox(context, {
    concurrency: { 'dingtalk.message': 2 },
    batchSize: 10,
    handlers: {
      'dingtalk.message': async (j) => {
        started.push(j.id);
        await gate.promise;
      },
      timer: async (j) => void started.push(j.id),
    },
  });
  const now = context.clock.now();
  // 50 messages due before the timer: more than one read of due jobs holds.
  const messages = Array.from({ length: 50 }, (_, i) =>
    job(context.clock.now, { id: `m${String(i).padStart(2, '0')}`, createdAt: now - 100 + i, nextAt: now - 100 + i }),
  );
  await context.store.commit({ jobs: { put: [...messages, job(context.clock.now, { id: 'timer-1', kind: 'timer' })] } });
  const draining = box.drain();
  await waitFor(() => started.includes('timer-1'), { what: 'the timer started while the messages fill their slots', intervalMs: 1 });
  assert.equal(
    started.filter((id) => id.startsWith('m')),
    ['m00', 'm01'],
    'messages in due order, two at a time',
  );
  gate.resolve();
  await draining;
  assert.is(started.length, 51);
});

test('jobs of one group run one at a time in creation order, even when the first one backs off', async (context) => {
  const order: string[] = [];
  let running = 0;
  let failedOnce = false;
  const box = outbox(context, {
    concurrency: { 'dingtalk.card.update': 4 },
    handlers: {
      'dingtalk.card.update': async (j) => {
        running += 1;
        assert.is(running, 1, 'two updates of one card ran at the same time');
        await yieldTurn();
        running -= 1;
        if (j.id === 'u1' && !failedOnce) {
          failedOnce = true;
          throw retryable();
        }
        order.push(j.id);
      },
    },
  });
  const t0 = context.clock.now();
  const updates = ['u1', 'u2', 'u3', 'u4'].map((id, i) =>
    job(context.clock.now, { id, kind: 'dingtalk.card.update', group: 'card-YC1', createdAt: t0 + i }),
  );
  await context.store.commit({ jobs: { put: updates.reverse() } });
  await box.drain();
  assert.equal(order, [], 'younger updates wait while the oldest one backs off');
  await context.clock.advance(10_000);
  await box.drain();
  assert.equal(order, ['u1', 'u2', 'u3', 'u4']);
});

test('wake() delivers a job committed after start without waiting for the poll', async (context) => {
  const delivered = deferred<string>();
  const box = outbox(context, { pollMs: 60_000, handlers: { 'dingtalk.message': async (j) => delivered.resolve(j.id) } });
  box.start();
  await waitFor(() => context.clock.pending() > 0, { what: 'the first pass to end and arm the 60 s poll', intervalMs: 1 });
  const pending = job(context.clock.now);
  await context.store.commit({ jobs: { put: [pending] } });
  box.wake();
  assert.is(await delivered.promise, pending.id);
});

test('a running dispatcher works through a whole group on wakes alone, without waiting for the poll', async (context) => {
  const done = deferred();
  const order: string[] = [];
  const box = outbox(context, {
    pollMs: 60_000,
    handlers: {
      'dingtalk.message': async (j) => {
        order.push(j.id);
        if (order.length === 30) done.resolve();
      },
    },
  });
  box.start();
  const t0 = context.clock.now();
  const jobs = Array.from({ length: 30 }, (_, i) =>
    job(context.clock.now, { id: `m${String(i).padStart(2, '0')}`, group: 'user:citizen-zhang', createdAt: t0 + i }),
  );
  await context.store.commit({ jobs: { put: jobs } });
  box.wake();
  let timer: NodeJS.Timeout | undefined;
  // Real time, a bound on real store I/O: fails instead of hanging (the fake clock never reaches the 60 s poll).
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 2_000, 'timed out')));
  assert.is(await Promise.race([done.promise.then(() => 'done'), timeout]), 'done');
  clearTimeout(timer);
  assert.equal(
    order,
    jobs.map((j) => j.id),
  );
});

test('a timer retries a backed-off job when it comes due', async (context) => {
  const delivered = deferred();
  let calls = 0;
  const store = context.store;
  const box = createOutbox({
    store,
    logger: silentLogger,
    clock: context.clock,
    backoff: { baseMs: 20, maxMs: 20, jitter: 'full' },
    pollMs: 60_000,
    handlers: {
      'dingtalk.message': async () => {
        calls += 1;
        if (calls === 1) throw retryable();
        delivered.resolve();
      },
    },
  });
  context.stops.push(() => box.stop());
  await store.commit({ jobs: { put: [job(context.clock.now)] } });
  box.start();
  const retryArmed = () => (context.clock.nextAt() ?? Infinity) <= context.clock.now() + 20;
  await waitFor(retryArmed, { what: 'the failure recorded and its retry timer armed', intervalMs: 1 });
  await context.clock.advance(20);
  await delivered.promise;
  assert.is(calls, 2);
});

test('stop() waits for the running job to finish and records its outcome', async (context) => {
  const gate = deferred();
  const started = deferred();
  const box = outbox(context, {
    handlers: {
      'dingtalk.message': async () => {
        started.resolve();
        await gate.promise;
      },
    },
  });
  const pending = job(context.clock.now);
  await context.store.commit({ jobs: { put: [pending] } });
  box.start();
  await started.promise;
  await waitFor(() => context.clock.pending() > 0, { what: 'the pass that launched the job to end', intervalMs: 1 });
  const stopping = box.stop();
  let stopped = false;
  void stopping.then(() => (stopped = true));
  await yieldTurn();
  assert.is(stopped, false);
  gate.resolve();
  await stopping;
  assert.is(await context.store.getJob(pending.id), undefined);
});

test('a new dispatcher on the same files delivers the jobs a stopped one left, keeping group order', async (context) => {
  const first = outbox(context, {
    handlers: {
      'dingtalk.card.update': async () => {
        throw retryable();
      },
    },
  });
  const t0 = context.clock.now();
  const a = job(context.clock.now, { id: 'a', kind: 'dingtalk.card.update', group: 'card-1', createdAt: t0 });
  await context.store.commit({ jobs: { put: [a] } });
  await first.drain();
  await first.stop();
  const b = job(context.clock.now, { id: 'b', kind: 'dingtalk.card.update', group: 'card-1', createdAt: t0 + 1 });
  await context.store.commit({ jobs: { put: [b] } });
  await context.store.close();

  context.store = await context.files.open();
  const order: string[] = [];
  const second = outbox(context, { handlers: { 'dingtalk.card.update': async (j) => void order.push(j.id) } });
  await second.drain();
  assert.equal(order, [], 'b waits for a, which is still backing off');
  await context.clock.advance(60_000);
  await second.drain();
  assert.equal(order, ['a', 'b']);
  assert.is(await context.store.nextJobAt(), undefined);
});

test('delivers a back-office submission through a 503 and an outage with one idempotency key', async (context) => {
  const sim = await startBackofficeSimulator({ secret: 's' });
  context.stops.push(() => sim.close());
  const client = createBackofficeClient({ url: sim.baseUrl, secret: 's', clock: systemClock });
  const box = outbox(context, {
    handlers: { 'backoffice.submit': async (j) => void (await client.submit(j.payload as ReturnType<typeof submission>, j.key)) },
  });
  await context.store.commit({
    jobs: { put: [job(context.clock.now, { kind: 'backoffice.submit', key: 'YC20261128-0001', payload: submission() })] },
  });
  sim.failNext(1, 503);
  await box.drain();
  await sim.pause();
  await context.clock.advance(60_000);
  await box.drain();
  await sim.resume();
  await context.clock.advance(60_000);
  await box.drain();
  assert.equal(
    sim.calls.map((c) => [c.status, c.headers['idempotency-key']]),
    [
      [503, 'YC20261128-0001'],
      [201, 'YC20261128-0001'],
    ],
  );
  assert.is(sim.submissions.size, 1);
  assert.is(await context.store.nextJobAt(), undefined);
  assert.is(box.stats().retried, 2);
});

test('drain() gives up after its timeout while a job hangs', async (context) => {
  const gate = deferred();
  const box = outbox(context, { handlers: { 'dingtalk.message': () => gate.promise } });
  await context.store.commit({ jobs: { put: [job(context.clock.now)] } });
  try {
    await box.drain(30);
    assert.unreachable('drain should time out');
  } catch (error) {
    assert.match((error as Error).message, 'timed out');
  }
  gate.resolve();
});

test.run();
