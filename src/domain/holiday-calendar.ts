// Which days are working days in mainland China: the `chinese-days` package's data (statutory holidays and
// 调休 make-up working days, published each year by the State Council) plus config/holidays.json overrides
// for years the package does not cover yet. Pure: src/config-files.ts reads the overrides file.
// The package's functions build their tables with the process's local time zone and shift every day by one
// west of UTC (TZ=America/New_York: 2026-10-10 comes out as a day off), so we read its prebuilt,
// time-zone-free data instead: { holidays: { 'YYYY-MM-DD': name }, workdays: { … } }.
import packageData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import dayjs from 'dayjs';
import { chinaWallClock, isCalendarDate } from './china-time.js';

const PACKAGE_HOLIDAYS: Readonly<Record<string, string>> = packageData.holidays;
const PACKAGE_WORKDAYS: Readonly<Record<string, string>> = packageData.workdays;
const PACKAGE_YEARS: ReadonlySet<number> = new Set(Object.keys(PACKAGE_HOLIDAYS).map((day) => Number(day.slice(0, 4))));

/** A calendar day 'YYYY-MM-DD', or an instant (Date or ISO date-time) read as its day in China. */
export type DateInput = Date | string;

/** Per-year corrections: days off on weekdays (`holidays`) and working weekends (`workdays`, 调休). */
export type HolidayOverrides = Record<number, { holidays: string[]; workdays: string[] }>;

export interface HolidayCalendar {
  isWorkday(date: DateInput): boolean;
  /** The package or the overrides know this year's holidays (otherwise Monday–Friday is assumed). */
  hasData(year: number): boolean;
}

export interface HolidayCalendarOptions {
  overrides?: HolidayOverrides;
  /** Told once per year when a year without data is computed with the Monday–Friday fallback. */
  warn?: (message: string) => void;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A working-day calendar; its only state is the set of years already warned about. */
export function createHolidayCalendar(options: HolidayCalendarOptions = {}): HolidayCalendar {
  const overrides = options.overrides ?? {};
  const warned = new Set<number>();
  return {
    hasData: (year) => year in overrides || PACKAGE_YEARS.has(year),
    isWorkday(date) {
      const day = chinaDay(date);
      const year = Number(day.slice(0, 4));
      const override = overrides[year];
      if (override?.holidays.includes(day)) return false;
      if (override?.workdays.includes(day)) return true;
      if (PACKAGE_WORKDAYS[day]) return true;
      if (PACKAGE_HOLIDAYS[day]) return false;
      if (!override && !PACKAGE_YEARS.has(year) && !warned.has(year)) {
        warned.add(year);
        options.warn?.(`no holiday data for ${year}: counting Monday–Friday as working days; add ${year} to config/holidays.json`);
      }
      const weekday = dayjs(day).day();
      return weekday >= 1 && weekday <= 5;
    },
  };
}

/** The calendar day ('YYYY-MM-DD') of a date input in China (UTC+8, no daylight saving). Throws on an invalid date. */
export function chinaDay(date: DateInput): string {
  if (typeof date === 'string' && DAY.test(date)) {
    if (!isCalendarDate(date)) throw new RangeError(`not a calendar day: ${date}`);
    return date;
  }
  const time = (typeof date === 'string' ? new Date(date) : date).getTime();
  if (Number.isNaN(time)) throw new RangeError(`not a date: ${String(date)}`);
  return chinaWallClock(time).toISOString().slice(0, 10);
}

/**
 * Validates the overrides file's content: `{ "2027": { "holidays": [...], "workdays": [...] }, "_comment": … }`.
 * Keys starting with "_" are notes; other keys inside a year (e.g. "provisional", "source") are kept for people.
 */
export function parseHolidayOverrides(json: unknown): HolidayOverrides {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('holidays: expected a JSON object of years');
  const result: HolidayOverrides = {};
  for (const [key, value] of Object.entries(json)) {
    if (key.startsWith('_')) continue;
    if (!/^\d{4}$/.test(key)) throw new Error(`holidays: "${key}" is not a year (use "2027", or "_note" for comments)`);
    const entry = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    const holidays = dayList(entry.holidays, key, 'holidays');
    const workdays = dayList(entry.workdays, key, 'workdays');
    const both = holidays.find((day) => workdays.includes(day));
    if (both) throw new Error(`holidays: ${both} is listed both as a holiday and as a workday`);
    result[Number(key)] = { holidays, workdays };
  }
  return result;
}

function dayList(value: unknown, year: string, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`holidays: ${year}.${name} must be a list of "YYYY-MM-DD" days`);
  return value.map((day) => {
    if (typeof day !== 'string' || !isCalendarDate(day) || !day.startsWith(`${year}-`)) {
      throw new Error(`holidays: ${year}.${name} has ${JSON.stringify(day)}, expected a "YYYY-MM-DD" day in ${year}`);
    }
    return day;
  });
}
