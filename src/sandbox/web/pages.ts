// GET /sandbox and its static assets: the page, its ES modules and stylesheet (no build step), and the
// browser builds of marked and DOMPurify straight from node_modules.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Router from '@koa/router';
import type { RouterContext } from '@koa/router';
import { HttpError } from '../../http/errors.js';
import { createRouter } from '../../http/routers.js';
import { ROOT_DIR } from '../../root-dir.js';

// Beside this module when running the sources; in the source tree when running the compiled dist/.
const PUBLIC_DIRS = [fileURLToPath(new URL('./public/', import.meta.url)), path.join(ROOT_DIR, 'src/sandbox/web/public')];

// Maps, not object literals: a name such as `__proto__` or `toString` finds nothing instead of Object's own members.
/** Vendor modules the page imports, by the name it uses. */
const VENDOR = new Map<string, string>([
  ['marked.js', fileURLToPath(import.meta.resolve('marked'))],
  ['purify.js', fileURLToPath(import.meta.resolve('dompurify'))],
]);

const TYPES = new Map<string, string>([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
]);

// Only our own scripts run; message markdown is sanitised anyway, this is the second lock.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** The page router: /sandbox, /sandbox/assets/<file>, /sandbox/vendor/<file>. */
export function pageRouter(): Router {
  const publicDir = PUBLIC_DIRS.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!publicDir) throw new Error(`the web chat's files are missing (looked in ${PUBLIC_DIRS.join(', ')})`);
  const router = createRouter();

  const serve = async (ctx: RouterContext, file: string) => {
    ctx.type = TYPES.get(path.extname(file)) ?? 'application/octet-stream';
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = await readFile(file);
  };

  // Full paths, no prefix: with strict routing a prefix plus '/' would make the page /sandbox/.
  router.get('/sandbox', async (ctx) => {
    ctx.set('Content-Security-Policy', CSP);
    await serve(ctx, path.join(publicDir, 'index.html'));
  });

  router.get('/sandbox/assets/:file', async (ctx) => {
    const name = ctx.params.file ?? '';
    // One flat folder: a name with a slash or a leading dot never leaves it.
    if (!/^[a-z0-9-]+\.(js|css|svg)$/.test(name)) throw new HttpError(404, 'not_found', '没有这个文件');
    const file = path.join(publicDir, name);
    if (!existsSync(file)) throw new HttpError(404, 'not_found', '没有这个文件');
    await serve(ctx, file);
  });

  router.get('/sandbox/vendor/:file', async (ctx) => {
    const file = VENDOR.get(ctx.params.file ?? '');
    if (!file) throw new HttpError(404, 'not_found', '没有这个文件');
    await serve(ctx, file);
  });

  return router;
}
