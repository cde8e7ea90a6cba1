// The outbox dispatcher: delivers durable jobs (DingTalk messages and card updates, back-office calls)
// written by the same commit as the state change that caused them. At-least-once delivery: a job leaves
// the store only after its handler succeeded; the receiving side dedupes by the job's idempotency key.
import type { Logger } from 'pino';
import { systemClock, type Clock, type Timer } from '../clock.js';
import { isRetryable } from '../errors.js';
import { backoffDelay, type BackoffPolicy } from '../retry.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LeaseLostError, type Commit, type DeadJob, type JobKind, type OutboxJob, type Store } from '../store/store.js';
import { mergeCommits } from './commits.js';
import { GroupOrder } from './group-order.js';
import { DEFAULT_CONCURRENCY, KINDS } from './limits.js';

/** Delivers one job; throwing means "not delivered" (ExternalError.retryable decides whether to retry). */
export type JobHandler = (job: OutboxJob) => Promise<void>;

export interface OutboxOptions {
  store: Store;
  handlers: Partial<Record<JobKind, JobHandler>>;
  /** Jobs of one kind running at once (defaults in src/outbox/limits.ts: messages 32, card updates 4, back office 2). */
  concurrency?: Partial<Record<JobKind, number>>;
  /** Tries before a retryable failure becomes dead (default 25: about two hours with the default backoff). */
  maxAttempts?: number;
  /** Per kind; a notice is never given up while DingTalk throttles or is down (default: Infinity for broadcast.*). */
  maxAttemptsByKind?: Partial<Record<JobKind, number>>;
  /** Delay before a failed job is tried again (default: full jitter, 1 s growing to 15 min). */
  backoff?: BackoffPolicy;
  /** Reads due times and runs the poll and backoff timers; a FakeClock lets tests move time. */
  clock?: Clock;
  /** Source of jitter in [0, 1). */
  random?: () => number;
  logger: Logger;
  /** Called when a job dies; a returned commit (e.g. a message to the applicant) is written with the dead job. */
  onDead?: (job: DeadJob) => Promise<Commit | void>;
  /** Longest sleep between two looks at the store, a safety net for a missed wake (default 30 s). */
  pollMs?: number;
  /** Due jobs read per look (default 100). */
  batchSize?: number;
  /** This instance's lease owner id (default: host, pid and a random part). */
  owner?: string;
  /** How long a leased job is this instance's alone before another may take it over (default 30 s). */
  leaseMs?: number;
}

export interface OutboxStats {
  running: number;
  runningByKind: Partial<Record<JobKind, number>>;
  delivered: number;
  retried: number;
  dead: number;
}

export interface Outbox {
  start(): void;
  /** Stops looking for work and waits for the running jobs to settle. */
  stop(): Promise<void>;
  /** Looks for due work now (call after every commit that puts jobs). */
  wake(): void;
  /** Runs due jobs until none is due and none is running (for tests); rejects after `timeoutMs`. */
  drain(timeoutMs?: number): Promise<void>;
  stats(): OutboxStats;
}

/** A leased job is the leasing instance's alone this long; an instance that dies loses its jobs after it. */
export const DEFAULT_LEASE_MS = 30_000;

/** Outbox retry timing in production: 1 s, 2 s, 4 s … at most 15 minutes apart, never 0. */
export const DEFAULT_OUTBOX_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 15 * 60_000, minMs: 1, jitter: 'full' };

type Settled<T> = { status: 'ok'; value: T } | { status: 'failed'; error: unknown };

/** Creates a dispatcher over `store`; nothing runs before `start()` (or `drain()`). */
export function createOutbox(options: OutboxOptions): Outbox {
  const { store, logger } = options;
  const time = options.clock ?? systemClock;
  const clock = () => time.now();
  const random = options.random ?? Math.random;
  const backoff: BackoffPolicy = { minMs: 1, ...(options.backoff ?? DEFAULT_OUTBOX_BACKOFF) };
  const maxAttempts = Math.max(1, options.maxAttempts ?? 25);
  const attemptsOf = (kind: JobKind) => options.maxAttemptsByKind?.[kind] ?? (kind.startsWith('broadcast.') ? Infinity : maxAttempts);
  const pollMs = options.pollMs ?? 30_000;
  const batchSize = options.batchSize ?? 100;
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const limitOf = (kind: JobKind) => Math.max(1, options.concurrency?.[kind] ?? DEFAULT_CONCURRENCY[kind] ?? 1);

  const inFlight = new Map<string, Promise<unknown>>();
  const runningByKind = new Map<JobKind, number>();
  const groups = new GroupOrder();
  const counters = { delivered: 0, retried: 0, dead: 0 };
  let started = false;
  let stopped = false;
  let timer: Timer | undefined;
  /** When `timer` fires (clock ms). */
  let timerAt = 0;
  let pumping: Promise<number> | undefined;
  let again = false;
  let groupsLoaded = false;
  let heartbeat: Timer | undefined;

  // The dispatcher is an entry point: every failure (a handler's, onDead's, the store's) is caught here once.
  async function settle<T>(task: () => Promise<T>): Promise<Settled<T>> {
    try {
      return { status: 'ok', value: await task() };
    } catch (error) {
      return { status: 'failed', error };
    }
  }

  // One pass at a time; a wake during a pass makes it look again before it ends, so no wake is lost.
  function pump(): Promise<number> {
    if (stopped) return Promise.resolve(0);
    if (pumping) {
      again = true;
      return pumping;
    }
    const run = async (): Promise<number> => {
      let launched = 0;
      for (;;) {
        again = false;
        const pass = await settle(async () => {
          if (!groupsLoaded) {
            groups.load(await store.dueJobRefs(Number.MAX_SAFE_INTEGER, 10_000));
            groupsLoaded = true;
          }
          launched += await fill();
          if (!again) await schedule();
        });
        if (pass.status === 'failed') {
          logger.error({ err: pass.error }, 'outbox could not read its jobs; trying again later');
          arm(Math.min(pollMs, 5_000));
        }
        if (!again || stopped || pass.status === 'failed') break;
      }
      pumping = undefined; // synchronously after the last look: a later wake starts a new pass
      return launched;
    };
    pumping = run();
    return pumping;
  }

  // Leases due jobs of the kinds that have room (the store keeps group order and other instances off them).
  // When a kind fills up it leases again without it, so a backlog of one kind never hides another's due jobs.
  async function fill(): Promise<number> {
    let launched = 0;
    for (;;) {
      const kinds = KINDS.filter(hasRoom);
      if (kinds.length === 0 || stopped) return launched;
      const capacity = Object.fromEntries(kinds.map((kind) => [kind, limitOf(kind) - (runningByKind.get(kind) ?? 0)]));
      const leased = await store.leaseJobs(clock(), batchSize, { owner, leaseMs, capacity });
      // Launched even when stopping: stop() waits for them, and an unlaunched lease would only delay the job.
      for (const job of leased) if (!inFlight.has(job.id)) launch(job);
      launched += leased.length;
      if (leased.length === 0 || kinds.every(hasRoom)) return launched;
    }
  }

  function hasRoom(kind: JobKind): boolean {
    return (runningByKind.get(kind) ?? 0) < limitOf(kind);
  }

  // While jobs run, their leases are extended every third of a lease: a slow call (a notice's departments, a
  // back office that takes its time, a queue at the shared rate limit) stays this instance's while it is alive.
  // An instance that dies stops renewing, so its jobs are taken over at most one lease after its last heartbeat.
  function armHeartbeat(): void {
    if (heartbeat || inFlight.size === 0) return;
    heartbeat = time.setTimeout(() => void renew(), Math.max(1, Math.floor(leaseMs / 3)));
  }

  async function renew(): Promise<void> {
    const ids = [...inFlight.keys()];
    const renewed = await settle(() => store.renewLeases(owner, ids, clock() + leaseMs));
    if (renewed.status === 'failed') logger.warn({ err: renewed.error }, 'outbox could not renew its leases; trying again');
    heartbeat = undefined;
    armHeartbeat();
  }

  function launch(job: OutboxJob): void {
    runningByKind.set(job.kind, (runningByKind.get(job.kind) ?? 0) + 1);
    groups.started(job);
    const work = settle(() => deliver(job)).then((result) => {
      if (result.status === 'failed' && result.error instanceof LeaseLostError) {
        logger.warn({ jobId: job.id, kind: job.kind }, 'outbox job was taken over by another instance after its lease ran out');
      } else if (result.status === 'failed') {
        logger.error(
          { err: result.error, jobId: job.id, kind: job.kind },
          'outbox could not record the outcome of a job; it stays pending',
        );
      }
      inFlight.delete(job.id);
      if (inFlight.size === 0) {
        heartbeat?.cancel();
        heartbeat = undefined;
      }
      runningByKind.set(job.kind, (runningByKind.get(job.kind) ?? 1) - 1);
      groups.finished(job);
      if (started) wake();
    });
    inFlight.set(job.id, work);
    armHeartbeat();
  }

  async function deliver(job: OutboxJob): Promise<void> {
    // A child logger only when something is logged: a delivered job logs at debug, and pino builds a child's
    // bindings at once, which every sessionWebhook reply would pay for nothing.
    const log = () => logger.child({ jobId: job.id, kind: job.kind, key: job.key, attempt: job.attempts + 1 });
    const handler = options.handlers[job.kind];
    const outcome = handler
      ? await settle(() => handler(job))
      : ({ status: 'failed', error: new Error(`未配置 ${job.kind} 类任务的投递程序`) } as const);
    const now = clock();
    if (outcome.status === 'ok') {
      await store.commit({ jobs: { remove: [job.id] }, lease: { owner, jobs: [job.id] } });
      groups.settled(job);
      counters.delivered += 1;
      if (logger.isLevelEnabled('debug')) log().debug('outbox job delivered');
      return;
    }
    const attempts = job.attempts + 1;
    const message = describe(outcome.error);
    const retryable = handler !== undefined && isRetryable(outcome.error);
    if (retryable && attempts < attemptsOf(job.kind)) {
      const nextAt = now + backoffDelay(backoff, attempts - 1, random);
      await store.commit({ jobs: { put: [{ ...job, attempts, nextAt, lastError: message }] }, lease: { owner, jobs: [job.id] } });
      groups.backingOff(job, nextAt);
      counters.retried += 1;
      log().warn({ err: outcome.error, retryInMs: nextAt - now }, 'outbox job failed; will retry');
      return;
    }
    const reason = retryable ? `重试 ${attempts} 次后仍未成功：${message}` : message;
    const dead: DeadJob = { ...job, attempts, lastError: message, failedAt: now, reason };
    const followUp = options.onDead ? await settle(() => options.onDead!(dead)) : undefined;
    if (followUp?.status === 'failed')
      log().error({ err: followUp.error }, 'onDead failed; the dead job is recorded without its follow-up');
    await store.commit({
      ...mergeCommits({ jobs: { dead: [dead] } }, followUp?.status === 'ok' ? followUp.value : undefined),
      lease: { owner, jobs: [job.id] },
    });
    groups.settled(job);
    counters.dead += 1;
    log().error({ err: outcome.error, reason }, 'outbox job is dead');
  }

  // Sleep until the next job or held group is due, and never longer than pollMs.
  async function schedule(): Promise<void> {
    if (!started || stopped) return;
    const next = await store.nextJobAt();
    const now = clock();
    let delay = pollMs;
    if (next !== undefined && next > now) delay = Math.min(delay, next - now);
    const held = groups.nextWakeAfter(now);
    if (held !== undefined) delay = Math.min(delay, held - now);
    arm(delay);
  }

  // A timer already due no later than asked is kept: waking early only makes a pass look again, and every pass
  // (one per commit that puts jobs and one per finished job) would otherwise cancel and re-create it.
  function arm(delay: number): void {
    if (!started || stopped) return;
    const at = clock() + Math.max(1, delay);
    if (timer && timerAt <= at) return;
    timer?.cancel();
    timerAt = at;
    timer = time.setTimeout(
      () => {
        timer = undefined;
        wake();
      },
      Math.max(1, delay),
    );
  }

  function wake(): void {
    if (started && !stopped) void pump();
  }

  return {
    start() {
      if (stopped) throw new Error('outbox was stopped; create a new one');
      if (started) return;
      started = true;
      wake();
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      timer = undefined;
      await pumping;
      // The heartbeat keeps running meanwhile: the jobs being finished stay leased to this instance.
      await Promise.all(inFlight.values());
      heartbeat?.cancel();
      heartbeat = undefined;
    },
    wake,
    async drain(timeoutMs = 5_000) {
      // Real time on purpose: the timeout bounds real I/O (handlers, the store), which a fake clock cannot hurry.
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const launched = await pump();
        if (launched === 0 && inFlight.size === 0) return;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`outbox drain timed out after ${timeoutMs} ms with ${inFlight.size} jobs running`);
        if (inFlight.size > 0) await raceWithTimeout([...inFlight.values()], left);
      }
    },
    stats() {
      return {
        running: inFlight.size,
        runningByKind: Object.fromEntries([...runningByKind].filter(([, n]) => n > 0)),
        ...counters,
      };
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function raceWithTimeout(work: Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([...work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
