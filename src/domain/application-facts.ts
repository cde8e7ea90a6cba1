// The light facts of an application that the supervision figures read (统计, 每日办件, 预警): its dates, status,
// matter and departments with their names, how its result was delivered, its rating and its 补正 pauses — none of
// them personal data, so the stores keep them unsealed next to their indexes and answer without whole documents.
import type { Application, ApplicationStatus, DeliveryMode, DepartmentStatus, HistoryEntry } from './types.js';

/** Statuses whose promised deadline is running: past its day, such an application is overdue (and warned about). */
export const RUNNING_STATUSES: readonly ApplicationStatus[] = ['accepted', 'supplement_required', 'in_review'];

/** One stretch of 补正 after acceptance: from the request to the applicant's answer (open when `to` is absent). */
export interface Pause {
  from: string;
  to?: string;
}

/** What the figures read of one application (optional values only when present). */
export interface ApplicationFacts {
  id: string;
  status: ApplicationStatus;
  submittedAt?: string;
  acceptedAt?: string;
  deadline?: string;
  decidedAt?: string;
  matter: { id: string; name: string };
  departments: { id: string; name: string; status: DepartmentStatus }[];
  /** How the result was delivered (a window pickup is a trip in person). */
  delivery?: DeliveryMode;
  /** The applicant's rating, 1–5 (好差评). */
  rating?: number;
  /** The 补正 stretches after acceptance, when there were any. */
  pauses?: Pause[];
}

/** The 补正 stretches after acceptance, read from the history (state changes in and out of supplement_required). */
export function pausesOf(app: { acceptedAt?: string; history: readonly Pick<HistoryEntry, 'at' | 'from' | 'to'>[] }): Pause[] {
  if (!app.acceptedAt) return [];
  const pauses: Pause[] = [];
  for (const entry of app.history) {
    if (entry.at < app.acceptedAt) continue;
    const open = pauses.at(-1);
    if (entry.to === 'supplement_required' && entry.from !== 'supplement_required') pauses.push({ from: entry.at });
    else if (open && !open.to && entry.from === 'supplement_required' && entry.to !== 'supplement_required') open.to = entry.at;
  }
  return pauses;
}

/** The facts of an application (optional values only when present, so that a summary reads back as written). */
export function factsOf(app: Application): ApplicationFacts {
  const facts: ApplicationFacts = {
    id: app.id,
    status: app.status,
    matter: { id: app.matter.id, name: app.matter.name },
    departments: app.departments.map((d) => ({ id: d.id, name: d.name, status: d.status })),
  };
  if (app.submittedAt !== undefined) facts.submittedAt = app.submittedAt;
  if (app.acceptedAt !== undefined) facts.acceptedAt = app.acceptedAt;
  if (app.deadline !== undefined) facts.deadline = app.deadline;
  if (app.decidedAt !== undefined) facts.decidedAt = app.decidedAt;
  if (app.result) facts.delivery = app.result.type;
  if (app.evaluation) facts.rating = app.evaluation.level;
  const pauses = pausesOf(app);
  if (pauses.length > 0) facts.pauses = pauses;
  return facts;
}
