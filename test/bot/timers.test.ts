// Timers are one more inbound kind: a decision schedules one with ctx.schedule, the outbox keeps it as a job
// due at that moment (on the injected clock), and when it comes due it goes through the bot's one handle().
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { apologyCard } from '../../cards/apology-card.js';
import { createBot, type Bot, type BotHandlers } from '../../src/bot/bot.js';
import { Composer } from '../../src/bot/composer.js';
import type { BotContext } from '../../src/bot/context.js';
import type { StatusContext, TimerContext } from '../../src/bot/event-contexts.js';
import type { MessageJobPayload } from '../../src/bot/jobs.js';
import { silentLogger as botLogger } from '../../src/logger.js';
import { hears, onTimer } from '../../src/bot/router.js';
import { timerEvent, type TimerJobPayload } from '../../src/bot/inbound.js';
import { FakeClock } from '../../src/fake-clock.js';
import { zhangSays } from '../support/events.js';
import { createOutbox, type Outbox } from '../../src/outbox/dispatcher.js';
import type { Store } from '../../src/store/store.js';
import { silentLogger } from '../support/backoffice-harness.js';
import { tempStore } from '../support/backoffice-store.js';
import { LiveCatalogue } from '../../src/templates/live-catalogue.js';

const HOUR = 3_600_000;

/** A feature made for this test through the bot's public extension point: 提醒我 → a reminder in one hour. */
const handlers: BotHandlers = {
  chat: new Composer<BotContext>(
    hears(['提醒我'], (ctx) => {
      ctx.schedule('test.remind', ctx.event.sender.userId, ctx.now.getTime() + HOUR, { userId: ctx.event.sender.userId });
      ctx.reply('好的，一小时后提醒您');
    }),
  ).middleware(),
  status: (ctx: StatusContext) => void (ctx.outcome = { status: 'unknown_application' }),
  timer: new Composer<TimerContext>(
    onTimer('test.remind', (ctx, payload) => {
      const { userId } = payload as { userId: string };
      ctx.send({ kind: 'user', userId }, '时间到了');
    }),
    (ctx) => ctx.log.warn('unknown timer'),
  ).middleware(),
  apology: apologyCard,
};

interface Context {
  clock: FakeClock;
  files: Awaited<ReturnType<typeof tempStore>>;
  store: Store;
  bot: Bot;
  outbox: Outbox;
  sent: string[];
}

const test = suite<Context>('bot timers');

async function open(context: Context): Promise<void> {
  context.store = await context.files.open();
  context.bot = createBot({
    store: context.store,
    catalogue: new LiveCatalogue(),
    licences: { lookup: async () => ({ status: 'none' }) },
    clock: () => new Date(context.clock.now()),
    logger: botLogger,
    adminUserIds: [],
    deadlineFor: () => '2026-12-31',
    handlers,
    onCommitted: () => context.outbox?.wake(),
  });
  context.outbox = createOutbox({
    store: context.store,
    clock: context.clock,
    logger: silentLogger,
    handlers: {
      'dingtalk.message': async (job) => void context.sent.push((job.payload as MessageJobPayload).message.text ?? ''),
      timer: async (job) => void (await context.bot.handle(timerEvent(job.payload as TimerJobPayload, context.clock.now()))),
    },
  });
  context.outbox.start();
}

async function close(context: Context): Promise<void> {
  await context.outbox.stop();
  await context.store.close();
}

test.before.each(async (context) => {
  context.clock = new FakeClock();
  context.files = await tempStore(context.clock.now);
  context.sent = [];
  await open(context);
});

test.after.each(async (context) => {
  await close(context);
  await context.files.remove();
});

function say(context: Context, text: string, id: string) {
  return context.bot.handle(zhangSays(text, id, context.clock.now()));
}

test('a scheduled timer comes back through the bot at its time, not before', async (context) => {
  await say(context, '提醒我', 'msg-1');
  await context.outbox.drain();
  assert.equal(context.sent, ['好的，一小时后提醒您']);
  await context.clock.advance(HOUR - 1_000);
  await context.outbox.drain();
  assert.equal(context.sent, ['好的，一小时后提醒您'], 'nothing before the hour is up');
  await context.clock.advance(1_000);
  await context.outbox.drain();
  assert.equal(context.sent, ['好的，一小时后提醒您', '时间到了']);
  assert.is(await context.store.nextJobAt(), undefined, 'the timer job is gone once fired');
});

test('a timer survives a restart and fires once', async (context) => {
  await say(context, '提醒我', 'msg-1');
  await context.outbox.drain();
  await close(context);
  await open(context);
  await context.clock.advance(HOUR);
  await context.outbox.drain();
  assert.equal(context.sent, ['好的，一小时后提醒您', '时间到了']);
});

test('a timer that runs again (a crash before its job was removed) is dropped as a duplicate', async (context) => {
  const timer: TimerJobPayload = {
    name: 'test.remind',
    key: 'citizen-zhang',
    at: context.clock.now(),
    payload: { userId: 'citizen-zhang' },
  };
  const first = await context.bot.handle(timerEvent(timer, context.clock.now()));
  const again = await context.bot.handle(timerEvent(timer, context.clock.now()));
  assert.is(first.status, 'handled');
  assert.equal(again, { status: 'duplicate' });
  await context.outbox.drain();
  assert.equal(context.sent, ['时间到了']);
});

test.run();
