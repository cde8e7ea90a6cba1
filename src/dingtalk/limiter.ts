// The bot's own ceiling on OpenAPI calls (DINGTALK_QPS): DingTalk allows 20 calls/s per app per API (§6.2)
// and answers 403 QpsLimit beyond it, so calls are spaced out before they leave the process.
import Bottleneck from 'bottleneck';

/** Runs tasks no faster than the configured rate. */
export interface Limiter {
  schedule<T>(task: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** One limiter per OpenAPI client (the composition root makes one client per process). */
export function createLimiter(qps: number): Limiter {
  // Even spacing (minTime) never exceeds the rate in any one-second window, unlike a refilled reservoir.
  const bottleneck = new Bottleneck({ minTime: Math.ceil(1000 / qps), maxConcurrent: null });
  return {
    schedule: (task) => bottleneck.schedule(task),
    close: async () => {
      await bottleneck.stop({ dropWaitingJobs: true }).catch(() => undefined);
    },
  };
}
