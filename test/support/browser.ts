// Browser tests of the sandbox: start `npm start`'s command as a child process (as a user would) and drive
// Debian's Chromium through playwright-core (no browser download).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium; fails with the fix when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: run \`apt-get update && apt-get install -y chromium\` (as root)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** A running `tsx src/main.ts` in sandbox mode. */
export interface SandboxProcess {
  /** The web chat URL from the start-up log line (…/sandbox). */
  url: string;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** The back-office simulator's base URL from the same log line. */
  backofficeUrl?: string;
  dataDir: string;
  /** Every stdout/stderr line so far (for failure messages). */
  output: string[];
  stop(): Promise<void>;
}

/** Starts the sandbox like `npm start` on a free port with a temporary DATA_DIR (`env` adds or overrides variables), and waits until the bot is connected. */
export async function startSandboxProcess(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<SandboxProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'yiciban-web-'));
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(DINGTALK_|BACKOFFICE_|ELICENSE_|DATABASE_URL|ADMIN_)/.test(key)),
  );
  // Detached: the child leads its own process group, so stop() reaches tsx's node child too.
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, PORT: '0', DATA_DIR: dataDir, SANDBOX_REVIEW_DELAY_MS: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output: string[] = [];
  const stop = async () => {
    await stopGroup(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const { url, backofficeSimulator } = await waitForUrl(child, output, timeoutMs);
    const baseUrl = new URL(url).origin;
    await waitForStream(baseUrl, timeoutMs);
    return { url, baseUrl, ...(backofficeSimulator ? { backofficeUrl: backofficeSimulator } : {}), dataDir, output, stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- sandbox output ---\n${output.slice(-40).join('\n')}`);
  }
}

function waitForUrl(child: ChildProcess, output: string[], timeoutMs: number): Promise<StartLine> {
  return new Promise((resolve, reject) => {
    // Real time: a bound on a child process's start-up, so the test fails instead of hanging.
    const timer = setTimeout(() => reject(new Error(`no "url" log line within ${timeoutMs} ms`)), timeoutMs);
    let found = false;
    const onLine = (line: string) => {
      output.push(line);
      if (found) return;
      const start = startLine(line);
      if (start) {
        found = true;
        clearTimeout(timer);
        resolve(start);
      }
    };
    lines(child.stdout, onLine);
    lines(child.stderr, onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!found) reject(new Error(`the sandbox exited with code ${code} before it was ready`));
    });
  });
}

/** The sandbox start-up log line: the web chat URL (`url`, ending in /sandbox) and the simulators' URLs. */
export interface StartLine {
  url: string;
  backofficeSimulator?: string;
}

/** The start-up line's fields, if this JSON log line is it. */
export function startLine(line: string): StartLine | undefined {
  try {
    const record = JSON.parse(line) as { url?: unknown; backofficeSimulator?: unknown };
    if (typeof record.url !== 'string' || !record.url.endsWith('/sandbox')) return undefined;
    return {
      url: record.url,
      ...(typeof record.backofficeSimulator === 'string' ? { backofficeSimulator: record.backofficeSimulator } : {}),
    };
  } catch {
    return undefined;
  }
}

function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let rest = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) onLine(part);
  });
}

/** Polls /healthz until the bot's Stream connection to the simulator is up. */
export async function waitForStream(baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await fetch(`${baseUrl}/healthz`).then(
      (r) => r.json() as Promise<{ stream?: string }>,
      () => undefined,
    );
    if (health?.stream === 'connected') return;
    if (Date.now() > deadline) throw new Error(`/healthz did not report stream: connected within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100)); // real time: poll interval while a child process connects
  }
}

/** SIGTERM to the child's process group, SIGKILL after 5 s; resolves when the child has exited. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // The group is already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5_000); // real time: a process that ignores SIGTERM is killed
  await exited;
  clearTimeout(timer);
  // tsx's own node child may outlive the wrapper by a moment; make sure the group is gone.
  signal('SIGKILL');
  child.stdout?.destroy();
  child.stderr?.destroy();
}
