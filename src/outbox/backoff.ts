// Retry delays of outbox jobs: full-jitter exponential backoff (src/retry.ts), which spreads retries of many
// failed jobs instead of sending them back in step.
import { fullJitter } from '../retry.js';

export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseMs: number;
  /** Largest delay, however many attempts failed. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 15 * 60_000 };

/** The delay before the next try after `attempts` failures (ceiling 1 → baseMs, 2 → 2·baseMs, … maxMs); at least 1 ms. */
export function backoffDelay(attempts: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  return Math.max(1, fullJitter(attempts - 1, options.baseMs, options.maxMs, random));
}
