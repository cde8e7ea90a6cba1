// The one Clock and the one BackoffPolicy: the fake clock tests drive instead of sleeping, and the delay function.
import { suite } from './support/suite.js';
import * as assert from 'uvu/assert';
import { systemClock } from '../src/clock.js';
import { FakeClock } from '../src/fake-clock.js';
import { backoffDelay, type BackoffPolicy } from '../src/retry.js';

const clock = suite('clock and backoff');

clock('a fake clock fires due timers in due order and leaves later ones pending', async () => {
  const time = new FakeClock(0);
  const fired: string[] = [];
  time.setTimeout(() => fired.push(`b@${time.now()}`), 20);
  time.setTimeout(() => fired.push(`a@${time.now()}`), 10);
  time.setTimeout(() => fired.push(`c@${time.now()}`), 30);
  await time.advance(25);
  assert.equal(fired, ['a@10', 'b@20']);
  assert.is(time.now(), 25);
  assert.is(time.pending(), 1);
  assert.is(time.nextAt(), 30);
});

clock('a cancelled timer never fires', async () => {
  const time = new FakeClock(0);
  let fired = false;
  time.setTimeout(() => (fired = true), 5).cancel();
  await time.advance(10);
  assert.is(fired, false);
  assert.is(time.pending(), 0);
});

clock('async work started by a timer can schedule the next one within the same advance', async () => {
  const time = new FakeClock(0);
  const woke: number[] = [];
  const loop = async () => {
    for (let i = 0; i < 3; i += 1) {
      await time.sleep(100);
      await Promise.resolve();
      woke.push(time.now());
    }
  };
  const done = loop();
  await time.advance(300);
  await done;
  assert.equal(woke, [100, 200, 300]);
});

clock('tick() moves to the next timer; sleep() rejects when its signal aborts', async () => {
  const time = new FakeClock(1_000);
  const controller = new AbortController();
  const slept = time.sleep(50, controller.signal);
  controller.abort(new Error('stopped'));
  assert.match(
    await slept.then(
      () => 'resolved',
      (error: Error) => error.message,
    ),
    'stopped',
  );
  assert.is(time.pending(), 0);
  time.setTimeout(() => undefined, 40);
  assert.is(await time.tick(), true);
  assert.is(time.now(), 1_040);
  assert.is(await time.tick(), false);
});

clock('the system clock reads real time and its timers can be cancelled', async () => {
  const before = Date.now();
  assert.ok(systemClock.now() >= before);
  let fired = false;
  systemClock.setTimeout(() => (fired = true), 0).cancel();
  await systemClock.sleep(0); // real time: one timer turn, to show the cancelled one did not run
  assert.is(fired, false);
});

clock('backoff: full jitter under a ceiling that grows by the factor up to maxMs, never below minMs', () => {
  const policy: BackoffPolicy = { baseMs: 100, maxMs: 1_000, jitter: 'full' };
  const top = () => 0.999_999;
  assert.equal(
    [0, 1, 2, 3, 4, 40].map((attempt) => backoffDelay(policy, attempt, top)),
    [99, 199, 399, 799, 999, 999],
  );
  assert.is(backoffDelay({ ...policy, factor: 3 }, 2, top), 899);
  assert.is(
    backoffDelay(policy, 3, () => 0),
    0,
  );
  assert.is(
    backoffDelay({ ...policy, minMs: 250 }, 3, () => 0),
    250,
  );
  assert.is(backoffDelay(policy, -1, top), 99, 'a negative attempt counts as the first');
});

clock.run();
