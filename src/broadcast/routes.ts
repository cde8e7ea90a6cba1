// Admin API over notices: publish (every problem reported at once), list, one notice with the report's
// figures, cancel. Mounted as an admin router, so the app's admin authentication guards every route.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { effectsToJobs } from '../bot/jobs.js';
import { readJson } from '../http/errors.js';
import { createRouter } from '../http/routers.js';
import { cardJob, NOTICE, NOTICE_CANCEL_MARK } from './jobs.js';
import { chinaDay, draftProblems, WORK_DAY, type Notice, type NoticeDraft, type WorkChannel } from '../domain/notice.js';
import { newNotice, newNoticeId, startTimer } from './publish.js';
import type { RecordBook } from './records.js';
import { noticeDeliveries } from './deliveries.js';
import { noticeView } from './report.js';

export interface NoticeRoutesOptions {
  book: RecordBook;
  now: () => number;
  /** DINGTALK_AGENT_ID is set (工作通知). */
  workNotices: boolean;
  wake: () => void;
}

/** `POST/GET /api/notices`, `GET /api/notices/:id` (and `/deliveries`), `POST /api/notices/:id/cancel`. */
export function noticeRoutes(options: NoticeRoutesOptions): Router {
  const { book, now } = options;
  const router = createRouter();

  router.post('/api/notices', async (ctx) => {
    const day = await book.get<{ toAll: number }>(WORK_DAY, chinaDay(now()));
    const work = { configured: options.workNotices, toAllToday: day?.data.toAll ?? 0 };
    const { draft, author, problems } = readDraft(await readJson(ctx), now(), work);
    if (problems.length > 0) return invalid(ctx, problems);
    const at = now();
    const notice = newNotice(newNoticeId(at), draft, author, at);
    const jobs = effectsToJobs([startTimer(notice)], { source: `api:${notice.id}`, now: at, newId: () => crypto.randomUUID() });
    await book.commit([notice], { jobs: { put: jobs } });
    options.wake();
    ctx.status = 201;
    ctx.body = await noticeView(book, notice.id);
  });

  router.get('/api/notices', async (ctx) => {
    const offset = Math.max(0, Number(ctx.query.offset ?? 0) || 0);
    const limit = Math.min(100, Math.max(1, Number(ctx.query.limit ?? 20) || 20));
    const page = await book.store.findRecords<Notice>(NOTICE, { offset, limit });
    const items = (await Promise.all(page.items.map((record) => noticeView(book, record.id)))).filter((v) => v !== undefined);
    ctx.body = { total: page.total, items };
  });

  router.get('/api/notices/:id', async (ctx) => {
    const view = await noticeView(book, ctx.params.id ?? '');
    if (!view) return notFound(ctx, ctx.params.id ?? '');
    ctx.body = view;
  });

  router.get('/api/notices/:id/deliveries', async (ctx) => {
    const deliveries = await noticeDeliveries(book, ctx.params.id ?? '');
    if (!deliveries) return notFound(ctx, ctx.params.id ?? '');
    ctx.body = deliveries;
  });

  router.post('/api/notices/:id/cancel', async (ctx) => {
    const id = ctx.params.id ?? '';
    const result = await cancelNotice(book, id, now());
    if (result === 'not_found') return notFound(ctx, id);
    if (result === 'finished') {
      ctx.status = 409;
      ctx.body = { error: { code: 'finished', message: `通知 ${id} 已发送完毕，不能取消` } };
      return;
    }
    options.wake();
    ctx.body = await noticeView(book, id);
  });

  return router;
}

/**
 * Marks a notice cancelled: a scheduled one at once (its timer then finds nothing to do), a sending one at
 * its next batch (the batches read the mark).
 */
export async function cancelNotice(book: RecordBook, id: string, now: number): Promise<'cancelled' | 'finished' | 'not_found'> {
  const stored = await book.get<Notice>(NOTICE, id);
  if (!stored) return 'not_found';
  if (stored.data.status === 'completed') return 'finished';
  if (stored.data.status === 'cancelled' || (await book.get(NOTICE_CANCEL_MARK, id))) return 'cancelled';
  const mark = { kind: NOTICE_CANCEL_MARK, id, rev: 1, data: { at: now }, updatedAt: now };
  if (stored.data.status !== 'scheduled') {
    await book.commit([mark]);
    return 'cancelled';
  }
  const cancelled: Notice = { ...stored.data, status: 'cancelled', cancelledAt: now };
  const card = cardJob(cancelled, undefined, `${id}:cancelled`, now);
  await book.commit([mark, { ...stored, rev: stored.rev + 1, updatedAt: now, data: cancelled }], { jobs: { put: card ? [card] : [] } });
  return 'cancelled';
}

function readDraft(input: unknown, now: number, work: WorkChannel): { draft: NoticeDraft; author: Notice['author']; problems: string[] } {
  const body = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const sendAt = body.sendAt === undefined || body.sendAt === null ? undefined : Date.parse(String(body.sendAt));
  if (sendAt !== undefined && Number.isNaN(sendAt)) problems.push('sendAt 须为 ISO 8601 时间');
  const link = body.link as { text?: unknown; url?: unknown } | undefined;
  const draft: NoticeDraft = {
    title: typeof body.title === 'string' ? body.title : '',
    body: typeof body.body === 'string' ? body.body : '',
    audience: body.audience as NoticeDraft['audience'],
    channel: (body.channel ?? 'robot') as NoticeDraft['channel'],
    ...(link ? { link: { text: String(link.text ?? '查看详情'), url: String(link.url ?? '') } } : {}),
    ...(sendAt !== undefined && !Number.isNaN(sendAt) ? { sendAt } : {}),
  };
  if (draft.audience && typeof draft.audience !== 'object') problems.push('audience 须为对象');
  else problems.push(...draftProblems(draft, now, work));
  const author = body.author as { userId?: unknown; name?: unknown } | undefined;
  return { draft, author: { userId: String(author?.userId ?? 'admin-api'), name: String(author?.name ?? '管理员') }, problems };
}

function invalid(ctx: Context, problems: string[]): void {
  ctx.status = 400;
  ctx.body = { error: { code: 'invalid_notice', message: problems.join('；'), problems, details: problems } };
}

function notFound(ctx: Context, id: string): void {
  ctx.status = 404;
  ctx.body = { error: { code: 'not_found', message: `没有编号为 ${id} 的通知` } };
}
