// The deadline clock (电子监察), pure: pauses read from the history, working time across 国庆 2026 and its
// 调休 Saturday, the yellow/red levels and the moments their checks are due.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { createHolidayCalendar } from '../../src/domain/holiday-calendar.js';
import type { Application, ApplicationStatus, HistoryEntry } from '../../src/domain/types.js';
import { deadlineClock, nextNineOClock, pausesOf, warningLevel, warningMoments } from '../../src/supervision/deadline-clock.js';

const test = suite('supervision: the deadline clock');
const calendar = createHolidayCalendar();

// Accepted Monday 2026-09-28 10:00 China time, 5 promised working days: 9-29, 9-30, (国庆 10-1…10-7), 10-8,
// 10-9 and the 调休 Saturday 10-10 → deadline 2026-10-10.
const ACCEPTED = '2026-09-28T02:00:00.000Z';

function step(at: string, from: ApplicationStatus, to: ApplicationStatus, action = 'x'): HistoryEntry {
  return { at, actor: { type: 'backoffice', id: 'bo' }, action, from, to };
}

function application(extra: HistoryEntry[] = [], status: ApplicationStatus = 'in_review'): Application {
  return {
    id: 'YC20260928-0001',
    rev: 1,
    matter: { id: 'm', version: 1, name: '事项' },
    applicant: { userId: 'u', name: '张三' },
    channel: { conversationId: 'c', conversationType: 'single' },
    fields: {},
    materials: [],
    departments: [],
    status,
    createdAt: '2026-09-27T00:00:00.000Z',
    acceptedAt: ACCEPTED,
    deadline: '2026-10-10',
    history: [step('2026-09-27T00:00:00.000Z', 'draft', 'submitted'), step(ACCEPTED, 'submitted', 'accepted'), ...extra],
  };
}

// 补正 asked on Tuesday 9-29, answered on Wednesday 9-30: one working day paused.
const PAUSE = [
  step('2026-09-29T03:00:00.000Z', 'in_review', 'supplement_required'),
  step('2026-09-30T03:00:00.000Z', 'supplement_required', 'in_review'),
];

test('reads the 补正 pauses after acceptance from the history', () => {
  assert.equal(pausesOf(application(PAUSE)), [{ from: '2026-09-29T03:00:00.000Z', to: '2026-09-30T03:00:00.000Z' }]);
  assert.equal(pausesOf(application(PAUSE.slice(0, 1), 'supplement_required')), [{ from: '2026-09-29T03:00:00.000Z' }]);
  const before = {
    ...application(),
    history: [step('2026-09-26T00:00:00.000Z', 'submitted', 'supplement_required'), ...application().history],
  };
  assert.equal(pausesOf(before), [], 'a 补正 before acceptance does not pause the promised time');
});

test('counts working days across the holiday and the 调休 Saturday', () => {
  const table: [string, number, number, string][] = [
    // now (China 10:00), remaining, used, level
    ['2026-09-28T02:00:00Z', 5, 0, 'green'],
    ['2026-09-30T02:00:00Z', 3, 2, 'green'],
    ['2026-10-05T02:00:00Z', 3, 2, 'green'],
    ['2026-10-09T02:00:00Z', 1, 4, 'yellow'],
    ['2026-10-10T02:00:00Z', 0, 5, 'yellow'],
    ['2026-10-11T02:00:00Z', -1, 5, 'red'],
    ['2026-10-13T02:00:00Z', -2, 7, 'red'],
  ];
  for (const [now, remaining, used, level] of table) {
    const clock = deadlineClock(calendar, application(), now)!;
    assert.equal(
      { remaining: clock.remaining, used: clock.used, level: warningLevel(calendar, application(), now) },
      { remaining, used, level },
      now,
    );
    assert.is(clock.deadline, '2026-10-10');
    assert.is(clock.yellowDay, '2026-10-09');
  }
});

test('a finished 补正 adds its working days to the deadline; an open one stops the clock', () => {
  const resumed = deadlineClock(calendar, application(PAUSE), '2026-10-09T02:00:00Z')!;
  assert.equal([resumed.pausedDays, resumed.deadline, resumed.yellowDay, resumed.remaining], [1, '2026-10-12', '2026-10-10', 2]);
  assert.is(warningLevel(calendar, application(PAUSE), '2026-10-09T02:00:00Z'), 'green');
  const open = application(PAUSE.slice(0, 1), 'supplement_required');
  const frozen = deadlineClock(calendar, open, '2026-10-20T02:00:00Z')!;
  assert.equal([frozen.paused, frozen.remaining, frozen.used], [true, 4, 1]);
  assert.is(warningLevel(calendar, open, '2026-10-20T02:00:00Z'), 'paused');
});

test('decided and withdrawn applications are out of supervision', () => {
  assert.is(warningLevel(calendar, application([], 'approved'), '2026-10-20T02:00:00Z'), 'inactive');
  assert.is(warningLevel(calendar, application([], 'withdrawn'), '2026-10-20T02:00:00Z'), 'inactive');
  assert.is(
    warningLevel(calendar, { ...application(), acceptedAt: undefined, deadline: undefined, status: 'submitted' }, '2026-10-20T02:00:00Z'),
    'inactive',
  );
});

test('warnings are due at 09:00 China time: yellow on its day, red on the first working day after the deadline', () => {
  const clock = deadlineClock(calendar, application(), ACCEPTED)!;
  assert.equal(warningMoments(calendar, clock), { yellow: Date.parse('2026-10-09T01:00:00Z'), red: Date.parse('2026-10-12T01:00:00Z') });
  const instant = deadlineClock(calendar, { ...application(), deadline: '2026-09-28' }, ACCEPTED)!;
  assert.equal(warningMoments(calendar, instant), { red: Date.parse('2026-09-29T01:00:00Z') }, '即办件: no yellow');
});

test('the digest is due at the next 09:00 China time', () => {
  assert.is(nextNineOClock(Date.parse('2026-09-28T00:59:59Z')), Date.parse('2026-09-28T01:00:00Z'));
  assert.is(nextNineOClock(Date.parse('2026-09-28T01:00:00Z')), Date.parse('2026-09-29T01:00:00Z'));
  assert.is(nextNineOClock(Date.parse('2026-09-28T20:00:00Z')), Date.parse('2026-09-29T01:00:00Z'), '04:00 China the next day');
});

test.run();
