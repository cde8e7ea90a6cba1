// `npm run bench`: every benchmark in one run — inbound (empty store, then with applications preloaded), store
// update, webhook → card, a notice to many people — and one summary table (markdown, for README) with the machine it ran on.
// Each bench's own table goes to stderr as it finishes; the summary goes to stdout.
// Run: npm run bench -- [--messages 2000] [--people 500] [--in-flight 50] [--preload 100000 | 0] [--from <dir>]
//        [--store-sizes 1000,10000,100000] [--webhook-events 1000] [--broadcast-people 10000 | 0]
import { arch, availableParallelism, platform } from 'node:os';
import { parseArgs } from 'node:util';
import { formatBroadcast, runBroadcastBench, type BroadcastBenchOptions, type BroadcastBenchResult } from './broadcast.js';
import { formatInbound, INBOUND_ARGS, inboundOptionsFrom, runInbound, type InboundResult, type InboundRun } from './inbound.js';
import { fixed } from './stats.js';
import { formatStore, runStoreBench, type StoreBenchResult } from './store.js';
import { formatWebhook, runWebhookBench, type WebhookBenchResult } from './webhook.js';

const { values } = parseArgs({
  options: {
    ...INBOUND_ARGS,
    'store-sizes': { type: 'string', default: '1000,10000,100000' },
    'webhook-events': { type: 'string', default: '1000' },
    'broadcast-people': { type: 'string', default: '10000' },
  },
});
// The preloaded inbound run is part of the suite (issue 16's targets); --preload 0 leaves it out.
const inbound = inboundOptionsFrom(values, process.env, 100_000);

const empty = await runInbound({ ...inbound, preload: 0, from: undefined, profileDir: undefined, prodStart: false });
console.error(`${formatInbound(empty)}\n`);
// The preloaded run also times the build's start (npm run start:prod), as production starts it.
const loaded =
  inbound.preload > 0 || inbound.from ? await runInbound({ ...inbound, prodStart: inbound.prodStart || !inbound.inProcess }) : undefined;
if (loaded) console.error(`${formatInbound(loaded)}\n`);
const store = await runStoreBench(String(values['store-sizes']).split(',').map(Number));
console.error(`${formatStore(store)}\n`);
const webhook = await runWebhookBench(Number(values['webhook-events']));
console.error(`${formatWebhook(webhook)}\n`);
// The broadcast bench's own defaults (bench/broadcast.ts): Q = 20 calls/s, 50 people chatting every 5 s.
const broadcastOptions: BroadcastBenchOptions = { people: Number(values['broadcast-people']), qps: 20, chatters: 50, chatEveryMs: 5_000 };
const broadcast = broadcastOptions.people > 0 ? await runBroadcastBench(broadcastOptions) : undefined;
if (broadcast) console.error(`${formatBroadcast(broadcastOptions, broadcast)}\n`);
console.log(summary(empty, loaded, store, webhook, broadcast && { options: broadcastOptions, result: broadcast }));

/** One markdown table: a row per bench, with issue 16's target next to each figure. */
function summary(
  empty: InboundResult,
  loaded: InboundResult | undefined,
  store: StoreBenchResult,
  webhook: WebhookBenchResult,
  broadcast?: { options: BroadcastBenchOptions; result: BroadcastBenchResult },
): string {
  const { messages, people, inFlight } = empty.options;
  const [first, last] = [store.sizes[0]!, store.sizes.at(-1)!];
  const rows = [
    ['inbound, bare echo bot (mean of 2 runs)', echoFigure(empty), 'the floor'],
    ['inbound, Yiciban, empty store', yicibanFigure(empty), '≥ 0.8× echo; ACK p99 ≤ 50 ms; reply p99 ≤ 100 ms'],
    ...(loaded
      ? [
          [
            `inbound, Yiciban, ${storeOf(loaded)}`,
            `${yicibanFigure(loaded)}; ${resources(loaded.runs[1]!)}${prodStartFigure(loaded)}`,
            '≥ 0.6× echo; RSS ≤ 512 MB; start-up ≤ 3 s',
          ],
        ]
      : []),
    [
      'store, one update (1 application + 1 outbox job)',
      `median ${fixed(first.randomMedian, 2)} ms at ${n(first.n)}, ${fixed(last.randomMedian, 2)} ms at ${n(last.n)} (${fixed(last.ratio, 2)}× of ${n(first.n)})`,
      '≤ 3× from 1,000 to 100,000',
    ],
    [
      `webhook → card update, ${n(webhook.events)} department events`,
      `p50 ${fixed(webhook.cardP50, 1)} ms, p99 ${fixed(webhook.cardP99, 1)} ms; baseline (webhook round trip) p50 ${fixed(webhook.ackP50, 1)} ms, p99 ${fixed(webhook.ackP99, 1)} ms`,
      '—',
    ],
    ...(broadcast ? [broadcastRow(broadcast.options, broadcast.result)] : []),
  ];
  return [
    `Yiciban benchmarks — ${availableParallelism()} cores, Node ${process.version}, ${platform()} ${arch()}, ${new Date().toISOString().slice(0, 16)}Z`,
    `inbound: ${n(messages)} × '帮助' from ${n(people)} people, ${inFlight} in flight, bots ${empty.options.inProcess ? 'in-process' : 'as child processes'}, echo / Yiciban / echo`,
    '',
    '| bench | figure | target |',
    '|---|---|---|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

function echoFigure(result: InboundResult): string {
  const echo = [result.runs[0]!, result.runs[2]!];
  const mean = (pick: (run: InboundRun) => number) => (pick(echo[0]!) + pick(echo[1]!)) / 2;
  return (
    `${fixed(
      mean((r) => r.figures.perSecond),
      0,
    )} messages/s; ACK p50 ${fixed(
      mean((r) => r.figures.ackP50),
      1,
    )} ms, p99 ${fixed(
      mean((r) => r.figures.ackP99),
      1,
    )} ms; ` +
    `reply p50 ${fixed(
      mean((r) => r.figures.replyP50),
      1,
    )} ms, p99 ${fixed(
      mean((r) => r.figures.replyP99),
      1,
    )} ms; ` +
    `CPU ${fixed(
      mean((r) => r.cpuPerMessageMs ?? Number.NaN),
      2,
    )} ms/message`
  );
}

function yicibanFigure(result: InboundResult): string {
  const f = result.runs[1]!.figures;
  return (
    `${fixed(f.perSecond, 0)} messages/s (${fixed(result.ratio, 2)}× echo); ACK p50 ${fixed(f.ackP50, 1)} ms, p99 ${fixed(f.ackP99, 1)} ms; ` +
    `reply p50 ${fixed(f.replyP50, 1)} ms, p99 ${fixed(f.replyP99, 1)} ms; CPU ${fixed(result.runs[1]!.cpuPerMessageMs ?? Number.NaN, 2)} ms/message`
  );
}

function resources(run: InboundRun): string {
  return `start-up ${fixed(run.startupMs / 1_000, 2)} s (${fixed((run.startupCpuMs ?? Number.NaN) / 1_000, 2)} s of CPU); RSS ${fixed(run.rssStartMb ?? Number.NaN, 0)} MB after start, ${fixed(run.rssEndMb ?? Number.NaN, 0)} MB after the run`;
}

function prodStartFigure(result: InboundResult): string {
  const prod = result.prodStart;
  if (!prod) return '';
  return `; built (npm run start:prod): start-up ${fixed(prod.startupMs / 1_000, 2)} s (${fixed((prod.startupCpuMs ?? Number.NaN) / 1_000, 2)} s of CPU), RSS ${fixed(prod.rssStartMb ?? Number.NaN, 0)} MB`;
}

function storeOf(result: InboundResult): string {
  return result.options.from ? `store from ${result.options.from}` : `${n(result.options.preload)} applications stored`;
}

function n(value: number): string {
  return value.toLocaleString('en');
}

function broadcastRow(options: BroadcastBenchOptions, r: BroadcastBenchResult): string[] {
  return [
    `broadcast, a notice to ${n(options.people)} people at Q = ${options.qps} calls/s while ${options.chatters} people chat`,
    `${n(r.recipients)} recipients, ${r.lost} lost, ${r.duplicated} duplicated; sending ${fixed(r.sendSeconds, 1)} s vs the bound ` +
      `${fixed(r.boundSeconds, 1)} s (${fixed(r.sendSeconds / r.boundSeconds, 2)}×); chat replies p50 ${fixed(r.p50, 0)} ms, p99 ${fixed(r.p99, 0)} ms, max ${fixed(r.max, 0)} ms`,
    'none lost or doubled; ≤ 1.05× the bound; every chat answer ≤ 1 s',
  ];
}
