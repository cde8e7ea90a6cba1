import * as assert from 'uvu/assert';
import { type Harness, startHarness } from '../support/harness.js';
import { suite } from '../support/suite.js';
import { send } from './support.js';

const test = suite<{ h: Harness }>('console: the page, its files and its headers');

test.before(async (context) => {
  context.h = await startHarness();
});

test.after(async (context) => {
  await context.h.close();
});

test('GET /console answers HTML without a session, with a strict CSP, nosniff and no inline script or style', async ({ h }) => {
  const page = await send(h.app.url, 'GET', '/console', {});
  assert.is(page.status, 200);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  assert.is(page.headers['x-content-type-options'], 'nosniff');
  const csp = String(page.headers['content-security-policy']);
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    'frame-ancestors ',
  ])
    assert.ok(csp.includes(directive), `CSP has ${directive}: ${csp}`);
  assert.not.match(csp, /unsafe-inline|unsafe-eval/);
  assert.not.match(page.text, /<script(?![^>]*\bsrc=)[^>]*>/, 'every script has a src');
  assert.not.match(page.text, /<style|\sstyle=/, 'no inline style');
  assert.match(page.text, /src="\/console\/assets\/app\.js"/);
});

test('the console files are served from their folder, with their types', async ({ h }) => {
  for (const [path, type] of [
    ['/console/assets/app.js', /^text\/javascript/],
    ['/console/assets/views/matters.js', /^text\/javascript/],
    ['/console/assets/console.css', /^text\/css/],
  ] as const) {
    const answer = await send(h.app.url, 'GET', path, {});
    assert.is(answer.status, 200, path);
    assert.match(String(answer.headers['content-type']), type, path);
    assert.is(answer.headers['x-content-type-options'], 'nosniff', path);
  }
});

test('no spelling of a path leaves the public folder', async ({ h }) => {
  for (const path of [
    '/console/assets/../routes.ts',
    '/console/assets/%2e%2e/routes.ts',
    '/console/assets/..%2froutes.ts',
    '/console/assets/..%2f..%2f..%2fpackage.json',
    '/console/assets/views/..%2f..%2fsessions.ts',
    '/console/assets/%2e%2e%2f%2e%2e%2fapp.ts',
    '/console/assets/..\\routes.ts',
    '/console/assets/.gitignore',
    '/console/assets/index.html',
    '/console/assets/views',
    '/console/assets/APP.JS',
    '/console/assets//etc/passwd',
    '/console/assets/%00app.js',
    '/console/vendor/..%2fassets%2fapp.js',
    '/console/vendor/preact',
    '/console/vendor/toString',
  ]) {
    const answer = await send(h.app.url, 'GET', path, {});
    assert.ok(answer.status === 404 || answer.status === 400, `${path} answered ${answer.status}`);
    assert.not.match(answer.text, /import |export |"name"/, `${path} leaked a file`);
  }
});

test('the vendor modules: Preact with htm and hooks as one ESM, dd for 免登 as an IIFE, and ECharts', async ({ h }) => {
  const preact = await send(h.app.url, 'GET', '/console/vendor/preact.js', {});
  assert.is(preact.status, 200);
  assert.match(String(preact.headers['content-type']), /^text\/javascript/);
  const exported = /export\s*\{([^}]*)\}/.exec(preact.text)?.[1] ?? '';
  for (const name of ['html', 'render', 'h', 'Fragment', 'useState', 'useEffect', 'useMemo', 'useRef', 'useCallback', 'useReducer'])
    assert.ok(new RegExp(`\\bas ${name}\\b|\\b${name}\\b`).test(exported), `preact.js exports ${name}`);
  const dd = await send(h.app.url, 'GET', '/console/vendor/dingtalk.js', {});
  assert.is(dd.status, 200);
  assert.match(dd.text, /^\(\(\)=>\{/, 'an IIFE');
  assert.match(dd.text, /requestAuthCode/);
  assert.not.match(dd.text, /^\s*(import|export)\s/m);
  const echarts = await send(h.app.url, 'GET', '/console/vendor/echarts.js', {});
  assert.is(echarts.status, 200);
  assert.match(echarts.text, /export\s*\{/);
});

test('outside the sandbox GET /console/config knows no corpId and there is no sandbox login', async ({ h }) => {
  const config = await send(h.app.url, 'GET', '/console/config', {});
  assert.is(config.status, 200);
  assert.equal(JSON.parse(config.text), { corpId: null, sandbox: false });
  assert.is(
    (await send(h.app.url, 'POST', '/console/sandbox-session', { 'content-type': 'application/json' }, '{}')).status,
    404,
    'no sandbox login outside the sandbox',
  );
});

test.run();
