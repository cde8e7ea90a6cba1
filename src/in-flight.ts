// Inbound events being handled, so that a stop lets the ones already taken commit before the store closes.

/** Counts running inbound events so a stop can wait for them to commit. */
export function createInFlight() {
  const running = new Set<Promise<unknown>>();
  return {
    track<T>(run: () => Promise<T>): Promise<T> {
      const promise = run();
      running.add(promise);
      void promise.finally(() => running.delete(promise)).catch(() => undefined);
      return promise;
    },
    settled: () => Promise.allSettled([...running]).then(() => undefined),
  };
}
