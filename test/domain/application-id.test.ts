import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import {
  applicationDay,
  findApplicationId,
  formatApplicationId,
  isApplicationId,
  parseApplicationId,
} from '../../src/domain/application-id.js';

const test = suite('application numbers');

test('formats the day and a four-digit sequence', () => {
  assert.is(formatApplicationId('20261128', 1), 'YC20261128-0001');
  assert.is(formatApplicationId('2026-11-28', 42), 'YC20261128-0042');
  assert.is(formatApplicationId('20261128', 9999), 'YC20261128-9999');
});

test('grows past 9999 instead of wrapping', () => {
  assert.is(formatApplicationId('20261128', 10000), 'YC20261128-10000');
  assert.equal(parseApplicationId('YC20261128-10000'), { id: 'YC20261128-10000', day: '20261128', seq: 10000 });
});

test('takes the day of a Date in China time', () => {
  assert.is(formatApplicationId(new Date('2026-11-27T15:59:59Z'), 3), 'YC20261127-0003');
  assert.is(formatApplicationId(new Date('2026-11-27T16:00:00Z'), 3), 'YC20261128-0003');
  assert.is(applicationDay(new Date('2026-12-31T16:30:00Z')), '20270101');
});

test('refuses impossible days and sequences', () => {
  assert.throws(() => formatApplicationId('20260230', 1), RangeError);
  assert.throws(() => formatApplicationId('2026113', 1), RangeError);
  assert.throws(() => formatApplicationId('20261128', 0), RangeError);
  assert.throws(() => formatApplicationId('20261128', 1.5), RangeError);
});

test('reads numbers as people type them: lower case, spaces, full-width characters, other dashes', () => {
  const expected = { id: 'YC20261128-0001', day: '20261128', seq: 1 };
  for (const text of [
    'YC20261128-0001',
    ' yc20261128-0001 ',
    'Yc20261128-0001\n',
    'ＹＣ２０２６１１２８－０００１',
    '\u3000YC20261128－0001\u3000',
    'YC20261128—0001',
    'YC20261128 0001',
    'YC20261128_1',
    'YC202611280001',
  ]) {
    assert.equal(parseApplicationId(text), expected, JSON.stringify(text));
  }
});

test('does not read things that are not application numbers', () => {
  for (const text of [
    '',
    'YC',
    'YC20261128',
    'YC20261128-',
    'YC20261128-0000',
    'YC20260230-0001',
    '2Y20261128-0001',
    'ABCDEFGHI20261128-0001',
    'YC2026112-0001',
    'YC20261128-00a1',
    'YC20261128001',
    '查询 YC20261128-0001',
  ]) {
    assert.is(parseApplicationId(text), undefined, JSON.stringify(text));
  }
});

test('finds a number inside a message', () => {
  assert.is(findApplicationId('帮我查一下 yc20261128－0007 的进度')?.id, 'YC20261128-0007');
  assert.is(findApplicationId('我的办件YC20261128-0012还没消息')?.id, 'YC20261128-0012');
  assert.is(findApplicationId('没有编号'), undefined);
});

test('accepts only the canonical form as an application id', () => {
  assert.ok(isApplicationId('YC20261128-0001'));
  assert.ok(isApplicationId('YC20261128-12345'));
  for (const text of ['yc20261128-0001', ' YC20261128-0001', 'YC20261128-1', 'YC20261128-00001', 'YC202611280001', 'YC20261399-0001']) {
    assert.not.ok(isApplicationId(text), text);
  }
});

test.run();
