// Inbound benchmark (issue 16): N robot messages (`帮助`) from P people, W in flight, pushed by the DingTalk
// simulator over the real Stream protocol to (a) the bare dingtalk-stream echo bot and (b) Yiciban with every
// event stored as in production, in the order echo, Yiciban, echo; the ratio is against the mean of both echo runs.
// One bot is connected at a time: DingTalk hands each push to one random connection of the app.
// Run: npm run bench:inbound -- [--messages 2000] [--people 500] [--in-flight 50] [--preload 100000]
//        [--from <dir of generate-applications.ts>] [--in-process] [--profile <dir>] [--warmup 100] [--prod-start]
//        [--echo-keep-alive]
//   (or BENCH_MESSAGES, BENCH_PEOPLE, BENCH_IN_FLIGHT, BENCH_PRELOAD)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ROOT_DIR } from '../src/app.js';
import { startBackofficeSimulator } from '../src/sandbox/backoffice/simulator.js';
import { loadSandboxOrg, startDingTalkSimulator, type DingTalkSimulator, type SandboxOrg } from '../src/sandbox/dingtalk/index.js';
import { startBot, type BotKind, type BotTarget } from './bot-process.js';
import { benchUserId, generateApplications } from './generate-applications.js';
import { pushMessages, type LoadFigures } from './inbound-load.js';
import { fixed, isMain } from './stats.js';

export interface InboundOptions {
  messages: number;
  people: number;
  inFlight: number;
  /** Applications in Yiciban's store before it starts (0 = an empty store). */
  preload: number;
  /** A store written by generate-applications.ts, copied instead of generating `preload` applications. */
  from?: string;
  /** Unmeasured messages before each run (JIT and connection warm-up on both sides). */
  warmup: number;
  inProcess: boolean;
  /** Child processes only: Yiciban's CPU profile goes here. */
  profileDir?: string;
  /** After the runs, also start the build (`npm run build`, then `node dist/src/main.js` as `npm run start:prod`
   * does) on the same store and time its start-up: the production figure, without tsx compiling at start. */
  prodStart: boolean;
  /** The echo bot replies through Yiciban's kept-alive HTTP client instead of fetch (the floor on the same transport). */
  echoKeepAlive: boolean;
}

/** Start-up of the built Yiciban (`npm run start:prod`) on the store the runs used. */
export interface ProdStart {
  startupMs: number;
  startupCpuMs?: number;
  rssStartMb?: number;
  /** Compiling with `npm run build` first (not part of the start-up). */
  buildSeconds: number;
}

export interface InboundRun {
  label: string;
  kind: BotKind;
  figures: LoadFigures;
  startupMs: number;
  /** CPU time (user + system) the bot's process used until its Stream was connected: the start-up figure that
   * moves least with the neighbours' load (wall-clock start-up waits for the CPU on a shared machine). */
  startupCpuMs?: number;
  rssStartMb?: number;
  rssEndMb?: number;
  /** The bot's CPU time per measured message (ms): robust on a shared machine, where wall-clock rates are not. */
  cpuPerMessageMs?: number;
}

export interface InboundResult {
  options: InboundOptions;
  runs: InboundRun[];
  /** Yiciban's messages/s over the mean of the two echo runs. */
  ratio: number;
  preloadSeconds?: number;
  prodStart?: ProdStart;
}

const SECRET = 'bench-backoffice-secret';
const TEXT = '帮助';
const ORDER: Array<[string, BotKind]> = [
  ['echo #1', 'echo'],
  ['Yiciban', 'yiciban'],
  ['echo #2', 'echo'],
];

/** Runs echo, Yiciban, echo against one simulator and returns every run's figures. */
export async function runInbound(options: InboundOptions): Promise<InboundResult> {
  const people = Array.from({ length: options.people }, (_, i) => benchUserId(i));
  const dingtalk = await startDingTalkSimulator({
    org: orgWith(people),
    qps: 1_000_000,
    redeliverAfterMs: 0,
    pingIntervalMs: 0,
    recordLimit: 10_000,
  });
  const backoffice = await startBackofficeSimulator({ secret: SECRET, auto: false });
  const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-bench-inbound-'));
  try {
    const preloadSeconds = await preload(dataDir, options);
    const target: BotTarget = { dingtalk, backofficeUrl: backoffice.baseUrl, backofficeSecret: SECRET, dataDir };
    const runs: InboundRun[] = [];
    for (const [label, kind] of ORDER) {
      console.error(`inbound: ${label} …`);
      runs.push(await runOne(label, kind, target, people, options));
    }
    const echoRate = (runs[0]!.figures.perSecond + runs[2]!.figures.perSecond) / 2;
    const prodStart = options.prodStart ? await startBuilt(target) : undefined;
    return { options, runs, ratio: runs[1]!.figures.perSecond / echoRate, preloadSeconds, prodStart };
  } finally {
    await backoffice.close();
    await dingtalk.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function runOne(label: string, kind: BotKind, target: BotTarget, people: string[], options: InboundOptions): Promise<InboundRun> {
  const profileDir = kind === 'yiciban' ? options.profileDir : undefined;
  const bot = await startBot(kind, target, { inProcess: options.inProcess, profileDir, echoKeepAlive: options.echoKeepAlive });
  try {
    const startupCpuMs = await bot.cpuMs();
    const rssStartMb = await bot.rssMb();
    if (options.warmup > 0) await load(target.dingtalk, people, { ...options, messages: options.warmup });
    const cpuBefore = await bot.cpuMs();
    const figures = await load(target.dingtalk, people, options);
    const cpuAfter = await bot.cpuMs();
    const cpuPerMessageMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / options.messages;
    return { label, kind, figures, startupMs: bot.startupMs, startupCpuMs, rssStartMb, rssEndMb: await bot.rssMb(), cpuPerMessageMs };
  } finally {
    await bot.stop();
  }
}

/** Builds (so the figure is this code's), then starts `node dist/src/main.js` once and stops it. */
async function startBuilt(target: BotTarget): Promise<ProdStart> {
  console.error('inbound: npm run build, then Yiciban as start:prod …');
  const began = performance.now();
  await run(process.execPath, [join(ROOT_DIR, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  const buildSeconds = (performance.now() - began) / 1_000;
  const bot = await startBot('yiciban', target, { built: true });
  try {
    return { startupMs: bot.startupMs, startupCpuMs: await bot.cpuMs(), rssStartMb: await bot.rssMb(), buildSeconds };
  } finally {
    await bot.stop();
  }
}

async function run(command: string, args: string[]): Promise<void> {
  const child = spawn(command, args, { cwd: ROOT_DIR, stdio: ['ignore', 'ignore', 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${args.join(' ')} failed (exit ${code})`);
}

function load(dingtalk: DingTalkSimulator, people: string[], options: Pick<InboundOptions, 'messages' | 'inFlight'>): Promise<LoadFigures> {
  return pushMessages(dingtalk, { messages: options.messages, people, inFlight: options.inFlight, text: TEXT });
}

/** The sandbox organisation plus the bench's senders, so every sender is a known member (as in a real org). */
function orgWith(people: string[]): SandboxOrg {
  const org = loadSandboxOrg();
  const citizens = org.departments.find((d) => d.code === 'citizens')?.dept_id ?? 1;
  const users = people.map((userid, i) => ({
    userid,
    name: `办事群众${i + 1}`,
    mobile: `139${String(i).padStart(8, '0')}`,
    dept_id_list: [citizens],
    roles: ['citizen' as const],
  }));
  return { ...org, users: [...org.users, ...users] };
}

async function preload(dataDir: string, options: InboundOptions): Promise<number | undefined> {
  if (options.from) {
    console.error(`inbound: copying the store in ${options.from} …`);
    await cp(options.from, dataDir, { recursive: true });
    return undefined;
  }
  if (options.preload <= 0) return undefined;
  console.error(`inbound: generating ${options.preload} applications …`);
  return (await generateApplications(dataDir, options.preload)).seconds;
}

/** The inbound table: one row per run, then the ratio. */
export function formatInbound(result: InboundResult): string {
  const { options, runs, ratio } = result;
  const store = options.from
    ? `the store copied from ${options.from}`
    : options.preload > 0
      ? `${options.preload.toLocaleString('en')} applications preloaded`
      : 'an empty store';
  const lines = [
    `inbound: ${options.messages} × '${TEXT}' from ${options.people} people, ${options.inFlight} in flight, ${options.warmup} warm-up; ` +
      `Yiciban on ${store}; bots ${options.inProcess ? 'in the bench process' : 'as child processes'}; ` +
      `echo replies with ${options.echoKeepAlive ? "Yiciban's kept-alive client" : 'fetch'}; ` +
      `${availableParallelism()} cores, Node ${process.version}`,
    'run      | msgs/s | ACK p50 ms   p99 | reply p50 ms   p99 | start-up s  CPU s | RSS start MB  end | CPU ms/msg',
  ];
  for (const { label, figures: f, startupMs, startupCpuMs, rssStartMb, rssEndMb, cpuPerMessageMs } of runs) {
    lines.push(
      `${label.padEnd(8)} | ${fixed(f.perSecond, 0, 6)} | ${fixed(f.ackP50, 1, 10)} ${fixed(f.ackP99, 1, 5)} | ` +
        `${fixed(f.replyP50, 1, 12)} ${fixed(f.replyP99, 1, 5)} | ${fixed(startupMs / 1_000, 2, 10)} ${fixed((startupCpuMs ?? Number.NaN) / 1_000, 2, 6)} | ` +
        `${fixed(rssStartMb ?? Number.NaN, 0, 12)} ${fixed(rssEndMb ?? Number.NaN, 0, 4)} | ${fixed(cpuPerMessageMs ?? Number.NaN, 2, 10)}`,
    );
  }
  lines.push(`Yiciban / echo (mean of both echo runs), messages/s end to end: ${ratio.toFixed(2)}×`);
  const prod = result.prodStart;
  if (prod)
    lines.push(
      `Yiciban built (npm run start:prod = node dist/src/main.js, after a ${prod.buildSeconds.toFixed(0)} s build), same store: ` +
        `start-up ${fixed(prod.startupMs / 1_000, 2)} s, ${fixed((prod.startupCpuMs ?? Number.NaN) / 1_000, 2)} s of CPU; ` +
        `RSS ${fixed(prod.rssStartMb ?? Number.NaN, 0)} MB (the table's start-up is npm start: tsx compiles the sources at start)`,
    );
  if (result.preloadSeconds !== undefined) lines.push(`(generating the preloaded store took ${result.preloadSeconds.toFixed(1)} s)`);
  return lines.join('\n');
}

/** The command-line options of the inbound bench (bench/all.ts accepts them too). */
export const INBOUND_ARGS = {
  messages: { type: 'string', short: 'n' },
  people: { type: 'string', short: 'p' },
  'in-flight': { type: 'string', short: 'w' },
  preload: { type: 'string' },
  from: { type: 'string' },
  warmup: { type: 'string' },
  'in-process': { type: 'boolean' },
  profile: { type: 'string' },
  'prod-start': { type: 'boolean' },
  'echo-keep-alive': { type: 'boolean' },
} as const;

type InboundArgs = { [K in keyof typeof INBOUND_ARGS]?: (typeof INBOUND_ARGS)[K]['type'] extends 'boolean' ? boolean : string };

/** Options from the command line, then BENCH_* variables, then the defaults (`preload` default given). */
export function inboundOptionsFrom(values: InboundArgs, env: NodeJS.ProcessEnv = process.env, defaultPreload = 0): InboundOptions {
  const count = (value: string | undefined, fallback: number, name: string) => {
    const n = Number(value ?? fallback);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number ≥ 0, got ${value}`);
    return n;
  };
  const options: InboundOptions = {
    messages: count(values.messages ?? env.BENCH_MESSAGES, 2_000, '--messages'),
    people: count(values.people ?? env.BENCH_PEOPLE, 500, '--people'),
    inFlight: count(values['in-flight'] ?? env.BENCH_IN_FLIGHT, 50, '--in-flight'),
    preload: count(values.preload ?? env.BENCH_PRELOAD, defaultPreload, '--preload'),
    from: values.from,
    warmup: count(values.warmup, 100, '--warmup'),
    inProcess: values['in-process'] ?? false,
    profileDir: values.profile,
    prodStart: values['prod-start'] ?? false,
    echoKeepAlive: values['echo-keep-alive'] ?? false,
  };
  if (options.messages < 1 || options.people < 1 || options.inFlight < 1)
    throw new Error('--messages, --people and --in-flight must be at least 1');
  if (options.inProcess && options.prodStart) throw new Error('--prod-start starts the build as its own process (leave out --in-process)');
  if (options.inProcess && options.profileDir) throw new Error('--profile needs the bots as child processes (leave out --in-process)');
  return options;
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: INBOUND_ARGS });
  const result = await runInbound(inboundOptionsFrom(values));
  console.log(formatInbound(result));
}
