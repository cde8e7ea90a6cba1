// GET /api/statistics?from=YYYY-MM-DD&to=YYYY-MM-DD&by=matter|department[&department=<id>][&format=csv]: the
// supervision figures as JSON numbers (see statistics.ts for what each means), or as CSV. `department` keeps the
// applications (and their open cases) of one department. Mounted as an admin router: the app's guard covers it.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Clock } from '../clock.js';
import { isCalendarDate } from '../domain/china-time.js';
import type { HolidayCalendar } from '../domain/holiday-calendar.js';
import type { ApplicationFacts } from '../domain/application-facts.js';
import type { Matter } from '../domain/types.js';
import { adminScope } from '../http/admin-auth.js';
import { createRouter } from '../http/routers.js';
import { percentCell, sendCsv, wantsCsv, type CsvColumn } from './csv.js';
import { HttpError } from '../http/errors.js';
import type { FactsQuery, Store } from '../store/store.js';
import { COMPLAINT_KIND, type Complaint } from '../supervision/complaints.js';
import { RECTIFICATION_KIND, type Rectification } from '../supervision/rectification.js';
import {
  computeStatistics,
  defaultRange,
  statisticsQueries,
  type OpenCase,
  type Statistics,
  type StatisticsGrouping,
} from '../supervision/statistics.js';

export interface StatisticsSource {
  store: Pick<Store, 'applicationFacts' | 'findRecords'>;
  matters: readonly Matter[];
  calendar: HolidayCalendar;
  clock: Pick<Clock, 'now'>;
}

/**
 * The figures (default range: the last 30 days, by matter), from the light facts of the applications they read
 * (statisticsQueries: received in the range, running, or of an open case), never from whole documents.
 */
export async function loadStatistics(
  source: StatisticsSource,
  query: { from?: string; to?: string; by?: StatisticsGrouping; department?: string } = {},
): Promise<Statistics> {
  const now = new Date(source.clock.now());
  const range = { ...defaultRange(now), ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
  const { department } = query;
  const cases = await loadOpenCases(source.store);
  const items = await loadFacts(source.store, statisticsQueries(range, cases), department);
  return statisticsFrom(source, { applications: items, openCases: cases, now, ...range, by: query.by ?? 'matter', department });
}

/**
 * The figures from facts already loaded (at least those of statisticsQueries, of the department's applications when
 * one is given) and every open case: a department's figures count its own cases, and by department only its group.
 */
export function statisticsFrom(
  source: Pick<StatisticsSource, 'matters' | 'calendar'>,
  input: {
    applications: readonly ApplicationFacts[];
    openCases: readonly OpenCase[];
    now: Date;
    from: string;
    to: string;
    by: StatisticsGrouping;
    department?: string | undefined;
  },
): Statistics {
  const { department, openCases: cases } = input;
  const ids = new Set(input.applications.map((app) => app.id));
  const statistics = computeStatistics({
    applications: input.applications,
    matters: source.matters,
    calendar: source.calendar,
    now: input.now,
    openCases: department ? cases.filter((c) => c.applicationId !== undefined && ids.has(c.applicationId)) : cases,
    from: input.from,
    to: input.to,
    by: input.by,
  });
  // By department, the other departments of the same applications are not this department's business.
  if (!department || statistics.by !== 'department') return statistics;
  return { ...statistics, groups: statistics.groups.filter((g) => g.id === department) };
}

/** The union of the facts the queries find (of one department's applications when given), each once. */
export async function loadFacts(
  store: Pick<Store, 'applicationFacts'>,
  queries: readonly FactsQuery[],
  department?: string,
): Promise<ApplicationFacts[]> {
  const found = new Map<string, ApplicationFacts>();
  for (const query of queries) {
    for (const facts of await store.applicationFacts(department ? { ...query, departmentId: department } : query))
      found.set(facts.id, facts);
  }
  return [...found.values()];
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
    const department = scopedDepartment(ctx);
    const statistics = await loadStatistics(source, {
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(by ? { by } : {}),
      ...(department ? { department } : {}),
    });
    if (!wantsCsv(ctx)) {
      ctx.body = statistics;
      return;
    }
    const rows = [...statistics.groups, { id: '', name: '合计', ...statistics.total }];
    const grouping = statistics.by === 'matter' ? '事项' : '部门';
    sendCsv(ctx, `办件统计_按${grouping}_${statistics.from}_${statistics.to}.csv`, figureColumns(grouping), rows);
  });
  return router;
}

/** A `from` / `to` query value: a calendar day or absent. */
export function dayParam(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isCalendarDate(value)) throw new HttpError(400, 'invalid_query', `${name} 应为日期 YYYY-MM-DD`);
  return value;
}

/**
 * The department a request reads: a department session's own (whatever the query says), else the `department`
 * query value (a department id of the templates), else undefined (everything).
 */
export function scopedDepartment(ctx: Context): string | undefined {
  return adminScope(ctx) ?? departmentParam(ctx.query.department);
}

/** The `department` query value (a department id of the templates) or absent. */
export function departmentParam(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\w.-]{1,64}$/.test(value)) throw new HttpError(400, 'invalid_query', 'department 应为部门编号');
  return value;
}

type FigureRow = Statistics['groups'][number];

function figureColumns(grouping: string): CsvColumn<FigureRow>[] {
  return [
    { header: `${grouping}编号`, value: (r) => r.id },
    { header: grouping, value: (r) => r.name },
    { header: '收件数', value: (r) => r.received },
    { header: '受理数', value: (r) => r.accepted },
    { header: '办结数', value: (r) => r.completed },
    { header: '按时办结数', value: (r) => r.completedOnTime },
    { header: '按时办结率', value: (r) => percentCell(r.onTimeRate) },
    { header: '平均办理工作日', value: (r) => r.averageWorkingDays },
    { header: '人均跑动次数', value: (r) => r.visitsPerApplication },
    { header: '零上门占比', value: (r) => percentCell(r.zeroVisitShare) },
    { header: '最多跑一次占比', value: (r) => percentCell(r.atMostOneVisitShare) },
    { header: '评价数', value: (r) => r.ratings },
    { header: '满意率', value: (r) => percentCell(r.satisfactionRate) },
    { header: '平均评分', value: (r) => r.averageRating },
    { header: '差评数', value: (r) => r.dissatisfied },
    { header: '差评占比', value: (r) => percentCell(r.dissatisfiedShare) },
    { header: '当前预警', value: (r) => r.openWarnings },
    { header: '未办结整改', value: (r) => r.openRectifications },
    { header: '未答复投诉', value: (r) => r.openComplaints },
  ];
}
