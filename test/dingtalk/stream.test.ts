// The Stream connection against the DingTalk simulator (and a raw socket for frames the simulator never sends).
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { InboundEvent } from '../../src/bot/inbound.js';
import { createStreamConnection, type StreamConnection, type StreamOptions } from '../../src/dingtalk/stream.js';
import { FakeClock } from '../../src/fake-clock.js';
import { startDingTalkSimulator, type DingTalkSimulator, type SimOptions } from '../../src/sandbox/dingtalk/index.js';
import { callbackFrame, fixtureData } from '../fixtures/dingtalk/frames.js';
import { captureLogger, delay, streamSettled, waitFor, type LogLine } from '../fixtures/dingtalk/harness.js';
import { startRawStreamServer, type RawStreamServer } from '../fixtures/dingtalk/raw-stream-server.js';

interface Context {
  sim?: DingTalkSimulator;
  raw?: RawStreamServer;
  streams: StreamConnection[];
  events: InboundEvent[];
  lines: LogLine[];
  /** Runs the connection's backoff, watchdog and healthy-after timers; the test moves it. */
  clock: FakeClock;
}

const stream = suite<Context>('dingtalk stream connection', { streams: [], events: [], lines: [] } as unknown as Context);

// dingtalk-stream 2.1.5 writes to the console on every connect, disconnect and failed handshake.
const quiet = { info: console.info, warn: console.warn };
const sdkNoise = (args: unknown[]) => /connect success|^Disconnecting\.$|^ERROR$/.test(String(args[0]));
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

async function simulator(ctx: Context, options: SimOptions = {}): Promise<DingTalkSimulator> {
  ctx.sim = await startDingTalkSimulator({ pingIntervalMs: 0, ...options });
  return ctx.sim;
}

function connect(ctx: Context, overrides: Partial<StreamOptions> = {}): StreamConnection {
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
async function runUntil(ctx: Context, what: string, done: () => boolean, timeoutMs = 3_000): Promise<void> {
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
async function runFor(ctx: Context, ms: number, busy: () => boolean): Promise<void> {
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
const connecting = (ctx: Context, connection: StreamConnection) => connection.state() === 'connecting' && ctx.clock.pending() === 0;
/** Keep-alive pings not yet answered (the stream logs both at debug level). */
const unanswered = (ctx: Context) =>
  ctx.lines.filter((l) => /keep-alive ping sent/.test(l.msg)).length - ctx.lines.filter((l) => /keep-alive answered/.test(l.msg)).length;

const user = (sim: DingTalkSimulator) => sim.org.users[0]?.userid ?? 'missing-user';
const acksFor = (sim: DingTalkSimulator, messageId: string) => sim.acks.filter((a) => a.messageId === messageId);

stream('subscribes to robot messages and card callbacks and reports connected', async (ctx) => {
  const sim = await simulator(ctx);
  const connection = connect(ctx);
  assert.is(connection.state(), 'connecting');
  await waitFor('connected', () => connection.state() === 'connected');
  const open = sim.calls.find((c) => c.path === '/v1.0/gateway/connections/open');
  assert.equal((open?.body as { subscriptions: unknown[] } | undefined)?.subscriptions, [
    { type: 'EVENT', topic: '*' },
    { type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
    { type: 'CALLBACK', topic: '/v1.0/card/instances/callback' },
  ]);
  assert.match(open?.headers.accept ?? '', /application\/json/);
  await connection.stop();
  assert.is(connection.state(), 'stopped');
  await waitFor('socket closed', () => sim.connectionCount() === 0);
});

stream('acknowledges a message exactly once, only after handle resolves', async (ctx) => {
  const sim = await simulator(ctx);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const connection = connect(ctx, {
    handle: async (event) => {
      ctx.events.push(event);
      await gate;
    },
  });
  await waitFor('connected', () => connection.state() === 'connected');
  const { messageId, msgId } = sim.injectMessage({ userId: user(sim), text: '  办理营业执照 ' });
  await waitFor('handled', () => ctx.events.length === 1);
  await streamSettled(sim);
  assert.is(acksFor(sim, messageId).length, 0, 'no ACK before handle resolves');
  release();
  await waitFor('ACK', () => acksFor(sim, messageId).length === 1);
  await streamSettled(sim);
  assert.is(acksFor(sim, messageId).length, 1);
  assert.is(acksFor(sim, messageId)[0]?.code, 200);
  const event = ctx.events[0];
  assert.is(event?.kind, 'message');
  if (event?.kind === 'message') {
    assert.is(event.id, msgId);
    assert.is(event.text, '办理营业执照');
    assert.is(event.sender.userId, user(sim));
  }
});

stream('never acknowledges twice when the same push arrives again while it is being handled', async (ctx) => {
  const sim = await simulator(ctx);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const connection = connect(ctx, {
    handle: async (event) => {
      ctx.events.push(event);
      await gate;
    },
  });
  await waitFor('connected', () => connection.state() === 'connected');
  const { messageId } = sim.injectMessage({ userId: user(sim), text: '重复推送' });
  await waitFor('handled', () => ctx.events.length === 1);
  sim.redeliver(messageId, { sameMessageId: true });
  await waitFor('second copy on the wire', () => sim.frames.filter((f) => f.messageId === messageId).length === 2);
  await streamSettled(sim);
  release();
  await waitFor('ACK', () => acksFor(sim, messageId).length === 1);
  await streamSettled(sim);
  assert.is(ctx.events.length, 1);
  assert.is(acksFor(sim, messageId).length, 1);
});

stream('does not acknowledge when handle throws, and handles the redelivery', async (ctx) => {
  const sim = await simulator(ctx, { redeliverAfterMs: 150 });
  let calls = 0;
  const connection = connect(ctx, {
    handle: async (event) => {
      calls += 1;
      ctx.events.push(event);
      if (calls === 1) throw new Error('store unavailable');
    },
  });
  await waitFor('connected', () => connection.state() === 'connected');
  const first = sim.injectMessage({ userId: user(sim), text: '查询' });
  await waitFor('redelivery handled', () => calls === 2);
  await waitFor('ACK of the redelivery', () => sim.acks.length === 1);
  assert.is(acksFor(sim, first.messageId).length, 0);
  assert.is(ctx.events[0]?.id, ctx.events[1]?.id, 'redelivery keeps the dedupe id');
  assert.ok(ctx.lines.some((l) => l.level === 50 && /not acknowledged/.test(l.msg)));
});

stream('reconnects after the socket is cut, with a bounded number of gateway calls', async (ctx) => {
  const sim = await simulator(ctx);
  const connection = connect(ctx);
  await waitFor('connected', () => connection.state() === 'connected');
  for (let i = 0; i < 3; i++) {
    sim.cutSockets();
    await runUntil(ctx, 'reconnected', () => sim.gatewayOpens() === i + 2 && connection.state() === 'connected' && sim.connectionCount() === 1);
  }
  assert.is(sim.gatewayOpens(), 4);
  const { messageId } = sim.injectMessage({ userId: user(sim), text: '还在吗' });
  await waitFor('ACK after reconnect', () => acksFor(sim, messageId).length === 1);
});

stream('retries a refused handshake with backoff instead of a storm', async (ctx) => {
  // Tickets that expire at once: every WebSocket upgrade is refused with 401 after a successful gateway call.
  const sim = await simulator(ctx, { ticketTtlMs: 0 });
  const connection = connect(ctx, { backoff: { baseMs: 50, maxMs: 200, jitter: 'full' }, healthyAfterMs: 100 });
  await runFor(ctx, 1_000, () => connecting(ctx, connection));
  const opens = sim.gatewayOpens();
  assert.ok(opens >= 3, `kept trying (${opens})`);
  // 2.1.5's own loop doubles each time (1, 3, 7, … 63 calls within 6 s); ours makes one call per delay.
  assert.ok(opens <= 25, `bounded retries (${opens})`);
  assert.is(sim.connectionCount(), 0);
});

stream('comes back when the simulator restarts on the same port', async (ctx) => {
  const sim = await simulator(ctx);
  const port = Number(new URL(sim.baseUrl).port);
  const connection = connect(ctx);
  await waitFor('connected', () => connection.state() === 'connected');
  await sim.close();
  ctx.sim = undefined;
  await waitFor('disconnect noticed', () => connection.state() === 'connecting');
  await runFor(ctx, 300, () => connecting(ctx, connection));
  const restarted = await simulator(ctx, { port });
  await runUntil(ctx, 'reconnected', () => connection.state() === 'connected', 3_000);
  assert.ok(restarted.gatewayOpens() >= 1 && restarted.gatewayOpens() <= 3);
  const { messageId } = restarted.injectMessage({ userId: user(restarted), text: '你好' });
  await waitFor('ACK', () => acksFor(restarted, messageId).length === 1);
});

stream('reconnects when the socket goes silent, but keeps a quiet healthy one', async (ctx) => {
  const sim = await simulator(ctx);
  const connection = connect(ctx, { watchdogMs: 300 });
  await waitFor('connected', () => connection.state() === 'connected');
  await runFor(ctx, 900, () => unanswered(ctx) > 0);
  assert.is(sim.gatewayOpens(), 1, 'pongs keep a quiet connection alive');
  sim.silence(true);
  await runUntil(ctx, 'watchdog reconnect', () => sim.gatewayOpens() === 2, 2_000);
  await runUntil(ctx, 'connected again', () => connection.state() === 'connected');
  assert.ok(ctx.lines.some((l) => /silent/.test(l.msg)));
  const { messageId } = sim.injectMessage({ userId: user(sim), text: '在吗' });
  await waitFor('ACK on the new socket', () => acksFor(sim, messageId).length === 1);
});

stream('opens the new connection before the old one closes on a SYSTEM disconnect', async (ctx) => {
  const sim = await simulator(ctx);
  const connection = connect(ctx);
  await waitFor('connected', () => connection.state() === 'connected');
  sim.sendDisconnect({ closeAfterMs: 400 });
  await waitFor('two connections at once', () => sim.connectionCount() === 2);
  assert.is(connection.state(), 'connected');
  await waitFor('old one closed', () => sim.connectionCount() === 1, 2_000);
  assert.is(sim.gatewayOpens(), 2);
  const { messageId } = sim.injectMessage({ userId: user(sim), text: '交接后' });
  await waitFor('ACK on the new connection', () => acksFor(sim, messageId).length === 1);
  await runFor(ctx, 300, () => connecting(ctx, connection));
  assert.is(sim.gatewayOpens(), 2, 'no extra reconnect when the old socket closes');
});

stream('logs one clear error for a bad secret and does not retry in a loop', async (ctx) => {
  const sim = await simulator(ctx);
  const { logger, lines } = captureLogger();
  const watched = createStreamConnection({
    clientId: sim.clientId, clientSecret: 'wrong-secret', apiBase: sim.baseUrl, logger, handle: async () => undefined,
    clock: ctx.clock, backoff: { baseMs: 10, maxMs: 300, jitter: 'full' }, healthyAfterMs: 100,
  });
  ctx.streams.push(watched);
  watched.start();
  await runFor(ctx, 1_000, () => connecting(ctx, watched));
  const opens = sim.gatewayOpens();
  assert.ok(opens >= 1 && opens <= 5, `waits at the cap between attempts (${opens})`);
  const errors = lines.filter((l) => l.level >= 50);
  assert.is(errors.length, 1);
  assert.match(errors[0]?.msg ?? '', /DINGTALK_CLIENT_ID\/DINGTALK_CLIENT_SECRET/);
  assert.is(watched.state(), 'connecting');
});

stream('drops malformed frames and keeps processing the next good one', async (ctx) => {
  ctx.raw = await startRawStreamServer();
  const raw = ctx.raw;
  const connection = connect(ctx);
  await waitFor('connected', () => connection.state() === 'connected');
  const junk = [
    '{not json',
    'null',
    '[]',
    '{"type":"CALLBACK"}',
    '{"type":"CALLBACK","headers":{}}',
    '{"type":"SYSTEM","headers":null}',
    JSON.stringify({ type: 'CALLBACK', headers: { topic: 'error', messageId: 'm-err' }, data: '{}' }),
    JSON.stringify({ type: 'CALLBACK', headers: { topic: '/v1.0/unknown', messageId: 'm-unknown' }, data: '{}' }),
    JSON.stringify({ type: 'CALLBACK', headers: { topic: '/v1.0/im/bot/messages/get' }, data: '{}' }),
    'x'.repeat(1024 * 1024),
  ];
  for (const text of junk) raw.send(text);
  raw.send(JSON.stringify(callbackFrame('/v1.0/im/bot/messages/get', '{"broken', { messageId: 'm-bad-data' })));
  raw.send(JSON.stringify(callbackFrame('/v1.0/im/bot/messages/get', fixtureData('robot-text-single'), { messageId: 'm-good' })));
  await waitFor('good frame handled and ACKed', () => raw.received.some((f) => f.headers?.messageId === 'm-good'));
  assert.is(ctx.events.length, 1);
  assert.is(ctx.events[0]?.id, 'msgSingle0001==');
  const ack = raw.received.find((f) => f.headers?.messageId === 'm-good');
  assert.equal(JSON.parse(ack?.data ?? ''), { response: {} });
  // Unreadable data is ACKed (a redelivery would not help); frames without a messageId cannot be.
  assert.ok(raw.received.some((f) => f.headers?.messageId === 'm-bad-data'));
  assert.not.ok(raw.received.some((f) => f.headers?.messageId === 'm-err' || f.headers?.messageId === 'm-unknown'));
  assert.is(raw.opens(), 1, 'the same connection survived');
  assert.is(raw.sockets(), 1);
  assert.ok(ctx.lines.filter((l) => /malformed/.test(l.msg)).length >= junk.length);
});

stream('answers pings and acknowledges events through the SDK', async (ctx) => {
  const sim = await simulator(ctx, { pingIntervalMs: 50 });
  const connection = connect(ctx);
  await waitFor('connected', () => connection.state() === 'connected');
  await waitFor('ping echoed', () => sim.acks.some((a) => a.topic === 'ping'));
  const { messageId } = sim.pushEvent('user_add_org', { userId: ['u1'] });
  await waitFor('event ACK', () => acksFor(sim, messageId).length === 1);
  assert.equal(acksFor(sim, messageId)[0]?.data, { status: 'SUCCESS' });
});

stream.run();
