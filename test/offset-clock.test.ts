// The sandbox clock: real time plus a jumpable offset; a jump fires the timers it passes and re-arms the rest.
import { suite } from './support/suite.js';
import * as assert from 'uvu/assert';
import { OffsetClock } from '../src/offset-clock.js';

const test = suite('offset clock');
const DAY = 86_400_000;

test('reads real time plus the offset', async () => {
  let real = 1_000;
  const clock = new OffsetClock(() => real);
  assert.is(clock.now(), 1_000);
  await clock.advance(DAY);
  real = 1_500;
  assert.is(clock.now(), 1_500 + DAY);
  assert.is(clock.offsetMs, DAY);
  await clock.advance(-5);
  assert.is(clock.offsetMs, DAY, 'never back');
});

test('a jump fires the timers it passes, in order, and leaves later ones waiting', async () => {
  const clock = new OffsetClock();
  const fired: string[] = [];
  clock.setTimeout(() => fired.push('two days'), 2 * DAY);
  clock.setTimeout(() => fired.push('one day'), DAY);
  clock.setTimeout(() => fired.push('a week'), 7 * DAY);
  const cancelled = clock.setTimeout(() => fired.push('cancelled'), DAY);
  cancelled.cancel();
  await clock.advance(3 * DAY);
  await new Promise((resolve) => setTimeout(resolve, 20)); // real time: the re-armed timers run on Node's timers
  assert.equal(fired, ['one day', 'two days']);
  await clock.advance(4 * DAY);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(fired, ['one day', 'two days', 'a week']);
});

test('sleep ends early when a jump passes its end', async () => {
  const clock = new OffsetClock();
  const slept = clock.sleep(DAY).then(() => 'woke');
  await clock.advance(DAY);
  assert.is(await slept, 'woke');
});

test.run();
