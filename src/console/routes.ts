// The admin console: GET /console (the page, with a strict CSP), its files under /console/assets and
// /console/vendor, and its session — POST /console/session logs in with a DingTalk 免登 auth code or the
// admin token, GET tells the page who is logged in (and its CSRF token; 204 when nobody), DELETE logs out.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { isLoopbackAddress } from '../config.js';
import type { AdminPrincipal, SessionResolver } from '../http/admin-auth.js';
import { HttpError, readJson } from '../http/errors.js';
import { createRouter } from '../http/routers.js';
import { consolePublicDir, publicFile, TYPES, VendorModules } from './assets.js';
import { consoleUserOf, isStillAllowed, type LoginOptions } from './login.js';
import { type ConsoleSession, type ConsoleSessions, isCsrfToken, SESSION_COOKIE, SESSION_TTL_MS } from './sessions.js';

export interface ConsoleRoutesOptions {
  sessions: ConsoleSessions;
  login: LoginOptions;
  /** The organisation's corpId for dd.requestAuthCode, when known here (the sandbox); DingTalk can also put it in the URL. */
  corpId?: string;
  /** Sandbox only: mints the sandbox admin's auth code, so that /console opens as the admin without a DingTalk client. */
  sandboxAuthCode?: () => string;
}

/** The header that carries the session's CSRF token on every unsafe request. */
export const CSRF_HEADER = 'x-yiciban-csrf';

// Only our own files run, load, style and connect; DingTalk's PC client may frame the page, nobody else.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self' https://*.dingtalk.com",
].join('; ');

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const loginBody = z.union([
  z.strictObject({ authCode: z.string().min(1).max(200) }),
  z.strictObject({ token: z.string().min(1).max(500) }),
]);

/** The console's router. */
export function consoleRoutes(options: ConsoleRoutesOptions): Router {
  const router = createRouter();
  const dir = consolePublicDir();
  const vendor = new VendorModules();

  router.get('/console', async (ctx) => {
    ctx.set('Content-Security-Policy', CSP);
    ctx.set('Referrer-Policy', 'no-referrer');
    await serve(ctx, path.join(dir, 'index.html'));
  });

  router.get('/console/assets/{*file}', async (ctx) => {
    const file = publicFile(dir, String(ctx.params.file ?? ''));
    if (!file) throw new HttpError(404, 'not_found', '没有这个文件');
    await serve(ctx, file);
  });

  router.get('/console/vendor/:file', async (ctx) => {
    const code = vendor.get(ctx.params.file ?? '');
    if (!code) throw new HttpError(404, 'not_found', '没有这个文件');
    ctx.type = TYPES.get('.js')!;
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = await code;
  });

  router.get('/console/config', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { corpId: options.corpId ?? null, sandbox: options.sandboxAuthCode !== undefined };
  });

  router.get('/console/session', async (ctx) => {
    const session = await liveSession(options, ctx);
    ctx.set('Cache-Control', 'no-store');
    // No session is an ordinary answer (204), not an error: the page asks this before showing the login.
    if (!session) ctx.status = 204;
    else ctx.body = sessionView(session);
  });

  const logIn = async (ctx: Context, body: { authCode: string } | { token: string }) => {
    const user = await consoleUserOf(options.login, body);
    const { cookie, session } = await options.sessions.create(user);
    setCookie(ctx, cookie, SESSION_TTL_MS);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 201;
    ctx.body = sessionView(session);
  };

  router.post('/console/session', async (ctx) => {
    requireSameOrigin(ctx);
    const parsed = loginBody.safeParse(await readJson(ctx, 4096));
    if (!parsed.success) throw new HttpError(400, 'bad_request', '请求应为 {"authCode": "…"} 或 {"token": "…"}');
    await logIn(ctx, parsed.data);
  });

  // The sandbox (loopback only, see src/sandbox/start.ts) opens as its admin: a code minted by the simulator
  // goes through the same exchange as a real DingTalk client's.
  const { sandboxAuthCode } = options;
  if (sandboxAuthCode) {
    router.post('/console/sandbox-session', async (ctx) => {
      // A page on a foreign name that resolves to 127.0.0.1 (DNS rebinding) sends its own name as Host.
      if (!isLoopbackAddress(ctx.hostname)) throw new HttpError(403, 'not_local', '沙箱控制台只接受本机访问：请用 http://127.0.0.1 打开');
      requireSameOrigin(ctx);
      await logIn(ctx, { authCode: sandboxAuthCode() });
    });
  }

  router.delete('/console/session', async (ctx) => {
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    const session = await liveSession(options, ctx);
    if (session) {
      requireCsrf(ctx, session);
      await options.sessions.end(cookie);
    }
    setCookie(ctx, '', 0);
    ctx.status = 204;
  });

  return router;
}

/** How the admin API finds a console session: by its cookie, with the CSRF checks on unsafe methods. */
export function consoleSessionResolver(options: Pick<ConsoleRoutesOptions, 'sessions' | 'login'>): SessionResolver {
  return async (ctx) => {
    const session = await liveSession(options, ctx);
    if (!session) return undefined;
    requireCsrf(ctx, session);
    const principal: AdminPrincipal = { role: session.role, userId: session.userId };
    if (session.department) principal.department = session.department.id;
    return principal;
  };
}

// The request's session, while it has not expired and its user still has the rights it was opened with.
async function liveSession(options: Pick<ConsoleRoutesOptions, 'sessions' | 'login'>, ctx: Context): Promise<ConsoleSession | undefined> {
  const session = await options.sessions.find(ctx.cookies.get(SESSION_COOKIE));
  return session && isStillAllowed(options.login, session) ? session : undefined;
}

// SameSite=Strict already keeps the cookie off cross-site requests; the token and the Origin check also
// stop a same-site page (another app on a sibling host) from acting with it.
function requireCsrf(ctx: Context, session: ConsoleSession): void {
  if (SAFE_METHODS.has(ctx.method)) return;
  requireSameOrigin(ctx);
  if (!isCsrfToken(session, ctx.get(CSRF_HEADER))) throw new HttpError(403, 'csrf', '请求缺少有效的 CSRF 令牌，请刷新控制台页面后再试');
}

function requireSameOrigin(ctx: Context): void {
  const origin = ctx.get('origin');
  // Not ctx.origin: koa 3 answers that with the request's own Origin header when there is one. Behind a TLS
  // proxy the browser's origin is https while this connection is http.
  if (origin !== '' && origin !== `${ctx.protocol}://${ctx.host}` && !(viaHttps(ctx) && origin === `https://${ctx.host}`))
    throw new HttpError(403, 'cross_origin', '只接受来自控制台页面本身的请求');
}

// Secure whenever the browser reached us over https: directly, or through a proxy that says so. The header is
// trusted for this flag only (a client that lies gets a cookie its own browser will not send over http).
function setCookie(ctx: Context, value: string, maxAge: number): void {
  const secure = viaHttps(ctx);
  ctx.cookies.secure = secure;
  ctx.cookies.set(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', path: '/', secure, maxAge, overwrite: true });
}

function viaHttps(ctx: Context): boolean {
  return ctx.secure || ctx.get('x-forwarded-proto').split(',')[0]?.trim() === 'https';
}

function sessionView(session: ConsoleSession) {
  return {
    userId: session.userId,
    name: session.name,
    role: session.role,
    ...(session.department ? { department: session.department } : {}),
    csrf: session.csrf,
    expiresAt: new Date(session.expiresAt).toISOString(),
  };
}

async function serve(ctx: Context, file: string): Promise<void> {
  ctx.type = TYPES.get(path.extname(file)) ?? 'application/octet-stream';
  ctx.set('Cache-Control', 'no-cache');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.body = await readFile(file);
}
