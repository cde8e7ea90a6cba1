// Fuzzing the bot's Stream side over the real WebSocket: raw text, broken envelopes, robot messages and card
// clicks with odd fields go from the DingTalk simulator to the bot. Nothing may crash it, every readable
// CALLBACK push must still be ACKed (an unACKed push means a handler threw), and the bot keeps answering.
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { ownerTag } from '../../src/bot/card-id.js';
import { fillHousingFund } from '../support/apply-flow.js';
import { startHarness, type Harness } from '../support/harness.js';
import { SimPlayer } from '../support/sim-player.js';
import { assertBotAnswers, bugLogs, assertStoreReloads, mutated, oddBody, oddJson, oddText, runs, watchCrashes } from '../support/fuzz.js';
import { suite } from '../support/suite.js';
import { waitFor } from '../support/wait.js';

const test = suite<{ h: Harness; robotData: Record<string, unknown>; cardIds: string[]; acked: Set<string> }>(
  'fuzz: Stream frames never crash the bot',
);

const ROBOT = '/v1.0/im/bot/messages/get';
const CARD = '/v1.0/card/instances/callback';
// Frames per run: pushed together, so the bot handles them concurrently as it would a burst.
const BATCH = 25;
const ACTIONS = [
  'apply.submit',
  'apply.edit',
  'apply.choose',
  'apply.consent',
  'apply.skip',
  'evaluate.rate',
  'guide.show',
  'guide.apply',
  'guide.category',
  'help.mine',
  'query.page',
  'query.show',
  'supplement.start',
  'supplement.confirm',
  'withdraw.ask',
  'withdraw.abort',
  'withdraw.confirm',
];

test.before(async (ctx) => {
  ctx.h = await startHarness({ sim: { qps: 100_000 } });
  ctx.acked = new Set();
  ctx.h.dingtalk.events.on('ack', (ack: { messageId: string }) => ctx.acked.add(ack.messageId));
  // A real robot message is the base that the generators distort.
  await assertBotAnswers(ctx.h, 'citizen-zhang');
  const pushed = ctx.h.dingtalk.frames.find((frame) => frame.topic === ROBOT);
  ctx.robotData = pushed!.data as Record<string, unknown>;
  // A live apply dialog at its review card, so that clicks on real cards reach dialog steps.
  await fillHousingFund(new SimPlayer(ctx.h, 'citizen-zhang'));
  ctx.cardIds = [...ctx.h.dingtalk.cards.keys()];
});

test.after(async (ctx) => {
  await ctx.h?.close();
});

/** A frame to write on the socket: raw text, or an envelope that gets a fresh messageId; `expectAck` when readable. */
type Frame = { raw: string; expectAck: false } | { type: unknown; topic: unknown; data: string; expectAck: boolean };

const textOf = (frame: Frame, messageId: string): string =>
  'raw' in frame
    ? frame.raw
    : JSON.stringify({
        specVersion: '1.0',
        type: frame.type,
        data: frame.data,
        headers: { appId: 'fuzz', contentType: 'application/json', messageId, time: String(Date.now()), topic: frame.topic },
      });

function frames(robotData: Record<string, unknown>, cardIds: string[]): fc.Arbitrary<Frame> {
  const robotText = oddText.map((content) => ({ ...robotData, msgId: `fuzz-${content.length}`, text: { content } }));
  const robotOdd = mutated({ ...robotData, text: { content: '帮助' } });
  const robot = fc
    .oneof(robotText, robotOdd)
    .map((data): Frame => ({ type: 'CALLBACK', topic: ROBOT, data: JSON.stringify(data), expectAck: true }));
  const card = cardClick(robotData, cardIds).map((data): Frame => ({ type: 'CALLBACK', topic: CARD, data, expectAck: true }));
  const callbackWithOddData = fc
    .tuple(fc.constantFrom(ROBOT, CARD), oddBody)
    .map(([topic, data]): Frame => ({ type: 'CALLBACK', topic, data, expectAck: true }));
  const brokenEnvelope = fc
    .record({
      specVersion: oddJson,
      type: fc.oneof(fc.constantFrom('SYSTEM', 'EVENT', 'CALLBACK'), oddJson),
      headers: fc.oneof(oddJson, mutated({ topic: ROBOT, messageId: 'x' })),
      data: oddJson,
    })
    .map((frame): Frame => ({ raw: JSON.stringify(frame), expectAck: false }));
  const system = fc
    .tuple(fc.constantFrom('ping', 'KEEPALIVE', 'CONNECTED', 'REGISTERED', 'error', '__proto__'), oddBody)
    .map(([topic, data]): Frame => ({ type: 'SYSTEM', topic, data, expectAck: false }));
  const event = oddBody.map((data): Frame => ({ type: 'EVENT', topic: '*', data, expectAck: false }));
  const raw = oddBody.map((text): Frame => ({ raw: text, expectAck: false }));
  return fc.oneof(
    { arbitrary: robot, weight: 4 },
    { arbitrary: card, weight: 4 },
    { arbitrary: callbackWithOddData, weight: 2 },
    { arbitrary: brokenEnvelope, weight: 2 },
    { arbitrary: system, weight: 1 },
    { arbitrary: event, weight: 1 },
    { arbitrary: raw, weight: 2 },
  );
}

/** The `data` of a card click (§4b) with odd action ids, params and places; returned as the frame's data string. */
function cardClick(robotData: Record<string, unknown>, cardIds: string[]): fc.Arbitrary<string> {
  const userId = String(robotData.senderStaffId);
  const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 16 });
  const outTrackId = fc.oneof(
    { arbitrary: fc.constantFrom(...cardIds), weight: 4 },
    { arbitrary: hex.map((tail) => `yc-${ownerTag(userId)}-${tail}`), weight: 1 },
    { arbitrary: hex.map((tail) => `yc-pub-${tail}`), weight: 1 },
    { arbitrary: oddText, weight: 1 },
  );
  const action = fc.oneof(fc.constantFrom(...ACTIONS), oddText);
  const params = fc.tuple(action, fc.dictionary(oddText, oddJson, { maxKeys: 4 })).map(([name, rest]) => ({ ...rest, action: name }));
  const privateData = fc.record({ actionIds: fc.oneof(fc.array(oddText, { maxLength: 2 }), oddJson), params: fc.oneof(params, oddJson) });
  const content = fc.oneof(
    { arbitrary: privateData.map((data) => JSON.stringify({ cardPrivateData: data })), weight: 4 },
    { arbitrary: oddBody, weight: 1 },
  );
  const base = {
    extension: '{}',
    corpId: 'ding-corp',
    spaceType: 'im',
    userIdType: 1,
    type: 'actionCallback',
    userId,
    spaceId: String(robotData.conversationId),
  };
  return fc
    .tuple(content, outTrackId, fc.oneof({ arbitrary: fc.constant(base), weight: 3 }, { arbitrary: mutated(base), weight: 1 }))
    .map(([text, id, data]) => JSON.stringify({ outTrackId: id, ...data, content: text, value: text }));
}

test('answers or drops 1,500 hostile frames, ACKs every readable callback, and keeps working', async (ctx) => {
  const { h, acked } = ctx;
  const watch = watchCrashes();
  let sequence = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(frames(ctx.robotData, ctx.cardIds), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        watch.crashes.length = 0;
        const expected = new Map<string, string>();
        for (const frame of batch) {
          const messageId = `fuzz-frame-${(sequence += 1)}`;
          const text = textOf(frame, messageId);
          assert.ok(h.dingtalk.pushRaw(text) >= 1, 'the bot is still connected');
          if (frame.expectAck) expected.set(messageId, text);
        }
        const unacked = () => [...expected].filter(([id]) => !acked.has(id)).map(([, text]) => text.slice(0, 600));
        const settled = () => {
          // An uncaught error would have killed the bot in production: report it, not the missing ACKs it causes.
          if (watch.crashes.length > 0) throw new Error(`uncaught error: ${watch.crashes[0]}`);
          return unacked().length === 0;
        };
        await waitFor(settled, { timeoutMs: 5_000 }).catch((error: unknown) => {
          if (watch.crashes.length > 0) throw error;
          throw new Error(`no ACK within 5 s for ${unacked().length} readable callback(s): ${unacked().join('\n')}`);
        });
      }),
      runs(60),
    );
  } finally {
    watch.stop();
  }
  assert.equal(bugLogs(h.logs), [], 'no error logged but DingTalk refusing a message to a made-up user');
  await h.app.outbox.drain(20_000);
  await assertBotAnswers(h);
  await assertStoreReloads(h);
  await assertBotAnswers(h, 'citizen-zhang');
});

test.run();
