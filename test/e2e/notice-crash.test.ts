// kill -9 in the middle of a notice, then a restart on the same DATA_DIR: the notice completes and the
// simulator counts no person twice. The real main (src/main.ts) runs as a child process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { startBackofficeSimulator, type BackofficeSimulator } from '../../src/sandbox/backoffice/simulator.js';
import { startDingTalkSimulator, type DingTalkSimulator } from '../../src/sandbox/dingtalk/index.js';
import { generateOrg } from '../../src/sandbox/dingtalk/org-generator.js';
import { loadSandboxOrg } from '../../src/sandbox/dingtalk/org.js';
import { startBotChild, type BotChild } from '../support/bot-child.js';
import { ADMIN_TOKEN, BACKOFFICE_SECRET, waitFor } from '../support/harness.js';
import { titled } from '../support/notice-org.js';

interface Context {
  dingtalk: DingTalkSimulator;
  backoffice: BackofficeSimulator;
  dataDir: string;
  child?: BotChild;
}

const crash = suite<Context>('e2e: a notice survives kill -9');

const PEOPLE = 600;

crash.before.each(async (ctx) => {
  ctx.dataDir = await mkdtemp(path.join(tmpdir(), 'yiciban-notice-crash-'));
  ctx.dingtalk = await startDingTalkSimulator({
    redeliverAfterMs: 0,
    pingIntervalMs: 0,
    qps: 1_000,
    org: generateOrg({ people: PEOPLE, base: loadSandboxOrg() }),
  });
  ctx.backoffice = await startBackofficeSimulator({ secret: BACKOFFICE_SECRET, auto: false });
});

crash.after.each(async (ctx) => {
  await ctx.child?.kill('SIGKILL');
  await ctx.backoffice.close();
  await ctx.dingtalk.close();
  await rm(ctx.dataDir, { recursive: true, force: true });
});

async function call(child: BotChild, method: string, route: string, body?: unknown): Promise<any> {
  const response = await fetch(`${child.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.json();
}

crash('killed while sending, restarted: completed, and every person counted at most once', async (ctx) => {
  const start = () =>
    startBotChild({ dingtalk: ctx.dingtalk, backofficeUrl: ctx.backoffice.baseUrl, dataDir: ctx.dataDir, env: { DINGTALK_QPS: '10' } });
  ctx.child = await start();
  const notice = await call(ctx.child, 'POST', '/api/notices', { title: '断电测试', body: '正文', audience: { kind: 'all' } });
  const counted = () => ctx.dingtalk.deliveryCounts(titled('断电测试'));
  await waitFor(() => counted().size >= 100, { timeoutMs: 20_000, what: 'the first 100 people' });
  const killed = await ctx.child.kill('SIGKILL');
  assert.is(killed.signal, 'SIGKILL');
  const atKill = counted().size;
  assert.ok(atKill < PEOPLE, `killed before the end (${atKill})`);
  ctx.child = await start();
  let view: any;
  await waitFor(async () => (view = await call(ctx.child!, 'GET', `/api/notices/${notice.id}`)).status === 'completed', {
    timeoutMs: 60_000,
    what: 'the notice completed',
  });
  const counts = counted();
  assert.ok(
    [...counts.values()].every((n) => n === 1),
    'no one twice',
  );
  // A batch whose call was out at the kill is uncertain: it may have arrived, and is never sent again.
  assert.ok(view.report.sent <= counts.size && counts.size <= view.report.sent + view.report.uncertain, JSON.stringify(view.report));
  assert.is(view.report.sent + view.report.uncertain, view.report.total);
  // At most the batches whose call was out at the kill (three run at once) are uncertain.
  assert.ok(view.report.uncertain <= 60, JSON.stringify(view.report));
  assert.ok(counts.size > atKill);
});

crash.run();
