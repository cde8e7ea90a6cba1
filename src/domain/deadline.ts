// Working-day deadlines (承诺时限). 行政许可法 第八十二条: time limits count working days, statutory holidays
// excluded. Days are calendar days in China ('YYYY-MM-DD'); instants are read as their day in UTC+8.
import dayjs from 'dayjs';
import { chinaDay, type DateInput, type HolidayCalendar } from './holiday-calendar.js';

// Ten years either way: more is a bug (e.g. milliseconds passed as days), not a deadline.
const MAX_SPAN_DAYS = 3660;

/** The day `n` working days after `start` (start itself not counted); negative `n` counts back; 0 = start's day. */
export function addWorkingDays(calendar: HolidayCalendar, start: DateInput, n: number): string {
  if (!Number.isInteger(n) || Math.abs(n) > MAX_SPAN_DAYS)
    throw new RangeError(`working days must be an integer within ±${MAX_SPAN_DAYS}, got ${n}`);
  const step = Math.sign(n);
  let day = chinaDay(start);
  for (let counted = 0; counted < Math.abs(n); ) {
    day = shift(day, step);
    if (calendar.isWorkday(day)) counted += 1;
  }
  return day;
}

/**
 * The promised deadline: `promisedDays` working days after the day of acceptance, which is not counted.
 * An acceptance on a non-working day (online, at the weekend) is deemed made on the next working day
 * (受理时间顺延至下一个工作日), so that day is not counted either. 0 days (即办件) = the deemed acceptance day.
 */
export function promisedDeadline(calendar: HolidayCalendar, acceptedAt: DateInput, promisedDays: number): string {
  if (!Number.isInteger(promisedDays) || promisedDays < 0)
    throw new RangeError(`promised days must be a whole number ≥ 0, got ${promisedDays}`);
  let day = chinaDay(acceptedAt);
  if (!calendar.isWorkday(day)) day = addWorkingDays(calendar, day, 1);
  return addWorkingDays(calendar, day, promisedDays);
}

/** Working days in (from, to]: 0 on the same day, negative when `to` is before `from`. */
export function workingDaysBetween(calendar: HolidayCalendar, from: DateInput, to: DateInput): number {
  const start = chinaDay(from);
  const end = chinaDay(to);
  if (start === end) return 0;
  const sign = start < end ? 1 : -1;
  const [low, high] = sign === 1 ? [start, end] : [end, start];
  if (dayjs(high).diff(dayjs(low), 'day') > MAX_SPAN_DAYS) throw new RangeError(`span from ${low} to ${high} is too long`);
  let count = 0;
  for (let day = shift(low, 1); day <= high; day = shift(day, 1)) if (calendar.isWorkday(day)) count += 1;
  return sign * count;
}

/**
 * Working days left until the deadline: 1 = due on the next working day, 0 = due today, negative = overdue
 * by that many working days (at least -1 once the deadline day has passed, even over a weekend).
 */
export function remainingWorkingDays(calendar: HolidayCalendar, now: DateInput, deadline: string): number {
  const today = chinaDay(now);
  const left = workingDaysBetween(calendar, today, deadline);
  return today > chinaDay(deadline) ? Math.min(left, -1) : left;
}

/** The deadline's day has passed (in China time). */
export function isOverdue(now: DateInput, deadline: string): boolean {
  return chinaDay(now) > chinaDay(deadline);
}

// Calendar arithmetic on UTC midnights (a calendar day has no time zone); the day before and after each day are
// remembered, as the day-by-day walks of working-day counts ask for them again and again (statistics: thousands).
const NEXT = new Map<string, string>();
const PREVIOUS = new Map<string, string>();

function shift(day: string, days: number): string {
  const memo = days === 1 ? NEXT : days === -1 ? PREVIOUS : undefined;
  const known = memo?.get(day);
  if (known !== undefined) return known;
  const shifted = new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  memo?.set(day, shifted);
  return shifted;
}
