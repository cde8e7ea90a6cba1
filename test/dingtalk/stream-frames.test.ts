import * as assert from 'uvu/assert';
import { callbackFrame, fixtureData } from '../fixtures/dingtalk/frames.js';
import { startRawStreamServer } from '../fixtures/dingtalk/raw-stream-server.js';
import { waitFor } from '../fixtures/dingtalk/harness.js';
import { connect, simulator, streamSuite } from './stream-fixtures.js';

const stream = streamSuite('dingtalk stream connection: subscriptions and malformed frames');

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

stream.run();
