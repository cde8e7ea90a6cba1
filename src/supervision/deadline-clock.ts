// The promised deadline as a clock that ticks (电子监察): working days used since the deemed acceptance day,
// with the time the applicant spends on a 补正 left out (审批时限不含补正时间). Pure: computed from the
// application's history and an injected "now"; warnings and the card read the same figures.
import { addWorkingDays, workingDaysBetween } from '../domain/deadline.js';
import { isDecided } from '../domain/application.js';
import { chinaDay, type HolidayCalendar } from '../domain/holiday-calendar.js';
import { type ApplicationFacts, pausesOf } from '../domain/application-facts.js';
import type { Application } from '../domain/types.js';

export { type Pause, pausesOf } from '../domain/application-facts.js';

/** Share of the promised working time after which the yellow warning is due. */
export const YELLOW_SHARE = 0.8;

/** Where an application stands against its promised deadline. */
export interface DeadlineClock {
  /** The acceptance day, moved to the next working day when accepted on a day off. */
  acceptedDay: string;
  /** Promised working days (from the deadline set at acceptance). */
  promisedDays: number;
  /** Working days of 补正 already over, added to the deadline. */
  pausedDays: number;
  /** The deadline with the pauses added (YYYY-MM-DD). */
  deadline: string;
  /** A 补正 is open: the clock stands still. */
  paused: boolean;
  /** Working days left: 0 = due today, negative = overdue (frozen while paused). */
  remaining: number;
  /** Working days used so far, pauses left out. */
  used: number;
  /** The working day on which the yellow warning is due; absent for 即办件 (0 promised days). */
  yellowDay?: string;
}

/** Warning level of a running application; `inactive` = not accepted yet, decided or withdrawn. */
export type WarningLevel = 'inactive' | 'paused' | 'green' | 'yellow' | 'red';

/** An application, or its light facts (application-facts.ts): what the clock reads of either. */
export type ClockSubject = Application | ApplicationFacts;

/** The deadline clock of an accepted application, or undefined before acceptance. */
export function deadlineClock(calendar: HolidayCalendar, app: ClockSubject, now: Date | string): DeadlineClock | undefined {
  if (!app.acceptedAt || !app.deadline) return undefined;
  const acceptedDay = deemedDay(calendar, app.acceptedAt);
  const promisedDays = Math.max(0, workingDaysBetween(calendar, acceptedDay, app.deadline));
  const pauses = 'history' in app ? pausesOf(app) : (app.pauses ?? []);
  const open = pauses.find((p) => !p.to);
  const pausedDays = pauses.reduce((sum, p) => sum + (p.to ? Math.max(0, workingDaysBetween(calendar, p.from, p.to)) : 0), 0);
  const deadline = addWorkingDays(calendar, acceptedDay, promisedDays + pausedDays);
  // While paused, the figures stand as they were on the day the 补正 was asked for.
  const today = chinaDay(open ? open.from : now);
  const used = Math.max(0, workingDaysBetween(calendar, acceptedDay, today) - pausedDays);
  const left = workingDaysBetween(calendar, today, deadline);
  const remaining = today > deadline ? Math.min(left, -1) : left;
  const threshold = yellowThreshold(promisedDays);
  const yellowDay = threshold === undefined ? undefined : addWorkingDays(calendar, acceptedDay, threshold + pausedDays);
  return {
    acceptedDay,
    promisedDays,
    pausedDays,
    deadline,
    paused: open !== undefined,
    remaining,
    used,
    ...(yellowDay ? { yellowDay } : {}),
  };
}

/** The level now: red once the deadline day has passed, yellow once 80 % of the working time is used. */
export function warningLevel(calendar: HolidayCalendar, app: ClockSubject, now: Date | string): WarningLevel {
  const clock = deadlineClock(calendar, app, now);
  if (!clock || isDecided(app) || app.status === 'withdrawn') return 'inactive';
  if (clock.paused) return 'paused';
  const today = chinaDay(now);
  if (today > clock.deadline) return 'red';
  if (clock.yellowDay !== undefined && today >= clock.yellowDay) return 'yellow';
  return 'green';
}

/**
 * When each warning is due, as instants: 09:00 China time on the yellow day, and on the first working day
 * after the deadline (a warning at midnight or at the weekend reaches nobody).
 */
export function warningMoments(calendar: HolidayCalendar, clock: DeadlineClock): { yellow?: number; red: number } {
  const red = nineOClock(addWorkingDays(calendar, clock.deadline, 1));
  return clock.yellowDay ? { yellow: nineOClock(clock.yellowDay), red } : { red };
}

/** 09:00 China time (01:00 UTC) of a calendar day, as epoch ms. */
export function nineOClock(day: string): number {
  return Date.parse(`${day}T01:00:00Z`);
}

/** The next 09:00 China time strictly after `now` (the daily digest). */
export function nextNineOClock(now: number): number {
  const today = nineOClock(chinaDay(new Date(now)));
  return today > now ? today : today + 24 * 3_600_000;
}

// ceil(80 %) of the promised days, counting the day it is reached; none for 即办件.
function yellowThreshold(promisedDays: number): number | undefined {
  return promisedDays === 0 ? undefined : Math.ceil(promisedDays * YELLOW_SHARE);
}

function deemedDay(calendar: HolidayCalendar, at: string): string {
  const day = chinaDay(at);
  return calendar.isWorkday(day) ? day : addWorkingDays(calendar, day, 1);
}
