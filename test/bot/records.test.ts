// Feature records through the bot: a handler reads and stages them on its decision context, the bot commits them
// with the decision's inbox id and effects in one write, and a record changed concurrently makes the bot decide
// again on fresh reads, exactly as for applications.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { apologyCard } from '../../cards/apology-card.js';
import { createBot, type Bot, type BotHandlers } from '../../src/bot/bot.js';
import { Composer } from '../../src/bot/composer.js';
import type { BotContext } from '../../src/bot/context.js';
import type { StatusContext, TimerContext } from '../../src/bot/event-contexts.js';
import type { Effect } from '../../src/bot/effects.js';
import { StagedRecords } from '../../src/bot/staged-records.js';
import { silentLogger } from '../../src/logger.js';
import { hears } from '../../src/bot/router.js';
import { FakeClock } from '../../src/fake-clock.js';
import { zhangSays } from '../support/events.js';
import type { RecordQuery, Store, StoredRecord } from '../../src/store/store.js';
import { tempStore } from '../support/backoffice-store.js';
import { LiveCatalogue } from '../../src/templates/live-catalogue.js';

interface Counter {
  count: number;
}

/** Features made for this test through the bot's extension point. */
const handlers: BotHandlers = {
  chat: new Composer<BotContext>(
    // 加一: one shared counter record, read, incremented and saved at the next rev.
    hears(['加一'], async (ctx) => {
      const stored = await ctx.getRecord<Counter>('test.counter', 'shared');
      const count = (stored?.data.count ?? 0) + 1;
      ctx.saveRecord<Counter>({
        kind: 'test.counter',
        id: 'shared',
        rev: (stored?.rev ?? 0) + 1,
        data: { count },
        updatedAt: ctx.now.getTime(),
      });
      ctx.reply(`计数 ${count}`);
    }),
    // 整理: opens item `new`, closes `old`, removes `gone`, then lists the open ones as this decision sees them.
    hears(['整理'], async (ctx) => {
      const old = await ctx.getRecord('test.item', 'old');
      ctx.saveRecord({ kind: 'test.item', id: 'new', rev: 1, data: {}, updatedAt: ctx.now.getTime(), tags: { status: 'open' } });
      ctx.saveRecord({ ...old!, rev: old!.rev + 1, updatedAt: ctx.now.getTime(), tags: { status: 'closed' } });
      ctx.removeRecord('test.item', 'gone');
      const open = await ctx.findRecords('test.item', { tags: { status: 'open' }, limit: 2 });
      const gone = await ctx.getRecord('test.item', 'gone');
      ctx.reply(`${open.total}: ${open.items.map((item) => item.id).join(',')}; gone=${gone === undefined}`);
    }),
  ).middleware(),
  status: (ctx: StatusContext) => void (ctx.outcome = { status: 'unknown_application' }),
  timer: (ctx: TimerContext) => ctx.log.warn('unknown timer'),
  apology: apologyCard,
};

interface Context {
  clock: FakeClock;
  files: Awaited<ReturnType<typeof tempStore>>;
  store: Store;
  bot: Bot;
  /** Runs once, inside the next getRecord, after the stored record was read: another instance's commit. */
  interleave?: (store: Store) => Promise<void>;
  reads: number;
}

const test = suite<Context>('bot: feature records');

test.before.each(async (context) => {
  context.clock = new FakeClock();
  context.files = await tempStore(context.clock.now);
  context.store = await context.files.open();
  context.reads = 0;
  context.interleave = undefined;
  const store = context.store;
  // The bot's view of the store: reads of a record count, and may let a concurrent writer in right after.
  const watched = new Proxy(store, {
    get(target, key) {
      if (key === 'getRecord') {
        return async (kind: string, id: string) => {
          context.reads += 1;
          const found = await target.getRecord(kind, id);
          const interleave = context.interleave;
          context.interleave = undefined;
          await interleave?.(target);
          return found;
        };
      }
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  context.bot = createBot({
    store: watched,
    catalogue: new LiveCatalogue(),
    licences: { lookup: async () => ({ status: 'none' }) },
    clock: () => new Date(context.clock.now()),
    logger: silentLogger,
    adminUserIds: [],
    deadlineFor: () => '2026-12-31',
    handlers,
  });
});

test.after.each(async (context) => {
  await context.store.close();
  await context.files.remove();
});

function say(context: Context, text: string, id: string) {
  return context.bot.handle(zhangSays(text, id, context.clock.now()));
}

function texts(result: Awaited<ReturnType<Bot['handle']>>): string[] {
  const effects: Effect[] = 'effects' in result ? result.effects : [];
  return effects.flatMap((effect) => (effect.type === 'send' && effect.message.text !== undefined ? [effect.message.text] : []));
}

test("a handler's saved record is committed with the decision, at the next rev each time", async (context) => {
  assert.equal(texts(await say(context, '加一', 'msg-1')), ['计数 1']);
  assert.equal(await context.store.getRecord('test.counter', 'shared'), {
    kind: 'test.counter',
    id: 'shared',
    rev: 1,
    data: { count: 1 },
    updatedAt: context.clock.now(),
  });
  assert.ok(await context.store.hasProcessed('msg-1'), 'in the same commit as the inbox id');
  await context.clock.advance(1_000);
  assert.equal(texts(await say(context, '加一', 'msg-2')), ['计数 2']);
  const stored = await context.store.getRecord<Counter>('test.counter', 'shared');
  assert.equal([stored?.rev, stored?.data.count, stored?.updatedAt], [2, 2, context.clock.now()]);
  assert.equal((await say(context, '加一', 'msg-2')).status, 'duplicate');
  assert.is((await context.store.getRecord<Counter>('test.counter', 'shared'))?.data.count, 2, 'a redelivered event saves nothing');
});

test('a record changed by someone else between read and commit: the bot decides again on the new version', async (context) => {
  await say(context, '加一', 'msg-1');
  context.reads = 0;
  // Another instance sets the counter to 10 right after this decision read it at rev 1.
  context.interleave = async (store) => {
    const current = (await store.getRecord<Counter>('test.counter', 'shared'))!;
    await store.commit({ records: { put: [{ ...current, rev: current.rev + 1, data: { count: 10 } }] } });
  };
  const result = await say(context, '加一', 'msg-2');
  assert.is(result.status, 'handled');
  assert.equal(texts(result), ['计数 11'], 'only the answer of the decision that was committed');
  assert.is(context.reads, 2, 'decided twice');
  const stored = await context.store.getRecord<Counter>('test.counter', 'shared');
  assert.equal([stored?.rev, stored?.data.count], [3, 11], 'the concurrent change is kept and built upon');
  assert.ok(await context.store.hasProcessed('msg-2'));
});

test('reads within a decision see its staged saves and removals; the commit leaves the store the same', async (context) => {
  const item = (id: string, updatedAt: number, status: string): StoredRecord => ({
    kind: 'test.item',
    id,
    rev: 1,
    data: {},
    updatedAt,
    tags: { status },
  });
  await context.store.commit({
    records: { put: [item('old', 1, 'open'), item('gone', 2, 'open'), item('other', 3, 'open'), item('closed', 4, 'closed')] },
  });
  await context.clock.advance(1_000);
  // Open before: other, gone, old. After: new (newest), other.
  assert.equal(texts(await say(context, '整理', 'msg-1')), ['2: new,other; gone=true']);
  const open = await context.store.findRecords('test.item', { tags: { status: 'open' }, limit: 2 });
  assert.equal([open.total, open.items.map((record) => record.id)], [2, ['new', 'other']]);
  assert.is(await context.store.getRecord('test.item', 'gone'), undefined);
  assert.equal((await context.store.getRecord('test.item', 'old'))?.tags, { status: 'closed' });
});

test('staged reads answer every query exactly as the store does once the changes are committed', async (context) => {
  const statuses = ['open', 'closed', 'held'];
  const item = (i: number, rev = 1, updatedAt = i % 7): StoredRecord => ({
    kind: 'test.item',
    id: `i-${String(i).padStart(2, '0')}`,
    rev,
    data: { i },
    updatedAt,
    tags: { status: statuses[i % 3]!, team: i % 2 ? 'a' : 'b' },
  });
  await context.store.commit({ records: { put: Array.from({ length: 30 }, (_, i) => item(i)) } });
  const staged = new StagedRecords(context.store);
  for (const i of [3, 6, 8, 13, 20, 21, 27]) staged.remove('test.item', item(i).id);
  for (const i of [1, 4, 29]) staged.save({ ...item(i, 2, 3), tags: { status: 'open', team: 'a' } });
  for (const i of [30, 31]) staged.save(item(i, 1, 100 - i));
  staged.save({ ...item(32), kind: 'test.other' });
  const queries: RecordQuery[] = [
    {},
    { limit: 5 },
    { offset: 4, limit: 6 },
    { offset: 28 },
    { tags: { status: 'open' } },
    { tags: { status: 'open', team: 'a' }, offset: 1, limit: 3 },
    { tags: { status: 'held' }, limit: 2 },
    { limit: 0 },
  ];
  const seen = await Promise.all(queries.map((query) => staged.find('test.item', query)));
  await context.store.commit({ records: staged.commit() });
  for (const [i, query] of queries.entries()) {
    assert.equal(seen[i], await context.store.findRecords('test.item', query), JSON.stringify(query));
  }
});

test.run();
