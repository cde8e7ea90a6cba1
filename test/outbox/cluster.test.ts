// Several outbox instances on one PostgreSQL database (issue 15): each with its own store (its own connection
// pool, as separate processes have), its own lease owner and the one injected clock. A throwaway schema per test.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import * as assert from 'uvu/assert';
import { ExternalError } from '../../src/errors.js';
import { FakeClock } from '../../src/fake-clock.js';
import { createOutbox, type JobHandler, type Outbox } from '../../src/outbox/dispatcher.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { OutboxJob } from '../../src/store/store.js';
import { job, silentLogger } from '../support/backoffice-harness.js';
import { suite } from '../support/suite.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Instance {
  name: string;
  store: PostgresStore;
  outbox: Outbox;
}

interface Context {
  schema: string;
  clock: FakeClock;
  admin: pg.Pool;
  instances: Instance[];
}

const test = suite<Context>('outbox on several instances (PostgreSQL)');

test.before.each(async (context) => {
  context.schema = `yiciban_cluster_${randomBytes(6).toString('hex')}`;
  context.clock = new FakeClock();
  context.admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  context.instances = [];
});

test.after.each(async (context) => {
  for (const instance of context.instances) {
    await instance.outbox.stop();
    await instance.store.close();
  }
  await context.admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(context.schema)} CASCADE`);
  await context.admin.end();
});

/** Opens one more instance: a store of its own on the shared schema, and an outbox leasing as `name`. */
async function instance(
  context: Context,
  name: string,
  handler: (name: string) => JobHandler,
  extra: { maxAttempts?: number } = {},
): Promise<Instance> {
  const store = new PostgresStore({ connectionString: DATABASE_URL, schema: context.schema, poolSize: 4, now: context.clock.now });
  await store.open();
  const h = handler(name);
  const outbox = createOutbox({
    store,
    owner: name,
    leaseMs: 10_000,
    clock: context.clock,
    logger: silentLogger,
    random: () => 0.999,
    backoff: { baseMs: 1_000, maxMs: 1_000, jitter: 'full' }, // with random 0.999: 999 ms
    handlers: { 'dingtalk.message': h, 'dingtalk.card.update': h, 'backoffice.submit': h },
    ...extra,
  });
  const made = { name, store, outbox };
  context.instances.push(made);
  return made;
}

/** Drains every instance together until no job is left in the store (a group blocked elsewhere ends one drain early). */
async function drainAll(context: Context): Promise<void> {
  const store = context.instances[0]!.store;
  for (let round = 0; round < 200; round++) {
    await Promise.all(context.instances.map((i) => i.outbox.drain(20_000)));
    if ((await store.dueJobs(Number.MAX_SAFE_INTEGER, 1)).length === 0) return;
  }
  throw new Error('jobs are left after 200 rounds of draining');
}

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('three instances deliver each of 400 jobs exactly once, and each group in creation order, one job at a time', async (context) => {
  const log: { at: 'start' | 'end'; job: OutboxJob; by: string }[] = [];
  const handler =
    (name: string): JobHandler =>
    async (j) => {
      log.push({ at: 'start', job: j, by: name });
      for (let i = 0; i < 1 + (j.createdAt % 3); i++) await yieldTurn();
      log.push({ at: 'end', job: j, by: name });
    };
  const [first] = [await instance(context, 'i1', handler), await instance(context, 'i2', handler), await instance(context, 'i3', handler)];
  const jobs: OutboxJob[] = [];
  for (let n = 0; n < 400; n++) {
    const grouped = n % 2 === 0;
    // 200 grouped updates of 20 cards (10 each), created in order; 200 messages without a group.
    jobs.push(job(() => context.clock.now() + n, grouped ? { kind: 'dingtalk.card.update', group: `card-${(n / 2) % 20}` } : {}));
  }
  for (let i = 0; i < jobs.length; i += 100) await first!.store.commit({ jobs: { put: jobs.slice(i, i + 100) } });
  await context.clock.advance(1_000);
  await drainAll(context);

  const starts = log.filter((e) => e.at === 'start');
  assert.is(starts.length, 400, 'no job delivered twice');
  assert.equal(new Set(starts.map((e) => e.job.id)).size, 400, 'every job delivered');
  const by = new Set(starts.map((e) => e.by));
  assert.ok(by.size >= 2, `the work was shared (${[...by].join(', ')})`);
  for (let g = 0; g < 20; g++) {
    const events = log.filter((e) => e.job.group === `card-${g}`);
    const order = events.filter((e) => e.at === 'start').map((e) => e.job.createdAt);
    assert.equal(
      order,
      [...order].sort((a, b) => a - b),
      `card-${g} in creation order`,
    );
    for (let i = 0; i < events.length; i += 2) {
      assert.is(events[i]!.at, 'start', `card-${g}: one job at a time`);
      assert.is(events[i + 1]!.at, 'end');
      assert.is(events[i + 1]!.job.id, events[i]!.job.id);
    }
  }
  assert.equal(await first!.store.dueJobs(Number.MAX_SAFE_INTEGER, 10), []);
});

test('jobs leased by an instance that died are delivered by another once the lease ran out, and only then', async (context) => {
  const delivered: string[] = [];
  const handler =
    (name: string): JobHandler =>
    async (j) =>
      void delivered.push(`${j.id}@${name}`);
  const survivor = await instance(context, 'survivor', handler);
  const jobs = [job(context.clock.now), job(context.clock.now, { group: 'user:1' }), job(context.clock.now, { group: 'user:1' })];
  await survivor.store.commit({ jobs: { put: jobs } });
  // What a killed instance leaves behind: its leases, held for 10 s from now, and nobody delivering.
  const dead = await survivor.store.leaseJobs(context.clock.now(), 10, { owner: 'killed', leaseMs: 10_000 });
  assert.equal(
    dead.map((j) => j.id),
    [jobs[0]!.id, jobs[1]!.id],
  );
  survivor.outbox.start();
  await context.clock.advance(9_999);
  await survivor.outbox.drain();
  assert.equal(delivered, [], 'a live lease is respected (the group waits for its leased head too)');
  assert.is(await survivor.store.nextJobAt(), context.clock.now() + 1, 'the store names the moment the lease ends');
  // The idle survivor wakes by itself when the lease ends: no poll, no wake from outside.
  await context.clock.advance(1);
  await waitUntil(() => delivered.length === 3);
  assert.equal(
    delivered,
    [jobs[0]!.id, jobs[1]!.id, jobs[2]!.id].map((id) => `${id}@survivor`),
  );
});

test('attempts and dead jobs count across instances: a job failing on every instance dies once after maxAttempts', async (context) => {
  const tried: string[] = [];
  const handler =
    (name: string): JobHandler =>
    async () => {
      tried.push(name);
      throw new ExternalError('backoffice', '后台服务暂时出错（HTTP 503）', { status: 503, retryable: true });
    };
  const a = await instance(context, 'a', handler, { maxAttempts: 4 });
  await instance(context, 'b', handler, { maxAttempts: 4 });
  const failing = job(context.clock.now, { kind: 'backoffice.submit' });
  await a.store.commit({ jobs: { put: [failing] } });
  for (let round = 0; round < 4; round++) {
    await Promise.all(context.instances.map((i) => i.outbox.drain()));
    await context.clock.advance(1_000);
  }
  assert.is(tried.length, 4, 'one try per attempt, whichever instance made it');
  const dead = await a.store.deadJobs();
  assert.equal(
    dead.map((j) => [j.id, j.attempts]),
    [[failing.id, 4]],
  );
  assert.is(await a.store.getJob(failing.id), undefined);
});

test('a job whose handler outlives its lease keeps it while its instance is alive: renewed, never taken over', async (context) => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const delivered: string[] = [];
  const handler =
    (name: string): JobHandler =>
    async (j) => {
      if (name === 'slow') await released;
      delivered.push(`${j.id}@${name}`);
    };
  const slow = await instance(context, 'slow', handler);
  const other = await instance(context, 'other', handler);
  const long = job(context.clock.now);
  await slow.store.commit({ jobs: { put: [long] } });
  const slowDrain = slow.outbox.drain(60_000);
  await waitUntil(() => slow.outbox.stats().running === 1);
  const leaseEnd = async () => {
    const { rows } = await context.admin.query(`SELECT lease_until FROM ${pg.escapeIdentifier(context.schema)}.outbox_jobs WHERE id = $1`, [
      long.id,
    ]);
    return Number(rows[0].lease_until);
  };
  // Three leases' worth (10 s each) in heartbeats of a third of a lease; the other instance looks after each.
  for (let beat = 0; beat < 9; beat++) {
    const before = await leaseEnd();
    await context.clock.advance(3_334);
    await waitUntilAsync(async () => (await leaseEnd()) > before);
    assert.ok((await leaseEnd()) > context.clock.now(), 'the lease never lapses');
    await other.outbox.drain();
    assert.equal(delivered, [], `beat ${beat}: the running job is not taken over`);
  }
  release();
  await slowDrain;
  assert.equal(delivered, [`${long.id}@slow`]);
  assert.is(await slow.store.getJob(long.id), undefined);
});

/** Real-time wait for the outbox's own timer-driven work (database round trips), bounded. */
async function waitUntil(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10)); // real time: polling for database I/O
  }
}

async function waitUntilAsync(predicate: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10)); // real time: polling for database I/O
  }
}

test.run();
