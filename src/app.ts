// Wires the parts into one running bot: store → bot → outbox → DingTalk / back office, plus the HTTP app.
// `main.ts` (and the test harness) call `startYiciban` with a validated Config; nothing here reads process.env.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type Router from '@koa/router';
import { randomUUID } from 'node:crypto';
import { createBackofficeClient } from './backoffice/client.js';
import { backofficeWebhook } from './backoffice/webhook.js';
import { createBot, type Bot } from './bot/bot.js';
import type { Config } from './config.js';
import { createDeadLetterNotifier } from './dead-letter.js';
import { createMessenger } from './dingtalk/messenger.js';
import { createOpenApiClient } from './dingtalk/openapi.js';
import { createStreamConnection, type StreamConnection } from './dingtalk/stream.js';
import { promisedDeadline } from './domain/deadline.js';
import { createHolidayCalendar, loadHolidayOverrides } from './domain/holiday-calendar.js';
import { loadMattersOrThrow } from './domain/matter.js';
import { sensitiveFieldKeys } from './domain/sensitive-fields.js';
import type { Matter } from './domain/types.js';
import { createElicenceSource } from './elicence/source.js';
import { createHttpApp } from './http/app.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createOutbox, type Outbox } from './outbox/dispatcher.js';
import { createJobHandlers } from './outbox/job-handlers.js';
import { outboxRoutes } from './outbox/routes.js';
import { createStore } from './store/create-store.js';
import { DataCipher, resolveDataKeys } from './store/data-cipher.js';
import type { SensitiveFields } from './store/sealed-store.js';
import type { Store } from './store/store.js';

/** The project root (config/ lives there). */
export const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Knobs tests turn; production uses the defaults. */
export interface Tuning {
  clock?: () => number;
  stream?: { backoffBaseMs?: number; backoffMaxMs?: number; watchdogMs?: number; healthyAfterMs?: number };
  outbox?: { baseMs?: number; maxMs?: number; maxAttempts?: number; pollMs?: number };
  openapiRetry?: { attempts?: number; baseMs?: number; maxMs?: number };
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  tuning?: Tuning;
  /** Extra public routers (the sandbox page). */
  publicRouters?: Router[];
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
  stop(): Promise<void>;
}

/** Starts everything; resolves when HTTP listens (the stream connects in the background). */
export async function startYiciban(options: StartOptions): Promise<Yiciban> {
  const { config, logger } = options;
  const tuning = options.tuning ?? {};
  const now = tuning.clock ?? Date.now;
  const { clientId, clientSecret, robotCode } = requireDingTalk(config);

  const matters = await loadMattersOrThrow(options.mattersDir ?? path.join(ROOT_DIR, 'config/matters'));
  const calendar = createHolidayCalendar({
    overrides: await loadHolidayOverrides(path.join(ROOT_DIR, 'config/holidays.json')),
    warn: (message) => logger.warn(message),
  });
  const store = createStore(
    { dataDir: config.dataDir, databaseUrl: config.databaseUrl },
    { now, cipher: new DataCipher(await resolveDataKeys(config)), sensitive: sensitiveFieldsOf(matters) },
  );
  await store.open();
  const metrics = createMetrics();

  const openapi = createOpenApiClient({
    apiBase: config.dingtalk.apiBase,
    oapiBase: config.dingtalk.oapiBase,
    clientId,
    clientSecret,
    robotCode,
    qps: config.dingtalk.qps,
    logger: logger.child({ component: 'openapi' }),
    clock: { now },
    retry: tuning.openapiRetry,
  });
  const messenger = createMessenger({ openapi, templateId: config.dingtalk.cardTemplateId, robotCode, clock: { now } });
  const backoffice = createBackofficeClient({ url: config.backoffice.url!, secret: config.backoffice.secret!, clock: now });
  const licences = createElicenceSource({
    url: config.elicence.url,
    token: config.elicence.token,
    sampleFile: path.join(ROOT_DIR, 'config/sandbox/elicences.json'),
  });

  let outbox: Outbox | undefined;
  const bot = createBot({
    store,
    matters,
    licences,
    clock: () => new Date(now()),
    logger: logger.child({ component: 'bot' }),
    adminUserIds: config.adminUserIds,
    deadlineFor: (acceptedAt, matter) => promisedDeadline(calendar, acceptedAt, matter.timeLimit.promisedDays),
    onCommitted: () => outbox?.wake(),
  });

  outbox = createOutbox({
    store,
    logger: logger.child({ component: 'outbox' }),
    clock: now,
    backoff: tuning.outbox,
    maxAttempts: tuning.outbox?.maxAttempts,
    pollMs: tuning.outbox?.pollMs,
    handlers: createJobHandlers({ store, messenger, backoffice, metrics }),
    onDead: createDeadLetterNotifier({ store, now, newId: () => randomUUID() }),
  });

  const stream = createStreamConnection({
    clientId,
    clientSecret,
    apiBase: config.dingtalk.apiBase,
    logger: logger.child({ component: 'stream' }),
    clock: { now },
    backoff: {
      baseMs: tuning.stream?.backoffBaseMs,
      maxMs: tuning.stream?.backoffMaxMs,
      healthyAfterMs: tuning.stream?.healthyAfterMs,
    },
    watchdogMs: tuning.stream?.watchdogMs,
    handle: async (event) => {
      const stop = metrics.handleSeconds.startTimer({ kind: event.kind });
      const result = await bot.handle(event);
      stop();
      metrics.inbound.inc({ kind: event.kind, outcome: result.status });
    },
  });

  const http = createHttpApp({
    logger,
    metrics,
    adminToken: config.adminToken,
    health: async () => {
      await store.ping();
      const state = stream.state();
      return { status: 'ok', stream: state === 'connected' ? 'connected' : 'connecting', store: store.kind };
    },
    webhook: backofficeWebhook({
      secret: config.backoffice.secret!,
      clock: now,
      apply: async (event) => {
        const outcome = await bot.applyBackofficeEvent(event);
        metrics.webhooks.inc({ outcome: outcome.status });
        return outcome;
      },
    }),
    adminRouters: [outboxRoutes({ store, outbox })],
    publicRouters: options.publicRouters,
  });

  const server: Server = http.listen(config.http.port, config.http.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.http.host}:${port}`;
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
    async stop() {
      await stream.stop();
      await closeServer(server);
      await outbox!.stop();
      await openapi.close();
      await store.close();
    },
  };
}

// The store's codec learns which answers to seal from the templates (see SensitiveFields in sealed-store.ts).
function sensitiveFieldsOf(matters: readonly Matter[]): SensitiveFields {
  const byVersion = new Map(matters.map((m) => [`${m.id}@${m.version}`, sensitiveFieldKeys(m)]));
  return (matter) => byVersion.get(`${matter.id}@${matter.version}`);
}

function requireDingTalk(config: Config): { clientId: string; clientSecret: string; robotCode: string } {
  const { clientId, clientSecret, robotCode } = config.dingtalk;
  if (!clientId || !clientSecret || !config.backoffice.url || !config.backoffice.secret) {
    throw new Error('startYiciban needs DingTalk credentials and a back office; in sandbox mode start the simulators first (src/sandbox/start.ts)');
  }
  return { clientId, clientSecret, robotCode: robotCode ?? clientId };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
