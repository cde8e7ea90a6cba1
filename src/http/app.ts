// The koa application: health, metrics, the back-office webhook, the admin API and (in sandbox mode) the web chat.
import Koa from 'koa';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { adminAuth } from './admin-auth.js';
import { errorBoundary } from './errors.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  stream: 'connected' | 'connecting' | 'stopped';
  store: 'lowdb' | 'postgres';
}

export interface HttpAppOptions {
  logger: Logger;
  metrics: Metrics;
  /** Throws when the store is unusable (→ 503). */
  health: () => Promise<HealthReport>;
  webhook?: Middleware;
  /** Routers whose routes start with `/api/`; every `/api/` path is behind the admin bearer token. */
  adminRouters?: Router[];
  adminToken?: string;
  /** Extra routers mounted as they are (sandbox pages, console). */
  publicRouters?: Router[];
}

/** Builds the koa app; the caller listens. */
export function createHttpApp(options: HttpAppOptions): Koa {
  const app = new Koa();
  app.proxy = false;
  app.use(errorBoundary(options.logger));

  const router = new Router();
  router.get('/healthz', async (ctx) => {
    try {
      ctx.body = await options.health();
    } catch (error) {
      options.logger.error({ err: error }, 'health check failed');
      ctx.status = 503;
      ctx.body = { status: 'unavailable', error: { code: 'store_unavailable', message: 'store is not usable' } };
    }
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = options.metrics.registry.contentType;
    ctx.body = await options.metrics.registry.metrics();
  });
  if (options.webhook) router.post('/webhooks/backoffice', options.webhook);
  app.use(router.routes()).use(router.allowedMethods());

  const guard = adminAuth(options.adminToken);
  app.use((ctx, next) => (ctx.path === '/api' || ctx.path.startsWith('/api/') ? guard(ctx, next) : next()));
  for (const child of options.adminRouters ?? []) app.use(child.routes()).use(child.allowedMethods());

  for (const child of options.publicRouters ?? []) app.use(child.routes()).use(child.allowedMethods());
  return app;
}
