// 电子监察: deadlines that tick and warn. On acceptance (and when a 补正 ends) the yellow and red checks are
// scheduled; a check that fires looks at the application again (decided? paused? deadline moved?) and warns
// once, one-to-one, or reschedules. A daily digest at 09:00 China time lists every open yellow/red item.
import { Composer } from '../../src/bot/composer.js';
import type { DecisionContext } from '../../src/bot/context.js';
import type { TimerContext } from '../../src/bot/event-contexts.js';
import type { Effect } from '../../src/bot/effects.js';
import { onTimer } from '../../src/bot/router.js';
import { isDecided } from '../../src/domain/application.js';
import { chinaDay } from '../../src/domain/holiday-calendar.js';
import type { Application } from '../../src/domain/types.js';
import { deadlineClock, nextNineOClock, warningLevel, warningMoments } from '../../src/supervision/deadline-clock.js';
import { missedPromises, promiseDues, promiseMissedText, promiseMoments, promiseReminderText } from '../../src/supervision/promises.js';
import {
  ALERT_LEVELS,
  digestByDepartment,
  digestText,
  responsibleDepartments,
  warningRecipients,
  warningText,
  type AlertLevel,
  type DepartmentDigest,
  type DigestItem,
} from '../../src/supervision/warnings.js';

/** Timer names of this feature. */
export const SUPERVISION_CHECK = 'supervision.check';
export const SUPERVISION_DIGEST = 'supervision.digest';
export const SUPERVISION_PROMISE = 'supervision.promise';

/** What a check timer carries. */
interface CheckPayload {
  applicationId: string;
  level: AlertLevel;
}

/** What a 容缺 timer carries: remind the applicant, or tell the department the promise was missed. */
interface PromisePayload {
  applicationId: string;
  step: 'remind' | 'missed';
}

/** Which warnings went out for an application (kept so that a warning goes once, whatever reschedules). */
type WarnedLevels = Partial<Record<AlertLevel | 'promise', string>>;

/** Statuses under the deadline clock. */
const RUNNING: Application['status'][] = ['accepted', 'in_review', 'supplement_required'];

/** The timers of this feature. */
export const supervisionTimers = new Composer<TimerContext>(
  onTimer(SUPERVISION_CHECK, (ctx, payload) => check(ctx, payload as CheckPayload)),
  onTimer(SUPERVISION_DIGEST, (ctx) => digest(ctx)),
  onTimer(SUPERVISION_PROMISE, (ctx, payload) => followPromise(ctx, payload as PromisePayload)),
);

/** Timers that must exist once the bot runs: the next daily digest (a duplicate is dropped by timer dedupe). */
export function supervisionStartTimers(now: number): Effect[] {
  return [digestTimer(nextNineOClock(now))];
}

/** Call after an application changed: acceptance and the end of a 补正 (re)start the warning checks. */
export async function superviseChange(ctx: DecisionContext, before: Application, after: Application): Promise<void> {
  if (!after.acceptedAt || isDecided(after) || after.status === 'withdrawn' || after.status === 'supplement_required') return;
  const started = !before.acceptedAt;
  const resumed = before.status === 'supplement_required';
  if (started || resumed) await scheduleChecks(ctx, after);
  if (started) schedulePromises(ctx, after);
}

// 容缺: a reminder to the applicant the working day before the first promise is due, a warning the day after.
function schedulePromises(ctx: DecisionContext, app: Application): void {
  const moments = promiseMoments(ctx.services.calendar, promiseDues(ctx.services.calendar, app, ctx.matter(app.matter.id)));
  if (!moments) return;
  for (const step of ['remind', 'missed'] as const) {
    const payload: PromisePayload = { applicationId: app.id, step };
    ctx.schedule(SUPERVISION_PROMISE, `promise:${app.id}:${step}`, Math.max(moments[step], ctx.now.getTime()), payload);
  }
}

async function followPromise(ctx: TimerContext, { applicationId, step }: PromisePayload): Promise<void> {
  const app = await ctx.getApplication(applicationId);
  if (!app || ['withdrawn', 'not_accepted', 'rejected'].includes(app.status)) return;
  const dues = promiseDues(ctx.services.calendar, app, ctx.matter(app.matter.id));
  if (dues.length === 0) return;
  if (step === 'remind') return void ctx.send({ kind: 'user', userId: app.applicant.userId }, promiseReminderText(app, dues));
  const missed = missedPromises(dues, ctx.now);
  const warned = await warnedLevels(ctx, app.id);
  if (missed.length === 0 || warned.promise) return;
  const text = promiseMissedText(app, missed);
  const people = new Set(responsibleDepartments(app, ctx.matter(app.matter.id)).flatMap((d) => d.contactUserIds));
  for (const userId of people) ctx.send({ kind: 'user', userId }, text);
  recordWarning(ctx, app.id, 'promise', people.size);
}

async function scheduleChecks(ctx: DecisionContext, app: Application): Promise<void> {
  const clock = deadlineClock(ctx.services.calendar, app, ctx.now);
  if (!clock) return;
  const warned = await warnedLevels(ctx, app.id);
  const moments = warningMoments(ctx.services.calendar, clock);
  for (const level of ALERT_LEVELS) {
    const at = moments[level];
    if (at === undefined || warned[level]) continue;
    const payload: CheckPayload = { applicationId: app.id, level };
    ctx.schedule(SUPERVISION_CHECK, `supervision:${app.id}:${level}`, Math.max(at, ctx.now.getTime()), payload);
  }
}

async function check(ctx: TimerContext, { applicationId, level }: CheckPayload): Promise<void> {
  const app = await ctx.getApplication(applicationId);
  if (!app) return;
  const now = warningLevel(ctx.services.calendar, app, ctx.now);
  // Decided or withdrawn: nothing to warn about. Paused: the end of the 补正 schedules the checks again.
  if (now === 'inactive' || now === 'paused') return;
  // The deadline moved later (a 补正 since): check again at the new moment.
  if (now === 'green' || (now === 'yellow' && level === 'red')) return scheduleChecks(ctx, app);
  // Already overdue when the yellow check comes: the red check speaks for it.
  if (now === 'red' && level === 'yellow') return;
  await warn(ctx, app, level);
}

async function warn(ctx: TimerContext, app: Application, level: AlertLevel): Promise<void> {
  const warned = await warnedLevels(ctx, app.id);
  if (warned[level]) return;
  const clock = deadlineClock(ctx.services.calendar, app, ctx.now)!;
  const departments = responsibleDepartments(app, ctx.matter(app.matter.id));
  const text = warningText(level, app, clock, departments);
  const recipients = warningRecipients(level, departments, ctx.services.adminUserIds);
  for (const userId of recipients) ctx.send({ kind: 'user', userId }, text);
  recordWarning(ctx, app.id, level, recipients.length);
  ctx.log.info({ applicationId: app.id, level }, 'supervision warning sent');
}

// Every day at 09:00 China time the next digest is scheduled; on working days the open items go out.
async function digest(ctx: TimerContext): Promise<void> {
  const now = ctx.now.getTime();
  ctx.schedule(SUPERVISION_DIGEST, SUPERVISION_DIGEST, nextNineOClock(Math.max(now, ctx.event.dueAt)), {});
  if (!ctx.services.calendar.isWorkday(ctx.now)) return;
  const items = await openItems(ctx);
  if (items.length === 0) return;
  const day = chinaDay(ctx.now);
  const digests = digestByDepartment(items);
  for (const [userId, theirs] of byContact(digests)) ctx.send({ kind: 'user', userId }, digestText(day, theirs));
  for (const userId of ctx.services.adminUserIds) ctx.send({ kind: 'user', userId }, digestText(day, digests));
}

/** Every running application at yellow or red now, with its clock and responsible departments. */
export async function openItems(ctx: DecisionContext): Promise<DigestItem[]> {
  const { items: apps } = await ctx.findApplications({ status: RUNNING });
  const items: DigestItem[] = [];
  for (const app of apps) {
    const level = warningLevel(ctx.services.calendar, app, ctx.now);
    if (level !== 'yellow' && level !== 'red') continue;
    const clock = deadlineClock(ctx.services.calendar, app, ctx.now)!;
    items.push({ level, app, clock, departments: responsibleDepartments(app, ctx.matter(app.matter.id)) });
  }
  return items;
}

function byContact(digests: DepartmentDigest[]): Map<string, DepartmentDigest[]> {
  const result = new Map<string, DepartmentDigest[]>();
  for (const d of digests) for (const userId of d.department.contactUserIds) result.set(userId, [...(result.get(userId) ?? []), d]);
  return result;
}

function digestTimer(at: number): Effect {
  return { type: 'timer', name: SUPERVISION_DIGEST, key: SUPERVISION_DIGEST, at, payload: {} };
}

/** Kind of the record kept for each warning sent (so that it goes once, whatever reschedules). */
export const WARNING_KIND = 'supervision.warning';

/** A warning that went out. */
interface WarningRecord {
  applicationId: string;
  level: AlertLevel | 'promise';
  at: string;
  recipients: number;
}

async function warnedLevels(ctx: DecisionContext, applicationId: string): Promise<WarnedLevels> {
  const levels: WarnedLevels = {};
  for (const level of [...ALERT_LEVELS, 'promise'] as const) {
    const record = await ctx.getRecord<WarningRecord>(WARNING_KIND, `${applicationId}:${level}`);
    if (record) levels[level] = record.data.at;
  }
  return levels;
}

function recordWarning(ctx: DecisionContext, applicationId: string, level: AlertLevel | 'promise', recipients: number): void {
  const data: WarningRecord = { applicationId, level, at: ctx.now.toISOString(), recipients };
  ctx.saveRecord({ kind: WARNING_KIND, id: `${applicationId}:${level}`, rev: 1, data, updatedAt: ctx.now.getTime(), tags: { level } });
}
