// The one clock: what time it is and when to wake up. Production runs on `systemClock`; tests (and a
// future sandbox "时间快进" control) pass a `FakeClock` (src/fake-clock.ts) and move time themselves.
// Which waits run on it: every wait that stands for the passing of time in the bot's own logic — outbox
// polls and retry backoff, Stream reconnect backoff, the watchdog, healthy-after, hand-over drains, OpenAPI
// retry pauses. Waits that bound real I/O (fetch and socket timeouts, a socket that will not close, outbox
// drain()'s timeout) and the OpenAPI QPS limiter stay on real time: a fake clock cannot make a socket answer
// sooner, and a frozen one must not make it wait forever.

/** A scheduled callback that can be called off. */
export interface Timer {
  cancel(): void;
}

/** Now in epoch ms plus timers; the only time source of the stateful parts (outbox, Stream, DingTalk clients). */
export interface Clock {
  now(): number;
  /** Runs `fn` once after `ms`; cancel() before then and it never runs. */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Real time: Date.now and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  },
  sleep: (ms, signal) => sleepOn(systemClock, ms, signal),
};

/** Waits `ms` of real time (polling loops in tests, real-I/O waits). */
export function sleep(ms: number): Promise<void> {
  return systemClock.sleep(ms);
}

/** `sleep` for any clock, built on its setTimeout. */
export function sleepOn(clock: Pick<Clock, 'setTimeout'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      timer.cancel();
      reject(signal!.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
