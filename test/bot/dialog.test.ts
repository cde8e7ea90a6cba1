import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { BotContext } from '../../src/bot/context.js';
import { resumeDialog, startDialog } from '../../src/bot/dialog-engine.js';
import { complete, defineDialog, show, skip, STEP_PARAM, type DialogEnvelope } from '../../src/bot/dialog.js';
import type { Effect } from '../../src/bot/effects.js';
import type { ChatEvent } from '../../src/bot/inbound.js';
import { silentLogger } from '../../src/logger.js';
import { createHolidayCalendar } from '../../src/domain/holiday-calendar.js';
import { BotHarness } from '../support/bot-harness.js';

const test = suite('dialog engine');

// A two-step toy dialog: collect words until "完成", then confirm.
const words = defineDialog<{ words: string[] }, [string]>({
  id: 'words',
  version: 1,
  ttl: { hours: 1 },
  keyFor: (owner) => `words:${owner}`,
  start: (_turn, first) => show('collect', { words: [first] }, { title: 'collect', sections: [] }),
  steps: {
    collect: {
      answer: (data, input) => {
        if (input.kind !== 'text' || input.text === '') return skip();
        return show('collect', { words: [...data.words, input.text] }, { title: `collect ${data.words.length + 1}`, sections: [] });
      },
      'words.done': (data) => show('confirm', data, { title: 'confirm', sections: [] }),
    },
    confirm: { 'words.ok': () => complete() },
  },
  commands: (text) => (text === '完成' ? { action: 'words.done' } : text === '好' ? { action: 'words.ok' } : undefined),
});

let h: BotHarness;
let n = 0;
test.before.each(async () => {
  h = await BotHarness.create();
});
test.after.each(async () => {
  await h.close();
});

function ctxFor(event: ChatEvent): BotContext {
  return new BotContext(
    {
      store: h.store,
      catalogue: h.catalogue,
      licences: h.licences,
      clock: () => h.now,
      adminUserIds: new Set(),
      deadlineFor: () => '2026-01-06',
      calendar: createHolidayCalendar(),
    },
    event,
    silentLogger,
  );
}

async function commitCtx(ctx: BotContext) {
  const { applications, dialogs } = ctx.changes();
  await h.store.commit({ inbox: [`t-${(n += 1)}`], applications, dialogs });
}

async function say(text: string) {
  const ctx = ctxFor(h.message('zhang', text));
  const outcome = await resumeDialog(ctx, [words], 'words:citizen-zhang', { kind: 'text', text, attachments: [] });
  await commitCtx(ctx);
  return { outcome, ctx };
}

async function record() {
  const stored = await h.store.getDialog('words:citizen-zhang');
  return stored && { step: stored.step, ...(stored.data as DialogEnvelope<{ words: string[] }>) };
}

test('start stores plain versioned JSON with the owner and the current card', async () => {
  const ctx = ctxFor(h.message('zhang', 'x'));
  await startDialog(ctx, words, { owner: 'citizen-zhang', key: 'words:citizen-zhang' }, '一');
  await commitCtx(ctx);
  const stored = await h.store.getDialog('words:citizen-zhang');
  assert.is(stored?.dialog, 'words');
  assert.is(stored?.version, 1);
  assert.is(stored?.expiresAt, h.now.getTime() + 3_600_000);
  const env = stored?.data as DialogEnvelope<{ words: string[] }>;
  assert.equal(env.state, { words: ['一'] });
  assert.is(env.owner, 'citizen-zhang');
  assert.is(ctx.effects[0]?.type === 'send' && ctx.effects[0].message.cardId, env.cardId);
});

test('handled steps move on; a skipped input leaves the state alone; a typed command acts like its button', async () => {
  const ctx = ctxFor(h.message('zhang', 'x'));
  await startDialog(ctx, words, { owner: 'citizen-zhang', key: 'words:citizen-zhang' }, '一');
  await commitCtx(ctx);
  assert.is((await say('二')).outcome, 'handled');
  const before = await record();
  assert.is((await say('')).outcome, 'skipped');
  assert.equal(await record(), before);
  assert.is((await say('好')).outcome, 'handled', '"好" is no command in this step, so it is an answer');
  assert.equal((await record())?.state.words, ['一', '二', '好']);
  assert.is((await say('完成')).outcome, 'handled');
  assert.is((await record())?.step, 'confirm');
  assert.is((await say('好')).outcome, 'complete');
  assert.is(await record(), undefined);
});

test('a click on an older card of the dialog is stale; a click on the current card is handled', async () => {
  const ctx = ctxFor(h.message('zhang', 'x'));
  await startDialog(ctx, words, { owner: 'citizen-zhang', key: 'words:citizen-zhang' }, '一');
  await commitCtx(ctx);
  const first = (await record())!;
  await say('二');
  const current = (await record())!;
  assert.is.not(first.token, current.token, 'every step shown has a token of its own');
  const click = (shown: { cardId?: string; token?: string }) => {
    const c = ctxFor(h.message('zhang', ''));
    const params = { [STEP_PARAM]: shown.token ?? '' };
    return resumeDialog(c, [words], 'words:citizen-zhang', { kind: 'action', action: 'words.done', params }, { cardId: shown.cardId });
  };
  assert.is(await click(first), 'stale');
  assert.is(await click({ cardId: current.cardId }), 'repeated', 'the current card without its step token');
  assert.is(await click(current), 'handled');
});

// The same dialog on one card: every step updates it, its buttons carry the step they were shown for.
const inPlace = defineDialog<{ words: string[] }, [string]>({ ...words, id: 'words', inPlace: true });

function cardCtx(event: ChatEvent): BotContext {
  const ctx = ctxFor(event);
  return new BotContext({ ...ctx.services, cardsInPlace: true }, event, silentLogger);
}

test('an in-place dialog updates its one card at every step; the earlier step on it is refused, an aside acts on the current one', async () => {
  const ctx = cardCtx(h.message('zhang', 'x'));
  await startDialog(ctx, inPlace, { owner: 'citizen-zhang', key: 'words:citizen-zhang' }, '一');
  await commitCtx(ctx);
  const first = (await record())!;
  const next = cardCtx(h.message('zhang', '二'));
  assert.is(await resumeDialog(next, [inPlace], 'words:citizen-zhang', { kind: 'text', text: '二', attachments: [] }), 'handled');
  await commitCtx(next);
  assert.equal(
    next.effects.map((e) => e.type),
    ['card.update'],
  );
  const update = next.effects[0] as Extract<Effect, { type: 'card.update' }>;
  assert.is(update.cardId, first.cardId);
  assert.is(update.card.title, 'collect 2');
  const current = (await record())!;
  assert.is(current.cardId, first.cardId);
  const click = (token: string | undefined, cardId: string | undefined) => {
    const c = cardCtx(h.message('zhang', ''));
    const params = { [STEP_PARAM]: token ?? '' };
    return resumeDialog(c, [inPlace], 'words:citizen-zhang', { kind: 'action', action: 'words.done', params }, { cardId });
  };
  assert.is(await click(first.token, first.cardId), 'repeated');
  assert.equal(await record(), current);
  assert.is(await click(current.token, 'yc-aside-card'), 'handled', 'a card sent aside at this step carries its token');
});

test('after the ttl the dialog is removed and its owner told', async () => {
  const ctx = ctxFor(h.message('zhang', 'x'));
  await startDialog(ctx, words, { owner: 'citizen-zhang', key: 'words:citizen-zhang' }, '一');
  await commitCtx(ctx);
  h.advance(3_600_001);
  const { outcome, ctx: later } = await say('二');
  assert.is(outcome, 'expired');
  assert.is(await record(), undefined);
  const told = later.effects[0];
  assert.ok(told?.type === 'send' && told.message.text === '上次的办理已超过24小时未操作，已自动取消');
});

test.run();
