// The dashboard's admin API besides /api/statistics: received / completed per day, the open yellow/red warnings
// and the complaints, each as JSON or CSV (`?format=csv`), and /api/statistics/board, the figures of one range
// (both groupings, per day, the warnings) in one JSON answer. Every list takes `department=<id>`; a department's
// console session is held to its own department whatever it asks. Mounted as an admin router: the app's guard covers it.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { chinaDay } from '../domain/holiday-calendar.js';
import { maskPersonalNumbers } from '../domain/mask.js';
import type { ApplicationFacts } from '../domain/application-facts.js';
import type { Application } from '../domain/types.js';
import { HttpError } from '../http/errors.js';
import { createRouter } from '../http/routers.js';
import { COMPLAINT_KIND, type Complaint } from '../supervision/complaints.js';
import { DAILY_MAX_DAYS, dailyFigures, daysBetween, type DayFigures } from '../supervision/daily.js';
import { openWarnings, type OpenWarning } from '../supervision/open-warnings.js';
import { defaultRange, type Statistics, statisticsQueries } from '../supervision/statistics.js';
import { sendCsv, wantsCsv, type CsvColumn } from './csv.js';
import { pageOf } from './paging.js';
import { dayParam, loadFacts, loadOpenCases, scopedDepartment, statisticsFrom, type StatisticsSource } from './statistics-routes.js';

const OPEN_STATUSES: Application['status'][] = ['accepted', 'supplement_required', 'in_review'];
const LEVEL_TEXT = { yellow: '黄牌', red: '红牌' } as const;

/** `GET /api/statistics/daily`, `GET /api/statistics/board`, `GET /api/warnings`, `GET /api/complaints`. */
export function supervisionRoutes(source: StatisticsSource): Router {
  const router = createRouter();

  router.get('/api/statistics/daily', async (ctx) => {
    const { from, to } = rangeOf(ctx, source);
    const department = scopedDepartment(ctx);
    // Accepted and decided only after submission: what was submitted by `to` holds every event of the range.
    const items = await loadFacts(source.store, [{ submittedTo: to }], department);
    const days = dailyFigures(items, from, to);
    if (wantsCsv(ctx)) return sendCsv(ctx, `每日办件_${from}_${to}.csv`, DAY_COLUMNS, days);
    ctx.body = { from, to, ...(department ? { department } : {}), days };
  });

  // The dashboard's figures of one range in one answer (each part as its own route gives it), from one load of facts.
  router.get('/api/statistics/board', async (ctx) => {
    const { from, to } = rangeOf(ctx, source);
    ctx.body = await loadBoard(source, { from, to, department: scopedDepartment(ctx) });
  });

  router.get('/api/warnings', async (ctx) => {
    const department = scopedDepartment(ctx);
    const level = ctx.query.level;
    if (level !== undefined && level !== 'yellow' && level !== 'red')
      throw new HttpError(400, 'invalid_query', 'level 只能是 yellow 或 red');
    const items = await source.store.applicationFacts({ status: OPEN_STATUSES });
    const warnings = warningsOf(items, source, department).filter((w) => !level || w.level === level);
    if (wantsCsv(ctx)) return sendCsv(ctx, `预警办件_${chinaDay(new Date(source.clock.now()))}.csv`, WARNING_COLUMNS, warnings);
    ctx.body = { total: warnings.length, items: warnings };
  });

  router.get('/api/complaints', async (ctx) => {
    const status = ctx.query.status;
    if (status !== undefined && status !== 'open' && status !== 'answered')
      throw new HttpError(400, 'invalid_query', 'status 只能是 open 或 answered');
    const department = scopedDepartment(ctx);
    const csv = wantsCsv(ctx);
    const { offset, limit } = csv ? { offset: 0, limit: Number.MAX_SAFE_INTEGER } : pageOf(ctx);
    // The store pages by itself unless the departments (inside the sealed data) must be looked at first.
    const paged = !department && !csv;
    const found = await source.store.findRecords<Complaint>(COMPLAINT_KIND, {
      ...(status ? { tags: { status } } : {}),
      ...(paged ? { offset, limit } : {}),
    });
    const today = chinaDay(new Date(source.clock.now()));
    const views = found.items
      .map((record) => complaintView(record.data, record.tags?.status === 'answered' ? 'answered' : 'open', today))
      .filter((c) => !department || c.departments.some((d) => d.id === department));
    if (csv) return sendCsv(ctx, `投诉_${today}.csv`, COMPLAINT_COLUMNS, views);
    ctx.body = paged ? { total: found.total, items: views } : { total: views.length, items: views.slice(offset, offset + limit) };
  });

  return router;
}

/** GET /api/statistics/board: /api/statistics by matter and by department, /api/statistics/daily and /api/warnings. */
export interface Board {
  from: string;
  to: string;
  department?: string;
  byMatter: Statistics;
  byDepartment: Statistics;
  daily: { from: string; to: string; department?: string; days: DayFigures[] };
  warnings: { total: number; items: OpenWarning[] };
}

/** The dashboard's figures of [from, to]: the facts of the range's applications loaded once for all of them. */
export async function loadBoard(
  source: StatisticsSource,
  query: { from: string; to: string; department?: string | undefined },
): Promise<Board> {
  const { from, to, department } = query;
  const now = new Date(source.clock.now());
  const openCases = await loadOpenCases(source.store);
  // What the figures read, and what was submitted by `to` (the daily series: accepted and decided after submission).
  const queries = [...statisticsQueries({ from, to }, openCases), { submittedTo: to }];
  const facts = await loadFacts(source.store, queries, department);
  // A department's warnings are those it is still deciding, whichever departments the application has.
  const running = department ? await source.store.applicationFacts({ status: OPEN_STATUSES }) : facts.filter(isRunning);
  const warnings = warningsOf(running, source, department);
  const scope = department ? { department } : {};
  const figures = (by: 'matter' | 'department') =>
    statisticsFrom(source, { applications: facts, openCases, now, from, to, by, department });
  return {
    from,
    to,
    ...scope,
    byMatter: figures('matter'),
    byDepartment: figures('department'),
    daily: { from, to, ...scope, days: dailyFigures(facts, from, to) },
    warnings: { total: warnings.length, items: warnings },
  };
}

function isRunning(app: ApplicationFacts): boolean {
  return OPEN_STATUSES.includes(app.status);
}

// The open warnings now, of one department (those it is still deciding) when given.
function warningsOf(running: readonly ApplicationFacts[], source: StatisticsSource, department: string | undefined): OpenWarning[] {
  const all = openWarnings(running, source.calendar, new Date(source.clock.now()));
  return department ? all.filter((w) => w.departments.some((d) => d.id === department)) : all;
}

/** A complaint as the console shows it: the text with personal numbers masked, the evidence counted. */
export interface ComplaintView {
  id: string;
  status: 'open' | 'answered';
  applicationId?: string;
  matterName?: string;
  userName: string;
  text: string;
  evidence: number;
  departments: { id: string; name: string }[];
  openedAt: string;
  dueDay: string;
  overdue: boolean;
  answer?: { at: string; by: string; text: string };
  rating?: number;
}

function complaintView(c: Complaint, status: 'open' | 'answered', today: string): ComplaintView {
  return {
    id: c.id,
    status,
    ...(c.applicationId ? { applicationId: c.applicationId } : {}),
    ...(c.matterName ? { matterName: c.matterName } : {}),
    userName: c.userName,
    text: maskPersonalNumbers(c.text),
    evidence: c.evidence.length,
    departments: c.departments.map((d) => ({ id: d.id, name: d.name })),
    openedAt: c.openedAt,
    dueDay: c.dueDay,
    overdue: status === 'open' && today > c.dueDay,
    ...(c.answer ? { answer: { ...c.answer, text: maskPersonalNumbers(c.answer.text) } } : {}),
    ...(c.rating ? { rating: c.rating.level } : {}),
  };
}

function rangeOf(ctx: Context, source: StatisticsSource): { from: string; to: string } {
  const range = defaultRange(new Date(source.clock.now()));
  const from = dayParam(ctx.query.from, 'from') ?? range.from;
  const to = dayParam(ctx.query.to, 'to') ?? range.to;
  if (from > to) throw new HttpError(400, 'invalid_query', 'from 不能晚于 to');
  if (daysBetween(from, to).length > DAILY_MAX_DAYS) throw new HttpError(400, 'invalid_query', `日期范围最多 ${DAILY_MAX_DAYS} 天`);
  return { from, to };
}

const names = (departments: { name: string }[]) => departments.map((d) => d.name).join('、');

const DAY_COLUMNS: CsvColumn<DayFigures>[] = [
  { header: '日期', value: (d) => d.day },
  { header: '收件数', value: (d) => d.received },
  { header: '受理数', value: (d) => d.accepted },
  { header: '办结数', value: (d) => d.completed },
];

const WARNING_COLUMNS: CsvColumn<OpenWarning>[] = [
  { header: '办件编号', value: (w) => w.applicationId },
  { header: '事项', value: (w) => w.matter.name },
  { header: '待办部门', value: (w) => names(w.departments) },
  { header: '预警', value: (w) => LEVEL_TEXT[w.level] },
  { header: '预警起始日', value: (w) => w.since },
  { header: '办结时限', value: (w) => w.deadline },
  { header: '剩余工作日', value: (w) => w.remaining },
];

const COMPLAINT_COLUMNS: CsvColumn<ComplaintView>[] = [
  { header: '投诉编号', value: (c) => c.id },
  { header: '状态', value: (c) => (c.status === 'open' ? (c.overdue ? '逾期未答复' : '待答复') : '已答复') },
  { header: '办件编号', value: (c) => c.applicationId },
  { header: '事项', value: (c) => c.matterName },
  { header: '投诉人', value: (c) => c.userName },
  { header: '投诉内容', value: (c) => c.text },
  { header: '责任部门', value: (c) => names(c.departments) },
  { header: '投诉时间', value: (c) => c.openedAt },
  { header: '答复期限', value: (c) => c.dueDay },
  { header: '答复内容', value: (c) => c.answer?.text },
  { header: '评价', value: (c) => c.rating },
];
