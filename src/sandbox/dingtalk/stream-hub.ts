// The Stream WebSocket side (§1.2–1.6): ticket check at upgrade, routing pushes, pings, ACKs, socket faults.
import type { Timer } from '../../clock.js';
import { flatHeaders } from '../http.js';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { Deliveries, type Delivery } from './deliveries.js';
import { buildFrame, parseAck, type FrameType } from './frames.js';
import type { Subscription, TicketBook } from './gateway.js';
import { newMessageId, randomUUID } from './ids.js';
import type { Faults } from './faults.js';
import type { Recorder } from './recorder.js';
import type { SimConfig } from './sim-config.js';

interface Connection {
  id: string;
  ws: WebSocket;
  subscriptions: Subscription[];
  /** Still open but told to go away (SYSTEM disconnect): gets no new pushes. */
  draining: boolean;
  /** Stalled: nothing is written to it, not even pongs. */
  silenced: boolean;
}

/** Accepts stream sockets and routes every push to one random subscribed connection. */
export class StreamHub {
  readonly deliveries: Deliveries;
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private readonly connections = new Map<string, Connection>();
  private readonly pings = new Map<string, { connectionId: string; opaque: string }>();
  private readonly timers = new Set<Timer>();
  private pingTimer?: Timer;

  constructor(
    private readonly config: SimConfig,
    private readonly recorder: Recorder,
    private readonly tickets: TicketBook,
    private readonly faults: Faults,
  ) {
    this.deliveries = new Deliveries(config, (delivery, messageId) => this.sendBusiness(delivery, messageId));
    if (config.pingIntervalMs > 0) {
      const ping = () => {
        this.pingAll();
        this.pingTimer = config.clock.setTimeout(ping, config.pingIntervalMs);
      };
      this.pingTimer = config.clock.setTimeout(ping, config.pingIntervalMs);
    }
  }

  /** HTTP upgrade on /connect?ticket=…: a bad, used or expired ticket is refused with HTTP 401. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = (status: number) =>
      this.recorder.call({
        at: this.config.now(),
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: flatHeaders(req.headers),
        body: '',
        status,
        response: status === 101 ? 'Switching Protocols' : 'refused',
      });
    socket.on('error', () => socket.destroy());
    if (url.pathname !== '/connect') return refuse(socket, 404, 'Not Found', record);
    // failNext(n, {pathPrefix: '/connect'}) refuses handshakes (beware: SDK 2.1.5 then storms, §1.7).
    const fault = this.faults.take(url.pathname);
    if (fault) return refuse(socket, fault.status, 'Injected Failure', record);
    // URLSearchParams decodes a URL-encoded ticket (PY SDK) and leaves a raw UUID (Node SDK) as is.
    const subscriptions = this.tickets.redeem(url.searchParams.get('ticket') ?? '');
    if (!subscriptions) return refuse(socket, 401, 'Unauthorized', record);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      record(101);
      this.accept(ws, subscriptions);
    });
  }

  /** Starts a tracked business push (robot message, card click, event). */
  push(input: Pick<Delivery, 'type' | 'topic' | 'data' | 'extraHeaders' | 'redeliver' | 'queueWhenOffline'>): Delivery {
    return this.deliveries.start(input);
  }

  connectionCount(): number {
    return this.connections.size;
  }

  /** Writes `text` as it is to every open socket: a malformed or hostile frame, for robustness tests. */
  sendRaw(text: string): number {
    const open = [...this.connections.values()].filter((c) => c.ws.readyState === WebSocket.OPEN);
    for (const connection of open) connection.ws.send(text);
    return open.length;
  }

  /** Abrupt loss: every socket is destroyed without a close frame. */
  cutSockets(): void {
    for (const connection of this.connections.values()) connection.ws.terminate();
  }

  /** SYSTEM disconnect to every socket, then close each one `closeAfterMs` later (DingTalk: ~10 s). */
  sendDisconnect(closeAfterMs = 10_000): void {
    for (const connection of this.connections.values()) {
      if (connection.draining) continue;
      connection.draining = true;
      // The documented disconnect frame carries no messageId.
      this.write(connection, 'SYSTEM', 'disconnect', undefined, { reason: 'connection is expired' });
      const timer = this.config.clock.setTimeout(() => {
        this.timers.delete(timer);
        connection.ws.close(1000, 'connection is expired');
      }, closeAfterMs);
      this.timers.add(timer);
    }
  }

  /** Stalls (or revives) the sockets open right now; sockets opened later are healthy. */
  silence(on: boolean): void {
    for (const connection of this.connections.values()) connection.silenced = on;
    if (!on) this.deliveries.flush();
  }

  close(): void {
    this.pingTimer?.cancel();
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    this.deliveries.close();
    for (const connection of this.connections.values()) connection.ws.terminate();
    this.connections.clear();
    this.wss.close();
  }

  private accept(ws: WebSocket, subscriptions: Subscription[]): void {
    const connection: Connection = { id: randomUUID(), ws, subscriptions, draining: false, silenced: false };
    this.connections.set(connection.id, connection);
    ws.on('error', (error) => this.config.log(`stream socket error: ${error.message}`));
    ws.on('ping', (data) => {
      if (!connection.silenced) ws.pong(data);
    });
    ws.on('message', (raw) => this.onMessage(connection, raw.toString()));
    ws.on('close', (code) => {
      this.connections.delete(connection.id);
      this.config.log(`stream connection ${connection.id} closed (${code})`);
      this.recorder.events.emit('disconnect', { connectionId: connection.id, code });
    });
    this.config.log(`stream connection ${connection.id} opened (${subscriptions.map((s) => s.topic).join(', ')})`);
    this.recorder.events.emit('connection', { connectionId: connection.id, subscriptions });
    this.deliveries.flush();
  }

  private onMessage(connection: Connection, text: string): void {
    const ack = parseAck(text);
    if (!ack) {
      this.config.log(`ignored a stream frame that is not an ACK: ${text.slice(0, 200)}`);
      return;
    }
    const ping = this.pings.get(ack.messageId);
    if (ping) this.pings.delete(ack.messageId);
    const delivery = ping ? undefined : this.deliveries.acknowledge(ack);
    this.recorder.ack({
      at: this.config.now(),
      messageId: ack.messageId,
      code: ack.code,
      data: ack.data,
      topic: ping ? 'ping' : delivery?.topic,
      connectionId: connection.id,
    });
  }

  private sendBusiness(delivery: Delivery, messageId: string): boolean {
    const eligible = [...this.connections.values()].filter(
      (c) => !c.draining && !c.silenced && c.ws.readyState === WebSocket.OPEN && subscribed(c, delivery),
    );
    // Several connections with one clientId: DingTalk picks one at random per push, no fan-out.
    const target = eligible[Math.floor(Math.random() * eligible.length)];
    if (!target) return false;
    this.write(target, delivery.type, delivery.topic, messageId, delivery.data, delivery.extraHeaders);
    return true;
  }

  private pingAll(): void {
    for (const connection of this.connections.values()) {
      if (connection.silenced || connection.ws.readyState !== WebSocket.OPEN) continue;
      const messageId = newMessageId(this.config.now());
      const opaque = randomUUID();
      this.pings.set(messageId, { connectionId: connection.id, opaque });
      this.write(connection, 'SYSTEM', 'ping', messageId, { opaque });
    }
    if (this.pings.size > 1000) this.pings.clear();
  }

  private write(
    connection: Connection,
    type: FrameType,
    topic: string,
    messageId: string | undefined,
    data: unknown,
    extraHeaders?: Record<string, string>,
  ): void {
    if (connection.silenced || connection.ws.readyState !== WebSocket.OPEN) return;
    const now = this.config.now();
    const business = type !== 'SYSTEM';
    const frame = buildFrame({
      type,
      topic,
      messageId,
      data,
      now,
      extraHeaders,
      connectionId: connection.id,
      appId: business ? this.config.appId : undefined,
    });
    connection.ws.send(JSON.stringify(frame));
    this.recorder.frame({ at: now, messageId: messageId ?? '', type, topic, data, connectionId: connection.id });
  }
}

function subscribed(connection: Connection, delivery: Delivery): boolean {
  return connection.subscriptions.some((s) =>
    delivery.type === 'EVENT' ? s.type === 'EVENT' : s.type === 'CALLBACK' && s.topic === delivery.topic,
  );
}

function refuse(socket: Duplex, status: number, text: string, record: (status: number) => void): void {
  record(status);
  const body = JSON.stringify({ code: status === 401 ? 'invalidTicket' : status === 404 ? 'notFound' : 'injectedFailure', message: text });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
