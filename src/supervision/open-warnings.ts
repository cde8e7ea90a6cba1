// The open yellow/red warnings as a list (the dashboard's 预警 table): every running application at yellow or
// red now, with the departments still deciding, since when it has been at that level and its deadline. Pure.
import type { HolidayCalendar } from '../domain/holiday-calendar.js';
import { type ClockSubject, deadlineClock, warningLevel } from './deadline-clock.js';
import type { AlertLevel } from './warnings.js';

/** One application at yellow or red. */
export interface OpenWarning {
  applicationId: string;
  matter: { id: string; name: string };
  /** The departments still deciding (every department when all have decided). */
  departments: { id: string; name: string }[];
  level: AlertLevel;
  /** The day the level was reached: the yellow day, or the day after the deadline. */
  since: string;
  deadline: string;
  /** Working days left (negative: overdue by that many). */
  remaining: number;
}

/** Open warnings, red first, then by deadline and number. */
export function openWarnings(applications: readonly ClockSubject[], calendar: HolidayCalendar, now: Date): OpenWarning[] {
  const out: OpenWarning[] = [];
  for (const app of applications) {
    const level = warningLevel(calendar, app, now);
    if (level !== 'yellow' && level !== 'red') continue;
    const clock = deadlineClock(calendar, app, now)!;
    const deciding = app.departments.filter((d) => d.status === 'pending' || d.status === 'reviewing');
    out.push({
      applicationId: app.id,
      matter: { id: app.matter.id, name: app.matter.name },
      departments: (deciding.length > 0 ? deciding : app.departments).map((d) => ({ id: d.id, name: d.name })),
      level,
      since: level === 'red' ? nextDay(clock.deadline) : clock.yellowDay!,
      deadline: clock.deadline,
      remaining: clock.remaining,
    });
  }
  return out.sort(
    (a, b) =>
      (a.level === b.level ? 0 : a.level === 'red' ? -1 : 1) ||
      a.deadline.localeCompare(b.deadline) ||
      a.applicationId.localeCompare(b.applicationId),
  );
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
