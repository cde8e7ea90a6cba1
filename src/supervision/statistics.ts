// Supervision statistics (the figures of GET /api/statistics, the 统计 card and the Prometheus gauges). Pure:
// applications' light facts (application-facts.ts; whole applications work too), templates, the calendar and
// "now" in; plain numbers out. The figures read only the applications received in the range, the running ones
// (warnings) and those of open cases (statisticsQueries says which). Definitions:
// - received: submitted within [from, to] (China days); the other figures are about those applications.
// - accepted: received and accepted; completed (办结): accepted and decided (准予 or 不予许可).
// - onTimeRate: completed on or before the deadline with 补正 pauses added; averageWorkingDays: working days
//   from acceptance to the decision, pauses left out.
// - visitsPerApplication: trips in person (on-site steps, and a window pickup — for undecided ones, what the
//   template needs); zeroVisitShare / atMostOneVisitShare: shares of received applications with 0 / ≤ 1 visits.
// - satisfactionRate: (非常满意 + 满意) / all ratings of received applications; averageRating: the mean level
//   (1–5, 2 decimals); dissatisfied / dissatisfiedShare: 差评 (不满意 and 非常不满意) and their share of the ratings.
// - openWarnings: running applications at yellow or red now, received in any period (an open item is open);
//   openRectifications / openComplaints: 差评整改 cases without a reported fix and complaints without an answer,
//   opened in any period, counted for the matter and the departments of their application.
// Rates are 0..1 with 4 decimals and 0 when there is nothing to count (the counts say whether there was).
import { BAD_LEVEL_MAX } from '../domain/evaluation.js';
import { chinaDay, type HolidayCalendar } from '../domain/holiday-calendar.js';
import { visitCount } from '../domain/matter.js';
import { type ApplicationFacts, factsOf, RUNNING_STATUSES } from '../domain/application-facts.js';
import type { Application, Matter } from '../domain/types.js';
import { deadlineClock, warningLevel } from './deadline-clock.js';

/** Group the figures by matter or by department (an application counts for each of its departments). */
export type StatisticsGrouping = 'matter' | 'department';

/** The figures of one group, or of everything. */
export interface Figures {
  received: number;
  accepted: number;
  completed: number;
  completedOnTime: number;
  onTimeRate: number;
  averageWorkingDays: number;
  visitsPerApplication: number;
  zeroVisitShare: number;
  atMostOneVisitShare: number;
  ratings: number;
  satisfied: number;
  satisfactionRate: number;
  averageRating: number;
  dissatisfied: number;
  dissatisfiedShare: number;
  openWarnings: number;
  openRectifications: number;
  openComplaints: number;
}

/** An open 差评整改 case or complaint, reduced to what the figures need. */
export interface OpenCase {
  kind: 'rectification' | 'complaint';
  applicationId?: string;
}

/** The answer of GET /api/statistics. */
export interface Statistics {
  from: string;
  to: string;
  by: StatisticsGrouping;
  total: Figures;
  groups: ({ id: string; name: string } & Figures)[];
}

export interface StatisticsInput {
  /** At least the applications statisticsQueries selects (any others change no figure). */
  applications: readonly (Application | ApplicationFacts)[];
  matters: readonly Matter[];
  calendar: HolidayCalendar;
  now: Date;
  from: string;
  to: string;
  by: StatisticsGrouping;
  /** Open rectifications and complaints (default none). */
  openCases?: readonly OpenCase[];
}

/** Statuses that mean decided after acceptance (办结). */
export const DECIDED_AFTER_ACCEPTANCE: readonly Application['status'][] = ['approved', 'rejected', 'delivered', 'evaluated'];

/** The default range: the 30 China days up to today. */
export function defaultRange(now: Date): { from: string; to: string } {
  const to = chinaDay(now);
  const from = chinaDay(new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000));
  return { from, to };
}

/**
 * The applications the figures of [from, to] read, as facts queries (the store answers each; their union is the
 * input): those submitted in the range, the running ones (open warnings of any period) and those of open cases.
 */
export function statisticsQueries(
  range: { from: string; to: string },
  cases: readonly OpenCase[],
): { submittedFrom?: string; submittedTo?: string; status?: Application['status'][]; ids?: string[] }[] {
  const ids = [...new Set(cases.flatMap((c) => (c.applicationId === undefined ? [] : [c.applicationId])))];
  return [
    // The store filters on the stored (UTC) day, up to 8 hours before the China day: one day earlier covers it.
    { submittedFrom: dayBefore(range.from), submittedTo: range.to },
    { status: [...RUNNING_STATUSES] },
    ...(ids.length > 0 ? [{ ids }] : []),
  ];
}

/** Every figure, in total and per group (groups sorted by id). */
export function computeStatistics(input: StatisticsInput): Statistics {
  const { from, to, by } = input;
  const applications = input.applications.map((app) => ('history' in app ? factsOf(app) : app));
  const received = applications.filter((app) => app.submittedAt && inRange(chinaDay(app.submittedAt), from, to));
  const groups = new Map<string, { name: string; received: ApplicationFacts[]; all: ApplicationFacts[] }>();
  const add = (id: string, name: string, app: ApplicationFacts, isReceived: boolean) => {
    const group = groups.get(id) ?? { name, received: [], all: [] };
    group.all.push(app);
    if (isReceived) group.received.push(app);
    groups.set(id, group);
  };
  const receivedIds = new Set(received.map((app) => app.id));
  for (const app of applications) {
    const keys =
      by === 'matter' ? [{ id: app.matter.id, name: app.matter.name }] : app.departments.map((d) => ({ id: d.id, name: d.name }));
    for (const key of keys) add(key.id, key.name, app, receivedIds.has(app.id));
  }
  const cases = input.openCases ?? [];
  const facts = factsPerApplication(input);
  const figures = (apps: ApplicationFacts[], all: readonly ApplicationFacts[], everything = false) => {
    const ids = new Set(all.map((app) => app.id));
    const mine = everything ? cases : cases.filter((c) => c.applicationId !== undefined && ids.has(c.applicationId));
    return figuresOf(facts, apps, all, mine);
  };
  const isBusy = (f: Figures) => f.received > 0 || f.openWarnings > 0 || f.openRectifications > 0 || f.openComplaints > 0;
  return {
    from,
    to,
    by,
    total: figures(received, applications, true),
    groups: [...groups.entries()]
      .map(([id, g]) => ({ id, name: g.name, ...figures(g.received, g.all) }))
      .filter(isBusy)
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** What the figures read of one application, worked out once however many groups it counts in. */
interface Derived {
  visits: number;
  /** At yellow or red now. */
  warned: boolean;
  /** Completed (办结): on time, and the working days it took. */
  completed?: { onTime: boolean; used: number };
}

// Each application's derived values, computed when first asked for, on a calendar that remembers its days (the
// clocks of thousands of applications walk the same days).
function factsPerApplication(input: StatisticsInput): (app: ApplicationFacts) => Derived {
  const calendar = rememberingCalendar(input.calendar);
  // The first matter of each id, as a search of the list finds it.
  const matters = new Map<string, Matter>();
  for (const matter of input.matters) if (!matters.has(matter.id)) matters.set(matter.id, matter);
  const known = new Map<string, Derived>();
  return (app) => {
    let derived = known.get(app.id);
    if (derived) return derived;
    derived = {
      visits: visitsOf(app, matters.get(app.matter.id)),
      warned: ['yellow', 'red'].includes(warningLevel(calendar, app, input.now)),
    };
    if (app.acceptedAt && app.decidedAt && DECIDED_AFTER_ACCEPTANCE.includes(app.status)) {
      const clock = deadlineClock(calendar, app, app.decidedAt)!;
      derived.completed = { onTime: chinaDay(app.decidedAt) <= clock.deadline, used: clock.used };
    }
    known.set(app.id, derived);
    return derived;
  };
}

function rememberingCalendar(calendar: HolidayCalendar): HolidayCalendar {
  const days = new Map<string, boolean>();
  return {
    isWorkday(date) {
      if (typeof date !== 'string') return calendar.isWorkday(date);
      let workday = days.get(date);
      if (workday === undefined) {
        workday = calendar.isWorkday(date);
        days.set(date, workday);
      }
      return workday;
    },
    hasData: (year) => calendar.hasData(year),
  };
}

function figuresOf(
  derived: (app: ApplicationFacts) => Derived,
  received: ApplicationFacts[],
  all: readonly ApplicationFacts[],
  cases: readonly OpenCase[],
): Figures {
  const accepted = received.filter((app) => app.acceptedAt);
  const completed = accepted.flatMap((app) => derived(app).completed ?? []);
  const onTime = completed.filter((c) => c.onTime).length;
  const visits = received.map((app) => derived(app).visits);
  const ratings = received.flatMap((app) => (app.rating === undefined ? [] : [app.rating]));
  const satisfied = ratings.filter((level) => level >= 4).length;
  const dissatisfied = ratings.filter((level) => level <= BAD_LEVEL_MAX).length;
  const openWarnings = all.filter((app) => derived(app).warned).length;
  return {
    received: received.length,
    accepted: accepted.length,
    completed: completed.length,
    completedOnTime: onTime,
    onTimeRate: rate(onTime, completed.length),
    averageWorkingDays: round(completed.reduce((sum, c) => sum + c.used, 0) / (completed.length || 1), 2),
    visitsPerApplication: round(visits.reduce((sum, v) => sum + v, 0) / (visits.length || 1), 4),
    zeroVisitShare: rate(visits.filter((v) => v === 0).length, visits.length),
    atMostOneVisitShare: rate(visits.filter((v) => v <= 1).length, visits.length),
    ratings: ratings.length,
    satisfied,
    satisfactionRate: rate(satisfied, ratings.length),
    averageRating: round(ratings.reduce((sum, level) => sum + level, 0) / (ratings.length || 1), 2),
    dissatisfied,
    dissatisfiedShare: rate(dissatisfied, ratings.length),
    openWarnings,
    openRectifications: cases.filter((c) => c.kind === 'rectification').length,
    openComplaints: cases.filter((c) => c.kind === 'complaint').length,
  };
}

function visitsOf(app: ApplicationFacts, matter: Matter | undefined): number {
  const onSite = matter?.onSiteSteps?.length ?? 0;
  if (app.delivery) return onSite + (app.delivery === 'window' ? 1 : 0);
  return matter ? visitCount(matter).visits : 0;
}

function dayBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function inRange(day: string, from: string, to: string): boolean {
  return day >= from && day <= to;
}

function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : round(part / whole, 4);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
