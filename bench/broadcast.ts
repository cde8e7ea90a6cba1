// Broadcast benchmark (issue 13): one notice to every person of a generated organisation through the
// DingTalk simulator, which throttles each API at Q calls/s as DingTalk does, while `chatters` people keep
// talking to the bot. Prints the sending time against the bound people / 20 / Q, lost and duplicated
// deliveries (counted per person by the simulator) and the chat reply latencies.
// Run: npm run bench:broadcast -- [--people 10000] [--qps 20] [--chatters 50] [--chat-every-ms 5000]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startYiciban } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startBackofficeSimulator } from '../src/sandbox/backoffice/simulator.js';
import { singleConversationId } from '../src/sandbox/dingtalk/ids.js';
import { loadSandboxOrg, startDingTalkSimulator, type DingTalkSimulator } from '../src/sandbox/dingtalk/index.js';
import { generateOrg } from '../src/sandbox/dingtalk/org-generator.js';
import type { BotOutput } from '../src/sandbox/dingtalk/types.js';
import { fixed, isMain, percentile } from './stats.js';

const TOKEN = 'bench-admin-token';
const TITLE = '压测通知';

export interface BroadcastBenchOptions {
  people: number;
  qps: number;
  chatters: number;
  chatEveryMs: number;
}

/** Figures of one run. */
export interface BroadcastBenchResult {
  resolveSeconds: number;
  sendSeconds: number;
  totalSeconds: number;
  boundSeconds: number;
  recipients: number;
  lost: number;
  duplicated: number;
  /** Throttled answers per API path. */
  throttled: Record<string, number>;
  replies: number;
  unanswered: number;
  p50: number;
  p99: number;
  max: number;
}

/** Runs the benchmark once. */
export async function runBroadcastBench(options: BroadcastBenchOptions): Promise<BroadcastBenchResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-bench-broadcast-'));
  const org = generateOrg({ people: options.people, base: loadSandboxOrg() });
  const dingtalk = await startDingTalkSimulator({ org, qps: options.qps, redeliverAfterMs: 0, pingIntervalMs: 0, recordLimit: 200_000 });
  const backoffice = await startBackofficeSimulator({ secret: 'bench-secret', auto: false });
  const app = await startYiciban({
    config: loadConfig({
      DINGTALK_CLIENT_ID: dingtalk.clientId,
      DINGTALK_CLIENT_SECRET: dingtalk.clientSecret,
      DINGTALK_ROBOT_CODE: dingtalk.robotCode,
      DINGTALK_API_BASE: dingtalk.baseUrl,
      DINGTALK_OAPI_BASE: dingtalk.baseUrl,
      DINGTALK_CARD_TEMPLATE_ID: 'yiciban-generic.schema',
      DINGTALK_QPS: String(options.qps),
      BACKOFFICE_URL: backoffice.baseUrl,
      BACKOFFICE_SECRET: 'bench-secret',
      DATA_DIR: dataDir,
      DATA_KEY: Buffer.alloc(32, 3).toString('base64'),
      ADMIN_TOKEN: TOKEN,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
    }),
    logger: createLogger('warn', process.stderr),
    tuning: { inboundBudget: { capacity: 1_000, windowMs: 10_000 } },
  });
  try {
    await until(() => app.stream.state() === 'connected', 10_000);
    const chat = startChat(dingtalk, options);
    const t0 = performance.now();
    const notice = await api(app.url, 'POST', '/api/notices', { title: TITLE, body: '**基准测试**：请忽略。', audience: { kind: 'all' } });
    let view: any;
    await until(async () => (view = await api(app.url, 'GET', `/api/notices/${notice.id}`)).status === 'completed', 600_000, 200);
    const totalSeconds = (performance.now() - t0) / 1000;
    const replies = await chat.stop();
    const sends = dingtalk.calls.filter((c) => c.path === '/v1.0/robot/oToMessages/batchSend');
    const first = sends[0]?.at ?? 0;
    const last = sends.filter((c) => c.status === 200).at(-1)?.at ?? 0;
    const resolveStart = dingtalk.calls.find((c) => c.path === '/topapi/v2/user/list')?.at ?? first;
    const counts = dingtalk.deliveryCounts((content) => JSON.stringify(content).includes(TITLE));
    const expected = org.users.map((u) => u.userid);
    const latencies = replies.latencies;
    return {
      resolveSeconds: (first - resolveStart) / 1000,
      sendSeconds: (last - first) / 1000,
      totalSeconds,
      boundSeconds: options.people / 20 / options.qps,
      recipients: view.report.total,
      lost: expected.filter((id) => !counts.has(id)).length,
      duplicated: [...counts.values()].filter((n) => n > 1).length,
      throttled: throttledByPath(dingtalk),
      replies: latencies.length,
      unanswered: replies.unanswered,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: Math.max(0, ...latencies),
    };
  } finally {
    await app.stop();
    await backoffice.close();
    await dingtalk.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// Each chatter says 帮助 every chatEveryMs (staggered); the reply is the help card, timed from the push.
function startChat(dingtalk: DingTalkSimulator, options: BroadcastBenchOptions) {
  const people = dingtalk.org.users.slice(0, options.chatters).map((u) => u.userid);
  const waiting = new Map<string, number[]>();
  const latencies: number[] = [];
  const onOutput = (entry: BotOutput) => {
    if (entry.via !== 'card.create' && entry.via !== 'sessionWebhook') return;
    for (const userId of people) {
      if (entry.conversationId !== singleConversationId(userId) && !entry.userIds?.includes(userId)) continue;
      const sentAt = waiting.get(userId)?.shift();
      if (sentAt !== undefined) latencies.push(performance.now() - sentAt);
    }
  };
  dingtalk.events.on('bot-output', onOutput);
  const timers = people.map((userId, i) =>
    setTimeout(
      function tick() {
        waiting.set(userId, [...(waiting.get(userId) ?? []), performance.now()]);
        dingtalk.injectMessage({ userId, text: '帮助' });
        timers[i] = setTimeout(tick, options.chatEveryMs);
      },
      (i * options.chatEveryMs) / people.length,
    ),
  );
  return {
    async stop(): Promise<{ latencies: number[]; unanswered: number }> {
      for (const timer of timers) clearTimeout(timer);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      dingtalk.events.off('bot-output', onOutput);
      return { latencies, unanswered: [...waiting.values()].reduce((n, list) => n + list.length, 0) };
    },
  };
}

function throttledByPath(dingtalk: DingTalkSimulator): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of dingtalk.calls) {
    if (c.status === 403 || (c.response as { errcode?: number })?.errcode === 90018) out[c.path] = (out[c.path] ?? 0) + 1;
  }
  return out;
}

async function api(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.json();
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** One run as a small table. */
export function formatBroadcast(options: BroadcastBenchOptions, r: BroadcastBenchResult): string {
  const ratio = r.sendSeconds / r.boundSeconds;
  return [
    `broadcast: ${options.people} people, Q = ${options.qps} calls/s per API, ${options.chatters} people chatting (one message each ${options.chatEveryMs} ms)`,
    `  recipients ${r.recipients}, lost ${r.lost}, duplicated ${r.duplicated}, throttled answers ${JSON.stringify(r.throttled)}`,
    `  resolve ${fixed(r.resolveSeconds, 1)} s; sending ${fixed(r.sendSeconds, 1)} s vs bound ${fixed(r.boundSeconds, 1)} s = ${fixed(ratio, 3)} × (target ≤ 1.05); notice POST → completed ${fixed(r.totalSeconds, 1)} s`,
    `  chat replies ${r.replies} (unanswered ${r.unanswered}): p50 ${fixed(r.p50, 0)} ms, p99 ${fixed(r.p99, 0)} ms, max ${fixed(r.max, 0)} ms (target: every answer ≤ 1000 ms)`,
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: { people: { type: 'string' }, qps: { type: 'string' }, chatters: { type: 'string' }, 'chat-every-ms': { type: 'string' } },
  });
  const options: BroadcastBenchOptions = {
    people: Number(values.people ?? 10_000),
    qps: Number(values.qps ?? 20),
    chatters: Number(values.chatters ?? 50),
    chatEveryMs: Number(values['chat-every-ms'] ?? 5_000),
  };
  console.log(formatBroadcast(options, await runBroadcastBench(options)));
}
