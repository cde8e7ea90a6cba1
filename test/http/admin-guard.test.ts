import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { MountedRouter } from '../../src/http/app.js';
import { isStrictRouter } from '../../src/http/routers.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startSandbox } from '../../src/sandbox/start.js';
import { sandboxPages } from '../../src/sandbox/web/routes.js';
import { ADMIN_TOKEN, startHarness } from '../support/harness.js';
import { loginAs } from '../console/support.js';

const guard = suite('http: every admin route needs the token, however its path is spelled');

interface Route {
  method: string;
  path: string;
}

/** Every (method, concrete path) of the admin routers, params filled with a placeholder. */
function adminRoutes(routers: MountedRouter[]): Route[] {
  const routes: Route[] = [];
  for (const { router, admin } of routers) {
    if (!admin) continue;
    for (const layer of router.stack) {
      const method = layer.methods.find((m) => m !== 'HEAD');
      if (!method) continue;
      routes.push({
        method,
        path: String(layer.path)
          .replace(/\{?\*\w+\}?/g, 'x')
          .replace(/:\w+/g, 'x'),
      });
    }
  }
  return routes;
}

/** The ways an attacker respells a path: case, a trailing slash, percent-encoded letters, doubled slashes. */
function spellings(routePath: string): string[] {
  const segments = routePath.split('/').filter(Boolean);
  const encodeFirst = (segment: string) => `%${segment.charCodeAt(0).toString(16)}${segment.slice(1)}`;
  const last = segments.length - 1;
  return [
    routePath,
    routePath.toUpperCase(),
    `/${segments.map((s, i) => (i === 0 ? s.toUpperCase() : s)).join('/')}`,
    `/${segments.map((s, i) => (i === last ? s.toUpperCase() : s[0]!.toUpperCase() + s.slice(1))).join('/')}`,
    `${routePath}/`,
    `/${segments.map((s, i) => (i === 0 ? encodeFirst(s) : s)).join('/')}`,
    `/${segments.map((s, i) => (i === last - (segments[last] === 'x' ? 1 : 0) ? encodeFirst(s) : s)).join('/')}`,
    `/${segments.join('//')}`,
  ];
}

/** Sends the path as written (no URL normalisation) and resolves with the status. */
function send(base: string, method: string, rawPath: string, token?: string, extra: Record<string, string> = {}): Promise<number> {
  const { hostname, port } = new URL(base);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path: rawPath, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(method === 'GET' ? undefined : '{}');
  });
}

async function assertLocked(base: string, routes: Route[], tokens: (string | undefined)[]): Promise<void> {
  for (const route of routes) {
    for (const spelled of spellings(route.path)) {
      for (const token of tokens) {
        const status = await send(base, route.method, spelled, token);
        const what = `${route.method} ${spelled} with ${token ? `token "${token}"` : 'no token'} answered ${status}`;
        assert.ok(status < 200 || status >= 300, what);
        assert.ok(status < 500, what);
      }
    }
  }
}

guard('no token, a wrong token or any respelling of an admin path never gets a 2xx', async () => {
  const h = await startHarness();
  try {
    const routes = adminRoutes(h.app.routers);
    assert.ok(
      routes.some((r) => r.path === '/api/outbox/dead'),
      'the dead-letter list is an admin route',
    );
    const paths = routes.map((r) => `${r.method} ${r.path}`);
    for (const route of [
      'GET /api/matters',
      'POST /api/matters',
      'GET /api/matters/x',
      'PUT /api/matters/x/draft',
      'POST /api/matters/x/publish',
      'POST /api/matters/x/retire',
      'GET /api/applications',
      'GET /api/applications/x',
      'GET /api/audit',
    ])
      assert.ok(paths.includes(route), `${route} is an admin route`);
    assert.ok(routes.length >= 2);
    await assertLocked(h.app.url, routes, [undefined, 'wrong-token', `${ADMIN_TOKEN}x`]);
    // Respelled with the right token: still no alias that answers.
    for (const route of routes) {
      for (const spelled of spellings(route.path).slice(1))
        assert.is(await send(h.app.url, route.method, spelled, ADMIN_TOKEN), 404, spelled);
    }
    assert.is(await send(h.app.url, 'GET', '/api/outbox/dead', ADMIN_TOKEN), 200, 'the exact path with the token works');
  } finally {
    await h.close();
  }
});

guard('a forged cookie, a session without its CSRF header and a department session never get a 2xx from an admin route', async () => {
  const h = await startHarness();
  try {
    const routes = adminRoutes(h.app.routers);
    const admin = await loginAs(h, 'admin-liu');
    const department = await loginAs(h, 'reviewer-scjg');
    assert.is(department.body.role, 'department');
    const forged = `yc_console=${'x'.repeat(43)}`;
    // Department sessions may read these (filtered to their department); nothing else.
    const departmentReads = new Set([
      'GET /api/applications',
      'GET /api/applications/x',
      'GET /api/statistics',
      'GET /api/statistics/daily',
      'GET /api/statistics/board',
      'GET /api/warnings',
      'GET /api/complaints',
      'GET /api/rectifications',
    ]);
    for (const route of routes) {
      for (const spelled of spellings(route.path)) {
        const what = `${route.method} ${spelled}`;
        const forgedStatus = await send(h.app.url, route.method, spelled, undefined, { cookie: forged, 'x-yiciban-csrf': 'x' });
        assert.ok(forgedStatus >= 400 && forgedStatus < 500, `${what} with a forged cookie answered ${forgedStatus}`);
        if (route.method !== 'GET') {
          const status = await send(h.app.url, route.method, spelled, undefined, { cookie: admin.cookie! });
          assert.ok(status >= 400 && status < 500, `${what} with an admin cookie but no CSRF header answered ${status}`);
        }
        if (!departmentReads.has(`${route.method} ${route.path}`) || spelled !== route.path) {
          const status = await send(h.app.url, route.method, spelled, undefined, {
            cookie: department.cookie!,
            'x-yiciban-csrf': department.body.csrf!,
          });
          assert.ok(status >= 400 && status < 500, `${what} with a department session answered ${status}`);
        }
      }
    }
    const csrf = { cookie: admin.cookie!, 'x-yiciban-csrf': admin.body.csrf! };
    assert.is(await send(h.app.url, 'GET', '/api/outbox/dead', undefined, { cookie: admin.cookie! }), 200, 'an admin session reads');
    assert.is(await send(h.app.url, 'POST', '/api/outbox/dead/none/retry', undefined, csrf), 404, 'and acts with its CSRF header');
  } finally {
    await h.close();
  }
});

guard('with ADMIN_TOKEN unset no spelling of an admin path answers 2xx', async () => {
  const h = await startHarness({ env: { ADMIN_TOKEN: '' } });
  try {
    const routes = adminRoutes(h.app.routers);
    await assertLocked(h.app.url, routes, [undefined, 'anything', ADMIN_TOKEN]);
    assert.is(await send(h.app.url, 'GET', '/api/outbox/dead'), 403);
  } finally {
    await h.close();
  }
});

guard('every router of the sandbox app is strict and case-sensitive, and its admin routes are locked', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'yiciban-guard-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', ADMIN_TOKEN, SANDBOX_REVIEW_DELAY_MS: '0', LOG_LEVEL: 'silent' });
  const sandbox = await startSandbox({ config, logger: createLogger('silent'), pages: sandboxPages });
  try {
    const routers = sandbox.app.routers;
    assert.ok(routers.length >= 4, 'health, outbox, sandbox page and sandbox API');
    for (const { router } of routers) assert.ok(isStrictRouter(router), `router ${router.opts.prefix ?? '/'} is strict`);
    await assertLocked(sandbox.app.url, adminRoutes(routers), [undefined, 'wrong-token']);
    assert.is(await send(sandbox.app.url, 'GET', '/SANDBOX/api/people'), 404);
    assert.is(await send(sandbox.app.url, 'GET', '/Healthz'), 404);
    assert.is(await send(sandbox.app.url, 'GET', '/sandbox'), 200);
  } finally {
    await sandbox.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

guard.run();
