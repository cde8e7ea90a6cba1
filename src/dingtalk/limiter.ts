// The bot's own ceiling on OpenAPI calls (DINGTALK_QPS): DingTalk allows 20 calls/s per app per API (§6.2)
// and answers 403 QpsLimit beyond it, so calls are spaced out before they leave the process. DINGTALK_QPS is
// the app's limit, not a process's: with REDIS_URL every instance schedules through one Bottleneck cluster on
// Redis, so the instances together stay under it; without it the limiter is local to the process.
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';

/** Runs tasks no faster than the configured rate. */
export interface Limiter {
  schedule<T>(task: () => Promise<T>): Promise<T>;
  /** Resolves once the limiter can schedule (connected to Redis when clustered); rejects when it cannot. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface LimiterOptions {
  /** Share the limit with every instance using the same Redis and `id` (REDIS_URL). */
  redisUrl?: string;
  /** The shared limit's name in Redis: one per DingTalk app (default `yiciban-dingtalk`). */
  id?: string;
  /** Told about Redis connection errors (a call fails meanwhile, and the outbox retries it). */
  onError?: (error: unknown) => void;
}

/** One limiter per OpenAPI client (the composition root makes one client per process). */
export function createLimiter(qps: number, options: LimiterOptions = {}): Limiter {
  // Even spacing (minTime) never exceeds the rate in any one-second window, unlike a refilled reservoir.
  // Shared through Redis, a call leaves its process a few to some tens of milliseconds after Redis granted it,
  // so the spacing at DingTalk wobbles; 10 % headroom keeps any one second under the limit all the same.
  const spacing = options.redisUrl ? 1100 / qps : 1000 / qps;
  const settings: Bottleneck.ConstructorOptions = { minTime: Math.ceil(spacing), maxConcurrent: null };
  let client: Redis | undefined;
  let connection: Bottleneck.IORedisConnection | undefined;
  let bottleneck: Bottleneck;
  if (options.redisUrl) {
    // Bottleneck duplicates this client for its subscriber; a connection handed to Bottleneck is ours to end.
    client = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
    connection = new Bottleneck.IORedisConnection({ Redis, client } as unknown as Bottleneck.IORedisConnectionOptions);
    bottleneck = new Bottleneck({
      ...settings,
      id: options.id ?? 'yiciban-dingtalk',
      datastore: 'ioredis',
      // The cluster's settings and timing live in Redis; a starting instance joins them instead of resetting.
      clearDatastore: false,
      // A job of a killed instance frees its place after a minute rather than never.
      timeout: 60_000,
      connection,
    });
    bottleneck.on('error', (error) => options.onError?.(error));
  } else {
    bottleneck = new Bottleneck(settings);
  }
  return {
    schedule: (task) => bottleneck.schedule(task),
    ready: async () => {
      if (!client) return;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer from Redis within 10 s')), 10_000)));
      try {
        await Promise.race([bottleneck.ready().then(() => client!.ping()), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      await bottleneck.stop({ dropWaitingJobs: true }).catch(() => undefined);
      // A local limiter has nothing to disconnect; a clustered one ends its Redis connections here.
      await Promise.resolve(bottleneck.disconnect(true)).catch(() => undefined);
      await Promise.resolve(connection?.disconnect(true)).catch(() => undefined);
      if (client && client.status !== 'end') client.disconnect();
    },
  };
}
