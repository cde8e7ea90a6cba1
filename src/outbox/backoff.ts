// Retry delays: exponential backoff with "full jitter" (a random delay between 0 and the exponential cap),
// which spreads retries of many failed jobs instead of sending them back in step.

export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseMs: number;
  /** Largest delay, however many attempts failed. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 15 * 60_000 };

/** The ceiling for the retry after `attempts` failures (1 → baseMs, 2 → 2·baseMs, …, capped at maxMs). */
export function backoffCeiling(attempts: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 52);
  return Math.min(options.maxMs, options.baseMs * 2 ** exponent);
}

/** The delay before the next try after `attempts` failures; `random` in [0, 1). At least 1 ms. */
export function backoffDelay(attempts: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  return Math.max(1, Math.floor(random() * backoffCeiling(attempts, options)));
}
