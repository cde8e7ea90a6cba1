// 时间快进 in the sandbox: the sandbox runs on real time plus an offset (OffsetClock) shared by the bot and both
// simulators; the panel's control jumps whole working days, and the warnings that became due arrive at once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.js';
import { createSandboxWeb, type SandboxWeb } from '../../src/sandbox/web/routes.js';
import { fileHousingFund } from '../support/apply-flow.js';
import { waitForStream } from '../support/browser.js';
import type { Harness } from '../support/harness.js';
import { SimPlayer } from '../support/sim-player.js';
import { waitFor } from '../support/wait.js';

const test = suite('sandbox: 时间快进');
let sandbox: Sandbox;
let web: SandboxWeb;
let dataDir: string;

test.before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'yiciban-time-travel-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, SANDBOX_REVIEW_DELAY_MS: '0', LOG_LEVEL: 'silent' });
  sandbox = await startSandbox({ config, logger: createLogger('silent'), pages: (parts) => (web = createSandboxWeb(parts)).routers });
  await waitForStream(sandbox.app.url, 10_000);
});

test.after(async () => {
  web.close();
  await sandbox.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function call(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${sandbox.app.url}/sandbox/api${route}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  return { status: response.status, body: await response.json() };
}

function textsTo(userId: string): string[] {
  return sandbox.dingtalk.botOutput({ userId }).map((o) => JSON.stringify(o.content));
}

test('jumps whole working days; the red warning and the digest of an overdue application arrive', async () => {
  const start = await call('GET', '/clock');
  assert.ok(Math.abs(Date.parse(start.body.now) - Date.now()) < 5_000, 'starts at real time');
  const zhang = new SimPlayer({ dingtalk: sandbox.dingtalk, app: sandbox.app } as Harness, 'citizen-zhang');
  const id = await fileHousingFund(zhang);
  assert.is((await call('POST', '/backoffice/decisions', { applicationId: id, action: 'accept' })).status, 200);
  assert.equal(
    textsTo('reviewer-gjj').filter((t) => t.includes('电子监察')),
    [],
    'nothing yet',
  );

  assert.is((await call('POST', '/clock/advance', { workingDays: 0 })).status, 400);
  // Promised in 1 working day: 5 working days later it is overdue, past 09:00 of the red day whatever the hour.
  const moved = await call('POST', '/clock/advance', { workingDays: 5 });
  assert.is(moved.status, 200);
  assert.ok(Date.parse(moved.body.now) - Date.parse(start.body.now) >= 5 * 86_400_000, 'at least five calendar days ahead');
  await waitFor(() => textsTo('reviewer-gjj').some((t) => t.includes('红牌预警') && t.includes(id)), {
    what: 'the red warning',
    timeoutMs: 10_000,
  });
  await waitFor(() => textsTo('admin-liu').some((t) => t.includes('红牌预警')), {
    what: 'the red warning to the admin',
    timeoutMs: 10_000,
  });
  await waitFor(() => textsTo('reviewer-gjj').some((t) => t.includes('每日提醒') && t.includes(id)), {
    what: 'the digest',
    timeoutMs: 10_000,
  });
  assert.is(textsTo('reviewer-gjj').filter((t) => t.includes('红牌预警')).length, 1, 'red once');
  const now = await call('GET', '/clock');
  assert.ok(Date.parse(now.body.now) >= Date.parse(moved.body.now), 'the clock keeps its new time');
});

test.run();
