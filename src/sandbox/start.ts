// Sandbox mode (no DingTalk credentials): the embedded DingTalk simulator, the back-office simulator and the
// sample e-licences stand in for the real systems, and the bot connects to them through the same Stream and
// OpenAPI code it uses in production.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type Router from '@koa/router';
import { startYiciban, type Tuning, type Yiciban } from '../app.js';
import type { Clock } from '../clock.js';
import { isLoopbackAddress, type Config } from '../config.js';
import { loadHolidayOverrides } from '../config-files.js';
import { addWorkingDays } from '../domain/deadline.js';
import { chinaDay, createHolidayCalendar, type HolidayCalendar } from '../domain/holiday-calendar.js';
import type { Logger } from '../logger.js';
import { OffsetClock, type AdvanceableClock } from '../offset-clock.js';
import { ROOT_DIR } from '../root-dir.js';
import { lowdbOwnedPaths } from '../store/lowdb-layout.js';
import { startBackofficeSimulator, type BackofficeSimulator } from './backoffice/simulator.js';
import { startDingTalkSimulator, type DingTalkSimulator } from './dingtalk/index.js';

/** Id of the generic card template the simulator knows (a real organisation creates its own). */
export const SANDBOX_TEMPLATE_ID = 'yiciban-generic.schema';
/** The sample organisation's admin (config/sandbox/org.json), the admin when ADMIN_USER_IDS is unset. */
export const SANDBOX_ADMIN = 'admin-liu';

export interface Sandbox {
  app: Yiciban;
  dingtalk: DingTalkSimulator;
  backoffice?: BackofficeSimulator;
  adminToken: string;
  /** True when the sandbox made the admin token up (ADMIN_TOKEN unset): only then may it be logged. */
  adminTokenGenerated: boolean;
  /** Clears the sandbox data: stops the bot, removes the store's files, starts the bot again on the same port. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  config: Config;
  logger: Logger;
  tuning?: Tuning;
  /** Pages mounted on the bot's HTTP app, built once the simulators run (the web chat). */
  pages?: (parts: SandboxParts) => Router[];
}

/** What the sandbox pages get to work with. */
export interface SandboxParts {
  dingtalk: DingTalkSimulator;
  backoffice?: BackofficeSimulator;
  /** Clears all sandbox data and restarts the bot (the web chat's reset button). */
  reset: () => Promise<void>;
  /** The sandbox's one clock (real time plus an offset, unless a test passed its own). */
  clock: AdvanceableClock;
  /** 时间快进: moves the clock `workingDays` working days ahead (same time of day) and lets due timers fire. */
  fastForward: (workingDays: number) => Promise<{ from: number; to: number }>;
  /** The sandbox's admin (the first of ADMIN_USER_IDS, or admin-liu): "以管理员身份打开控制台" logs in as them. */
  adminUserId: string;
}

/** Starts the simulators and the bot wired to them. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { config, logger } = options;
  refuseRealSystems(config);
  // One clock for the bot and both simulators, so that signatures, tokens and deadlines agree after a jump.
  const clock = advanceable(options.tuning?.clock) ?? new OffsetClock();
  const calendar = createHolidayCalendar({ overrides: await loadHolidayOverrides(path.join(ROOT_DIR, 'config/holidays.json')) });
  const simLog = logger.child({ component: 'dingtalk-sim' });
  const dingtalk = await startDingTalkSimulator({ log: (line) => simLog.debug(line), clock });
  const secret = config.backoffice.secret ?? randomBytes(24).toString('hex');
  const delay = config.sandboxReviewDelayMs;
  const backoffice = await startBackofficeSimulator({
    secret,
    auto: delay > 0 ? { acceptAfterMs: delay, decideAfterMs: delay * 2 } : false,
    log: logger.child({ component: 'backoffice-sim' }),
    clock,
  });
  const adminToken = config.adminToken ?? randomBytes(16).toString('hex');

  const sandboxConfig: Config = {
    ...config,
    dingtalk: {
      ...config.dingtalk,
      clientId: dingtalk.clientId,
      clientSecret: dingtalk.clientSecret,
      robotCode: dingtalk.robotCode,
      apiBase: dingtalk.baseUrl,
      oapiBase: dingtalk.baseUrl,
      cardTemplateId: config.dingtalk.cardTemplateId ?? SANDBOX_TEMPLATE_ID,
    },
    backoffice: { url: backoffice.baseUrl, secret },
    adminToken,
    adminUserIds: config.adminUserIds.length > 0 ? config.adminUserIds : [SANDBOX_ADMIN],
  };
  let app: Yiciban;
  const reset = async (): Promise<void> => {
    const port = new URL(app.url).port;
    await app.stop();
    await clearDataDir(config.dataDir);
    app = await boot(Number(port));
  };
  const fastForward = async (workingDays: number) => {
    const from = clock.now();
    const to = sameTimeLater(calendar, from, workingDays);
    await clock.advance(to - from);
    app.outbox.wake();
    logger.info({ workingDays, to: new Date(to).toISOString() }, 'sandbox clock moved forward (时间快进)');
    return { from, to };
  };
  const adminUserId = sandboxConfig.adminUserIds[0]!;
  const pages = options.pages?.({ dingtalk, backoffice, reset, clock, fastForward, adminUserId });
  const boot = async (port: number): Promise<Yiciban> => {
    const started = await startYiciban({
      config: { ...sandboxConfig, http: { ...sandboxConfig.http, port } },
      logger,
      tuning: { ...options.tuning, clock },
      publicRouters: pages,
      console: { corpId: dingtalk.corpId, sandboxAuthCode: () => dingtalk.mintAuthCode(adminUserId) },
    });
    backoffice?.setWebhookUrl(`${started.url}/webhooks/backoffice`);
    return started;
  };
  app = await boot(config.http.port);

  return {
    get app() {
      return app;
    },
    dingtalk,
    backoffice,
    adminToken,
    adminTokenGenerated: config.adminToken === undefined,
    reset,
    async stop() {
      await app.stop();
      await backoffice?.close();
      await dingtalk.close();
    },
  };
}

// loadConfig already refuses these; a Config built by hand (tests, scripts) must not slip past either.
function refuseRealSystems(config: Config): void {
  if (config.backoffice.url)
    throw new Error('the sandbox (DINGTALK_CLIENT_ID unset) never talks to a real back office: unset BACKOFFICE_URL');
  if (!isLoopbackAddress(config.http.host)) throw new Error(`the sandbox listens only on loopback, not on HOST=${config.http.host}`);
}

/** Removes the store's files from DATA_DIR; anything else kept there (a data key, a user's notes) stays. */
export async function clearDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  for (const owned of lowdbOwnedPaths(dataDir)) await rm(owned, { recursive: true, force: true });
}

function advanceable(clock: Clock | undefined): AdvanceableClock | undefined {
  return clock && 'advance' in clock && typeof clock.advance === 'function' ? (clock as AdvanceableClock) : undefined;
}

// `workingDays` working days after the instant's China day, at the same time of day.
function sameTimeLater(calendar: HolidayCalendar, at: number, workingDays: number): number {
  const day = chinaDay(new Date(at));
  const target = addWorkingDays(calendar, day, workingDays);
  return at + (Date.parse(`${target}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`));
}
