// Wires the parts into one running bot: store → bot → outbox → DingTalk / back office, plus the HTTP app.
// `main.ts` (and the test harness) call `startYiciban` with a validated Config; nothing here reads process.env.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type Router from '@koa/router';
import { randomUUID } from 'node:crypto';
import { createBackofficeClient } from './backoffice/client.js';
import { botHandlers, botStartTimers } from '../handlers/index.js';
import { backofficeWebhook } from './backoffice/webhook.js';
import { createBot, statusOutcome, type Bot, type HandleResult } from './bot/bot.js';
import { backofficeStatusEvent, timerEvent, type InboundEvent } from './bot/inbound.js';
import { effectsToJobs } from './bot/jobs.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { loadHolidayOverrides, loadMattersOrThrow } from './config-files.js';
import { createDeadLetterNotifier } from './dead-letter.js';
import { createMessenger } from './dingtalk/messenger.js';
import { createOpenApiClient } from './dingtalk/openapi.js';
import { createStreamConnection, type StreamConnection } from './dingtalk/stream.js';
import { promisedDeadline } from './domain/deadline.js';
import { createHolidayCalendar } from './domain/holiday-calendar.js';
import { timeLimitFor } from './domain/situations.js';
import { createElicenceSource } from './elicence/source.js';
import { createHttpApp, type MountedRouter } from './http/app.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createOutbox, type Outbox } from './outbox/dispatcher.js';
import { createJobHandlers } from './outbox/job-handlers.js';
import { outboxRoutes } from './outbox/routes.js';
import { noticeRoutes } from './broadcast/routes.js';
import { RecordBook } from './broadcast/records.js';
import { rectificationRoutes } from './admin/rectification-routes.js';
import { statisticsRoutes, type StatisticsSource } from './admin/statistics-routes.js';
import { supervisionRoutes } from './admin/supervision-routes.js';
import { orgRoutes } from './admin/org-routes.js';
import { ROOT_DIR } from './root-dir.js';
import type { BackoffPolicy } from './retry.js';
import { createStore } from './store/create-store.js';
import { DataCipher, resolveDataKeys } from './store/data-cipher.js';
import type { Store } from './store/store.js';
import { LiveCatalogue } from './templates/live-catalogue.js';
import { openCatalogue, sensitiveFieldsOf } from './templates/open-catalogue.js';
import { applicationRoutes } from './admin/application-routes.js';
import { matterRoutes } from './admin/matter-routes.js';
import { applyRecords } from './templates/seed.js';
import { createConsole, type ConsoleExtras } from './console/console.js';

/** The project root (config/ lives there), for the sources and for the compiled dist/ alike. */
export { ROOT_DIR } from './root-dir.js';

/** Knobs tests turn; production uses the defaults. Every backoff is one BackoffPolicy (src/retry.ts). */
export interface Tuning {
  /** The one clock of the whole app (default: real time); see src/clock.ts for which waits run on it. */
  clock?: Clock;
  stream?: { backoff?: BackoffPolicy; watchdogMs?: number; healthyAfterMs?: number };
  outbox?: { backoff?: BackoffPolicy; maxAttempts?: number; pollMs?: number };
  openapiRetry?: { attempts?: number; backoff?: BackoffPolicy };
  /** Notices: wait before flow-controlled people are retried, how often the progress card moves. */
  broadcast?: { flowRetryMs?: number; cardEveryMs?: number };
  /** Per-sender inbound budget (default 10 events in 10 s); scripted tests talk faster than people. */
  inboundBudget?: { capacity: number; windowMs: number };
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  tuning?: Tuning;
  /** Extra public routers (the sandbox page). */
  publicRouters?: Router[];
  /** What only the sandbox knows: its corpId (for 免登) and how to mint its admin's auth code. */
  console?: ConsoleExtras;
  mattersDir?: string;
}

export interface Yiciban {
  /** http://host:port of the HTTP app. */
  url: string;
  store: Store;
  bot: Bot;
  outbox: Outbox;
  stream: StreamConnection;
  metrics: Metrics;
  /** Every router the HTTP app mounts, admin or public. */
  routers: MountedRouter[];
  stop(): Promise<void>;
}

/** Starts everything; resolves when HTTP listens (the stream connects in the background). */
export async function startYiciban(options: StartOptions): Promise<Yiciban> {
  const { config, logger } = options;
  const tuning = options.tuning ?? {};
  // One clock, passed everywhere; the store, the dead-letter notifier and the bot take it as a function.
  const clock = tuning.clock ?? systemClock;
  const now = () => clock.now();
  const { clientId, clientSecret, robotCode } = requireDingTalk(config);

  const files = await loadMattersOrThrow(options.mattersDir ?? path.join(ROOT_DIR, 'config/matters'));
  // Filled from the store once it is open; the store's sealing reads it only when applications are written.
  let catalogue = new LiveCatalogue();
  const calendar = createHolidayCalendar({
    overrides: await loadHolidayOverrides(path.join(ROOT_DIR, 'config/holidays.json')),
    warn: (message) => logger.warn(message),
  });
  const store = createStore(
    { dataDir: config.dataDir, databaseUrl: config.databaseUrl },
    { now, cipher: new DataCipher(await resolveDataKeys(config)), sensitive: sensitiveFieldsOf(() => catalogue) },
  );
  await store.open();
  catalogue = await openCatalogue(store, files, now);
  // Statistics read the live catalogue (retired matters included: their applications still count).
  const statisticsSource: StatisticsSource = {
    store,
    get matters() {
      return catalogue.all();
    },
    calendar,
    clock,
  };
  const metrics = createMetrics({ statistics: statisticsSource });
  const records = new RecordBook(store);

  const openapi = createOpenApiClient({
    apiBase: config.dingtalk.apiBase,
    oapiBase: config.dingtalk.oapiBase,
    clientId,
    clientSecret,
    robotCode,
    ...(config.dingtalk.agentId ? { agentId: config.dingtalk.agentId } : {}),
    qps: config.dingtalk.qps,
    redisUrl: config.redisUrl,
    logger: logger.child({ component: 'openapi' }),
    clock,
    retry: tuning.openapiRetry,
  });
  // With REDIS_URL the instances share one rate limit: an instance that cannot reach it does not start.
  await openapi.ready().catch(async (error: Error) => {
    await openapi.close();
    await store.close();
    throw new Error(`cannot reach REDIS_URL for the shared DingTalk rate limit: ${error.message}`, { cause: error });
  });
  const messenger = createMessenger({ openapi, templateId: config.dingtalk.cardTemplateId, robotCode, clock });
  const backoffice = createBackofficeClient({ url: config.backoffice.url!, secret: config.backoffice.secret!, clock });
  const licences = createElicenceSource({
    url: config.elicence.url,
    token: config.elicence.token,
    sampleFile: path.join(ROOT_DIR, 'config/sandbox/elicences.json'),
  });

  let outbox: Outbox | undefined;
  const bot = createBot({
    store,
    catalogue,
    licences,
    clock: () => new Date(now()),
    logger: logger.child({ component: 'bot' }),
    adminUserIds: config.adminUserIds,
    broadcasterUserIds: config.broadcasterUserIds,
    workNotices: config.dingtalk.agentId !== undefined,
    cardsInPlace: config.dingtalk.cardTemplateId !== undefined,
    deadlineFor: (acceptedAt, matter, answers) => promisedDeadline(calendar, acceptedAt, timeLimitFor(matter, answers).promisedDays),
    calendar,
    handlers: botHandlers,
    onCommitted: () => outbox?.wake(),
    onRecords: (records) => applyRecords(catalogue, records),
    ...(tuning.inboundBudget ? { inboundBudget: tuning.inboundBudget } : {}),
    applicationIdPrefix: config.applicationIdPrefix,
  });

  // The one entry for every inbound event — Stream pushes, webhook events, timers — counted, and tracked so
  // that a stop can let the events already taken commit.
  const inFlight = createInFlight();
  const handle = (event: InboundEvent): Promise<HandleResult> =>
    inFlight.track(async () => {
      const stop = metrics.handleSeconds.startTimer({ kind: event.kind });
      const result = await bot.handle(event);
      stop();
      metrics.inbound.inc({ kind: event.kind, outcome: result.status });
      return result;
    });

  outbox = createOutbox({
    store,
    logger: logger.child({ component: 'outbox' }),
    clock,
    backoff: tuning.outbox?.backoff,
    maxAttempts: tuning.outbox?.maxAttempts,
    pollMs: tuning.outbox?.pollMs,
    handlers: createJobHandlers({
      store,
      messenger,
      backoffice,
      metrics,
      logger: logger.child({ component: 'outbox' }),
      fireTimer: async (timer) => void (await handle(timerEvent(timer, now()))),
      broadcast: { book: records, openapi, now, sleep: (ms) => clock.sleep(ms), ...tuning.broadcast },
    }),
    onDead: createDeadLetterNotifier({ store, now, newId: () => randomUUID() }),
  });

  const stream = createStreamConnection({
    clientId,
    clientSecret,
    apiBase: config.dingtalk.apiBase,
    logger: logger.child({ component: 'stream' }),
    clock,
    backoff: tuning.stream?.backoff,
    healthyAfterMs: tuning.stream?.healthyAfterMs,
    watchdogMs: tuning.stream?.watchdogMs,
    handle: async (event) => void (await handle(event)),
  });

  const adminConsole = createConsole({ store, now, openapi, config, matters: () => catalogue.list(), ...options.console });
  const http = createHttpApp({
    logger,
    metrics,
    adminToken: config.adminToken,
    adminSessions: adminConsole.sessions,
    health: async () => {
      await store.ping();
      const state = stream.state();
      return { status: 'ok', stream: state === 'connected' ? 'connected' : 'connecting', store: store.kind };
    },
    webhook: backofficeWebhook({
      secret: config.backoffice.secret!,
      clock,
      apply: async (event) => {
        const outcome = statusOutcome(await handle(backofficeStatusEvent(event, now())));
        metrics.webhooks.inc({ outcome: outcome.status });
        return outcome;
      },
    }),
    adminRouters: [
      outboxRoutes({ store, outbox }),
      noticeRoutes({ book: records, now, workNotices: config.dingtalk.agentId !== undefined, wake: () => outbox?.wake() }),
      statisticsRoutes(statisticsSource),
      supervisionRoutes(statisticsSource),
      orgRoutes({ openapi, clock }),
      rectificationRoutes({ store, clock, handle }),
      matterRoutes({ store, catalogue, clock, wake: () => outbox?.wake() }),
      applicationRoutes({ store, catalogue, now }),
    ],
    publicRouters: [adminConsole.router, ...(options.publicRouters ?? [])],
  });

  const server: Server = http.koa.listen(config.http.port, config.http.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.http.host}:${port}`;
  // Timers that must always exist (the daily supervision digest reschedules itself; this makes sure one is there).
  await store.commit({ jobs: { put: effectsToJobs(botStartTimers(now()), { source: 'start', now: now(), newId: randomUUID }) } });
  outbox.start();
  stream.start();
  logger.info({ url }, 'Yiciban is listening');

  return {
    url,
    store,
    bot,
    outbox,
    stream,
    metrics,
    routers: http.routers,
    // Stop taking pushes, let the events already taken commit, then close the rest; the store last.
    async stop() {
      await stream.stop();
      await inFlight.settled();
      await closeServer(server);
      await outbox!.stop();
      await openapi.close();
      await store.close();
    },
  };
}

function requireDingTalk(config: Config): { clientId: string; clientSecret: string; robotCode: string } {
  const { clientId, clientSecret, robotCode } = config.dingtalk;
  if (!clientId || !clientSecret || !config.backoffice.url || !config.backoffice.secret) {
    throw new Error(
      'startYiciban needs DingTalk credentials and a back office; in sandbox mode start the simulators first (src/sandbox/start.ts)',
    );
  }
  return { clientId, clientSecret, robotCode: robotCode ?? clientId };
}

/** Counts running inbound events so a stop can wait for them to commit. */
function createInFlight() {
  const running = new Set<Promise<unknown>>();
  return {
    track<T>(run: () => Promise<T>): Promise<T> {
      const promise = run();
      running.add(promise);
      void promise.finally(() => running.delete(promise)).catch(() => undefined);
      return promise;
    },
    settled: () => Promise.allSettled([...running]).then(() => undefined),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
