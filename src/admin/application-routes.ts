// Admin API over applications: list with filters (matter, department, status, submitted between, overdue)
// and paging, and one application with its whole history. Personal numbers are masked as in cards (the
// admin sees that a value was given, not the number itself); the template version filed under decides how.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { chinaDay } from '../domain/holiday-calendar.js';
import { maskFieldValues, maskPersonalNumbers } from '../domain/mask.js';
import { APPLICATION_STATUSES, type Application, type ApplicationStatus } from '../domain/types.js';
import { adminScope } from '../http/admin-auth.js';
import { HttpError } from '../http/errors.js';
import { createRouter } from '../http/routers.js';
import { isOverdueOn } from '../store/application-filter.js';
import type { ApplicationQuery, Store } from '../store/store.js';
import type { MatterSource } from '../templates/live-catalogue.js';
import { pageOf } from './paging.js';

export interface ApplicationRoutesOptions {
  store: Store;
  catalogue: MatterSource;
  now: () => number;
}

// Filed applications only: a draft is not an application yet.
const STATUSES: readonly ApplicationStatus[] = APPLICATION_STATUSES.filter((status) => status !== 'draft');
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `GET /api/applications` and `GET /api/applications/:id`. */
export function applicationRoutes(options: ApplicationRoutesOptions): Router {
  const router = createRouter('/api');

  // The store filters and pages (SQL on PostgreSQL, its in-memory index on lowdb): only the page is read.
  router.get('/applications', async (ctx) => {
    const { offset, limit } = pageOf(ctx);
    const page = await options.store.findApplications({ ...filterOf(ctx, options.now()), offset, limit });
    ctx.body = { total: page.total, items: page.items.map((app) => summary(app, options)) };
  });

  router.get('/applications/:id', async (ctx) => {
    const app = await options.store.getApplication(ctx.params.id ?? '');
    const scope = adminScope(ctx);
    // A department session sees only its department's applications: another one is "not found" to it.
    if (!app || (scope !== undefined && !app.departments.some((d) => d.id === scope)))
      throw new HttpError(404, 'not_found', `没有编号为 ${ctx.params.id} 的办件`);
    ctx.body = masked(app, options);
  });

  return router;
}

// The query's filters, each checked with a clear 400.
function filterOf(ctx: Context, now: number): ApplicationQuery {
  const text = (name: string) => (typeof ctx.query[name] === 'string' ? (ctx.query[name] as string).trim() : '');
  const status = text('status') ? text('status').split(',') : [];
  const bad = status.find((s) => !STATUSES.includes(s as ApplicationStatus));
  if (bad) throw new HttpError(400, 'bad_query', `status 不认识：${bad}（可选：${STATUSES.join('、')}）`);
  const [from, to] = [text('submittedFrom'), text('submittedTo')];
  for (const [name, day] of [
    ['submittedFrom', from],
    ['submittedTo', to],
  ] as const) {
    if (day && !DAY.test(day)) throw new HttpError(400, 'bad_query', `${name} 应为日期 YYYY-MM-DD`);
  }
  const overdue = text('overdue');
  if (overdue && overdue !== 'true' && overdue !== 'false') throw new HttpError(400, 'bad_query', 'overdue 只能是 true 或 false');
  // A department session's own department replaces whatever the query asks for.
  const [matter, department] = [text('matter'), adminScope(ctx) ?? text('department')];
  return {
    ...(status.length ? { status: status as ApplicationStatus[] } : {}),
    ...(matter ? { matterId: matter } : {}),
    ...(department ? { departmentId: department } : {}),
    ...(from ? { submittedFrom: from } : {}),
    ...(to ? { submittedTo: to } : {}),
    ...(overdue ? { overdue: { today: chinaDay(new Date(now)), value: overdue === 'true' } } : {}),
  };
}

function summary(app: Application, options: ApplicationRoutesOptions) {
  const { history: _history, fields: _fields, materials: _materials, ...rest } = masked(app, options);
  return { ...rest, overdue: isOverdueOn(app, chinaDay(new Date(options.now()))) };
}

// Field values masked per the version filed under; licence numbers, notes and every free text (back-office
// comments and reasons, the applicant's rating comment) by their look, as the cards mask them.
function masked(app: Application, options: ApplicationRoutesOptions): Application {
  const matter = options.catalogue.at(app.matter.id, app.matter.version);
  return {
    ...app,
    applicant: { ...app.applicant },
    fields: maskFieldValues(matter?.fields ?? [], app.fields),
    materials: app.materials.map((m) => ({ ...m, ref: maskPersonalNumbers(m.ref) })),
    departments: app.departments.map((d) => (d.comment ? { ...d, comment: maskPersonalNumbers(d.comment) } : d)),
    history: app.history.map((h) => (h.note ? { ...h, note: maskPersonalNumbers(h.note) } : h)),
    ...(app.reason !== undefined ? { reason: maskPersonalNumbers(app.reason) } : {}),
    ...(app.missing ? { missing: app.missing.map((m) => ({ ...m, reason: maskPersonalNumbers(m.reason) })) } : {}),
    ...(app.evaluation?.comment ? { evaluation: { ...app.evaluation, comment: maskPersonalNumbers(app.evaluation.comment) } } : {}),
    ...(app.result?.licenseNo ? { result: { ...app.result, licenseNo: maskPersonalNumbers(app.result.licenseNo) } } : {}),
  };
}
