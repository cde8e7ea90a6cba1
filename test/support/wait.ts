// Polling for effects that happen elsewhere (a simulator, another process): one helper for every test.
import { sleep } from '../../src/clock.js';

/** Polls `predicate` until it holds; fails with `what` after the timeout. */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  for (;;) {
    const value = await predicate();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'condition'}`);
    await sleep(options.intervalMs ?? 15); // real time: the poll interval of a wait for real I/O
  }
}
