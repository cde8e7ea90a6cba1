// Everything that depends on dingtalk-stream@2.1.5's internals lives here; test/dingtalk/sdk-contract.test.ts
// fails loudly when an SDK upgrade breaks one of these assumptions.
// - 2.1.5 hard-codes the gateway URL (https://api.dingtalk.com), so getEndpoint() is overridden to honour
//   DINGTALK_API_BASE (protocol §1.8 option A) and sets the private `dw_url` that `_connect()` dials.
// - 2.1.5's own reconnect logic storms (§1.7) and its keep-alive timer leaks (§1.6): the client is built with
//   autoReconnect and keepAlive off; src/dingtalk/stream.ts owns the lifecycle.
// - 2.1.5's onDownStream() throws on bad JSON or missing headers inside the socket's message handler, which
//   would crash the process; the override validates first and drops what it cannot handle.
import { DWClient, EventAck, type DWClientDownStream } from 'dingtalk-stream';
import type { WebSocket } from 'ws';
import { ExternalError } from '../errors.js';
import { requestJson } from './openapi-request.js';

/** Re-exported so only this file imports the SDK. */
export { EventAck, type DWClientDownStream };

/** The SDK version whose internals this file relies on. */
export const SUPPORTED_SDK_VERSION = '2.1.5';

/** Credentials, gateway base and frame hooks of one connection. */
export interface StreamClientOptions {
  clientId: string;
  clientSecret: string;
  apiBase: string;
  ua?: string;
  timeoutMs?: number;
  /** Every well-formed frame, before the SDK handles it (liveness, SYSTEM disconnect). */
  onFrame?: (frame: DWClientDownStream) => void;
  /** A frame that was dropped instead of being handed to the SDK. */
  onBadFrame?: (reason: string, sample: string) => void;
}

const FRAME_TYPES = new Set(['SYSTEM', 'EVENT', 'CALLBACK']);

/** One Stream connection: the SDK's frame handling (ping echo, EVENT ACKs, CALLBACK dispatch) on our gateway call. */
export class YicibanStreamClient extends DWClient {
  constructor(private readonly options: StreamClientOptions) {
    // An own subscriptions array: the SDK's default one is a shared module-level object that
    // registerCallbackListener() would otherwise mutate for every client in the process.
    super({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      ua: options.ua ?? 'yiciban/0.1 dingtalk-sdk-nodejs/2.1.5',
      keepAlive: false,
      autoReconnect: false,
      subscriptions: [{ type: 'EVENT', topic: '*' }],
    } as ConstructorParameters<typeof DWClient>[0]);
  }

  /** Registers at `{apiBase}/v1.0/gateway/connections/open` and sets the WebSocket URL (single-use ticket). */
  override async getEndpoint(): Promise<this> {
    const { clientId, clientSecret, ua, subscriptions } = this.config;
    const { status, body } = await requestJson(
      `${this.options.apiBase}/v1.0/gateway/connections/open`,
      // Without Accept: application/json the real gateway answers XML (comment in the SDK source).
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: { clientId, clientSecret, ua, subscriptions },
      },
      'gateway/connections/open',
      this.options.timeoutMs ?? 10_000,
    );
    const answer = (body ?? {}) as { endpoint?: unknown; ticket?: unknown; code?: string; message?: string };
    if (status === 401 || status === 400) {
      throw new ExternalError(
        'dingtalk',
        `DingTalk rejected the client id/secret when opening the Stream connection (HTTP ${status} ${answer.code ?? ''} ${answer.message ?? ''}); check DINGTALK_CLIENT_ID/DINGTALK_CLIENT_SECRET`,
        { status, code: answer.code, retryable: false },
      );
    }
    if (status !== 200 || typeof answer.endpoint !== 'string' || typeof answer.ticket !== 'string') {
      throw new ExternalError('dingtalk', `DingTalk gateway answered HTTP ${status} without endpoint/ticket`, {
        status,
        code: answer.code,
        retryable: true,
      });
    }
    (this as unknown as { dw_url: string }).dw_url = `${answer.endpoint}?ticket=${encodeURIComponent(answer.ticket)}`;
    return this;
  }

  /** Gateway call + WebSocket handshake; resolves with the open socket. */
  async open(): Promise<WebSocket> {
    await this.getEndpoint();
    try {
      await this._connect();
    } catch (cause) {
      throw new ExternalError('dingtalk', `Stream handshake failed: ${(cause as Error)?.message ?? String(cause)}`, {
        retryable: true,
        cause,
      });
    }
    const socket = this.webSocket;
    if (!socket) throw new ExternalError('dingtalk', 'Stream handshake left no socket', { retryable: true });
    return socket;
  }

  /** The SDK's private socket of this connection. */
  get webSocket(): WebSocket | undefined {
    return (this as unknown as { socket?: WebSocket }).socket;
  }

  /** ACKs a CALLBACK push (§1.4); false when the socket is no longer open and the ACK could not be written. */
  ack(messageId: string, response: unknown = {}): boolean {
    if (this.webSocket?.readyState !== 1) return false;
    this.socketCallBackResponse(messageId, response);
    return true;
  }

  /** Validates a raw frame, then lets the SDK handle it; anything that would throw is dropped. */
  override onDownStream(data: string): void {
    const text = String(data);
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return this.drop('frame is not JSON', text);
    }
    const problem = this.problemWith(frame);
    if (problem) return this.drop(problem, text);
    try {
      this.options.onFrame?.(frame as DWClientDownStream);
      super.onDownStream(text);
    } catch (error) {
      this.drop(`frame handling threw: ${(error as Error)?.message ?? String(error)}`, text);
    }
  }

  private problemWith(frame: unknown): string | undefined {
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return 'frame is not an object';
    const { type, headers } = frame as { type?: unknown; headers?: unknown };
    // Never String() an unknown value here: {"type":{"toString":false}} would throw inside the socket handler.
    if (typeof type !== 'string') return `frame type is ${type === null ? 'null' : typeof type}, not a string`;
    if (!FRAME_TYPES.has(type)) return `unknown frame type ${type.slice(0, 50)}`;
    if (typeof headers !== 'object' || headers === null) return 'frame without headers';
    const { topic, messageId } = headers as { topic?: unknown; messageId?: unknown };
    if (typeof topic !== 'string') return 'frame without topic';
    if (type !== 'SYSTEM' && (typeof messageId !== 'string' || messageId === '')) return `${type} frame without messageId`;
    // The SDK emits CALLBACK topics as EventEmitter events: only our registered topics may be emitted
    // (an "error" topic would throw, an unknown one would be dropped silently anyway).
    if (type === 'CALLBACK' && this.listenerCount(topic) === 0) return `unsubscribed callback topic ${topic}`;
    return undefined;
  }

  private drop(reason: string, text: string): void {
    this.options.onBadFrame?.(reason, text.slice(0, 200));
  }
}
