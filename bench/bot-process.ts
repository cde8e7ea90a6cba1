// Starts the bot under test — the bare echo bot or Yiciban — against the simulator, either as its own process
// (`node --import tsx …`, as deployed: its own RSS and CPU profile) or inside the bench process.
// Start-up is timed from the spawn (or call) until the simulator sees the Stream connection.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { ROOT_DIR, startYiciban } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import type { DingTalkSimulator } from '../src/sandbox/dingtalk/index.js';
import { startEchoBot } from './echo-bot.js';

export type BotKind = 'echo' | 'yiciban';

/** Where the bot connects to and keeps its files. */
export interface BotTarget {
  dingtalk: DingTalkSimulator;
  backofficeUrl: string;
  backofficeSecret: string;
  dataDir: string;
}

export interface StartBotOptions {
  /** Own process (default) or inside the bench process. */
  inProcess?: boolean;
  /** Child only: write a V8 CPU profile (node --cpu-prof) into this directory when the bot exits. */
  profileDir?: string;
  /** The echo bot replies through Yiciban's kept-alive HTTP client instead of fetch (bench/echo-bot.ts). */
  echoKeepAlive?: boolean;
  /** Yiciban as a child only: run the build (`node dist/src/main.js`, what `npm run start:prod` runs) instead of
   * the sources through tsx (`npm start`), which compiles every TypeScript module at start. */
  built?: boolean;
}

export interface RunningBot {
  kind: BotKind;
  /** From spawn (or call) until the simulator saw the Stream connection. */
  startupMs: number;
  /** Resident set size of the bot's process in MB; undefined in-process (it would include the simulator). */
  rssMb(): Promise<number | undefined>;
  /** CPU time (user + system) the bot's process has used so far, in ms; undefined in-process. */
  cpuMs(): Promise<number | undefined>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
/** The bench's DATA_KEY (base64 of 32 bytes); the preloaded store is sealed with it too. */
export const BENCH_DATA_KEY = Buffer.alloc(32, 7).toString('base64');

/** Starts one bot and resolves once its Stream connection is open; only one bot may be connected at a time. */
export async function startBot(kind: BotKind, target: BotTarget, options: StartBotOptions = {}): Promise<RunningBot> {
  if (target.dingtalk.connectionCount() > 0) throw new Error('another bot is still connected: DingTalk would hand it some of the pushes');
  const connected = nextConnection(target.dingtalk);
  const started = performance.now();
  if (options.inProcess) {
    if (options.built) throw new Error('the build runs as its own process (leave out --in-process)');
    const stop = kind === 'echo' ? await startEchoInProcess(target, options.echoKeepAlive) : await startYicibanInProcess(target);
    const startupMs = (await connected) - started;
    return { kind, startupMs, rssMb: async () => undefined, cpuMs: async () => undefined, stop: () => stopAndWait(target.dingtalk, stop) };
  }
  const child = spawnBot(kind, target, options);
  const failed = failedStart(child);
  failed.catch(() => {}); // it also rejects when the bot exits after a good start; only the race reads it
  const startupMs = (await Promise.race([connected, failed])) - started;
  return {
    kind,
    startupMs,
    rssMb: () => rssOf(child.pid!),
    cpuMs: () => cpuOf(child.pid!),
    stop: () => stopAndWait(target.dingtalk, () => stopChild(child)),
  };
}

/** The production environment pointed at the simulators. No card template: Yiciban's help card then goes as a
 * markdown message through the sessionWebhook, the same path as the echo bot's reply (a template would make it a
 * card-platform OpenAPI call instead). DINGTALK_QPS at its ceiling so the OpenAPI limiter is never the limit. */
function botEnv(target: BotTarget): Record<string, string> {
  const { dingtalk } = target;
  return {
    DINGTALK_CLIENT_ID: dingtalk.clientId,
    DINGTALK_CLIENT_SECRET: dingtalk.clientSecret,
    DINGTALK_ROBOT_CODE: dingtalk.robotCode,
    DINGTALK_API_BASE: dingtalk.baseUrl,
    DINGTALK_OAPI_BASE: dingtalk.baseUrl,
    DINGTALK_QPS: '1000',
    BACKOFFICE_URL: target.backofficeUrl,
    BACKOFFICE_SECRET: target.backofficeSecret,
    DATA_DIR: target.dataDir,
    // Personal data is sealed at rest in production, so the bench pays for it too.
    DATA_KEY: BENCH_DATA_KEY,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
  };
}

/** `node --import tsx <entry>`, not the tsx CLI: that runs the program in a grandchild we could not measure;
 * or, for the built Yiciban, `node dist/src/main.js`. */
function spawnBot(kind: BotKind, target: BotTarget, options: StartBotOptions): ChildProcess {
  const { profileDir, built = false } = options;
  if (built && kind !== 'yiciban') throw new Error('only Yiciban has a build to run');
  const entry = built ? ['dist/src/main.js'] : ['--import', 'tsx', kind === 'echo' ? 'bench/echo-bot.ts' : 'src/main.ts'];
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const echo = kind === 'echo' && options.echoKeepAlive ? { ECHO_REPLY: 'keep-alive' } : {};
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...botEnv(target), ...echo };
  const child = spawn(process.execPath, [...profile, ...entry], {
    cwd: ROOT_DIR,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (stderr = (stderr + chunk).slice(-4_000)));
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') console.error(`${kind} process exited (${code ?? signal}): ${stderr}`);
  });
  return child;
}

async function failedStart(child: ChildProcess): Promise<never> {
  const [code, signal] = await once(child, 'exit');
  throw new Error(`the bot process exited during start-up (${code ?? signal})`);
}

async function startEchoInProcess(target: BotTarget, keepAlive = false): Promise<() => Promise<void>> {
  const { dingtalk } = target;
  const bot = await startEchoBot({
    apiBase: dingtalk.baseUrl,
    clientId: dingtalk.clientId,
    clientSecret: dingtalk.clientSecret,
    keepAlive,
  });
  return () => bot.stop();
}

async function startYicibanInProcess(target: BotTarget): Promise<() => Promise<void>> {
  // Warnings and errors only, to stderr: stdout is the bench's table.
  const app = await startYiciban({ config: loadConfig(botEnv(target)), logger: createLogger('warn', process.stderr) });
  return () => app.stop();
}

/** performance.now() of the simulator's next Stream connection. */
function nextConnection(dingtalk: DingTalkSimulator): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bot did not connect its Stream within a minute')), START_TIMEOUT_MS);
    dingtalk.events.once('connection', () => {
      clearTimeout(timer);
      resolve(performance.now());
    });
  });
}

/** Stops the bot and waits until the simulator has no connection left, so the next bot gets every push. */
async function stopAndWait(dingtalk: DingTalkSimulator, stop: () => Promise<void>): Promise<void> {
  await stop();
  const deadline = performance.now() + 10_000;
  while (dingtalk.connectionCount() > 0) {
    if (performance.now() > deadline) throw new Error('the stopped bot is still connected after 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  // A graceful exit writes the CPU profile; a bot that hangs on shutdown is killed after 15 s.
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** utime + stime from /proc (Linux, in clock ticks of 10 ms), in ms; undefined elsewhere. */
async function cpuOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** VmRSS from /proc (Linux); undefined elsewhere. */
async function rssOf(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
