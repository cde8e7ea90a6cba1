import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { addWorkingDays, isOverdue, promisedDeadline, remainingWorkingDays, workingDaysBetween } from '../../src/domain/deadline.js';
import { loadHolidayOverrides } from '../../src/config-files.js';
import { chinaDay, createHolidayCalendar, parseHolidayOverrides } from '../../src/domain/holiday-calendar.js';

const test = suite('working-day deadlines');

// Without a warn sink a year without data would pass silently; every test that does not expect a
// warning asserts there was none.
function calendarWithWarnings(overrides = {}) {
  const warnings: string[] = [];
  const calendar = createHolidayCalendar({ overrides, warn: (message) => warnings.push(message) });
  return { calendar, warnings };
}

test('reads the package data: 国庆 2026 days are off and the 调休 Saturday 2026-10-10 is a working day', () => {
  const { calendar, warnings } = calendarWithWarnings();
  assert.is(calendar.isWorkday('2026-10-01'), false);
  assert.is(calendar.isWorkday('2026-10-07'), false);
  assert.is(calendar.isWorkday('2026-10-08'), true);
  assert.is(calendar.isWorkday('2026-10-10'), true);
  assert.is(calendar.isWorkday('2026-09-20'), true);
  assert.is(calendar.isWorkday('2026-10-11'), false);
  assert.equal(warnings, []);
});

test('counts across 国庆 2026: the first working day after 9-30 is 10-08, and the 调休 Saturday counts', () => {
  const { calendar, warnings } = calendarWithWarnings();
  assert.is(promisedDeadline(calendar, '2026-09-30', 1), '2026-10-08');
  assert.is(promisedDeadline(calendar, '2026-09-30', 3), '2026-10-10');
  assert.is(promisedDeadline(calendar, '2026-09-30', 4), '2026-10-12');
  assert.equal(warnings, []);
});

test('counts the 调休 Sunday 2026-09-20 before 中秋 as a working day', () => {
  const { calendar } = calendarWithWarnings();
  assert.is(addWorkingDays(calendar, '2026-09-18', 1), '2026-09-20');
  assert.is(addWorkingDays(calendar, '2026-09-24', 1), '2026-09-28');
});

test('counts across 春节 2026: 02-14 is a 调休 working Saturday, 02-15 to 02-23 are off', () => {
  const { calendar } = calendarWithWarnings();
  assert.is(promisedDeadline(calendar, '2026-02-13', 1), '2026-02-14');
  assert.is(promisedDeadline(calendar, '2026-02-13', 2), '2026-02-24');
  assert.is(promisedDeadline(calendar, '2026-02-13', 5), '2026-02-27');
  assert.is(promisedDeadline(calendar, '2026-02-13', 6), '2026-02-28');
});

test('skips a plain weekend', () => {
  const { calendar } = calendarWithWarnings();
  assert.is(promisedDeadline(calendar, '2026-11-27', 1), '2026-11-30');
  assert.is(promisedDeadline(calendar, '2026-11-27', 5), '2026-12-04');
});

test('deems an acceptance on a non-working day made on the next working day, which is not counted', () => {
  const { calendar } = calendarWithWarnings();
  assert.is(promisedDeadline(calendar, '2026-10-03', 1), '2026-10-09');
  assert.is(promisedDeadline(calendar, '2026-11-28', 1), '2026-12-01');
  assert.is(promisedDeadline(calendar, '2026-10-03', 0), '2026-10-08');
  assert.is(promisedDeadline(calendar, '2026-11-27', 0), '2026-11-27');
});

test('reads instants as their day in China time (UTC+8)', () => {
  const { calendar } = calendarWithWarnings();
  assert.is(chinaDay('2026-09-30T15:59:59Z'), '2026-09-30');
  assert.is(chinaDay(new Date('2026-09-30T16:00:00Z')), '2026-10-01');
  assert.is(promisedDeadline(calendar, '2026-09-30T15:00:00Z', 1), '2026-10-08');
  assert.is(promisedDeadline(calendar, '2026-09-30T17:00:00Z', 1), '2026-10-09');
  assert.throws(() => chinaDay('2026-02-30'), /calendar day/);
  assert.throws(() => chinaDay('soon'), /not a date/);
});

test('falls back to Monday–Friday in a year without data and warns once per year', () => {
  const { calendar, warnings } = calendarWithWarnings();
  assert.is(calendar.hasData(2026), true);
  assert.is(calendar.hasData(2027), false);
  assert.is(addWorkingDays(calendar, '2026-12-31', 1), '2027-01-01');
  assert.is(addWorkingDays(calendar, '2027-01-08', 1), '2027-01-11');
  assert.is(addWorkingDays(calendar, '2027-03-01', 20), '2027-03-29');
  assert.is(warnings.length, 1);
  assert.match(warnings[0] ?? '', /2027/);
  addWorkingDays(calendar, '2028-06-01', 2);
  assert.is(warnings.length, 2);
  assert.match(warnings[1] ?? '', /2028/);
});

test('uses config overrides for a later year without warning', () => {
  const overrides = parseHolidayOverrides({
    _comment: 'test',
    2027: { provisional: true, holidays: ['2027-01-01'], workdays: ['2027-01-09'] },
  });
  const { calendar, warnings } = calendarWithWarnings(overrides);
  assert.is(calendar.hasData(2027), true);
  assert.is(addWorkingDays(calendar, '2026-12-31', 1), '2027-01-04');
  assert.is(addWorkingDays(calendar, '2027-01-08', 1), '2027-01-09');
  assert.equal(warnings, []);
});

test('lets overrides correct a year the package covers', () => {
  const { calendar } = calendarWithWarnings(parseHolidayOverrides({ 2026: { holidays: ['2026-11-30'] } }));
  assert.is(promisedDeadline(calendar, '2026-11-27', 1), '2026-12-01');
  assert.is(calendar.isWorkday('2026-10-10'), true);
});

test('rejects override files with wrong years, bad days or a day in both lists', () => {
  assert.throws(() => parseHolidayOverrides({ next: {} }), /not a year/);
  assert.throws(() => parseHolidayOverrides({ 2027: { holidays: ['2028-01-01'] } }), /2027\.holidays/);
  assert.throws(() => parseHolidayOverrides({ 2027: { holidays: ['2027-02-30'] } }), /2027-02-30/);
  assert.throws(() => parseHolidayOverrides({ 2027: { workdays: '2027-02-06' } }), /must be a list/);
  assert.throws(() => parseHolidayOverrides({ 2027: { holidays: ['2027-02-06'], workdays: ['2027-02-06'] } }), /both/);
  assert.throws(() => parseHolidayOverrides([]), /object/);
});

test('loads the shipped config/holidays.json, and names the file when one is broken', async () => {
  assert.equal(await loadHolidayOverrides(join(process.cwd(), 'config/holidays.json')), {});
  const dir = await mkdtemp(join(tmpdir(), 'yiciban-holidays-'));
  try {
    const file = join(dir, 'holidays.json');
    await writeFile(file, '{"2027": {"holidays": ["2027-13-01"]}}');
    const error = await loadHolidayOverrides(file).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.match(error?.message ?? '', file);
    assert.match(error?.message ?? '', /2027-13-01/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('counts working days between two days, signed, not counting the first day', () => {
  const { calendar } = calendarWithWarnings();
  assert.is(workingDaysBetween(calendar, '2026-09-30', '2026-10-12'), 4);
  assert.is(workingDaysBetween(calendar, '2026-10-12', '2026-09-30'), -4);
  assert.is(workingDaysBetween(calendar, '2026-10-12', '2026-10-12'), 0);
  assert.is(workingDaysBetween(calendar, '2026-10-03', '2026-10-04'), 0);
  for (const days of [1, 3, 10, 20]) {
    assert.is(workingDaysBetween(calendar, '2026-09-28', promisedDeadline(calendar, '2026-09-28', days)), days);
  }
});

test('tells the working days left: positive before, 0 on the day, negative once overdue even over a weekend', () => {
  const { calendar } = calendarWithWarnings();
  assert.is(remainingWorkingDays(calendar, '2026-10-09T02:00:00Z', '2026-10-12'), 2);
  assert.is(remainingWorkingDays(calendar, '2026-10-12T09:00:00+08:00', '2026-10-12'), 0);
  assert.is(remainingWorkingDays(calendar, '2026-10-13', '2026-10-12'), -1);
  assert.is(remainingWorkingDays(calendar, '2026-11-28', '2026-11-27'), -1);
  assert.is(remainingWorkingDays(calendar, '2026-12-02', '2026-11-27'), -3);
  assert.is(isOverdue('2026-11-27T15:59:00Z', '2026-11-27'), false);
  assert.is(isOverdue('2026-11-27T16:00:00Z', '2026-11-27'), true);
});

test('counts backwards with negative days and refuses absurd spans', () => {
  const { calendar } = calendarWithWarnings();
  assert.is(addWorkingDays(calendar, '2026-10-08', -1), '2026-09-30');
  assert.is(addWorkingDays(calendar, '2026-10-08', 0), '2026-10-08');
  assert.throws(() => addWorkingDays(calendar, '2026-10-08', 1.5), RangeError);
  assert.throws(() => addWorkingDays(calendar, '2026-10-08', 86_400_000), RangeError);
  assert.throws(() => promisedDeadline(calendar, '2026-10-08', -1), RangeError);
});

test('gives the same days whatever the server time zone is', () => {
  const saved = process.env.TZ;
  try {
    for (const zone of ['America/New_York', 'Pacific/Kiritimati', 'UTC']) {
      process.env.TZ = zone;
      const { calendar } = calendarWithWarnings();
      assert.is(calendar.isWorkday('2026-10-10'), true, zone);
      assert.is(calendar.isWorkday('2026-11-28'), false, zone);
      assert.is(promisedDeadline(calendar, '2026-09-30T15:00:00Z', 3), '2026-10-10', zone);
      assert.is(workingDaysBetween(calendar, '2026-09-30', '2026-10-12'), 4, zone);
    }
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

test.run();
