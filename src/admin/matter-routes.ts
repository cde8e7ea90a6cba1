// Admin API over matter templates: list, read (with versions), create, edit the draft, publish, retire, and the
// change log. Mounted as an admin router (the app's bearer-token guard covers every route). A change commits
// its records and updates the live catalogue at once, so the bot uses a published version without a restart.
import { randomUUID } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Clock } from '../clock.js';
import type { MatterLoadError } from '../domain/matter.js';
import type { Actor } from '../domain/types.js';
import { sessionUserId } from '../http/admin-auth.js';
import { HttpError, readJson } from '../http/errors.js';
import { createRouter } from '../http/routers.js';
import { effectsToJobs } from '../bot/jobs.js';
import { ConflictError, type Store } from '../store/store.js';
import type { LiveCatalogue } from '../templates/live-catalogue.js';
import {
  type AdminChange,
  auditLog,
  type ChangeContext,
  createMatter,
  matterHeads,
  matterView,
  publishDraft,
  retireMatter,
  saveDraft,
} from '../templates/matter-admin.js';
import { applyRecords } from '../templates/seed.js';
import { VERSION_KIND, type MatterVersion } from '../templates/template-records.js';
import { pageOf } from './paging.js';

export interface MatterRoutesOptions {
  store: Store;
  catalogue: LiveCatalogue;
  clock: Clock;
  /** Wakes the outbox after a commit that queued a job (the timer that tells open drafts of a change). */
  wake?: () => void;
}

/** Largest template body accepted (a real 办事指南 is a few kilobytes). */
export const TEMPLATE_MAX_BYTES = 256 * 1024;

/** `/api/matters…` and `/api/audit`. */
export function matterRoutes(options: MatterRoutesOptions): Router {
  const { store, catalogue } = options;
  const router = createRouter('/api');
  const change = (ctx: Context): ChangeContext => ({
    now: options.clock.now(),
    actor: actorOf(ctx),
    newId: () => `${options.clock.now()}-${randomUUID()}`,
  });
  const commit = async (ctx: Context, result: AdminChange, status = 200) => {
    if (result.status !== 'ok') return refuse(result);
    // A publish or retire also commits the timer that tells the people filling in the form (handlers/apply).
    const now = options.clock.now();
    const jobs = result.timer ? effectsToJobs([result.timer], { source: `api:${randomUUID()}`, now, newId: randomUUID }) : [];
    try {
      await store.commit({ records: { put: result.records }, ...(jobs.length ? { jobs: { put: jobs } } : {}) });
    } catch (error) {
      // Another admin changed the matter between our read and this write: nothing was written.
      if (error instanceof ConflictError) throw new HttpError(409, 'conflict', '事项刚被其他管理员修改，请重新读取后再试');
      throw error;
    }
    applyRecords(catalogue, result.records);
    if (jobs.length) options.wake?.();
    ctx.status = status;
    ctx.body = { matter: result.head, summary: result.summary };
  };

  router.get('/matters', async (ctx) => {
    const q = String(ctx.query.q ?? '').trim();
    const status = String(ctx.query.status ?? '');
    if (status && status !== 'active' && status !== 'retired') throw new HttpError(400, 'bad_query', 'status 只能是 active 或 retired');
    const heads = (await matterHeads(store))
      .map((r) => r.data)
      .filter((h) => (!status || h.status === status) && (!q || h.name.includes(q) || h.id.includes(q)));
    const { offset, limit } = pageOf(ctx);
    ctx.body = {
      total: heads.length,
      items: heads.slice(offset, offset + limit).map(({ draft, ...head }) => ({ ...head, hasDraft: draft !== undefined })),
    };
  });

  router.post('/matters', async (ctx) => commit(ctx, await createMatter(store, await readJson(ctx, TEMPLATE_MAX_BYTES), change(ctx)), 201));

  router.get('/matters/:id', async (ctx) => {
    const view = await matterView(store, ctx.params.id ?? '');
    if (!view) throw new HttpError(404, 'not_found', `没有编号为“${ctx.params.id}”的事项`);
    const versions = await Promise.all(
      view.head.versions.map(async (v) => (await store.getRecord<MatterVersion>(VERSION_KIND, `${view.head.id}@${v}`))?.data),
    );
    ctx.body = {
      ...view.head,
      current: view.current ?? null,
      draft: view.head.draft ?? null,
      versions: versions.flatMap((v) =>
        v ? [{ version: v.matter.version, publishedAt: v.publishedAt, publishedBy: v.publishedBy, template: v.matter }] : [],
      ),
    };
  });

  router.put('/matters/:id/draft', async (ctx) =>
    commit(ctx, await saveDraft(store, ctx.params.id ?? '', await readJson(ctx, TEMPLATE_MAX_BYTES), change(ctx))),
  );
  router.post('/matters/:id/publish', async (ctx) => commit(ctx, await publishDraft(store, ctx.params.id ?? '', change(ctx))));
  router.post('/matters/:id/retire', async (ctx) => commit(ctx, await retireMatter(store, ctx.params.id ?? '', change(ctx))));

  router.get('/audit', async (ctx) => {
    const { offset, limit } = pageOf(ctx);
    const matterId = typeof ctx.query.matter === 'string' && ctx.query.matter ? ctx.query.matter : undefined;
    const page = await auditLog(store, { ...(matterId ? { matterId } : {}), offset, limit });
    ctx.body = { total: page.total, items: page.items.map((r) => ({ id: r.id, ...(r.data as object) })) };
  });

  return router;
}

// A console session names its user; the API token names no person, so its caller may say who acts (recorded
// in the change log) in X-Yiciban-Actor.
function actorOf(ctx: Context): Actor {
  const named = sessionUserId(ctx) ?? ctx.get('x-yiciban-actor').trim().slice(0, 64);
  return { type: 'admin', id: named || 'admin-api' };
}

function refuse(result: Exclude<AdminChange, { status: 'ok' }>): never {
  if (result.status === 'invalid') throw new TemplateError(result.errors);
  const status = result.status === 'not_found' ? 404 : 409;
  throw new HttpError(status, result.status, result.message);
}

/** Every template error at once, each with its JSON path, in Chinese and English (422). */
export class TemplateError extends HttpError {
  constructor(errors: MatterLoadError[]) {
    const lines = errors.map((e) => `${e.path || '(root)'}: ${e.reason}`).join('；');
    const details = errors.map((e) => ({ path: e.path, message: e.reason, messageEn: e.en ?? e.reason }));
    super(422, 'invalid_template', `模板有 ${errors.length} 处错误（${errors.length} error(s)）：${lines}`, details);
  }
}
