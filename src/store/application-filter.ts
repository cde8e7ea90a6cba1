// The filters of an application listing (ApplicationQuery) twice, side by side so they stay the same: as one
// predicate for the lowdb store's in-memory index, and as SQL conditions for PostgreSQL. Only plain fields are
// read, never sealed ones, so the predicate runs on a stored document or on a summary of one.
import type { Application, DepartmentReview } from '../domain/types.js';
import type { ApplicationQuery } from './store.js';

/** What the filters read of an application. */
export type FilterableApplication = Pick<Application, 'status' | 'submittedAt' | 'deadline'> & {
  matter: Pick<Application['matter'], 'id'>;
  departments: Pick<DepartmentReview, 'id'>[];
};

import { RUNNING_STATUSES } from '../domain/application-facts.js';

export { RUNNING_STATUSES };

/** Still running on `today` (YYYY-MM-DD, China time) after its deadline day. */
export function isOverdueOn(app: Pick<Application, 'status' | 'deadline'>, today: string): boolean {
  return app.deadline !== undefined && RUNNING_STATUSES.includes(app.status) && app.deadline < today;
}

/** The predicate of the query's filters besides the applicant, or undefined when it has none. */
export function applicationFilter(query: ApplicationQuery): ((app: FilterableApplication) => boolean) | undefined {
  const { matterId, departmentId, submittedFrom, submittedTo, overdue } = query;
  const statuses = query.status ? new Set(query.status) : undefined;
  const none = !statuses && matterId === undefined && departmentId === undefined && !submittedFrom && !submittedTo && !overdue;
  if (none) return undefined;
  return (app) => {
    if (statuses && !statuses.has(app.status)) return false;
    if (matterId !== undefined && app.matter.id !== matterId) return false;
    if (departmentId !== undefined && !app.departments.some((d) => d.id === departmentId)) return false;
    const day = app.submittedAt?.slice(0, 10);
    if ((submittedFrom || submittedTo) && day === undefined) return false;
    if (submittedFrom && day! < submittedFrom) return false;
    if (submittedTo && day! > submittedTo) return false;
    return !overdue || isOverdueOn(app, overdue.today) === overdue.value;
  };
}

/**
 * The same filters besides applicant and status, as SQL conditions over the plain fields of the PostgreSQL store's
 * documents (their values appended to `params`); dates compare as text in the "C" collation, as in JavaScript.
 */
export function applicationFilterSql(query: ApplicationQuery, params: unknown[]): string[] {
  const where: string[] = [];
  const day = `left(doc->>'submittedAt', 10) COLLATE "C"`;
  if (query.matterId !== undefined) where.push(`doc->'matter'->>'id' = $${params.push(query.matterId)}`);
  if (query.departmentId !== undefined)
    where.push(`doc->'departments' @> $${params.push(JSON.stringify([{ id: query.departmentId }]))}::jsonb`);
  if (query.submittedFrom) where.push(`${day} >= $${params.push(query.submittedFrom)}`);
  if (query.submittedTo) where.push(`${day} <= $${params.push(query.submittedTo)}`);
  if (query.overdue) {
    const late = `(status = ANY($${params.push(RUNNING_STATUSES)}::text[]) AND doc->>'deadline' COLLATE "C" < $${params.push(query.overdue.today)})`;
    where.push(query.overdue.value ? late : `NOT coalesce(${late}, false)`);
  }
  return where;
}
