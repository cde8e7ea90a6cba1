// The Stream connection's lifecycle (protocol §1): one connect attempt at a time, backoff with full jitter,
// a watchdog for sockets that go quiet, make-before-break on SYSTEM disconnect. Pushes: callback-handler.ts.
import type { WebSocket } from 'ws';
import type { ChatEvent } from '../bot/inbound.js';
import { ExternalError } from '../errors.js';
import type { Logger } from '../logger.js';
import { systemClock, type Clock, type Timer } from '../clock.js';
import { backoffDelay, type BackoffPolicy } from '../retry.js';
import { createCallbackHandler } from './callback-handler.js';
import { CARD_CALLBACK_TOPIC, ROBOT_MESSAGE_TOPIC } from './normalize.js';
import { EventAck, YicibanStreamClient, type DWClientDownStream } from './stream-client.js';

/** Credentials, gateway base, the event sink and timing knobs. */
export interface StreamOptions {
  clientId: string;
  clientSecret: string;
  apiBase: string;
  logger: Logger;
  /** Stores the event and its jobs durably; the push is ACKed only after it resolves. */
  handle: (event: ChatEvent) => Promise<void>;
  /** Runs every lifecycle timer (backoff, watchdog, healthy-after, drain) and stamps liveness. */
  clock?: Clock;
  /** Delay between failed connect attempts (default: full jitter, 1 s growing to 60 s). */
  backoff?: BackoffPolicy;
  /** A connection that stayed up this long resets the backoff to its first step. */
  healthyAfterMs?: number;
  /** Reconnect when nothing (frame, ping or pong) arrived for this long. */
  watchdogMs?: number;
  /** After a hand-over the old socket is closed this long after the new one opened, if DingTalk has not (it does after ~10 s). */
  drainMs?: number;
  random?: () => number;
}

/** Stream reconnect timing in production: 1 s, 2 s, 4 s … at most 60 s apart. */
export const DEFAULT_STREAM_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000, jitter: 'full' };

/** What /healthz reports. */
export type StreamState = 'connected' | 'connecting' | 'stopped';

/** The running connection manager. */
export interface StreamConnection {
  start(): void;
  stop(): Promise<void>;
  state(): StreamState;
}

interface Link {
  client: YicibanStreamClient;
  socket?: WebSocket;
  lastSeen: number;
  draining: boolean;
  timers: Timer[];
}

/** Creates the connection manager; nothing happens until `start()`. */
export function createStreamConnection(options: StreamOptions): StreamConnection {
  const clock = options.clock ?? systemClock;
  const log = options.logger;
  const backoff = options.backoff ?? DEFAULT_STREAM_BACKOFF;
  const maxMs = backoff.maxMs;
  const healthyAfterMs = options.healthyAfterMs ?? 30_000;
  const watchdogMs = options.watchdogMs ?? 60_000;
  const watchEveryMs = Math.max(10, Math.min(watchdogMs / 4, 5_000));
  const drainMs = options.drainMs ?? 15_000;
  const random = options.random ?? Math.random;
  // Liveness is read on the clock the watchdog runs on, so a test that moves the clock moves both. That clock is
  // wall time (it used to be performance.now()): watch() treats a step backwards as "seen now", so a clock set back
  // delays the watchdog by at most watchdogMs instead of silencing it.
  const elapsed = () => clock.now();

  let running = false;
  let current: Link | undefined;
  const links = new Set<Link>();
  let attempt: Promise<void> | undefined;
  let failures = 0;
  let retryTimer: Timer | undefined;
  let rejectedLogged = false;
  const onCallback = createCallbackHandler({ handle: options.handle, logger: log, clock });
  // Pushes being handled: a stop lets them commit and ACK on their still-open socket before closing it.
  const handling = new Set<Promise<void>>();

  function connectNow(): void {
    if (!running || attempt) return;
    retryTimer?.cancel();
    retryTimer = undefined;
    const link = createLink();
    attempt = link.client.open().then(
      (socket) => {
        attempt = undefined;
        if (!running) return void closeLink(link);
        opened(link, socket);
      },
      (error: unknown) => {
        attempt = undefined;
        void closeLink(link);
        if (running) failed(error);
      },
    );
  }

  function createLink(): Link {
    const link: Link = { client: undefined as unknown as YicibanStreamClient, lastSeen: elapsed(), draining: false, timers: [] };
    link.client = new YicibanStreamClient({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      apiBase: options.apiBase,
      onFrame: (frame) => onFrame(link, frame),
      onBadFrame: (reason, sample) => log.warn({ reason, sample }, 'dropped a malformed Stream frame'),
    });
    // Registered before connecting: subscriptions are sent with the gateway call only (§1.1).
    const listener = (frame: DWClientDownStream) => {
      // Stopping: a new push is left unacknowledged, so DingTalk hands it to another connection or redelivers it.
      if (!running) return;
      const handled = onCallback(frame, (messageId) => link.client.ack(messageId))
        .catch((error: unknown) => log.error({ err: error }, 'callback processing failed'))
        .finally(() => handling.delete(handled));
      handling.add(handled);
    };
    link.client.registerCallbackListener(ROBOT_MESSAGE_TOPIC, listener);
    link.client.registerCallbackListener(CARD_CALLBACK_TOPIC, listener);
    // EVENT frames are ACKed by the SDK with this listener's return value: it must stay synchronous (§1.4).
    link.client.registerAllEventListener((frame) => {
      log.debug({ eventType: frame.headers.eventType }, 'Stream event ignored');
      return { status: EventAck.SUCCESS };
    });
    links.add(link);
    return link;
  }

  function opened(link: Link, socket: WebSocket): void {
    link.socket = socket;
    link.lastSeen = elapsed();
    const previous = current;
    current = link;
    rejectedLogged = false;
    socket.on('close', () => closed(link));
    socket.on('pong', () => {
      link.lastSeen = elapsed();
      log.debug('Stream keep-alive answered');
    });
    socket.on('ping', () => (link.lastSeen = elapsed()));
    link.timers.push(clock.setTimeout(() => (failures = 0), healthyAfterMs));
    armWatch(link);
    if (previous && previous !== link) {
      // Make-before-break: the old socket keeps serving in-flight ACKs until DingTalk closes it.
      previous.draining = true;
      previous.timers.push(clock.setTimeout(() => void closeLink(previous), drainMs));
    }
    log.info({ handover: Boolean(previous) }, 'Stream connected');
  }

  // One timer at a time, re-armed after each look (the clock has no interval).
  function armWatch(link: Link): void {
    const timer = clock.setTimeout(() => {
      link.timers = link.timers.filter((t) => t !== timer);
      watch(link);
      if (links.has(link)) armWatch(link); // a closed link left `links`: no timer outlives it
    }, watchEveryMs);
    link.timers.push(timer);
  }

  function watch(link: Link): void {
    if (link.draining || !link.socket) return;
    link.lastSeen = Math.min(link.lastSeen, elapsed());
    const quiet = elapsed() - link.lastSeen;
    if (quiet > watchdogMs) {
      log.warn({ quietMs: Math.round(quiet) }, 'Stream connection silent; reconnecting');
      link.socket.terminate();
    } else if (quiet > watchdogMs / 3 && link.socket.readyState === 1) {
      // Our own keep-alive: a quiet but healthy connection answers with a pong.
      log.debug({ quietMs: Math.round(quiet) }, 'Stream quiet; keep-alive ping sent');
      link.socket.ping();
    }
  }

  function onFrame(link: Link, frame: DWClientDownStream): void {
    link.lastSeen = elapsed();
    if (frame.type === 'SYSTEM' && frame.headers.topic === 'disconnect' && link === current && !link.draining) {
      log.info({ data: frame.data }, 'DingTalk asked to reconnect; opening the new connection first');
      link.draining = true;
      failures = 0;
      connectNow();
    }
  }

  function closed(link: Link): void {
    clearTimers(link);
    links.delete(link);
    if (link !== current) return;
    current = undefined;
    if (!running) return;
    log.warn('Stream connection closed; reconnecting');
    scheduleRetry();
  }

  function failed(error: unknown): void {
    const rejected = error instanceof ExternalError && !error.retryable;
    if (rejected && !rejectedLogged) {
      rejectedLogged = true;
      log.error({ err: error }, `${(error as Error).message}. Retrying every ${Math.round(maxMs / 1000)} s.`);
    } else if (!rejected) {
      log.warn({ err: error, failures: failures + 1 }, 'Stream connect attempt failed');
    }
    // A draining connection still serves until DingTalk closes it; its close schedules the retry then.
    if (current && !current.draining) return;
    scheduleRetry(rejected ? maxMs : undefined);
  }

  function scheduleRetry(fixedDelay?: number): void {
    if (!running || attempt || retryTimer) return;
    const delay = fixedDelay ?? backoffDelay(backoff, failures, random);
    failures += 1;
    retryTimer = clock.setTimeout(() => {
      retryTimer = undefined;
      connectNow();
    }, delay);
  }

  function clearTimers(link: Link): void {
    for (const timer of link.timers) timer.cancel();
    link.timers = [];
  }

  function closeLink(link: Link): Promise<void> {
    clearTimers(link);
    const socket = link.client.webSocket;
    if (!socket || socket.readyState === 3) {
      links.delete(link);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      // Real time: this bounds real I/O (a peer that never completes the close handshake).
      const force = setTimeout(() => socket.terminate(), 1_000);
      socket.once('close', () => {
        clearTimeout(force);
        links.delete(link);
        resolve();
      });
      link.client.disconnect();
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      failures = 0;
      connectNow();
    },
    // Stop taking pushes, let the ones being handled commit and ACK, then close the sockets.
    async stop() {
      running = false;
      retryTimer?.cancel();
      retryTimer = undefined;
      await attempt;
      await Promise.allSettled([...handling]);
      current = undefined;
      await Promise.all([...links].map(closeLink));
    },
    state() {
      if (!running) return 'stopped';
      return current?.socket?.readyState === 1 ? 'connected' : 'connecting';
    },
  };
}
