import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { Composer } from '../../src/bot/composer.js';

const test = suite('composer');

type Ctx = { seen: string[] };

test('runs middleware in order and stops at the first that does not call next', async () => {
  const composer = new Composer<Ctx>(
    async (ctx, next) => {
      ctx.seen.push('a');
      await next();
      ctx.seen.push('a-after');
    },
    (ctx) => void ctx.seen.push('b'),
    (ctx) => void ctx.seen.push('c'),
  );
  const ctx = { seen: [] };
  await composer.run(ctx);
  assert.equal(ctx.seen, ['a', 'b', 'a-after']);
});

test('a sub-composer passes on to the outer chain when none of its handlers takes the input', async () => {
  const feature = new Composer<Ctx>((ctx, next) => (ctx.seen.push('feature'), next()));
  const composer = new Composer<Ctx>(feature.middleware(), (ctx) => void ctx.seen.push('fallback'));
  const ctx = { seen: [] };
  await composer.run(ctx);
  assert.equal(ctx.seen, ['feature', 'fallback']);
});

test('filter runs its middleware only when the predicate holds', async () => {
  const composer = new Composer<Ctx & { group: boolean }>()
    .filter(
      (ctx) => ctx.group,
      (ctx) => void ctx.seen.push('group-only'),
    )
    .use((ctx) => void ctx.seen.push('everyone'));
  const single = { seen: [] as string[], group: false };
  const group = { seen: [] as string[], group: true };
  await composer.run(single);
  await composer.run(group);
  assert.equal(single.seen, ['everyone']);
  assert.equal(group.seen, ['group-only']);
});

test('calling next twice is reported as a bug', async () => {
  const composer = new Composer<Ctx>(async (_ctx, next) => {
    await next();
    await next();
  });
  try {
    await composer.run({ seen: [] });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.match((error as Error).message, 'next() called more than once');
  }
});

test('an error thrown by a handler reaches the caller of run', async () => {
  const composer = new Composer<Ctx>(() => {
    throw new Error('boom');
  });
  try {
    await composer.run({ seen: [] });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.is((error as Error).message, 'boom');
  }
});

test.run();
