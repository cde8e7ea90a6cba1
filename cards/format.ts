// Dates and times as Chinese readers expect them, in China time (UTC+8, no daylight saving).

import { chinaWallClock } from '../src/domain/china-time.js';

/** '2026-01-05T02:30:00Z' → '2026年1月5日 10:30'. */
export function formatChinaTime(iso: string): string {
  const date = chinaWallClock(Date.parse(iso));
  if (Number.isNaN(date.getTime())) return iso;
  const hh = String(date.getUTCHours()).padStart(2, '0');
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  return `${date.getUTCFullYear()}年${date.getUTCMonth() + 1}月${date.getUTCDate()}日 ${hh}:${mm}`;
}
