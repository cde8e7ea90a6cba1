// Every router the HTTP app mounts matches paths exactly: `/API/...` or `/api/.../` is another path (404),
// so a guard that knows a route's spelling is never bypassed by a different spelling of it.
import Router from '@koa/router';

/** Options of every router: case-sensitive paths, no trailing slash. */
export const ROUTER_OPTIONS = { strict: true, sensitive: true } as const;

/** A router with ROUTER_OPTIONS (and an optional prefix). */
export function createRouter(prefix?: string): Router {
  return new Router(prefix ? { ...ROUTER_OPTIONS, prefix } : { ...ROUTER_OPTIONS });
}

/** True when a router was made with ROUTER_OPTIONS; the app refuses to mount any other. */
export function isStrictRouter(router: Router): boolean {
  return router.opts.strict === true && router.opts.sensitive === true;
}
