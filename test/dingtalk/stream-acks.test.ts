import * as assert from 'uvu/assert';
import { streamSettled, waitFor } from '../fixtures/dingtalk/harness.js';
import { acksFor, connect, simulator, user, streamSuite } from './stream-fixtures.js';

const stream = streamSuite('dingtalk stream connection: acknowledgements');

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
