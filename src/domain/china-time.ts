// China time, pure: the mainland is UTC+8 all year (no daylight saving), so an instant's calendar day and wall
// clock there are plain arithmetic, independent of the server's time zone.

/** UTC+8 in milliseconds. */
export const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The instant shifted so that its UTC fields read as China wall-clock time. */
export function chinaWallClock(time: number): Date {
  return new Date(time + CHINA_OFFSET_MS);
}

/** True for a real calendar date written YYYY-MM-DD (leap years included). */
export function isCalendarDate(iso: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}
