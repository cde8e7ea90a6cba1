import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { cardOwnership, isCardOwner, makeCardId } from '../../src/bot/card-id.js';
import { effectsToJobs } from '../../src/bot/jobs.js';
import { KeyedQueue } from '../../src/bot/keyed-queue.js';
import { BotHarness, buttonOf, cardText, GROUP_ID, lastCard, texts } from '../support/bot-harness.js';

const test = suite('bot core');

let h: BotHarness;
test.before.each(async () => {
  h = await BotHarness.create();
});
test.after.each(async () => {
  await h.close();
});

test('answers 帮助 with the help card and commits it as a message job for that user', async () => {
  const effects = await h.say('zhang', '帮助');
  const { card, to } = lastCard(effects);
  assert.is(card.title, '一次办 · 我能帮您做什么');
  assert.equal(to, { kind: 'user', userId: 'citizen-zhang' });
  const jobs = await h.store.dueJobs(Number.MAX_SAFE_INTEGER, 10);
  assert.is(jobs.length, 1);
  assert.is(jobs[0]!.kind, 'dingtalk.message');
  assert.is(jobs[0]!.group, 'user:citizen-zhang');
});

test('a redelivered event is processed once', async () => {
  const event = h.message('zhang', '帮助');
  await h.run(event);
  const again = await h.bot.handle(event);
  assert.equal(again, { status: 'duplicate' });
  assert.is((await h.store.dueJobs(Number.MAX_SAFE_INTEGER, 10)).length, 1);
});

test('in a group it stays quiet unless @-mentioned, and then answers in the group mentioning the sender', async () => {
  const quiet = h.message('chen', '帮助', { conversation: { id: GROUP_ID, type: 'group' }, mentioned: false });
  assert.equal(await h.run(quiet), []);
  assert.ok(await h.store.hasProcessed(quiet.id), 'the ignored message is still remembered');
  const effects = await h.sayInGroup('chen', '帮助');
  const send = effects[0];
  assert.ok(send?.type === 'send');
  assert.equal(send.to, { kind: 'group', conversationId: GROUP_ID });
  assert.equal(send.message.atUserIds, ['clerk-chen']);
  assert.is(cardOwnership(send.message.cardId!).status, 'public');
});

test('a reply to a message carries its sessionWebhook for the messenger', async () => {
  const sessionWebhook = { url: 'http://127.0.0.1:9/robot/sendBySession?session=abc', expiresAt: h.now.getTime() + 90 * 60_000 };
  const [send] = await h.say('zhang', '帮助', { sessionWebhook });
  assert.ok(send?.type === 'send');
  assert.equal(send.sessionWebhook, sessionWebhook);
});

test('anything not understood gets the help card with a note', async () => {
  const { card } = lastCard(await h.say('zhang', '今天天气怎么样'));
  assert.match(cardText(card), '没有听懂');
});

test('a failing handler saves nothing but the inbox id and an apology, so the message is not redelivered forever', async () => {
  await h.close();
  h = await BotHarness.create({
    matters: (seed) => [
      ...seed,
      {
        ...seed[0]!,
        id: 'broken',
        name: '坏掉的事项',
        aliases: [],
        delivery: ['window'],
        onSiteSteps: ['现场核验'],
        window: { address: '一号窗口', hours: '工作日' },
      },
    ],
  });
  const event = h.message('zhang', '办事指南 坏掉的事项');
  const result = await h.bot.handle(event);
  assert.is(result.status, 'failed');
  if (result.status !== 'failed') return;
  assert.is(lastCard(result.effects).card.title, '抱歉，系统出了点问题');
  assert.ok(await h.store.hasProcessed(event.id));
  assert.equal(await h.bot.handle(event), { status: 'duplicate' });
});

test("a click on another user's card changes nothing and is answered kindly", async () => {
  const { card, cardId } = lastCard(await h.say('zhang', '帮助'));
  const effects = await h.click('li', cardId, buttonOf(card, '办事指南'));
  assert.equal(texts(effects), ['这张卡片不是发给您的']);
});

test("an admin may click a user's card and acts for the owner; a forged owner param does not help others", async () => {
  const { card, cardId } = lastCard(await h.say('zhang', '帮助'));
  const admin = await h.click('admin', cardId, buttonOf(card, '办事指南'));
  assert.is(lastCard(admin).card.title, '办事指南 · 事项目录');
  const forged = buttonOf(card, '办事指南');
  const effects = await h.click('li', cardId, { ...forged, params: { ...forged.params, owner: 'citizen-li' } });
  assert.equal(texts(effects), ['这张卡片不是发给您的']);
});

test('a click on a card the bot never made is answered as outdated', async () => {
  const effects = await h.click('zhang', 'approval-42', { text: 'x', action: 'help.guide', params: { action: 'help.guide' } });
  assert.equal(texts(effects), ['这张卡片已过期，请在最新的卡片上操作']);
});

test('card ids are deterministic per seed and name their owner', () => {
  const a = makeCardId('msg-1#1', 'citizen-zhang');
  assert.is(a, makeCardId('msg-1#1', 'citizen-zhang'));
  assert.is.not(a, makeCardId('msg-1#2', 'citizen-zhang'));
  assert.ok(a.length <= 64);
  assert.ok(isCardOwner(a, 'citizen-zhang'));
  assert.not.ok(isCardOwner(a, 'citizen-li'));
  assert.equal(cardOwnership(makeCardId('x', null)), { status: 'public' });
  assert.equal(cardOwnership('yc-nothex-123'), { status: 'foreign' });
});

test('effects become jobs: messages grouped by recipient, updates by card, back-office calls keyed by protocol', () => {
  let n = 0;
  const jobs = effectsToJobs(
    [
      { type: 'send', to: { kind: 'group', conversationId: 'cid1' }, message: { text: 'hi' } },
      { type: 'card.update', cardId: 'yc-pub-0123456789abcdef', card: { title: 't', sections: [] }, to: { kind: 'user', userId: 'u' } },
      { type: 'backoffice', call: 'submit', applicationId: 'YC20260105-0001', payload: { applicationId: 'YC20260105-0001' } },
      { type: 'backoffice', call: 'withdraw', applicationId: 'YC20260105-0001', payload: {} },
      { type: 'backoffice', call: 'supplement', applicationId: 'YC20260105-0001', payload: { round: 2 } },
    ],
    { source: 'msg-9', now: 1000, newId: () => `j${(n += 1)}` },
  );
  assert.equal(
    jobs.map((j) => [j.id, j.kind, j.key, j.group]),
    [
      ['j1', 'dingtalk.message', 'msg-9#0', 'group:cid1'],
      ['j2', 'dingtalk.card.update', 'yc-pub-0123456789abcdef@msg-9#1', 'yc-pub-0123456789abcdef'],
      ['j3', 'backoffice.submit', 'YC20260105-0001', 'YC20260105-0001'],
      ['j4', 'backoffice.withdraw', 'YC20260105-0001:withdraw', 'YC20260105-0001'],
      ['j5', 'backoffice.supplement', 'YC20260105-0001:supplement:2', 'YC20260105-0001'],
    ],
  );
  assert.equal(jobs[4]!.payload, { applicationId: 'YC20260105-0001', round: 2 });
  assert.ok(jobs.every((j) => j.attempts === 0 && j.nextAt === 1000 && j.createdAt === 1000));
});

test('the keyed queue runs one key in order and different keys side by side', async () => {
  const queue = new KeyedQueue();
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const first = queue.run('a', async () => {
    await gate;
    log.push('a1');
  });
  const second = queue.run('a', async () => void log.push('a2'));
  const other = queue.run('b', async () => void log.push('b1'));
  await other;
  assert.equal(log, ['b1']);
  release();
  await Promise.all([first, second]);
  assert.equal(log, ['b1', 'a1', 'a2']);
  assert.is(queue.size, 0);
});

test('a failing task does not block the next task of its key', async () => {
  const queue = new KeyedQueue();
  const failed = queue.run('a', async () => {
    throw new Error('x');
  });
  await failed.catch(() => undefined);
  assert.is(await queue.run('a', async () => 42), 42);
});

test.run();
