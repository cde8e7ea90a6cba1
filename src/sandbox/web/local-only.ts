// The sandbox API serves only the page on this machine. A loopback Host header defeats DNS rebinding (a
// foreign page whose name resolves to 127.0.0.1 still sends its own name); a same-origin Origin and a JSON
// content type defeat cross-site forms and fetches (a browser never sends JSON cross-site without a CORS
// preflight, which this API never answers). Scripts that send these headers keep working: no token needed.
import type { Context, Next } from 'koa';
import { HttpError } from '../../http/errors.js';

// 127.0.0.0/8, localhost and [::1], each with an optional port.
const LOOPBACK_HOST = /^(?:127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}|localhost|\[::1\])(?::\d{1,5})?$/i;
const READS = new Set(['GET', 'HEAD']);

/** True for a Host header that names this machine's loopback interface. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOST.test(host);
}

/** Router middleware for /sandbox/api: 403 unless the request comes from the sandbox page on this machine. */
export function localOnly() {
  return async (ctx: Context, next: Next): Promise<void> => {
    const host = ctx.get('host');
    if (!isLoopbackHost(host)) {
      throw new HttpError(403, 'not_local', '沙箱只接受本机访问：请用 http://127.0.0.1 或 http://localhost 打开');
    }
    const origin = ctx.get('origin');
    if (origin !== '' && origin !== `http://${host}`) {
      throw new HttpError(403, 'cross_origin', '沙箱接口只接受来自沙箱页面本身的请求');
    }
    if (!READS.has(ctx.method) && !ctx.is('application/json')) {
      throw new HttpError(403, 'json_only', '沙箱接口只接受 Content-Type: application/json 的请求');
    }
    await next();
  };
}
