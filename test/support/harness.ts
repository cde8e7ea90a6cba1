// The whole bot over real loopback sockets (STYLE.md layer 2): the DingTalk simulator and the back-office
// simulator on 127.0.0.1:0, the bot pointed at them through its configuration, a temporary DATA_DIR.
// Tests observe only what is visible from outside: simulator records, ACKs, HTTP answers, the store.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { startYiciban, type Tuning, type Yiciban } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startBackofficeSimulator, type BackofficeSimulator } from '../../src/sandbox/backoffice/simulator.js';
import { startDingTalkSimulator, type DingTalkSimulator } from '../../src/sandbox/dingtalk/index.js';
import type { SimOptions } from '../../src/sandbox/dingtalk/types.js';
import { waitFor } from './wait.js';

export { waitFor };

export const TEMPLATE_ID = 'yiciban-generic.schema';
export const BACKOFFICE_SECRET = 'test-backoffice-secret';
export const ADMIN_TOKEN = 'test-admin-token';
/** A fixed DATA_KEY for tests (base64 of 32 bytes); production keys come from `openssl rand -base64 32`. */
export const TEST_DATA_KEY = Buffer.alloc(32, 7).toString('base64');

/** Fast retries and reconnects so fault tests finish in seconds; the code paths are production's. */
export const FAST_TUNING: Tuning = {
  stream: { backoff: { baseMs: 50, maxMs: 500, jitter: 'full' }, watchdogMs: 5_000, healthyAfterMs: 1_000 },
  outbox: { backoff: { baseMs: 50, maxMs: 400, jitter: 'full' }, pollMs: 200 },
  openapiRetry: { attempts: 4, backoff: { baseMs: 20, maxMs: 100, minMs: 10, jitter: 'full' } },
  // Scripted players answer in milliseconds; the per-person budget (10 in 10 s) is tested on its own.
  inboundBudget: { capacity: 1_000, windowMs: 10_000 },
};

export interface HarnessOptions {
  sim?: SimOptions;
  /** Unset = the markdown fallback (no card template). */
  templateId?: string | null;
  tuning?: Tuning;
  env?: Record<string, string>;
  /** Template files to seed from (default config/matters). */
  mattersDir?: string;
}

export interface Harness {
  dingtalk: DingTalkSimulator;
  backoffice: BackofficeSimulator;
  app: Yiciban;
  dataDir: string;
  /** Log lines the bot wrote (JSON objects). */
  logs: Record<string, unknown>[];
  /** Stops the bot and starts a new one on the same DATA_DIR (a restart), optionally with other template files. */
  restart(mattersDir?: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts both simulators and the bot; waits until the stream is connected. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'yiciban-e2e-'));
  const dingtalk = await startDingTalkSimulator({ redeliverAfterMs: 0, pingIntervalMs: 0, ...options.sim });
  const backoffice = await startBackofficeSimulator({ secret: BACKOFFICE_SECRET, auto: false });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const templateId = options.templateId === undefined ? TEMPLATE_ID : options.templateId;
  const config = loadConfig({
    DINGTALK_CLIENT_ID: dingtalk.clientId,
    DINGTALK_CLIENT_SECRET: dingtalk.clientSecret,
    DINGTALK_ROBOT_CODE: dingtalk.robotCode,
    DINGTALK_API_BASE: dingtalk.baseUrl,
    DINGTALK_OAPI_BASE: dingtalk.baseUrl,
    ...(templateId ? { DINGTALK_CARD_TEMPLATE_ID: templateId } : {}),
    BACKOFFICE_URL: backoffice.baseUrl,
    BACKOFFICE_SECRET,
    DATA_DIR: dataDir,
    PORT: '0',
    ADMIN_TOKEN,
    DATA_KEY: TEST_DATA_KEY,
    ADMIN_USER_IDS: 'admin-liu',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const boot = async (mattersDir = options.mattersDir): Promise<Yiciban> => {
    const app = await startYiciban({
      config,
      logger: createLogger('info', sink),
      tuning: options.tuning ?? FAST_TUNING,
      ...(mattersDir ? { mattersDir } : {}),
    });
    backoffice.setWebhookUrl(`${app.url}/webhooks/backoffice`);
    await waitFor(() => app.stream.state() === 'connected', { timeoutMs: 5_000, what: 'stream connected' });
    return app;
  };
  let app = await boot();

  return {
    dingtalk,
    backoffice,
    get app() {
      return app;
    },
    dataDir,
    logs,
    async restart(mattersDir?: string) {
      await app.stop();
      app = await boot(mattersDir);
    },
    async close() {
      await app.stop();
      await backoffice.close();
      await dingtalk.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
