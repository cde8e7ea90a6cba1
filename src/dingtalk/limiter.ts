// The bot's own ceiling on OpenAPI calls (DINGTALK_QPS): DingTalk allows 20 calls/s per app per API (§6.2)
// and answers 403 QpsLimit beyond it, so calls are spaced out per API before they leave the process.
// Broadcast sends ask with a low priority: a reply to a person waiting in the same API's queue goes first,
// so a notice to 10,000 people takes what the conversations leave of the rate and never starves them.
// DINGTALK_QPS is the app's limit, not a process's: with REDIS_URL every instance schedules through one
// Bottleneck cluster per API on Redis, so the instances together stay under it; without it each process
// keeps its own limiters.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import Bottleneck from 'bottleneck';
import type { Redis as RedisClient } from 'ioredis';

// ioredis is loaded only with REDIS_URL: a single instance (the common case) does not pay its load at every start.
const require = createRequire(import.meta.url);

/** How a call queues: per API (`key`, default one shared queue) and by priority (`low` = notices). */
export interface LimitOptions {
  key?: string;
  priority?: 'normal' | 'low';
}

/** Runs tasks no faster than the configured rate per API. */
export interface Limiter {
  schedule<T>(task: () => Promise<T>, options?: LimitOptions): Promise<T>;
  /**
   * Waits until a call to `key` may leave, as measured at the wire: work a task does between getting its
   * slot and sending (a notice records "sending" first) must not bunch two calls closer than the spacing; shared
   * through Redis, the cluster's calls of the last second must also leave room.
   */
  pace(key: string): Promise<void>;
  /** DingTalk throttled a call to `key`: that API slows down (twice the spacing, at most 1 call/s). */
  throttled(key: string): void;
  /** A call to `key` went through: its spacing creeps back towards the configured rate. */
  succeeded(key: string): void;
  /** Resolves once the limiter can schedule (connected to Redis when shared); rejects when it cannot. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Where the limit lives: in the process, or shared through Redis (REDIS_URL). */
export interface LimiterOptions {
  /** Share the limit with every instance using the same Redis and `id`. */
  redisUrl?: string;
  /** The shared limit's name in Redis: one per DingTalk app (default `yiciban-dingtalk`); `:<api>` is appended. */
  id?: string;
  /** Told about Redis connection errors (calls fail meanwhile, and the outbox retries them). */
  onError?: (error: unknown) => void;
}

/** The span of the cluster's shared call window (see WINDOW_SCRIPT). */
const WINDOW_MS = 1_200;

// Bottleneck: priority 0 runs first; 5 is its default.
const PRIORITY = { normal: 4, low: 8 } as const;

// The cluster's last second of calls to one API, in Redis (a sorted set scored by Redis's own clock): a call leaves
// only while fewer than ARGV[1] left within the last ARGV[2] ms; otherwise the answer is how long to wait. Bottleneck
// spaces the grants, but an instance stalled by its machine runs the grants it got meanwhile at once, next to the
// other instances' calls on time: this window, checked just before the call, keeps such a burst under the limit.
const WINDOW_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tonumber(oldest[2]) + window - now + 1`;

/** One limiter per OpenAPI client (the composition root makes one client per process). */
export function createLimiter(qps: number, options: LimiterOptions = {}): Limiter {
  // Even spacing (minTime) never exceeds the rate in any one-second window, unlike a refilled reservoir.
  // 2 % under the rate: calls spaced exactly 1000/qps apart reach DingTalk's one-second window with jitter,
  // and the (qps+1)-th can land inside the first one's second. Shared through Redis, a call leaves its process
  // a few to some tens of milliseconds after Redis granted it, so the headroom is 10 %.
  const base = Math.ceil((options.redisUrl ? 1100 : 1020) / qps);
  // A connection handed to Bottleneck is ours to end; Bottleneck duplicates the client for its subscriber.
  const Redis = options.redisUrl ? (require('ioredis') as typeof import('ioredis')).Redis : undefined;
  const client: RedisClient | undefined = Redis && new Redis(options.redisUrl!, { maxRetriesPerRequest: 2 });
  const connection = client
    ? new Bottleneck.IORedisConnection({ Redis, client } as unknown as Bottleneck.IORedisConnectionOptions)
    : undefined;
  const limiters = new Map<string, Bottleneck>();
  // At most the limit less 5 % leave the cluster in any 1.2 s: DingTalk counts calls as they arrive, and a path that
  // stalls for a moment (a busy machine, the network) delivers calls sent over a longer span within one second.
  const perWindow = Math.max(1, Math.floor(qps * 0.95));
  const name = options.id ?? 'yiciban-dingtalk';
  let calls = 0;
  const gate = async (key: string): Promise<void> => {
    if (!client) return;
    const member = `${process.pid}:${randomUUID()}:${(calls += 1)}`;
    for (;;) {
      const wait = Number(await client.eval(WINDOW_SCRIPT, 1, `yiciban:window:${name}:${key}`, perWindow, WINDOW_MS, member));
      if (wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  // Spacing per API: the configured one, widened while DingTalk throttles (its advice: wait and retry, §6.2).
  const spacing = new Map<string, number>();
  const limiterFor = (key: string): Bottleneck => {
    let limiter = limiters.get(key);
    if (limiter) return limiter;
    limiter = connection
      ? new Bottleneck({
          minTime: base,
          maxConcurrent: null,
          id: `${options.id ?? 'yiciban-dingtalk'}:${key}`,
          datastore: 'ioredis',
          // The cluster's timing lives in Redis; a starting instance joins it instead of resetting it.
          clearDatastore: false,
          // A job of a killed instance frees its place after a minute rather than never.
          timeout: 60_000,
          connection,
        })
      : new Bottleneck({ minTime: base, maxConcurrent: null });
    limiter.on('error', (error) => options.onError?.(error));
    limiters.set(key, limiter);
    return limiter;
  };
  const respace = (key: string, ms: number) => {
    const next = Math.round(Math.min(Math.max(ms, base), Math.max(base, 1000)));
    if (next === (spacing.get(key) ?? base)) return;
    spacing.set(key, next);
    limiterFor(key).updateSettings({ minTime: next });
  };
  const leaves = new Map<string, number>();
  return {
    pace: async (key) => {
      const now = performance.now();
      const at = Math.max(now, leaves.get(key) ?? 0);
      leaves.set(key, at + (spacing.get(key) ?? base));
      if (at > now) await new Promise((resolve) => setTimeout(resolve, Math.ceil(at - now)));
      await gate(key);
    },
    schedule: (task, options = {}) => limiterFor(options.key ?? '*').schedule({ priority: PRIORITY[options.priority ?? 'normal'] }, task),
    throttled: (key) => respace(key, (spacing.get(key) ?? base) * 2),
    succeeded: (key) => {
      const current = spacing.get(key);
      if (current !== undefined && current > base) respace(key, current * 0.8);
    },
    ready: async () => {
      if (!client) return;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error('no answer from Redis within 10 s')), 10_000)),
      );
      try {
        await Promise.race([
          limiterFor('*')
            .ready()
            .then(() => client.ping()),
          late,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      await Promise.all([...limiters.values()].map((limiter) => limiter.stop({ dropWaitingJobs: true }).catch(() => undefined)));
      if (!connection || !client) return;
      await Promise.all([...limiters.values()].map((limiter) => Promise.resolve(limiter.disconnect(true)).catch(() => undefined)));
      await Promise.resolve(connection.disconnect(true)).catch(() => undefined);
      if (client.status !== 'end') client.disconnect();
    },
  };
}
