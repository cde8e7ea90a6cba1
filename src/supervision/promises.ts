// 容缺 follow-through, pure: when each promised material is due (working days after acceptance, from the
// template), when the applicant is reminded and when the department is told it was missed, and what they read.
import { openPromises } from '../domain/material-promises.js';
import { addWorkingDays } from '../domain/deadline.js';
import { chinaDay, type HolidayCalendar } from '../domain/holiday-calendar.js';
import { formatChineseDate } from '../domain/status-text.js';
import type { Application, Matter } from '../domain/types.js';
import { nineOClock } from './deadline-clock.js';

/** Working days to hand in a promised material when the template does not say (`materials[].promiseDays`). */
export const DEFAULT_PROMISE_DAYS = 5;

/** One open promise and its due day (YYYY-MM-DD, China). */
export interface PromiseDue {
  materialId: string;
  name: string;
  dueDay: string;
}

/** The open promises of an accepted application with their due days, earliest first; [] before acceptance. */
export function promiseDues(calendar: HolidayCalendar, app: Application, matter: Pick<Matter, 'materials'> | undefined): PromiseDue[] {
  if (!app.acceptedAt) return [];
  const accepted = chinaDay(app.acceptedAt);
  return openPromises(app)
    .map((m) => {
      const days = matter?.materials.find((spec) => spec.id === m.id)?.promiseDays ?? DEFAULT_PROMISE_DAYS;
      return { materialId: m.id, name: m.name, dueDay: addWorkingDays(calendar, accepted, days) };
    })
    .sort((a, b) => a.dueDay.localeCompare(b.dueDay));
}

/** 09:00 China time on the working day before the first due day (reminder) and after it (missed). */
export function promiseMoments(calendar: HolidayCalendar, dues: PromiseDue[]): { remind: number; missed: number } | undefined {
  const first = dues[0];
  if (!first) return undefined;
  return { remind: nineOClock(addWorkingDays(calendar, first.dueDay, -1)), missed: nineOClock(addWorkingDays(calendar, first.dueDay, 1)) };
}

/** The promises whose due day has passed by `now`. */
export function missedPromises(dues: PromiseDue[], now: Date): PromiseDue[] {
  const today = chinaDay(now);
  return dues.filter((d) => d.dueDay < today);
}

/** The reminder to the applicant. */
export function promiseReminderText(app: Application, dues: PromiseDue[]): string {
  const items = dues.map((d) => `${d.name}（${formatChineseDate(d.dueDay)}前）`).join('、');
  return `提醒：办件 ${app.id}（${app.matter.name}）容缺受理时您承诺补交的材料即将到期：${items}。请点击办件卡片上的“补交材料”，或发送“补交 ${app.id}”上传。`;
}

/** The warning to the department contacts when a promise was missed. */
export function promiseMissedText(app: Application, missed: PromiseDue[]): string {
  const items = missed.map((d) => `${d.name}（应于${formatChineseDate(d.dueDay)}前补交）`).join('、');
  return `【电子监察·容缺逾期】办件 ${app.id}（${app.matter.name}）容缺承诺的材料逾期未补交：${items}。\n申请人：${app.applicant.name}。请联系申请人跟进；材料补齐前不能送达办理结果（确需送达的，由后台明确豁免）。`;
}
