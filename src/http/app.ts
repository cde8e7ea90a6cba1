// The koa application: health, metrics, the back-office webhook, the admin API, the console and (in sandbox mode) the web chat.
import Koa from 'koa';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { adminAuth, type SessionResolver } from './admin-auth.js';
import { errorBoundary } from './errors.js';
import { createRouter, isStrictRouter } from './routers.js';

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
  /** Admin API routers (made with createRouter): every one of their routes is behind the admin bearer token. */
  adminRouters?: Router[];
  adminToken?: string;
  /** Finds a console session: besides the bearer token, a session opens the admin API (src/console). */
  adminSessions?: SessionResolver;
  /** Extra routers mounted as they are (sandbox pages, console), made with createRouter. */
  publicRouters?: Router[];
}

/** A router the app mounts, and whether its routes need the admin token. */
export interface MountedRouter {
  router: Router;
  admin: boolean;
}

/** The koa app and every router it mounts (tests walk their routes). */
export interface HttpApp {
  koa: Koa;
  routers: MountedRouter[];
}

/** Builds the koa app; the caller listens. */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const app = new Koa();
  app.proxy = false;
  app.use(errorBoundary(options.logger));

  const router = createRouter();
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
  const publicRouters = [router, ...(options.publicRouters ?? [])];
  const adminRouters = options.adminRouters ?? [];
  const routers = [
    ...adminRouters.map((child) => ({ router: child, admin: true })),
    ...publicRouters.map((child) => ({ router: child, admin: false })),
  ];
  for (const { router: child } of routers) requireStrict(child);

  app.use(guardedAdmin(adminRouters, options.adminToken, options.adminSessions).routes());
  for (const child of publicRouters) app.use(child.routes()).use(child.allowedMethods());
  return { koa: app, routers };
}

// The guard is the admin router's own first middleware, so it runs for exactly the routes it protects,
// whatever matched them. No allowedMethods here: an OPTIONS probe learns nothing without the token.
function guardedAdmin(children: Router[], token: string | undefined, sessions: SessionResolver | undefined): Router {
  const admin = createRouter();
  admin.use(adminAuth(token, sessions));
  for (const child of children) admin.use(child.routes());
  return admin;
}

function requireStrict(router: Router): void {
  if (!isStrictRouter(router)) {
    const where = router.opts.prefix ?? '/';
    throw new Error(`router ${where} must be made with createRouter (src/http/routers.ts): strict, case-sensitive paths`);
  }
}
