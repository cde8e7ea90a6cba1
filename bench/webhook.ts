// Benchmark: back-office webhook → card-update call latency, through the whole bot on loopback.
// For each event: the back-office simulator signs and POSTs a department decision; we time until the DingTalk
// simulator receives the PUT /v1.0/card/instances that updates that application's card in place.
// Baseline in the same run: the webhook's own HTTP round trip (verify, dedupe, state machine, durable commit).
// Run: npx tsx bench/webhook.ts [events=1000]; bench/all.ts calls runWebhookBench.
import { performance } from 'node:perf_hooks';
import { loadMattersOrThrow } from '../src/config-files.js';
import { createApplication, transition } from '../src/domain/application.js';
import type { Application, Matter } from '../src/domain/types.js';
import { ROOT_DIR } from '../src/app.js';
import { startHarness, type Harness } from '../test/support/harness.js';
import { isMain, percentile as pct } from './stats.js';

/** Latencies in ms. */
export interface WebhookBenchResult {
  events: number;
  applications: number;
  departments: number;
  ackP50: number;
  ackP99: number;
  cardP50: number;
  cardP99: number;
}

/** Sends `events` department decisions one after another and times each until its card update arrives. */
export async function runWebhookBench(events: number): Promise<WebhookBenchResult> {
  const matter = (await loadMattersOrThrow(`${ROOT_DIR}/config/matters`)).find((m) => m.id === 'enterprise-setup')!;
  const departments = matter.departments.map((d) => d.id);
  // DINGTALK_QPS is raised so the limiter (20/s by default, DingTalk's own ceiling) does not dominate the figure.
  const h = await startHarness({ sim: { qps: 10_000 }, env: { DINGTALK_QPS: '1000', LOG_LEVEL: 'warn' } });
  try {
    const apps = await seed(h, matter, Math.ceil(events / departments.length));
    const cardUpdates = new Map<string, number>();
    h.dingtalk.events.on('call', (call: { method: string; path: string; body: { outTrackId?: string } }) => {
      if (call.method === 'PUT' && call.path === '/v1.0/card/instances' && call.body?.outTrackId) {
        cardUpdates.set(call.body.outTrackId, performance.now());
      }
    });

    const ack: number[] = [];
    const toCard: number[] = [];
    for (let i = 0; i < events; i += 1) {
      const app = apps[Math.floor(i / departments.length)]!;
      const department = departments[i % departments.length]!;
      const cardId = app.channel.cardId!;
      cardUpdates.delete(cardId);
      const start = performance.now();
      const delivery = await h.backoffice.sendEvent({ applicationId: app.id, status: 'department_approved', department });
      if (delivery.status !== 200) throw new Error(`webhook answered ${delivery.status}: ${JSON.stringify(delivery.body)}`);
      ack.push(performance.now() - start);
      while (!cardUpdates.has(cardId)) await new Promise((resolve) => setImmediate(resolve));
      toCard.push(cardUpdates.get(cardId)! - start);
    }
    return {
      events,
      applications: apps.length,
      departments: departments.length,
      ackP50: pct(ack, 50),
      ackP99: pct(ack, 99),
      cardP50: pct(toCard, 50),
      cardP99: pct(toCard, 99),
    };
  } finally {
    await h.close();
  }
}

/** The webhook table, as printed by `npx tsx bench/webhook.ts`. */
export function formatWebhook(result: WebhookBenchResult): string {
  const row = (name: string, p50: number, p99: number) =>
    `${name.padEnd(34)} p50 ${p50.toFixed(2).padStart(7)} ms   p99 ${p99.toFixed(2).padStart(7)} ms`;
  return [
    `${result.events} department events over ${result.applications} applications (${result.departments} parallel departments each)`,
    row('webhook HTTP round trip (baseline)', result.ackP50, result.ackP99),
    row('webhook → card update received', result.cardP50, result.cardP99),
    `ratio card update / baseline at p50: ${(result.cardP50 / result.ackP50).toFixed(2)}×`,
  ].join('\n');
}

/** Applications in review, each with an application card, written step by step as the bot would have. */
async function seed(h: Harness, matter: Matter, count: number): Promise<Application[]> {
  const now = new Date();
  const applicant = { type: 'applicant' as const, id: 'clerk-chen' };
  const backoffice = { type: 'backoffice' as const, id: 'bench' };
  let apps: Application[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = await h.app.store.nextApplicationId(now.toISOString().slice(0, 10));
    const draft = createApplication({
      id,
      matter,
      applicant: { userId: 'clerk-chen', name: '陈静' },
      channel: { conversationId: 'bench', conversationType: 'single', cardId: `bench-card-${i}` },
      fields: {},
      materials: [],
      now,
    });
    apps.push(draft);
  }
  const steps = [
    { event: { kind: 'submit' as const }, actor: applicant },
    { event: { kind: 'accept' as const, deadline: '2026-12-31' }, actor: backoffice },
    { event: { kind: 'start_review' as const }, actor: backoffice },
  ];
  for (const { event, actor } of steps) {
    apps = apps.map((app) => {
      const result = transition(app, event, { now, actor });
      if (result.status !== 'ok') throw new Error(result.message);
      return result.application;
    });
    for (let i = 0; i < apps.length; i += 200) await h.app.store.commit({ applications: apps.slice(i, i + 200) });
  }
  return apps;
}

if (isMain(import.meta.url)) {
  const result = await runWebhookBench(Number(process.argv[2] ?? 1000));
  console.log(`\n${formatWebhook(result)}`);
}
