// Retry timing shared by every loop that tries again: the Stream reconnects, OpenAPI calls, outbox jobs.

/** How long to wait before a retry: one shape for every retrying loop (Tuning passes it through unchanged). */
export interface BackoffPolicy {
  /** Ceiling of the first retry's delay. */
  baseMs: number;
  /** Largest ceiling, however many attempts failed. */
  maxMs: number;
  /** Growth of the ceiling per attempt (default 2). */
  factor?: number;
  /** No delay is shorter than this (default 0). */
  minMs?: number;
  /** Full jitter: a uniform delay in [0, ceiling), so many clients never retry in lock-step. */
  jitter: 'full';
}

/**
 * The delay before retry number `attempt` (0 = the first retry): a random delay in
 * [0, min(maxMs, baseMs·factor^attempt)) (AWS architecture blog, "Exponential Backoff And Jitter"), at least minMs.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * (policy.factor ?? 2) ** exponent);
  return Math.max(policy.minMs ?? 0, Math.floor(random() * ceiling));
}
