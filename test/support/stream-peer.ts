// A minimal raw-WebSocket stream client for the simulator's own tests (deliberately not the SDK).
import { WebSocket } from 'ws';
import { waitFor } from './wait.js';

export interface ReceivedFrame {
  specVersion?: string;
  type: 'SYSTEM' | 'EVENT' | 'CALLBACK';
  // messageId is absent only on SYSTEM disconnect frames.
  headers: Record<string, string> & { topic: string; messageId: string; time: string };
  data: string;
}

export interface PeerOptions {
  clientId?: string;
  clientSecret?: string;
  subscriptions?: Array<{ type: string; topic: string }>;
  /** Echo SYSTEM pings as the SDKs do (default true). */
  answerPings?: boolean;
}

export const DEFAULT_SUBSCRIPTIONS = [
  { type: 'EVENT', topic: '*' },
  { type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
  { type: 'CALLBACK', topic: '/v1.0/card/instances/callback' },
];

/** POSTs the gateway open call and returns status + parsed body. */
export async function openGateway(baseUrl: string, options: PeerOptions = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}/v1.0/gateway/connections/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      clientId: options.clientId ?? 'sandbox-client-id',
      clientSecret: options.clientSecret ?? 'sandbox-client-secret',
      subscriptions: options.subscriptions ?? DEFAULT_SUBSCRIPTIONS,
      ua: 'stream-peer/test',
    }),
  });
  return { status: res.status, body: await res.json() };
}

/** One connected stream client that records every frame it receives. */
export class StreamPeer {
  readonly frames: ReceivedFrame[] = [];
  readonly closed: Promise<number>;
  private waiters: Array<{ match: (f: ReceivedFrame) => boolean; resolve: (f: ReceivedFrame) => void }> = [];

  constructor(
    readonly ws: WebSocket,
    answerPings: boolean,
  ) {
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => {});
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as ReceivedFrame;
      this.frames.push(frame);
      if (answerPings && frame.type === 'SYSTEM' && frame.headers.topic === 'ping') {
        // Node SDK 2.1.5 echoes every request header; the simulator must accept that.
        ws.send(JSON.stringify({ code: 200, headers: frame.headers, message: 'OK', data: frame.data }));
      }
      for (const waiter of [...this.waiters]) {
        if (waiter.match(frame)) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(frame);
        }
      }
    });
  }

  /** Sends an ACK frame (§1.4) with `data` JSON-stringified. */
  ack(messageId: string, data: unknown, code = 200): void {
    this.ws.send(
      JSON.stringify({ code, headers: { contentType: 'application/json', messageId }, message: 'OK', data: JSON.stringify(data) }),
    );
  }

  /** Resolves with the first received frame (past or future) that matches. */
  next(match: (f: ReceivedFrame) => boolean, timeoutMs = 2000, skip = 0): Promise<ReceivedFrame> {
    const already = this.frames.filter(match)[skip];
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs); // real time: bound on socket I/O
      let seen = this.frames.filter(match).length;
      this.waiters.push({
        match: (f) => match(f) && seen++ >= skip,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  close(): Promise<number> {
    this.ws.terminate();
    return this.closed;
  }
}

/** Gateway call + WebSocket connect; rejects when the upgrade is refused. */
export async function connectPeer(baseUrl: string, options: PeerOptions = {}): Promise<StreamPeer> {
  const { status, body } = await openGateway(baseUrl, options);
  if (status !== 200) throw new Error(`gateway answered ${status}: ${JSON.stringify(body)}`);
  return connectWithTicket(`${body.endpoint}?ticket=${body.ticket}`, options.answerPings ?? true);
}

/** Opens a WebSocket to a full /connect URL. */
export function connectWithTicket(url: string, answerPings = true): Promise<StreamPeer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', () => {});
    ws.once('open', () => resolve(new StreamPeer(ws, answerPings)));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** Waits until `check()` is true (polling), for effects that happen on the simulator side. */
export async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  await waitFor(check, { timeoutMs, intervalMs: 5, what: 'condition not met in time' });
}

/** Plain HTTP helper for the simulator's OpenAPI tests: JSON in, status + parsed body out. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed };
}

/** Fetches an app token the new-API way and returns the header to send with it. */
export async function authHeader(baseUrl: string): Promise<Record<string, string>> {
  const { body } = await call(baseUrl, 'POST', '/v1.0/oauth2/accessToken', {
    appKey: 'sandbox-client-id',
    appSecret: 'sandbox-client-secret',
  });
  return { 'x-acs-dingtalk-access-token': body.accessToken };
}
