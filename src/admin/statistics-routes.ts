// GET /api/statistics?from=YYYY-MM-DD&to=YYYY-MM-DD&by=matter|department: the supervision figures as JSON
// numbers (see statistics.ts for what each means). Mounted as an admin router: the app's guard covers it.
import type Router from '@koa/router';
import type { Clock } from '../clock.js';
import { isCalendarDate } from '../domain/china-time.js';
import type { HolidayCalendar } from '../domain/holiday-calendar.js';
import type { Matter } from '../domain/types.js';
import { adminScope } from '../http/admin-auth.js';
import { createRouter } from '../http/routers.js';
import { HttpError } from '../http/errors.js';
import type { Store } from '../store/store.js';
import { COMPLAINT_KIND, type Complaint } from '../supervision/complaints.js';
import { RECTIFICATION_KIND, type Rectification } from '../supervision/rectification.js';
import { computeStatistics, defaultRange, type OpenCase, type Statistics, type StatisticsGrouping } from '../supervision/statistics.js';

export interface StatisticsSource {
  store: Pick<Store, 'findApplications' | 'findRecords'>;
  matters: readonly Matter[];
  calendar: HolidayCalendar;
  clock: Pick<Clock, 'now'>;
}

/** The figures over every stored application (default range: the last 30 days, by matter). */
export async function loadStatistics(
  source: StatisticsSource,
  query: { from?: string; to?: string; by?: StatisticsGrouping; department?: string } = {},
): Promise<Statistics> {
  const now = new Date(source.clock.now());
  const range = defaultRange(now);
  const { items: all } = await source.store.findApplications({});
  const department = query.department;
  const items = department === undefined ? all : all.filter((app) => app.departments.some((d) => d.id === department));
  const mine = new Set(items.map((app) => app.id));
  const cases = await loadOpenCases(source.store);
  return computeStatistics({
    applications: items,
    matters: source.matters,
    calendar: source.calendar,
    now,
    openCases: department === undefined ? cases : cases.filter((c) => c.applicationId !== undefined && mine.has(c.applicationId)),
    from: query.from ?? range.from,
    to: query.to ?? range.to,
    by: query.by ?? 'matter',
  });
}

/** Open 差评整改 cases and unanswered complaints (their `status` tag), for the figures. */
export async function loadOpenCases(store: Pick<Store, 'findRecords'>): Promise<OpenCase[]> {
  const rectifications = await store.findRecords<Rectification>(RECTIFICATION_KIND, { tags: { status: 'open' } });
  const complaints = await store.findRecords<Complaint>(COMPLAINT_KIND, { tags: { status: 'open' } });
  return [
    ...rectifications.items.map((r): OpenCase => ({ kind: 'rectification', applicationId: r.data.applicationId })),
    ...complaints.items.map(
      (r): OpenCase => ({ kind: 'complaint', ...(r.data.applicationId ? { applicationId: r.data.applicationId } : {}) }),
    ),
  ];
}

/** `GET /api/statistics`. */
export function statisticsRoutes(source: StatisticsSource): Router {
  const router = createRouter();
  router.get('/api/statistics', async (ctx) => {
    const from = dayParam(ctx.query.from, 'from');
    const to = dayParam(ctx.query.to, 'to');
    const by = ctx.query.by;
    if (by !== undefined && by !== 'matter' && by !== 'department')
      throw new HttpError(400, 'invalid_query', 'by 只能是 matter 或 department');
    if (from && to && from > to) throw new HttpError(400, 'invalid_query', 'from 不能晚于 to');
    // A department session gets the figures of its own department's applications only.
    const department = adminScope(ctx);
    ctx.body = await loadStatistics(source, {
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(by ? { by } : {}),
      ...(department !== undefined ? { department } : {}),
    });
  });
  return router;
}

function dayParam(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isCalendarDate(value)) throw new HttpError(400, 'invalid_query', `${name} 应为日期 YYYY-MM-DD`);
  return value;
}
