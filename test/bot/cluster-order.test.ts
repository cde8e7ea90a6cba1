// One conversation across two bot instances (issue 15): two bots, each with its own PostgreSQL store (its own
// pool, as separate processes have) on one throwaway schema, receive interleaved steps of one person's dialog at
// the same moment. The dialog's revision sends the decision made on the state before the other's commit back to
// be decided again, so every step lands once, in commit order.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import * as assert from 'uvu/assert';
import { apologyCard } from '../../cards/apology-card.js';
import { createBot, type Bot, type BotHandlers, type HandleResult } from '../../src/bot/bot.js';
import { Composer } from '../../src/bot/composer.js';
import type { BotContext } from '../../src/bot/context.js';
import { dialogMiddleware, startDialog } from '../../src/bot/dialog-engine.js';
import { defineDialog, show, skip, type DialogEnvelope } from '../../src/bot/dialog.js';
import { hears } from '../../src/bot/router.js';
import { silentLogger } from '../../src/logger.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { ConflictError, type Commit, type Store } from '../../src/store/store.js';
import { LiveCatalogue } from '../../src/templates/live-catalogue.js';
import { zhangSays } from '../support/events.js';
import { suite } from '../support/suite.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// A multi-step dialog whose every step depends on the one before: the n-th answer is stored as the n-th word and
// the card says which position it took, so the cards tell the order in which the steps were committed.
const words = defineDialog<{ words: string[] }>({
  id: 'words',
  version: 1,
  ttl: { hours: 1 },
  keyFor: (owner) => `words:${owner}`,
  start: () => show('collect', { words: [] }, { title: '请逐条发送', sections: [] }),
  steps: {
    collect: {
      answer: (data, input) => {
        if (input.kind !== 'text' || input.text === '') return skip();
        const next = [...data.words, input.text];
        return show('collect', { words: next }, { title: `第${next.length}条：${input.text}`, sections: [] });
      },
    },
  },
});

const handlers: BotHandlers = {
  chat: new Composer<BotContext>(
    hears(
      ['开始'],
      async (ctx) => void (await startDialog(ctx, words, { owner: ctx.event.sender.userId, key: `words:${ctx.event.sender.userId}` })),
    ),
    dialogMiddleware([words], async (ctx) => [`words:${ctx.event.sender.userId}`]),
  ).middleware(),
  status: (ctx) => void (ctx.outcome = { status: 'unknown_application' }),
  timer: () => undefined,
  apology: apologyCard,
};

/** A store whose commits a test can hold back, and which counts the dialog conflicts it saw. */
interface GatedStore {
  store: Store;
  conflicts: number;
  /** When set, the next commit waits for this promise first. */
  hold?: Promise<void>;
  /** Resolved when the next dialog read has been answered. */
  onRead?: () => void;
}

function gated(inner: Store): GatedStore {
  const gate: GatedStore = { conflicts: 0, store: inner };
  gate.store = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key === 'getDialog') {
        return async (dialogKey: string) => {
          const found = await target.getDialog(dialogKey);
          gate.onRead?.();
          return found;
        };
      }
      if (key !== 'commit') return typeof value === 'function' ? value.bind(target) : value;
      return async (change: Commit) => {
        const hold = gate.hold;
        gate.hold = undefined;
        await hold;
        try {
          return await target.commit(change);
        } catch (error) {
          if (error instanceof ConflictError && error.applicationId.startsWith('dialog:')) gate.conflicts += 1;
          throw error;
        }
      };
    },
  });
  return gate;
}

interface Instance {
  gate: GatedStore;
  raw: PostgresStore;
  bot: Bot;
}

interface Context {
  schema: string;
  instances: Instance[];
  admin: pg.Pool;
}

const test = suite<Context>('one conversation on two bot instances (PostgreSQL)');

test.before.each(async (context) => {
  context.schema = `yiciban_order_${randomBytes(6).toString('hex')}`;
  context.admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  context.instances = [];
  for (let i = 0; i < 2; i++) {
    const raw = new PostgresStore({ connectionString: DATABASE_URL, schema: context.schema, poolSize: 4 });
    await raw.open();
    const gate = gated(raw);
    const bot = createBot({
      store: gate.store,
      catalogue: new LiveCatalogue(),
      licences: { lookup: async () => ({ status: 'none' }) },
      clock: () => new Date(),
      logger: silentLogger,
      adminUserIds: [],
      deadlineFor: () => '2026-12-31',
      inboundBudget: { capacity: 10_000, windowMs: 10_000 },
      handlers,
    });
    context.instances.push({ gate, raw, bot });
  }
});

test.after.each(async (context) => {
  for (const instance of context.instances) await instance.raw.close();
  await context.admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(context.schema)} CASCADE`);
  await context.admin.end();
});

let ids = 0;
const say = (instance: Instance, text: string) => instance.bot.handle(zhangSays(text, `msg-${(ids += 1)}`, Date.now()));

/** The position and word the decision's card reports (第n条：word). */
function landed(result: HandleResult): { position: number; word: string } {
  assert.is(result.status, 'handled', JSON.stringify(result));
  const card =
    result.status === 'handled' ? result.effects.flatMap((e) => (e.type === 'send' ? [e.message.card?.title] : []))[0] : undefined;
  const match = /^第(\d+)条：(.+)$/.exec(card ?? '');
  if (!match) throw new Error(`expected a 第n条 card, got ${JSON.stringify(result)}`);
  return { position: Number(match[1]), word: match[2]! };
}

async function storedWords(instance: Instance): Promise<string[]> {
  const record = await instance.raw.getDialog('words:citizen-zhang');
  return (record!.data as DialogEnvelope<{ words: string[] }>).state.words;
}

test('a step decided on the state before the other instance committed is decided again: each lands once, in commit order', async (context) => {
  const [a, b] = context.instances as [Instance, Instance];
  await say(a, '开始');
  const positions = new Map<string, number>();
  for (let pair = 0; pair < 10; pair++) {
    // Alternate which instance commits first; the other has read the dialog before that commit, for sure.
    const [first, second] = pair % 2 === 0 ? [a, b] : [b, a];
    let secondRead!: () => void;
    const secondHasRead = new Promise<void>((resolve) => (secondRead = resolve));
    second.gate.onRead = () => {
      second.gate.onRead = undefined;
      secondRead();
    };
    let firstCommitted!: () => void;
    const firstDone = new Promise<void>((resolve) => (firstCommitted = resolve));
    first.gate.hold = secondHasRead;
    second.gate.hold = firstDone;
    const early = say(first, `w${pair}-first`).then((result) => (firstCommitted(), result));
    const late = say(second, `w${pair}-second`);
    const [one, two] = await Promise.all([early, late]);
    const x = landed(one);
    const y = landed(two);
    assert.is(y.position, x.position + 1, `pair ${pair}: the held-back step comes after the one committed first`);
    positions.set(x.word, x.position).set(y.word, y.position);
  }
  assert.is(a.gate.conflicts + b.gate.conflicts, 10, 'each pair made one stale decision, refused by its dialog revision');
  const stored = await storedWords(a);
  assert.is(stored.length, 20, 'no step lost, none applied twice');
  stored.forEach((word, i) => assert.is(positions.get(word), i + 1, `${word} stored where its card said`));
});

test('pushes of one conversation arriving at both instances at the same moment are serialised, none lost or doubled', async (context) => {
  const [a, b] = context.instances as [Instance, Instance];
  await say(b, '开始');
  const seen: { position: number; word: string }[] = [];
  for (let pair = 0; pair < 15; pair++) {
    const results = await Promise.all([say(a, `a${pair}`), say(b, `b${pair}`)]);
    for (const result of results) seen.push(landed(result));
  }
  const stored = await storedWords(a);
  assert.is(stored.length, 30);
  assert.equal(
    seen.map((s) => s.position).sort((x, y) => x - y),
    Array.from({ length: 30 }, (_, i) => i + 1),
    'every position taken by exactly one step',
  );
  for (const { position, word } of seen) assert.is(stored[position - 1], word, `${word} at ${position}`);
});

test.run();
