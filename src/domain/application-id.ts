// Application numbers (办件编号): YC + the day in China time + a per-day sequence, e.g. YC20261128-0001.
// The store allocates the sequence; this module only formats and reads the numbers.
import { chinaWallClock, isCalendarDate } from './china-time.js';

/** The parts of an application number. */
export interface ApplicationIdParts {
  /** Canonical form, e.g. YC20261128-0001. */
  id: string;
  /** YYYYMMDD. */
  day: string;
  seq: number;
}

const CANONICAL = /^YC\d{8}-\d{4,}$/;
// After NFKC (full-width → half-width): any common dash, underscore or space between day and sequence,
// or none when the sequence has its full 4 digits.
const LOOSE = /^YC(\d{8})(?:[\s\-_‐‑‒–—]+(\d+)|(\d{4,}))$/;
const EMBEDDED = /YC\d{8}[\s\-_‐‑‒–—]*\d{4,}/;

/** The calendar day of an instant in China (UTC+8, no daylight saving), as YYYYMMDD. */
export function applicationDay(date: Date): string {
  return chinaWallClock(date.getTime()).toISOString().slice(0, 10).replaceAll('-', '');
}

/** `YC<day>-<seq>` with the sequence zero-padded to 4 digits (longer when it grows past 9999). */
export function formatApplicationId(day: string | Date, seq: number): string {
  const ymd = typeof day === 'string' ? day.replaceAll('-', '') : applicationDay(day);
  if (!isCalendarDay(ymd)) throw new RangeError(`application day must be YYYYMMDD, got ${JSON.stringify(day)}`);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`application sequence must be a positive integer, got ${seq}`);
  return `YC${ymd}-${String(seq).padStart(4, '0')}`;
}

/**
 * Reads an application number as people type it: lower case, full-width letters and digits, spaces
 * around it, any dash or none between day and sequence. Returns undefined when it is not one.
 */
export function parseApplicationId(text: string): ApplicationIdParts | undefined {
  const match = LOOSE.exec(normalize(text));
  if (!match) return undefined;
  const [, day = '', spaced, packed] = match;
  const seq = Number(spaced ?? packed);
  if (!isCalendarDay(day) || !Number.isSafeInteger(seq) || seq < 1) return undefined;
  return { id: formatApplicationId(day, seq), day, seq };
}

/** The first application number inside a longer message (e.g. "查询 yc20261128-0001 的进度"). */
export function findApplicationId(text: string): ApplicationIdParts | undefined {
  const match = EMBEDDED.exec(normalize(text));
  return match ? parseApplicationId(match[0]) : undefined;
}

/** True only for the canonical form the store uses (YC20261128-0001); use parseApplicationId for user input. */
export function isApplicationId(text: string): boolean {
  return CANONICAL.test(text) && parseApplicationId(text)?.id === text;
}

function normalize(text: string): string {
  return text.normalize('NFKC').trim().toUpperCase();
}

function isCalendarDay(ymd: string): boolean {
  const iso = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
  return /^\d{8}$/.test(ymd) && Number(ymd.slice(0, 4)) >= 2000 && isCalendarDate(iso);
}
