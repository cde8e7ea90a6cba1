import { request } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { clearDataDir, startSandbox, type Sandbox } from '../../src/sandbox/start.js';
import { createSandboxWeb, type SandboxWeb } from '../../src/sandbox/web/routes.js';
import { SANDBOX_KEY_FILE } from '../../src/store/data-cipher.js';
import { lowdbOwnedPaths } from '../../src/store/lowdb-layout.js';
import { waitForStream } from '../support/browser.js';
import { waitFor } from '../support/wait.js';

const local = suite('sandbox: a local tool — loopback Host, same-origin JSON only, reset removes only the store');

let sandbox: Sandbox;
let web: SandboxWeb;
let dataDir: string;
let port: number;

local.before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'yiciban-local-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, SANDBOX_REVIEW_DELAY_MS: '0', LOG_LEVEL: 'silent' });
  sandbox = await startSandbox({ config, logger: createLogger('silent'), pages: (parts) => (web = createSandboxWeb(parts)).routers });
  port = Number(new URL(sandbox.app.url).port);
  await waitForStream(sandbox.app.url, 10_000);
});

local.after(async () => {
  web.close();
  await sandbox.stop();
  await rm(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: string;
}

/** A request with exactly these headers (fetch would not let a test set Host). */
function send(method: string, route: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: `/sandbox/api${route}`, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        // An event stream never ends: its first bytes are enough.
        if (res.headers['content-type']?.includes('text/event-stream')) res.destroy();
      });
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const LOCAL = () => `127.0.0.1:${port}`;
const HISTORY = '/history?userId=citizen-zhang&conversation=single';
const EVENTS = '/events?userId=citizen-zhang&conversation=single';
const MESSAGE = JSON.stringify({ userId: 'citizen-zhang', conversation: 'single', text: '帮助' });

function assertRefused(answer: Answer, code: string): void {
  assert.is(answer.status, 403);
  const error = (JSON.parse(answer.body) as { error: { code: string; message: string } }).error;
  assert.is(error.code, code);
  assert.match(error.message, /[\u4e00-\u9fa5]/, 'a Chinese message');
}

local('reads of chat history, live events and files need a loopback Host (DNS rebinding)', async () => {
  for (const host of [`evil.example:${port}`, `192.168.1.20:${port}`, 'attacker.test', `127.0.0.1.nip.io:${port}`]) {
    assertRefused(await send('GET', HISTORY, { host }), 'not_local');
    assertRefused(await send('GET', EVENTS, { host }), 'not_local');
    assertRefused(await send('GET', '/files/anything', { host }), 'not_local');
    assertRefused(await send('GET', '/no-such-route', { host }), 'not_local');
  }
  for (const host of [LOCAL(), `localhost:${port}`, `[::1]:${port}`, `127.9.8.7:${port}`, 'localhost']) {
    assert.is((await send('GET', HISTORY, { host })).status, 200, host);
  }
  assert.is((await send('GET', EVENTS, { host: LOCAL() })).status, 200);
});

local('state changes need a same-origin Origin (or none) and application/json', async () => {
  const json = { host: LOCAL(), 'content-type': 'application/json' };
  assertRefused(await send('POST', '/messages', { ...json, origin: 'http://evil.example' }, MESSAGE), 'cross_origin');
  assertRefused(await send('POST', '/messages', { ...json, origin: `http://localhost:${port}` }, MESSAGE), 'cross_origin');
  assertRefused(await send('POST', '/messages', { ...json, origin: 'null' }, MESSAGE), 'cross_origin');
  assertRefused(await send('POST', '/reset', { ...json, origin: 'http://evil.example' }, '{"confirm":true}'), 'cross_origin');
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    assertRefused(await send('POST', '/messages', { host: LOCAL(), 'content-type': type }, MESSAGE), 'json_only');
  }
  assertRefused(await send('POST', '/messages', { host: LOCAL() }, MESSAGE), 'json_only');
  assertRefused(await send('POST', '/messages', { ...json, host: `evil.example:${port}` }, MESSAGE), 'not_local');

  assert.is((await send('POST', '/messages', { ...json, origin: `http://${LOCAL()}` }, MESSAGE)).status, 201, 'the page itself');
  assert.is((await send('POST', '/messages', json, MESSAGE)).status, 201, 'a script sending JSON without Origin');
  assert.is((await send('POST', '/messages', { ...json, 'content-type': 'application/json; charset=utf-8' }, MESSAGE)).status, 201);
});

local("the page's own uploads are JSON and pass", async () => {
  const upload = JSON.stringify({
    userId: 'citizen-wang',
    conversation: 'single',
    kind: 'file',
    fileName: 'a.pdf',
    dataBase64: Buffer.from('%PDF').toString('base64'),
  });
  const answer = await send('POST', '/uploads', { host: LOCAL(), origin: `http://${LOCAL()}`, 'content-type': 'application/json' }, upload);
  assert.is(answer.status, 201);
});

local("asset lookups answer 404, not 500, for names of Object's own members", async () => {
  for (const name of ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', 'prototype']) {
    for (const route of [`/sandbox/vendor/${name}`, `/sandbox/assets/${name}`, `/sandbox/assets/${name}.js`]) {
      const response = await fetch(`http://${LOCAL()}${route}`);
      assert.is(response.status, 404, route);
      assert.is(((await response.json()) as { error: { code: string } }).error.code, 'not_found');
    }
  }
  assert.is((await fetch(`http://${LOCAL()}/sandbox/vendor/marked.js`)).status, 200);
});

local('the store keeps nothing in DATA_DIR outside the paths it names as its own (and the sandbox its data key)', async () => {
  await waitFor(async () => (await readdir(dataDir)).length > 0, { what: 'the store to write its files' });
  // The data key outlives a reset on purpose: it is the sandbox's, not the store's (src/store/data-cipher.ts).
  const owned = new Set([...lowdbOwnedPaths(dataDir).map((p) => path.basename(p)), SANDBOX_KEY_FILE]);
  for (const entry of await readdir(dataDir)) assert.ok(owned.has(entry), `${entry} is listed by lowdbOwnedPaths`);
});

local("reset removes the store's files and leaves every other file in DATA_DIR alone", async () => {
  await writeFile(path.join(dataDir, 'notes.txt'), '我的笔记');
  await writeFile(path.join(dataDir, 'data.key'), 'a key another part keeps here');
  await mkdir(path.join(dataDir, 'backups'), { recursive: true });
  await writeFile(path.join(dataDir, 'backups', 'old.json'), '{}');
  const before = sandbox.app;
  const reset = await send(
    'POST',
    '/reset',
    { host: LOCAL(), origin: `http://${LOCAL()}`, 'content-type': 'application/json' },
    '{"confirm":true}',
  );
  assert.is(reset.status, 202);
  await waitFor(() => sandbox.app !== before, { timeoutMs: 10_000, what: 'the bot to restart' });
  await waitForStream(sandbox.app.url, 10_000);
  assert.is(await readFile(path.join(dataDir, 'notes.txt'), 'utf8'), '我的笔记');
  assert.is(await readFile(path.join(dataDir, 'data.key'), 'utf8'), 'a key another part keeps here');
  assert.is(await readFile(path.join(dataDir, 'backups', 'old.json'), 'utf8'), '{}');
  assert.equal(JSON.parse((await send('GET', HISTORY, { host: LOCAL() })).body).entries, []);
});

local('sandbox:reset (clearDataDir) removes the store and keeps the rest', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'yiciban-clear-'));
  try {
    for (const owned of lowdbOwnedPaths(dir)) {
      if (owned.endsWith('.json') || owned.endsWith('.tmp')) await writeFile(owned, '{}');
      else await mkdir(owned, { recursive: true }).then(() => writeFile(path.join(owned, 'x.json'), '{}'));
    }
    await writeFile(path.join(dir, 'keep.txt'), 'keep');
    await clearDataDir(dir);
    assert.equal(await readdir(dir), ['keep.txt']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

local.run();
