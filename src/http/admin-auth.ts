// Authentication of the admin API: `Authorization: Bearer ADMIN_TOKEN` (compared in constant time), or a console
// session (the console hands in how to find one). A department session reads only its own department's
// applications and figures: the routes it may call are listed here, and the routes filter by adminScope(ctx).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { HttpError } from './errors.js';

/** Who a console session belongs to, as the admin API needs it. */
export interface AdminPrincipal {
  role: 'admin' | 'department';
  /** The user id recorded as the actor of changes. */
  userId: string;
  /** Department role only: the department id every read is limited to. */
  department?: string;
}

/**
 * Finds the console session of a request: undefined when it carries none (or an unknown or expired one);
 * throws an HttpError when a session is there but the request must not use it (e.g. no CSRF token).
 */
export type SessionResolver = (ctx: Context) => Promise<AdminPrincipal | undefined>;

/** What a department session may call: reads of applications, statistics and the dashboard's lists (GET only). */
const DEPARTMENT_ROUTES = [
  /^\/api\/applications$/,
  /^\/api\/applications\/[^/]+$/,
  /^\/api\/statistics$/,
  /^\/api\/statistics\/daily$/,
  /^\/api\/statistics\/board$/,
  /^\/api\/warnings$/,
  /^\/api\/complaints$/,
  /^\/api\/rectifications$/,
];

/**
 * Guards the admin routers. Without a configured token and without a session the admin API is off (403); a wrong
 * token is 401; a department session outside its routes is 403.
 */
export function adminAuth(token: string | undefined, sessions?: SessionResolver) {
  const expected = token ? digest(token) : undefined;
  return async (ctx: Context, next: Next): Promise<void> => {
    const header = ctx.get('authorization');
    if (header === '' && sessions) {
      const principal = await sessions(ctx);
      if (principal) {
        if (principal.role !== 'admin' && !(ctx.method === 'GET' && DEPARTMENT_ROUTES.some((route) => route.test(ctx.path))))
          throw new HttpError(403, 'forbidden', '部门账号只能查看本部门的办件和统计');
        ctx.state.adminPrincipal = principal;
        await next();
        return;
      }
    }
    if (!expected) throw new HttpError(403, 'admin_api_disabled', 'admin API is disabled: set ADMIN_TOKEN');
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]!.trim()), expected)) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'unauthorized', 'missing or invalid bearer token');
    }
    await next();
  };
}

/** The department an admin request is limited to (a department session), or undefined (everything). */
export function adminScope(ctx: Context): string | undefined {
  return (ctx.state.adminPrincipal as AdminPrincipal | undefined)?.department;
}

/** The user id of the console session behind an admin request, if it came from one. */
export function sessionUserId(ctx: Context): string | undefined {
  return (ctx.state.adminPrincipal as AdminPrincipal | undefined)?.userId;
}

/** True when the token (hashed, constant time) is the admin token. */
export function isAdminToken(token: string | undefined, given: string): boolean {
  return token !== undefined && token !== '' && timingSafeEqual(digest(given), digest(token));
}

// Hashing first gives equal-length buffers, so timingSafeEqual never throws on a length mismatch.
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
