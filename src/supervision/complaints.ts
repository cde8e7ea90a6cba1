// Complaints (投诉) and consultations (咨询), pure: their numbers, due days and what the people involved read.
// A complaint is answered within 5 working days by the departments of the application it is about (the admins
// when it names none); a consultation goes to a matter's department contacts (or the admins for 人工).
import { addWorkingDays } from '../domain/deadline.js';
import { evaluationLabel } from '../domain/evaluation.js';
import { chinaDay, type HolidayCalendar } from '../domain/holiday-calendar.js';
import { formatChineseDate } from '../domain/status-text.js';
import { nineOClock } from './deadline-clock.js';
import type { ResponsibleDepartment } from './warnings.js';

/** Record kinds. */
export const COMPLAINT_KIND = 'complaint';
export const CONSULTATION_KIND = 'consultation';
/** Working days to answer a complaint. */
export const COMPLAINT_DAYS = 5;

/** A complaint (sealed at rest with the record's data). */
export interface Complaint {
  id: string;
  userId: string;
  userName: string;
  applicationId?: string;
  matterName?: string;
  text: string;
  /** Download codes of pictures or files sent as evidence. */
  evidence: { downloadCode: string; fileName?: string }[];
  departments: ResponsibleDepartment[];
  /** Who answers: the departments' contacts, or the admins. */
  handlers: string[];
  openedAt: string;
  dueDay: string;
  answer?: { at: string; by: string; text: string };
  rating?: { level: number; at: string };
}

/** A question to the departments (or to a person, 人工). */
export interface Consultation {
  id: string;
  userId: string;
  userName: string;
  matterId?: string;
  matterName?: string;
  question: string;
  handlers: string[];
  askedAt: string;
  replies: { at: string; by: string; text: string }[];
}

/** `TS20261128-0001` / `ZX20261128-0001`: a prefix, the China day and the day's count. */
export function caseNumber(prefix: 'TS' | 'ZX', now: Date, seq: number): string {
  return `${prefix}${chinaDay(now).replaceAll('-', '')}-${String(seq).padStart(4, '0')}`;
}

/** The day a complaint opened at `now` must be answered by. */
export function complaintDueDay(calendar: HolidayCalendar, now: Date): string {
  return addWorkingDays(calendar, chinaDay(now), COMPLAINT_DAYS);
}

/** 09:00 China time on the first working day after the due day: the late check. */
export function complaintCheckAt(calendar: HolidayCalendar, c: Complaint): number {
  return nineOClock(addWorkingDays(calendar, c.dueDay, 1));
}

/** What the complainant reads once the complaint is filed. */
export function complaintFiledText(c: Complaint): string {
  const about = c.applicationId ? `（办件 ${c.applicationId}）` : '';
  const to = c.departments.length ? c.departments.map((d) => d.name).join('、') : '投诉受理人员';
  return `您的投诉已受理，编号 ${c.id}${about}，已转交${to}，将于${formatChineseDate(c.dueDay)}前答复您。`;
}

/** What the handlers read. */
export function complaintOpenedText(c: Complaint): string {
  const about = c.applicationId ? `办件 ${c.applicationId}（${c.matterName ?? ''}）` : '未涉及具体办件';
  const evidence = c.evidence.length ? `；附证据 ${c.evidence.length} 份` : '';
  return `【投诉】${c.id}：${c.userName}投诉，${about}。\n内容：${c.text}${evidence}\n请于${formatChineseDate(c.dueDay)}前答复：发送“答复 ${c.id} 答复内容”。`;
}

/** The warning when a complaint is not answered in time. */
export function complaintLateText(c: Complaint): string {
  return `【电子监察·投诉逾期】${c.id} 应于${formatChineseDate(c.dueDay)}前答复，尚未答复。请立即办理。`;
}

/** The answer as the complainant reads it. */
export function complaintAnswerText(c: Complaint): string {
  return `您的投诉 ${c.id} 已答复：${c.answer?.text ?? ''}\n请对答复作出评价：发送“投诉评价 ${c.id} 1-5”（5 非常满意 … 1 非常不满意），仅一次。`;
}

/** Thanks for rating the answer. */
export function complaintRatedText(c: Complaint): string {
  return `感谢您对投诉 ${c.id} 答复的评价：${evaluationLabel(c.rating?.level ?? 0)}。`;
}

/** The question as the handlers read it. */
export function consultationText(c: Consultation): string {
  const matter = c.matterName ? `关于“${c.matterName}”` : '（人工咨询）';
  return `【咨询】${c.id}：${c.userName}${matter}问：${c.question}\n回复请发送“回复 ${c.id} 回复内容”。`;
}
