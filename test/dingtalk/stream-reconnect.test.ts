import * as assert from 'uvu/assert';
import { createStreamConnection } from '../../src/dingtalk/stream.js';
import { captureLogger, waitFor } from '../fixtures/dingtalk/harness.js';
import { acksFor, connect, connecting, runFor, runUntil, simulator, unanswered, user, streamSuite } from './stream-fixtures.js';

const stream = streamSuite('dingtalk stream connection: reconnection and backoff');

stream('reconnects after the socket is cut, with a bounded number of gateway calls', async (ctx) => {
  const sim = await simulator(ctx);
  const connection = connect(ctx);
  await waitFor('connected', () => connection.state() === 'connected');
  for (let i = 0; i < 3; i++) {
    sim.cutSockets();
    await runUntil(
      ctx,
      'reconnected',
      () => sim.gatewayOpens() === i + 2 && connection.state() === 'connected' && sim.connectionCount() === 1,
    );
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
    clientId: sim.clientId,
    clientSecret: 'wrong-secret',
    apiBase: sim.baseUrl,
    logger,
    handle: async () => undefined,
    clock: ctx.clock,
    backoff: { baseMs: 10, maxMs: 300, jitter: 'full' },
    healthyAfterMs: 100,
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

stream.run();
