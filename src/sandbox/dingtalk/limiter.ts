// DingTalk's per-app, per-API QPS limit (20/s on standard orgs, §6.2) as a sliding one-second window.

/** Counts accepted calls per key over the last second. Uses the real clock, not SimOptions.now: a frozen test
 * clock would otherwise never let the window slide. */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private qps: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  setQps(qps: number): void {
    this.qps = qps;
  }

  /** Records the call and says whether it is within the limit (rejected calls are not counted). */
  allow(key: string): boolean {
    const now = this.clock();
    const recent = (this.hits.get(key) ?? []).filter((at) => now - at < 1000);
    const allowed = recent.length < this.qps;
    if (allowed) recent.push(now);
    this.hits.set(key, recent);
    return allowed;
  }
}
