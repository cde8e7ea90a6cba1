// What the 电子监察 warnings say and to whom they go. Pure: the application, its deadline clock and the
// matter's departments in; recipients and Chinese text out. Personal numbers are masked by the bot at send.
import { formatChineseDate, statusText } from '../domain/status-text.js';
import type { Application, DepartmentSpec, Matter } from '../domain/types.js';
import type { DeadlineClock } from './deadline-clock.js';

/** A warning level that is sent (green and paused send nothing). */
export type AlertLevel = 'yellow' | 'red';

/** Levels in order of severity. */
export const ALERT_LEVELS: readonly AlertLevel[] = ['yellow', 'red'];

const TITLE: Record<AlertLevel, string> = { yellow: '黄牌预警', red: '红牌预警' };

/** A department that answers for an application now, with the people to tell. */
export interface ResponsibleDepartment {
  id: string;
  name: string;
  contactUserIds: string[];
}

/**
 * The departments still to decide (pending or reviewing), or every department of the application when all
 * have decided; contacts come from the matter template (`departments[].contactUserIds`).
 */
export function responsibleDepartments(app: Application, matter: Pick<Matter, 'departments'> | undefined): ResponsibleDepartment[] {
  const open = app.departments.filter((d) => d.status === 'pending' || d.status === 'reviewing');
  const chosen = open.length > 0 ? open : app.departments;
  const specs = new Map<string, DepartmentSpec>((matter?.departments ?? []).map((d) => [d.id, d]));
  return chosen.map((d) => ({ id: d.id, name: d.name, contactUserIds: [...(specs.get(d.id)?.contactUserIds ?? [])] }));
}

/** Who gets a warning: the responsible departments' contacts, and for red also the admins; each once. */
export function warningRecipients(level: AlertLevel, departments: ResponsibleDepartment[], adminUserIds: Iterable<string>): string[] {
  const people = departments.flatMap((d) => d.contactUserIds);
  return [...new Set(level === 'red' ? [...people, ...adminUserIds] : people)];
}

/** The one-to-one warning about one application, with its summary. */
export function warningText(level: AlertLevel, app: Application, clock: DeadlineClock, departments: ResponsibleDepartment[]): string {
  const head = `【电子监察·${TITLE[level]}】办件 ${app.id}（${app.matter.name}）`;
  const state =
    level === 'yellow'
      ? `已用去承诺时限的 ${clock.used}/${clock.promisedDays} 个工作日，须于${formatChineseDate(clock.deadline)}前办结，剩余 ${Math.max(0, clock.remaining)} 个工作日。`
      : `已超过承诺办结时限（${formatChineseDate(clock.deadline)}），超期 ${Math.max(1, -clock.remaining)} 个工作日。`;
  const summary = `申请人：${app.applicant.name}；当前状态：${statusText(app).label}；待办部门：${departments.map((d) => d.name).join('、') || '—'}。`;
  const ask = level === 'yellow' ? '请抓紧办理。' : '请立即办理，并向申请人说明情况。';
  return `${head}${state}\n${summary}\n${ask}`;
}

/** One open warning in the daily digest. */
export interface DigestItem {
  level: AlertLevel;
  app: Application;
  clock: DeadlineClock;
  departments: ResponsibleDepartment[];
}

/** One department's part of the digest, with the people it goes to. */
export interface DepartmentDigest {
  department: ResponsibleDepartment;
  items: DigestItem[];
}

/** The open items grouped by responsible department (red first, then by deadline), departments by id. */
export function digestByDepartment(items: DigestItem[]): DepartmentDigest[] {
  const byId = new Map<string, DepartmentDigest>();
  for (const item of items) {
    for (const department of item.departments) {
      const entry = byId.get(department.id) ?? { department: { ...department, contactUserIds: [] }, items: [] };
      entry.department.contactUserIds = [...new Set([...entry.department.contactUserIds, ...department.contactUserIds])];
      entry.items.push(item);
      byId.set(department.id, entry);
    }
  }
  const order = (a: DigestItem, b: DigestItem) =>
    a.level === b.level ? a.clock.deadline.localeCompare(b.clock.deadline) || a.app.id.localeCompare(b.app.id) : a.level === 'red' ? -1 : 1;
  return [...byId.values()]
    .sort((a, b) => a.department.id.localeCompare(b.department.id))
    .map((d) => ({ ...d, items: d.items.sort(order) }));
}

/** The digest text of one or more departments for the day `day` (YYYY-MM-DD). */
export function digestText(day: string, digests: DepartmentDigest[]): string {
  const lines = [`【电子监察·每日提醒】${formatChineseDate(day)}，未办结的预警办件：`];
  for (const { department, items } of digests) {
    const red = items.filter((i) => i.level === 'red').length;
    lines.push(`${department.name}：红牌 ${red} 件，黄牌 ${items.length - red} 件`);
    for (const item of items) lines.push(`- ${TITLE[item.level]} ${item.app.id}（${item.app.matter.name}）${itemState(item.clock)}`);
  }
  return lines.join('\n');
}

function itemState(clock: DeadlineClock): string {
  return clock.remaining < 0
    ? `超期 ${-clock.remaining} 个工作日（时限 ${formatChineseDate(clock.deadline)}）`
    : `剩余 ${clock.remaining} 个工作日（时限 ${formatChineseDate(clock.deadline)}）`;
}
