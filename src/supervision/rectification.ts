// 差评整改 (GB/T 39735 practice), pure: a 不满意 / 非常不满意 rating opens a case for the responsible departments —
// call the applicant back within 1 working day, report the fix within 15 — checked like the deadlines; the
// applicant may rate once more when the fix is reported. The case is a feature record (kind `rectification`).
import { addWorkingDays } from '../domain/deadline.js';
import { evaluationLabel } from '../domain/evaluation.js';
import { chinaDay, type HolidayCalendar } from '../domain/holiday-calendar.js';
import { formatChineseDate } from '../domain/status-text.js';
import type { Application } from '../domain/types.js';
import { nineOClock } from './deadline-clock.js';
import type { ResponsibleDepartment } from './warnings.js';

/** Record kind of a rectification case. */
export const RECTIFICATION_KIND = 'rectification';
/** Working days to call the applicant back, and to report the fix. */
export const CALLBACK_DAYS = 1;
export const FIX_DAYS = 15;

/** A rectification case (sealed at rest with the record's data: it holds the applicant's words). */
export interface Rectification {
  id: string;
  applicationId: string;
  matterName: string;
  applicantId: string;
  applicantName: string;
  level: number;
  reason?: string;
  departments: ResponsibleDepartment[];
  openedAt: string;
  callbackDue: string;
  fixDue: string;
  callback?: { at: string; by: string; note: string };
  outcome?: { at: string; by: string; note: string };
  followUp?: { level: number; at: string };
}

/** The case number of an application's rectification (one per application: the follow-up opens none). */
export function rectificationId(applicationId: string): string {
  return `ZG-${applicationId}`;
}

/** Opens the case for a 差评 of `app`. */
export function openRectification(
  calendar: HolidayCalendar,
  app: Application,
  departments: ResponsibleDepartment[],
  now: Date,
): Rectification {
  const day = chinaDay(now);
  const evaluation = app.evaluation!;
  return {
    id: rectificationId(app.id),
    applicationId: app.id,
    matterName: app.matter.name,
    applicantId: app.applicant.userId,
    applicantName: app.applicant.name,
    level: evaluation.level,
    ...(evaluation.comment ? { reason: evaluation.comment } : {}),
    departments,
    openedAt: now.toISOString(),
    callbackDue: addWorkingDays(calendar, day, CALLBACK_DAYS),
    fixDue: addWorkingDays(calendar, day, FIX_DAYS),
  };
}

/** `open` until the fix is reported. */
export function rectificationStatus(c: Rectification): 'open' | 'closed' {
  return c.outcome ? 'closed' : 'open';
}

/** When each check is due: 09:00 China time on the first working day after the due day. */
export function rectificationMoments(calendar: HolidayCalendar, c: Rectification): { callback: number; fix: number } {
  return { callback: nineOClock(addWorkingDays(calendar, c.callbackDue, 1)), fix: nineOClock(addWorkingDays(calendar, c.fixDue, 1)) };
}

/** Who answers for the case: the departments' contacts (the admins when none is configured). */
export function caseContacts(c: Rectification, adminUserIds: Iterable<string>): string[] {
  const people = [...new Set(c.departments.flatMap((d) => d.contactUserIds))];
  return people.length > 0 ? people : [...adminUserIds];
}

/** The case as the departments read it when it opens. */
export function openedText(c: Rectification): string {
  return [
    `【差评整改】${c.id}：办件 ${c.applicationId}（${c.matterName}）获评“${evaluationLabel(c.level)}”。原因：${c.reason ?? '申请人未说明'}。`,
    `申请人：${c.applicantName}。请于${formatChineseDate(c.callbackDue)}前回访申请人，${formatChineseDate(c.fixDue)}前反馈整改结果。`,
    `回访后发送“回访 ${c.id} 回访情况”，整改完成后发送“整改 ${c.id} 整改结果”。`,
  ].join('\n');
}

/** The warning when a step is late. */
export function lateText(c: Rectification, step: 'callback' | 'fix'): string {
  const what =
    step === 'callback'
      ? `应于${formatChineseDate(c.callbackDue)}前回访申请人，尚未回访`
      : `应于${formatChineseDate(c.fixDue)}前反馈整改结果，尚未反馈`;
  return `【电子监察·整改逾期】${c.id}（办件 ${c.applicationId}，${c.matterName}）${what}。请立即办理。`;
}
