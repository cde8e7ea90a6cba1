// Admin API over the outbox's dead jobs: list them, and send one back to the queue after the cause is fixed.
// Mounted as an admin router, so the app's admin authentication guards every route.
import type Router from '@koa/router';
import { createRouter } from '../http/routers.js';
import type { Store } from '../store/store.js';
import type { Outbox } from './dispatcher.js';

export interface OutboxRoutesOptions {
  store: Store;
  outbox: Pick<Outbox, 'wake'>;
}

/** `GET /api/outbox/dead` and `POST /api/outbox/dead/:id/retry`. */
export function outboxRoutes(options: OutboxRoutesOptions): Router {
  const { store, outbox } = options;
  const router = createRouter('/api/outbox');

  router.get('/dead', async (ctx) => {
    const items = await store.deadJobs();
    ctx.body = { total: items.length, items };
  });

  router.post('/dead/:id/retry', async (ctx) => {
    const id = ctx.params.id ?? '';
    const dead = (await store.deadJobs()).find((job) => job.id === id);
    if (!dead) {
      ctx.status = 404;
      ctx.body = { error: { code: 'not_found', message: `没有编号为 ${id} 的失败任务（可能已重试）` } };
      return;
    }
    await store.commit({ jobs: { revive: [id] } });
    outbox.wake();
    ctx.body = { ok: true, job: await store.getJob(id) };
  });

  return router;
}
