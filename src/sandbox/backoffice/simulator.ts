// The back-office simulator: the protocol's server side on loopback, for the sandbox (auto mode) and for tests
// (manual decisions, failure injection, latency, outages). It signs its webhooks like the real back office.
import { systemClock, type Clock, type Timer } from '../../clock.js';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BackofficeEvent, SubmissionBody } from '../../backoffice/protocol.js';
import { signedHeaders } from '../../backoffice/signature.js';
import { parseJson, readRaw } from '../../http/body.js';
import type { DeliveryResult } from '../../domain/types.js';
import { handleApi, type ApiState, type RecordedCall, type Received } from './api.js';
import { createAutoPilot, type AutoTiming } from './auto-pilot.js';
import { CaseBook, FINAL_STATUSES, type CaseChange } from './case-book.js';
import { flatHeaders, sendError } from '../http.js';
import { handlePanel } from './panel.js';
import type { BackofficeSimulator, EventInput, WebhookDelivery } from './types.js';

export type { BackofficeSimulator, EventInput, WebhookDelivery } from './types.js';

export type { RecordedCall, Received } from './api.js';
export type { SimCase } from './case-book.js';

export interface BackofficeSimulatorOptions {
  port?: number;
  host?: string;
  /** BACKOFFICE_SECRET, shared with the bot. */
  secret: string;
  /** The bot's POST /webhooks/backoffice URL (or set it later with setWebhookUrl). */
  webhookUrl?: string;
  auto?: AutoTiming | false;
  /** Time of the simulator: timestamps, signatures and its decision, retry and latency timers (default: real time). */
  clock?: Clock;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export async function startBackofficeSimulator(options: BackofficeSimulatorOptions): Promise<BackofficeSimulator> {
  const time = options.clock ?? systemClock;
  const clock = () => time.now();
  const host = options.host ?? '127.0.0.1';
  const book = new CaseBook();
  const state: ApiState = {
    secret: options.secret,
    clock,
    book,
    keys: new Set(),
    events: new EventEmitter(),
    submissions: new Map(),
    withdrawals: new Map(),
    supplements: [],
    failures: { count: 0, status: 503 },
  };
  const calls: RecordedCall[] = [];
  const timers = new Set<Timer>();
  const chains = new Map<string, Promise<unknown>>();
  const closing = new AbortController();
  let webhookUrl = options.webhookUrl;
  let latencyMs = 0;
  let eventSeq = 0;
  let baseUrl = '';

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = time.setTimeout(() => (timers.delete(timer), resolve()), ms);
      timers.add(timer);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    if (path.startsWith('/sim/') || path.startsWith('/licences/')) return handlePanel(sim, req, res, path);
    if (latencyMs > 0) await wait(latencyMs);
    const raw = await readRaw(req, 1024 * 1024);
    let status = 413;
    if (raw.status === 'too_large') sendError(res, status, 'payload_too_large', 'body exceeds 1 MB', { Connection: 'close' });
    else status = handleApi(state, req, res, path, raw.body);
    const body = raw.status === 'ok' ? raw.body.toString('utf8') : '';
    calls.push({ method: req.method ?? 'GET', path, headers: flatHeaders(req.headers), body, status, at: clock() });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log?.warn({ err: error }, 'back-office simulator failed on a request');
      if (!res.headersSent) sendError(res, 500, 'internal', '模拟后台内部错误');
      else res.destroy();
    });
  });
  let port = await listen(server, options.port ?? 0, host);
  baseUrl = `http://${host}:${port}`;

  async function post(event: BackofficeEvent, signing: { secret?: string; timestamp?: number } = {}): Promise<WebhookDelivery> {
    if (!webhookUrl)
      throw new Error('the back-office simulator has no webhookUrl: pass it to startBackofficeSimulator or call setWebhookUrl');
    const raw = JSON.stringify(event);
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...signedHeaders(signing.secret ?? options.secret, signing.timestamp ?? clock(), raw),
      },
      body: raw,
      signal: closing.signal,
    });
    const text = await response.text();
    const parsed = parseJson(text);
    const delivery: WebhookDelivery = { event, status: response.status, body: parsed.status === 'ok' ? parsed.value : text };
    state.events.emit('webhook', delivery);
    return delivery;
  }

  // Auto mode retries like a real back office would: 5xx and unreachable are tried again, a few times.
  async function postReliably(event: BackofficeEvent): Promise<WebhookDelivery | undefined> {
    for (let attempt = 0; attempt < 6 && !closing.signal.aborted; attempt += 1) {
      if (attempt > 0) await wait(250 * 2 ** attempt);
      const delivery = await post(event).then(
        (d) => d,
        (error: unknown) => (options.log?.warn({ err: error }, 'webhook not delivered'), undefined),
      );
      if (delivery && delivery.status < 500) {
        if (delivery.status >= 400) options.log?.warn({ event, status: delivery.status, body: delivery.body }, 'the bot refused a webhook');
        return delivery;
      }
    }
    return undefined;
  }

  function makeEvent(input: EventInput): BackofficeEvent {
    eventSeq += 1;
    return { eventId: `evt-${eventSeq}-${randomUUID().slice(0, 8)}`, at: new Date(clock()).toISOString(), ...input } as BackofficeEvent;
  }

  // Events about one application leave in the order they were decided.
  function inOrder<T>(id: string, task: () => Promise<T>): Promise<T> {
    const next = (chains.get(id) ?? Promise.resolve()).then(task);
    chains.set(
      id,
      next.then(
        () => undefined,
        () => undefined,
      ),
    );
    return next;
  }

  function act(id: string, change: CaseChange, reliable = false): Promise<WebhookDelivery> {
    book.record(id, change, clock());
    const event = makeEvent({ applicationId: id, ...change });
    options.log?.info({ applicationId: id, status: change.status, department: change.department }, 'back office decided');
    return inOrder(id, async () => (reliable ? ((await postReliably(event)) ?? { event, status: 0, body: undefined }) : post(event)));
  }

  function licence(id: string): DeliveryResult {
    const year = new Date(clock()).getUTCFullYear();
    const licenseNo = `ZJ${year}${id.replace(/\D/g, '').slice(-8).padStart(8, '0')}`;
    return { type: 'elicence', licenseNo, url: `${baseUrl}/licences/${licenseNo}` };
  }

  const auto = options.auto
    ? createAutoPilot(options.auto, {
        book,
        licence,
        act: (id, change) => act(id, change, true),
        later: (ms, task) =>
          void wait(ms)
            .then(() => (closing.signal.aborted ? undefined : task()))
            .catch((error: unknown) => options.log?.warn({ err: error }, 'auto decision failed')),
      })
    : undefined;
  state.events.on('submission', (item: Received<SubmissionBody>) => auto?.submitted(item.body.applicationId));
  state.events.on('supplement', (item: { applicationId: string }) => auto?.supplemented(item.applicationId));

  const sim: BackofficeSimulator = {
    get baseUrl() {
      return baseUrl;
    },
    get port() {
      return port;
    },
    submissions: state.submissions,
    withdrawals: state.withdrawals,
    supplements: state.supplements,
    calls,
    events: state.events,
    setWebhookUrl: (url) => void (webhookUrl = url),
    failNext: (count, status = 503) => void Object.assign(state.failures, { count, status }),
    setLatency: (ms) => void (latencyMs = ms),
    async pause() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    async resume() {
      port = await listen(server, port, host);
    },
    accept: (id, comment = '材料齐全，予以受理') => act(id, { status: 'accepted', comment }),
    notAccept: (id, reason) => act(id, { status: 'not_accepted', comment: reason }),
    decide: (id, department, decision, comment) =>
      act(id, {
        status: decision === 'approved' ? 'department_approved' : 'department_rejected',
        department,
        comment: comment ?? (decision === 'approved' ? '审查通过' : '不符合审批条件'),
      }),
    requireSupplement: (id, missing, department) =>
      act(id, { status: 'supplement_required', missing, ...(department ? { department } : {}) }),
    complete: (id, comment = '准予许可') => act(id, { status: 'completed', comment }),
    deliver: (id, result, waivedTolerance) =>
      act(id, { status: 'delivered', result: result ?? licence(id), ...(waivedTolerance ? { waivedTolerance: true } : {}) }),
    sendEvent: (partial, signing) => inOrder(partial.applicationId, () => post(makeEvent(partial), signing)),
    pending: () => book.list().filter((c) => !FINAL_STATUSES.includes(c.status)),
    cases: () => book.list(),
    async close() {
      closing.abort();
      for (const timer of timers) timer.cancel();
      timers.clear();
      state.events.removeAllListeners();
      if (server.listening) await sim.pause();
    },
  };
  return sim;
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
