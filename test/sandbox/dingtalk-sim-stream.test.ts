import { systemClock } from '../../src/clock.js';
import { FakeClock } from '../../src/fake-clock.js';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { startDingTalkSimulator, type DingTalkSimulator, type SimOptions } from '../../src/sandbox/dingtalk/index.js';
import { connectPeer, connectWithTicket, openGateway, until, type StreamPeer } from '../support/stream-peer.js';

interface Ctx {
  sim?: DingTalkSimulator;
  peers: StreamPeer[];
}

const test = suite<Ctx>('dingtalk simulator: stream', { peers: [] });

async function start(ctx: Ctx, options: SimOptions = {}): Promise<DingTalkSimulator> {
  ctx.sim = await startDingTalkSimulator({ pingIntervalMs: 0, redeliverAfterMs: 0, ...options });
  return ctx.sim;
}

async function peer(ctx: Ctx, options: Parameters<typeof connectPeer>[1] = {}): Promise<StreamPeer> {
  const connected = await connectPeer((ctx.sim as DingTalkSimulator).baseUrl, options);
  ctx.peers.push(connected);
  return connected;
}

test.after.each(async (ctx) => {
  for (const p of ctx.peers) await p.close();
  ctx.peers = [];
  await ctx.sim?.close();
  ctx.sim = undefined;
});

test('refuses bad credentials at the gateway with 401 authFailed and counts every open call', async (ctx) => {
  const sim = await start(ctx);
  const bad = await openGateway(sim.baseUrl, { clientSecret: 'wrong' });
  assert.is(bad.status, 401);
  assert.is(bad.body.code, 'authFailed');
  assert.type(bad.body.requestid, 'string');
  const good = await openGateway(sim.baseUrl);
  assert.is(good.status, 200);
  assert.match(good.body.endpoint, /^ws:\/\/127\.0\.0\.1:\d+\/connect$/);
  assert.is(sim.gatewayOpens(), 2);
});

test('answers XML when the gateway call lacks Accept: application/json, as the real gateway does', async (ctx) => {
  const sim = await start(ctx);
  const res = await fetch(`${sim.baseUrl}/v1.0/gateway/connections/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: sim.clientId, clientSecret: sim.clientSecret, subscriptions: [] }),
  });
  assert.match(res.headers.get('content-type') ?? '', /xml/);
  assert.match(await res.text(), /<ticket>[0-9a-f-]{36}<\/ticket>/);
});

test('accepts a ticket once, raw or URL-encoded, and refuses reuse, unknown and expired tickets with 401', async (ctx) => {
  let now = 1_700_000_000_000;
  const sim = await start(ctx, { clock: { ...systemClock, now: () => now }, ticketTtlMs: 90_000 });
  const { body } = await openGateway(sim.baseUrl);
  const first = await connectWithTicket(`${body.endpoint}?ticket=${encodeURIComponent(body.ticket)}`);
  ctx.peers.push(first);
  const reuse = await connectWithTicket(`${body.endpoint}?ticket=${body.ticket}`).catch((e) => e);
  assert.is(reuse.status, 401);
  const unknown = await connectWithTicket(`${body.endpoint}?ticket=nope`).catch((e) => e);
  assert.is(unknown.status, 401);
  const late = await openGateway(sim.baseUrl);
  now += 90_001;
  const expired = await connectWithTicket(`${late.body.endpoint}?ticket=${late.body.ticket}`).catch((e) => e);
  assert.is(expired.status, 401);
  assert.is(sim.connectionCount(), 1);
  assert.equal(
    sim.calls.filter((c) => c.path === '/connect').map((c) => c.status),
    [101, 401, 401, 401],
  );
});

test('pushes a robot message as a CALLBACK frame with string data and time, and records the ACK', async (ctx) => {
  const sim = await start(ctx);
  const p = await peer(ctx);
  const injected = sim.injectMessage({ userId: 'citizen-zhang', text: '办营业执照' });
  const frame = await p.next((f) => f.type === 'CALLBACK');
  assert.is(frame.specVersion, '1.0');
  assert.equal(Object.keys(frame.headers).sort(), ['appId', 'connectionId', 'contentType', 'messageId', 'time', 'topic']);
  assert.is(frame.headers.topic, '/v1.0/im/bot/messages/get');
  assert.is(frame.headers.messageId, injected.messageId);
  assert.match(frame.headers.time, /^\d{13}$/);
  assert.match(frame.headers.appId ?? '', /^[0-9a-f-]{36}$/);
  assert.type(frame.data, 'string');
  const data = JSON.parse(frame.data);
  assert.is(data.msgId, injected.msgId);
  assert.is(data.senderStaffId, 'citizen-zhang');
  assert.is(data.senderNick, '张三');
  assert.is(data.conversationType, '1');
  assert.is(data.conversationId, injected.conversationId);
  p.ack(frame.headers.messageId, { response: null });
  await until(() => sim.acks.length === 1);
  assert.is(sim.acks[0]?.topic, '/v1.0/im/bot/messages/get');
  assert.is(sim.acks[0]?.code, 200);
  assert.equal(sim.acks[0]?.data, { response: null });
});

test('re-pushes an unacknowledged message with the same msgId and a new messageId, up to the limit', async (ctx) => {
  const clock = new FakeClock();
  const sim = await start(ctx, { clock, redeliverAfterMs: 30, maxRedeliveries: 2 });
  const p = await peer(ctx);
  const injected = sim.injectMessage({ userId: 'citizen-li', text: '你好' });
  const isRobot = (f: { type: string }) => f.type === 'CALLBACK';
  await p.next(isRobot);
  await clock.advance(30);
  await p.next(isRobot, 2000, 1);
  await clock.advance(30);
  const third = await p.next(isRobot, 2000, 2);
  await clock.advance(1_000);
  assert.is(sim.frames.filter((f) => f.type === 'CALLBACK').length, 3, 'no push after the limit');
  const pushes = p.frames.filter(isRobot);
  assert.is(pushes.length, 3);
  assert.equal(
    pushes.map((f) => JSON.parse(f.data).msgId),
    [injected.msgId, injected.msgId, injected.msgId],
  );
  assert.is(new Set(pushes.map((f) => f.headers.messageId)).size, 3);
  p.ack(third.headers.messageId, { response: null });
  await until(() => sim.acks.length === 1);
});

test('stops re-pushing once acknowledged, and redeliver() can reuse the messageId on demand', async (ctx) => {
  const clock = new FakeClock();
  const sim = await start(ctx, { clock, redeliverAfterMs: 40 });
  const p = await peer(ctx);
  const { messageId } = sim.injectMessage({ userId: 'citizen-li', text: '你好' });
  await p.next((f) => f.type === 'CALLBACK');
  p.ack(messageId, { response: null });
  await until(() => sim.acks.length === 1);
  await clock.advance(1_000);
  assert.is(sim.frames.filter((f) => f.type === 'CALLBACK').length, 1);
  assert.is(p.frames.filter((f) => f.type === 'CALLBACK').length, 1);
  sim.redeliver(messageId, { sameMessageId: true });
  const again = await p.next((f) => f.type === 'CALLBACK', 1000, 1);
  assert.is(again.headers.messageId, messageId);
});

test('re-pushes an EVENT acknowledged with LATER but not one acknowledged with SUCCESS', async (ctx) => {
  const clock = new FakeClock();
  const sim = await start(ctx, { clock, redeliverAfterMs: 30, maxRedeliveries: 1 });
  const p = await peer(ctx);
  const later = sim.pushEvent('user_add_org', { userId: ['citizen-zhang'] });
  const first = await p.next((f) => f.type === 'EVENT');
  assert.is(first.headers.eventType, 'user_add_org');
  assert.ok(first.headers.eventId && first.headers.eventBornTime && first.headers.eventCorpId && first.headers.eventUnifiedAppId);
  p.ack(later.messageId, { status: 'LATER' });
  await until(() => sim.acks.length === 1);
  await clock.advance(30);
  const second = await p.next((f) => f.type === 'EVENT', 1000, 1);
  assert.equal(JSON.parse(second.data), { userId: ['citizen-zhang'] });
  p.ack(second.headers.messageId, { status: 'SUCCESS', message: 'ok' });
  await until(() => sim.acks.length === 2);
  await clock.advance(1_000);
  assert.is(sim.frames.filter((f) => f.type === 'EVENT').length, 2);
  assert.is(p.frames.filter((f) => f.type === 'EVENT').length, 2);
});

test('pings every interval and records the echo even with extra headers', async (ctx) => {
  const sim = await start(ctx, { pingIntervalMs: 20 });
  const p = await peer(ctx);
  const ping = await p.next((f) => f.headers.topic === 'ping');
  assert.is(ping.type, 'SYSTEM');
  assert.type(JSON.parse(ping.data).opaque, 'string');
  await until(() => sim.acks.some((a) => a.topic === 'ping'));
  const echo = sim.acks.find((a) => a.topic === 'ping');
  assert.equal(echo?.data, JSON.parse(ping.data));
});

test('sends a SYSTEM disconnect without messageId, stops routing there, and closes the socket later', async (ctx) => {
  const sim = await start(ctx);
  const p = await peer(ctx);
  sim.sendDisconnect({ closeAfterMs: 60 });
  const frame = await p.next((f) => f.headers.topic === 'disconnect');
  assert.is(frame.type, 'SYSTEM');
  assert.is(frame.headers.messageId, undefined);
  assert.equal(JSON.parse(frame.data), { reason: 'connection is expired' });
  sim.injectMessage({ userId: 'citizen-wang', text: '在吗' });
  assert.is(await p.closed, 1000);
  assert.is(p.frames.filter((f) => f.type === 'CALLBACK').length, 0);
  const fresh = await peer(ctx);
  await fresh.next((f) => f.type === 'CALLBACK');
});

test('queues pushes while nobody is connected and delivers them on connect', async (ctx) => {
  const sim = await start(ctx);
  const { msgId } = sim.injectMessage({ userId: 'citizen-zhang', text: '早' });
  const p = await peer(ctx);
  const frame = await p.next((f) => f.type === 'CALLBACK');
  assert.is(JSON.parse(frame.data).msgId, msgId);
});

test('routes each push to exactly one of several subscribed connections', async (ctx) => {
  const sim = await start(ctx);
  const a = await peer(ctx);
  const b = await peer(ctx);
  for (let i = 0; i < 20; i += 1) sim.injectMessage({ userId: 'citizen-zhang', text: `第${i}条` });
  await until(() => a.frames.length + b.frames.length === 20);
  assert.is(sim.frames.filter((f) => f.type === 'CALLBACK').length, 20, 'the simulator pushed each message once');
  assert.is(a.frames.length + b.frames.length, 20);
  assert.is(sim.connectionCount(), 2);
});

test('sends each topic only to connections that subscribed to it', async (ctx) => {
  const sim = await start(ctx);
  const events = await peer(ctx, { subscriptions: [{ type: 'EVENT', topic: '*' }] });
  const robots = await peer(ctx, { subscriptions: [{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' }] });
  sim.injectMessage({ userId: 'citizen-zhang', text: '你好' });
  sim.pushEvent('user_modify_org', {});
  await robots.next((f) => f.type === 'CALLBACK');
  await events.next((f) => f.type === 'EVENT');
  assert.is(events.frames.length, 1);
  assert.is(robots.frames.length, 1);
});

test('cutSockets drops every socket without a close frame', async (ctx) => {
  const sim = await start(ctx);
  const p = await peer(ctx);
  sim.cutSockets();
  assert.is(await p.closed, 1006);
  await until(() => sim.connectionCount() === 0);
});

test('silence stops pings on the stalled socket while a new connection gets the pending messages', async (ctx) => {
  const clock = new FakeClock();
  const sim = await start(ctx, { clock, pingIntervalMs: 15 });
  const stalled = await peer(ctx);
  await clock.advance(15);
  await stalled.next((f) => f.headers.topic === 'ping');
  sim.silence(true);
  const before = stalled.frames.length;
  const pushedBefore = sim.frames.length;
  sim.injectMessage({ userId: 'citizen-zhang', text: '有人吗' });
  await clock.advance(60);
  assert.is(sim.frames.length, pushedBefore, 'nothing was pushed to the silenced socket');
  assert.is(stalled.frames.length, before);
  const fresh = await peer(ctx);
  await fresh.next((f) => f.type === 'CALLBACK');
  await clock.advance(15);
  await fresh.next((f) => f.headers.topic === 'ping');
  assert.is(stalled.frames.length, before);
});

test('emits connection and disconnect events', async (ctx) => {
  const sim = await start(ctx);
  const seen: string[] = [];
  sim.events.on('connection', () => seen.push('connection'));
  sim.events.on('disconnect', () => seen.push('disconnect'));
  const p = await peer(ctx);
  await p.close();
  await until(() => seen.length === 2);
  assert.equal(seen, ['connection', 'disconnect']);
});

test('failNext on /connect refuses the WebSocket handshake with the given status', async (ctx) => {
  const sim = await start(ctx);
  sim.failNext(1, { status: 503, pathPrefix: '/connect' });
  const refused = await connectPeer(sim.baseUrl).catch((e) => e);
  assert.is(refused.status, 503);
  ctx.peers.push(await peer(ctx));
  assert.is(sim.connectionCount(), 1);
});

test('close() leaves no server, socket or timer behind', async (ctx) => {
  const kinds = () => process.getActiveResourcesInfo().filter((k) => k === 'TCPServerWrap' || k === 'Timeout');
  await new Promise((resolve) => setTimeout(resolve, 20)); // real time: lets timers of the previous test's simulator finish before counting handles
  const before = kinds().length;
  const sim = await start(ctx, { pingIntervalMs: 10, redeliverAfterMs: 10_000, cardCallbackTimeoutMs: 10_000 });
  const p = await peer(ctx);
  sim.injectMessage({ userId: 'citizen-zhang', text: '不回 ACK' });
  sim.sendDisconnect({ closeAfterMs: 10_000 });
  await p.next((f) => f.type === 'CALLBACK');
  assert.ok(kinds().length > before);
  await sim.close();
  ctx.sim = undefined;
  await p.closed;
  ctx.peers = [];
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(kinds().length <= before, `${kinds().length} servers/timers left, ${before} before`);
});

test.run();
