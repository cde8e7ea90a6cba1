// Admin API over 差评整改 cases: list and read them, and record the call-back and the fix. The two changes tell
// the applicant, so they go through the bot's one handle() as admin events (committed with their messages).
import { randomUUID } from 'node:crypto';
import type Router from '@koa/router';
import { z } from 'zod';
import type { HandleResult } from '../bot/bot.js';
import type { AdminEvent } from '../bot/inbound.js';
import type { Clock } from '../clock.js';
import { HttpError, readJson } from '../http/errors.js';
import { createRouter } from '../http/routers.js';
import type { Store } from '../store/store.js';
import { sendCsv, wantsCsv, type CsvColumn } from './csv.js';
import { scopedDepartment } from './statistics-routes.js';
import { RECTIFICATION_KIND, type Rectification } from '../supervision/rectification.js';

export interface RectificationRoutesOptions {
  store: Pick<Store, 'findRecords' | 'getRecord'>;
  clock: Pick<Clock, 'now'>;
  /** The app's one entry for inbound events. */
  handle: (event: AdminEvent) => Promise<HandleResult>;
}

const stepBody = z.object({ note: z.string().trim().min(1).max(500), by: z.string().trim().min(1).max(100).optional() });

/** `GET /api/rectifications[?status=open|closed][&department=<id>][&format=csv]`, `GET /api/rectifications/:id`, `POST …/:id/callback` and `…/:id/outcome`. */
export function rectificationRoutes(options: RectificationRoutesOptions): Router {
  // Full paths, no prefix: with strict routing a prefix plus '/' would make the list /api/rectifications/.
  const router = createRouter();
  router.get('/api/rectifications', async (ctx) => {
    const status = ctx.query.status;
    if (status !== undefined && status !== 'open' && status !== 'closed')
      throw new HttpError(400, 'invalid_query', 'status 只能是 open 或 closed');
    const department = scopedDepartment(ctx);
    const found = await options.store.findRecords<Rectification>(RECTIFICATION_KIND, status ? { tags: { status } } : {});
    const items = found.items
      .map((r) => ({ ...r.data, status: r.tags?.status }))
      .filter((r) => !department || r.departments.some((d) => d.id === department));
    if (wantsCsv(ctx)) return sendCsv(ctx, '差评整改.csv', RECTIFICATION_COLUMNS, items);
    ctx.body = { total: items.length, items };
  });
  router.get('/api/rectifications/:id', async (ctx) => {
    const record = await options.store.getRecord<Rectification>(RECTIFICATION_KIND, ctx.params.id ?? '');
    if (!record) throw new HttpError(404, 'not_found', `没有整改单 ${ctx.params.id}`);
    ctx.body = { ...record.data, status: record.tags?.status };
  });
  for (const step of ['callback', 'outcome'] as const) {
    router.post(`/api/rectifications/:id/${step}`, async (ctx) => {
      const parsed = stepBody.safeParse(await readJson(ctx, 16 * 1024));
      if (!parsed.success) throw new HttpError(400, 'invalid_body', '请求体应为 {"note": "回访情况或整改结果", "by"?: "经办人"}');
      const id = ctx.params.id ?? '';
      const event: AdminEvent = {
        kind: 'admin',
        id: `admin:${randomUUID()}`,
        action: `rectification.${step}`,
        actor: parsed.data.by ?? 'admin-api',
        params: { id, note: parsed.data.note },
        receivedAt: options.clock.now(),
      };
      const result = await options.handle(event);
      if (result.status === 'refused') {
        const { outcome } = result;
        if (outcome.status === 'unknown_application') throw new HttpError(404, 'not_found', `没有整改单 ${id}`);
        throw new HttpError(
          outcome.status === 'illegal' ? 409 : 400,
          outcome.status === 'illegal' ? 'conflict' : 'invalid_body',
          outcome.message,
        );
      }
      const record = await options.store.getRecord<Rectification>(RECTIFICATION_KIND, id);
      ctx.body = { ...record?.data, status: record?.tags?.status };
    });
  }
  return router;
}

const RECTIFICATION_COLUMNS: CsvColumn<Rectification & { status?: string }>[] = [
  { header: '整改单号', value: (r) => r.id },
  { header: '状态', value: (r) => (r.status === 'closed' ? '已整改' : '整改中') },
  { header: '办件编号', value: (r) => r.applicationId },
  { header: '事项', value: (r) => r.matterName },
  { header: '评价', value: (r) => r.level },
  { header: '差评原因', value: (r) => r.reason },
  { header: '责任部门', value: (r) => r.departments.map((d) => d.name).join('、') },
  { header: '开单时间', value: (r) => r.openedAt },
  { header: '回访期限', value: (r) => r.callbackDue },
  { header: '回访情况', value: (r) => r.callback?.note },
  { header: '整改期限', value: (r) => r.fixDue },
  { header: '整改结果', value: (r) => r.outcome?.note },
  { header: '追评', value: (r) => r.followUp?.level },
];
