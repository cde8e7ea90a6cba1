// Bearer-token authentication for the admin API (`Authorization: Bearer ADMIN_TOKEN`), compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { HttpError } from './errors.js';

/** Guards the admin routers: without a configured token the admin API is off (403), a wrong token is 401. */
export function adminAuth(token: string | undefined) {
  const expected = token ? digest(token) : undefined;
  return async (ctx: Context, next: Next): Promise<void> => {
    if (!expected) throw new HttpError(403, 'admin_api_disabled', 'admin API is disabled: set ADMIN_TOKEN');
    const header = ctx.get('authorization');
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]!.trim()), expected)) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'unauthorized', 'missing or invalid bearer token');
    }
    await next();
  };
}

// Hashing first gives equal-length buffers, so timingSafeEqual never throws on a length mismatch.
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
