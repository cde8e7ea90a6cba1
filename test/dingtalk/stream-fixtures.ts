// Shared by the Stream connection tests (stream-*.test.ts), which run against the DingTalk simulator (and a raw socket
// for frames the simulator never sends): the suite with its hooks, the connection under test and the fake clock's drivers.
import type { Test } from 'uvu';
import { suite } from '../support/suite.js';
import type { InboundEvent } from '../../src/bot/inbound.js';
import { createStreamConnection, type StreamConnection, type StreamOptions } from '../../src/dingtalk/stream.js';
import { FakeClock } from '../../src/fake-clock.js';
import { startDingTalkSimulator, type DingTalkSimulator, type SimOptions } from '../../src/sandbox/dingtalk/index.js';
import { captureLogger, delay, waitFor, type LogLine } from '../fixtures/dingtalk/harness.js';
import type { RawStreamServer } from '../fixtures/dingtalk/raw-stream-server.js';

export interface Context {
  sim?: DingTalkSimulator;
  raw?: RawStreamServer;
  streams: StreamConnection[];
  events: InboundEvent[];
  lines: LogLine[];
  /** Runs the connection's backoff, watchdog and healthy-after timers; the test moves it. */
  clock: FakeClock;
}

// dingtalk-stream 2.1.5 writes to the console on every connect, disconnect and failed handshake.
const quiet = { info: console.info, warn: console.warn };
const sdkNoise = (args: unknown[]) => /connect success|^Disconnecting\.$|^ERROR$/.test(String(args[0]));

/** A suite of Stream connection tests: the SDK's console noise muted, and each test's connections and servers closed. */
export function streamSuite(name: string): Test<Context> {
  const stream = suite<Context>(name, { streams: [], events: [], lines: [] } as unknown as Context);
  stream.before(() => {
    console.info = (...args: unknown[]) => void (sdkNoise(args) || quiet.info(...args));
    console.warn = (...args: unknown[]) => void (sdkNoise(args) || quiet.warn(...args));
  });
  stream.after(() => {
    Object.assign(console, quiet);
  });

  stream.before.each((ctx) => {
    ctx.sim = undefined;
    ctx.raw = undefined;
    ctx.streams = [];
    ctx.events = [];
    ctx.lines = [];
    ctx.clock = new FakeClock();
  });

  stream.after.each(async (ctx) => {
    await Promise.all(ctx.streams.map((s) => s.stop()));
    await ctx.sim?.close();
    await ctx.raw?.close();
  });
  return stream;
}

export async function simulator(ctx: Context, options: SimOptions = {}): Promise<DingTalkSimulator> {
  ctx.sim = await startDingTalkSimulator({ pingIntervalMs: 0, ...options });
  return ctx.sim;
}

export function connect(ctx: Context, overrides: Partial<StreamOptions> = {}): StreamConnection {
  const { logger, lines } = captureLogger();
  ctx.lines = lines;
  const connection = createStreamConnection({
    clientId: ctx.sim?.clientId ?? 'raw-id',
    clientSecret: ctx.sim?.clientSecret ?? 'raw-secret',
    apiBase: ctx.sim?.baseUrl ?? ctx.raw?.baseUrl ?? '',
    logger,
    handle: async (event) => {
      ctx.events.push(event);
    },
    clock: ctx.clock,
    backoff: { baseMs: 20, maxMs: 200, jitter: 'full' },
    healthyAfterMs: 100,
    watchdogMs: 2_000,
    drainMs: 2_000,
    ...overrides,
  });
  ctx.streams.push(connection);
  connection.start();
  return connection;
}

/** Moves the fake clock timer by timer until `done` holds; while no timer is pending, real I/O is under way: poll. */
export async function runUntil(ctx: Context, what: string, done: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    if (ctx.clock.pending() > 0) await ctx.clock.tick();
    else await delay(2); // real I/O (a gateway call, a handshake) is in flight: poll
  }
}

/**
 * Moves the fake clock by `ms`, one due timer at a time. `busy` says real I/O started by a timer (a connect
 * attempt, an unanswered keep-alive ping) is still in flight: the clock waits for it before moving on.
 */
export async function runFor(ctx: Context, ms: number, busy: () => boolean): Promise<void> {
  const end = ctx.clock.now() + ms;
  for (;;) {
    await waitFor('the I/O started by the last timer', () => !busy(), 3_000, 2);
    const next = ctx.clock.nextAt();
    if (next === undefined || next > end) break;
    await ctx.clock.advance(next - ctx.clock.now());
  }
  await ctx.clock.advance(end - ctx.clock.now());
  await waitFor('the I/O started by the last timer', () => !busy(), 3_000, 2);
}

/** A connect attempt is in flight: the gateway was called but no retry timer is armed and no socket is open. */
export const connecting = (ctx: Context, connection: StreamConnection) => connection.state() === 'connecting' && ctx.clock.pending() === 0;
/** Keep-alive pings not yet answered (the stream logs both at debug level). */
export const unanswered = (ctx: Context) =>
  ctx.lines.filter((l) => /keep-alive ping sent/.test(l.msg)).length - ctx.lines.filter((l) => /keep-alive answered/.test(l.msg)).length;

export const user = (sim: DingTalkSimulator) => sim.org.users[0]?.userid ?? 'missing-user';
export const acksFor = (sim: DingTalkSimulator, messageId: string) => sim.acks.filter((a) => a.messageId === messageId);
