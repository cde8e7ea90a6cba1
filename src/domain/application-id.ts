// Application numbers (办件编号): a prefix (APPLICATION_ID_PREFIX, default YC) + the day in China time + a
// per-day sequence, e.g. YC20261128-0001. The store allocates the sequence; this module only formats and reads
// the numbers, and reads any prefix (1–8 letters or digits starting with a letter), not only this deployment's.
import { chinaWallClock, isCalendarDate } from './china-time.js';

/** The parts of an application number. */
export interface ApplicationIdParts {
  /** Canonical form, e.g. YC20261128-0001. */
  id: string;
  /** YYYYMMDD. */
  day: string;
  seq: number;
}

/** The default prefix of application numbers. */
export const DEFAULT_APPLICATION_PREFIX = 'YC';
const PREFIX = /^[A-Z][A-Z0-9]{0,7}$/;

// The prefix is lazy so that a prefix ending in a digit still leaves the day its eight digits.
const CANONICAL = /^[A-Z][A-Z0-9]{0,7}?\d{8}-\d{4,}$/;
// After NFKC (full-width → half-width): any common dash, underscore or space between day and sequence,
// or none when the sequence has its full 4 digits.
const REST = /^(\d{8})(?:[\s\-_‐‑‒–—]+(\d+)|(\d{4,}))$/;
const EMBEDDED = /(?<![A-Z0-9])[A-Z][A-Z0-9]{0,7}?\d{8}[\s\-_‐‑‒–—]*\d{4,}/;

/** The calendar day of an instant in China (UTC+8, no daylight saving), as YYYYMMDD. */
export function applicationDay(date: Date): string {
  return chinaWallClock(date.getTime()).toISOString().slice(0, 10).replaceAll('-', '');
}

/** `<prefix><day>-<seq>` with the sequence zero-padded to 4 digits (longer when it grows past 9999). */
export function formatApplicationId(day: string | Date, seq: number, prefix = DEFAULT_APPLICATION_PREFIX): string {
  const ymd = typeof day === 'string' ? day.replaceAll('-', '') : applicationDay(day);
  if (!isCalendarDay(ymd)) throw new RangeError(`application day must be YYYYMMDD, got ${JSON.stringify(day)}`);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`application sequence must be a positive integer, got ${seq}`);
  if (!PREFIX.test(prefix))
    throw new RangeError(
      `application prefix must be 1–8 upper-case letters or digits starting with a letter, got ${JSON.stringify(prefix)}`,
    );
  return `${prefix}${ymd}-${String(seq).padStart(4, '0')}`;
}

/**
 * Reads an application number as people type it: lower case, full-width letters and digits, spaces
 * around it, any dash or none between day and sequence. Returns undefined when it is not one.
 */
export function parseApplicationId(text: string): ApplicationIdParts | undefined {
  const normal = normalize(text);
  // Each split of prefix and rest: "A1202611280001" is A1 + 20261128 + 0001, not A + 12026112 + 80001.
  for (let length = 1; length <= 8; length++) {
    const parts = partsOf(normal.slice(0, length), normal.slice(length));
    if (parts) return parts;
  }
  return undefined;
}

function partsOf(prefix: string, rest: string): ApplicationIdParts | undefined {
  const match = REST.exec(rest);
  if (!PREFIX.test(prefix) || !match) return undefined;
  const [, day = '', spaced, packed] = match;
  const seq = Number(spaced ?? packed);
  if (!isCalendarDay(day) || !Number.isSafeInteger(seq) || seq < 1) return undefined;
  return { id: formatApplicationId(day, seq, prefix), day, seq };
}

/** The first application number inside a longer message (e.g. "查询 yc20261128-0001 的进度"). */
export function findApplicationId(text: string): ApplicationIdParts | undefined {
  const match = EMBEDDED.exec(normalize(text));
  return match ? parseApplicationId(match[0]) : undefined;
}

/** True only for the canonical form the store uses (YC20261128-0001, any prefix); use parseApplicationId for user input. */
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
