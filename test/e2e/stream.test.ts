import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { streamSettled } from '../fixtures/dingtalk/harness.js';
import { startHarness, waitFor, type Harness } from '../support/harness.js';

const e2e = suite<{ h: Harness }>('e2e: stream, ACK and dedupe through the real SDK');

e2e.before.each(async (ctx) => {
  ctx.h = await startHarness();
});
e2e.after.each(async (ctx) => {
  await ctx.h.close();
});

const robotAcks = (h: Harness, messageId: string) => h.dingtalk.acks.filter((ack) => ack.messageId === messageId);
/** Every pushed robot frame has been acknowledged (a copy arriving while its twin is in flight shares its ACK). */
const allAcked = (h: Harness) => {
  const acked = new Set(h.dingtalk.acks.map((ack) => ack.messageId));
  return h.dingtalk.frames.filter((f) => f.type === 'CALLBACK').every((f) => acked.has(f.messageId));
};
const repliesTo = (h: Harness, userId: string) => h.dingtalk.botOutput({ userId });

e2e('a robot message gets exactly one ACK and one reply', async ({ h }) => {
  const sent = h.dingtalk.injectMessage({ userId: 'citizen-zhang', text: '帮助' });
  await waitFor(() => repliesTo(h, 'citizen-zhang').length > 0, { what: 'the help reply' });
  await h.app.outbox.drain(); // every reply job delivered: a second reply would be recorded by now
  await streamSettled(h.dingtalk); // every ACK the bot wrote has arrived
  assert.is(robotAcks(h, sent.messageId).length, 1);
  const replies = repliesTo(h, 'citizen-zhang');
  assert.is(replies.length, 1);
  assert.is(replies[0]!.via, 'card.create');
});

e2e('the same message redelivered 100 times is answered once, also after a restart', async ({ h }) => {
  const sent = h.dingtalk.injectMessage({ userId: 'citizen-li', text: '帮助' });
  await waitFor(() => repliesTo(h, 'citizen-li').length === 1, { what: 'the first reply' });
  for (let i = 0; i < 100; i += 1) h.dingtalk.redeliver(sent.messageId, { sameMessageId: i % 2 === 0 });
  await waitFor(() => allAcked(h), { what: 'every redelivery acknowledged', timeoutMs: 10_000 });
  await h.restart();
  const before = h.dingtalk.frames.length;
  for (let i = 0; i < 10; i += 1) h.dingtalk.redeliver(sent.messageId);
  await waitFor(() => h.dingtalk.frames.length >= before + 10, { what: 'the redeliveries after the restart' });
  await waitFor(() => allAcked(h), { what: 'every redelivery after the restart acknowledged', timeoutMs: 10_000 });
  await h.app.outbox.drain(); // every job the redeliveries could have caused is delivered
  await streamSettled(h.dingtalk);
  assert.is(repliesTo(h, 'citizen-li').length, 1, 'one reply in all');
});

e2e.run();
