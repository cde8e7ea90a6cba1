// One DingTalk rate limit for the cluster (issue 15): DINGTALK_QPS is the app's limit, so two processes with
// REDIS_URL stay under it together at the simulator, while two processes without it (each with a local
// limiter) overrun it — the control that shows the measurement can fail.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import * as assert from 'uvu/assert';
import { ROOT_DIR } from '../../src/app.js';
import { startDingTalkSimulator, type DingTalkSimulator } from '../../src/sandbox/dingtalk/index.js';
import { suite } from '../support/suite.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const QPS = 10;
const CALLS = 20;

const test = suite<{ sim: DingTalkSimulator }>('DingTalk rate limit shared by instances', {
  sim: undefined as unknown as DingTalkSimulator,
});

test.before.each(async (context) => {
  // A fresh app per test: the shared limit in Redis is named after the app's client id.
  context.sim = await startDingTalkSimulator({ qps: QPS, clientId: `limit-test-${randomBytes(4).toString('hex')}` });
});
test.after.each(async (context) => {
  await context.sim.close();
});

/** Starts `count` limiter processes, lets them all go at once, and returns what each failed. */
async function runInstances(sim: DingTalkSimulator, count: number, redisUrl: string | undefined): Promise<number[]> {
  const children: ChildProcess[] = [];
  try {
    const outputs: Promise<string>[] = [];
    for (let i = 0; i < count; i++) {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        DINGTALK_API_BASE: sim.baseUrl,
        DINGTALK_CLIENT_ID: sim.clientId,
        DINGTALK_CLIENT_SECRET: sim.clientSecret,
        DINGTALK_QPS: String(QPS),
        CALLS: String(CALLS),
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      };
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/limiter-child.ts'], {
        cwd: ROOT_DIR,
        env,
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      children.push(child);
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      outputs.push(once(child, 'exit').then(() => out));
      // Ready = connected (to Redis too): then every instance starts together.
      await new Promise<void>((resolve, reject) => {
        const check = () => (out.includes('ready') ? resolve() : undefined);
        child.stdout!.on('data', check);
        child.once('exit', () => reject(new Error(`limiter child exited before it was ready: ${out}`)));
      });
    }
    for (const child of children) child.stdin!.write('go\n');
    const texts = await Promise.all(outputs);
    return texts.map((text) => (JSON.parse(text.trim().split('\n').at(-1)!) as { failed: number }).failed);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** The most calls the simulator accepted or refused within any one second. */
function busiestSecond(sim: DingTalkSimulator, path: string): number {
  const times = sim.calls
    .filter((call) => call.path === path)
    .map((call) => call.at)
    .sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1_000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

const LISTSUB = '/topapi/v2/department/listsubid';

test('two instances with REDIS_URL: together never over DINGTALK_QPS at the simulator, nothing refused', async ({ sim }) => {
  const failed = await runInstances(sim, 2, REDIS_URL);
  const calls = sim.calls.filter((call) => call.path === LISTSUB);
  assert.is(calls.length, 2 * CALLS);
  assert.equal(failed, [0, 0], 'no call refused by the simulator');
  assert.is(calls.filter((call) => call.status === 403 || (call.response as { errcode?: number })?.errcode === 90018).length, 0);
  assert.ok(busiestSecond(sim, LISTSUB) <= QPS, `at most ${QPS} calls in any second (saw ${busiestSecond(sim, LISTSUB)})`);
});

test('control: two instances without REDIS_URL each keep DINGTALK_QPS, so together they overrun it', async ({ sim }) => {
  const failed = await runInstances(sim, 2, undefined);
  assert.ok(busiestSecond(sim, LISTSUB) > QPS, `more than ${QPS} calls in some second (saw ${busiestSecond(sim, LISTSUB)})`);
  assert.ok(failed[0]! + failed[1]! > 0, 'the simulator refused some');
});

test.run();
