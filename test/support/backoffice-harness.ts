// Shared test helpers for the outbox, back-office and e-licence tests (the settable clock is src/fake-clock.ts): a silent logger,
// job factories and a loopback server.
import { pino } from 'pino';
import type { JobKind, OutboxJob } from '../../src/store/store.js';

export const silentLogger = pino({ level: 'silent' });

let sequence = 0;

/** A pending job due now; ids sort in creation order. */
export function job(clock: () => number, overrides: Partial<OutboxJob> = {}): OutboxJob {
  sequence += 1;
  const id = overrides.id ?? `job-${String(sequence).padStart(5, '0')}`;
  const kind: JobKind = overrides.kind ?? 'dingtalk.message';
  return { id, kind, key: id, payload: { n: sequence }, attempts: 0, nextAt: clock(), createdAt: clock(), ...overrides };
}

/** A promise with its resolve function, for handlers the test releases by hand. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Serves a koa app (or any request listener) on 127.0.0.1 with a free port. */
export async function serve(app: { callback(): import('node:http').RequestListener }) {
  const { createServer } = await import('node:http');
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
