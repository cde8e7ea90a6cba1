// Received / accepted / completed per China day (the dashboard's line chart). Pure: applications and a range in.
// received counts by the day of submission, accepted by the day of acceptance, completed (办结: decided after
// acceptance, 准予 or 不予许可) by the day of the decision — what each day's work was, not one cohort's fate.
import { chinaDay } from '../domain/holiday-calendar.js';
import type { Application } from '../domain/types.js';
import { DECIDED_AFTER_ACCEPTANCE } from './statistics.js';

/** Longest range the daily series covers (a year and a day). */
export const DAILY_MAX_DAYS = 366;

/** One day of the series. */
export interface DayFigures {
  day: string;
  received: number;
  accepted: number;
  completed: number;
}

/** Every day from `from` to `to` (YYYY-MM-DD, inclusive), days without any activity included as zeros. */
export function dailyFigures(
  applications: readonly Pick<Application, 'status' | 'submittedAt' | 'acceptedAt' | 'decidedAt'>[],
  from: string,
  to: string,
): DayFigures[] {
  const days = new Map<string, DayFigures>();
  for (const day of daysBetween(from, to)) days.set(day, { day, received: 0, accepted: 0, completed: 0 });
  const bump = (at: string | undefined, figure: 'received' | 'accepted' | 'completed') => {
    const entry = at ? days.get(chinaDay(at)) : undefined;
    if (entry) entry[figure] += 1;
  };
  for (const app of applications) {
    bump(app.submittedAt, 'received');
    bump(app.acceptedAt, 'accepted');
    if (app.acceptedAt && DECIDED_AFTER_ACCEPTANCE.includes(app.status)) bump(app.decidedAt, 'completed');
  }
  return [...days.values()];
}

/** The calendar days from `from` to `to`, inclusive (empty when `from` is later). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= Date.parse(`${to}T00:00:00Z`); at += 86_400_000) {
    out.push(new Date(at).toISOString().slice(0, 10));
  }
  return out;
}
