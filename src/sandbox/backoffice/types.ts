// The simulated back office as its users (tests, the sandbox panel) see it.
import type { EventEmitter } from 'node:events';
import type { BackofficeEvent, SubmissionBody, SupplementBody, WithdrawBody } from '../../backoffice/protocol.js';
import type { DeliveryResult, MissingItem } from '../../domain/types.js';
import type { RecordedCall, Received } from './api.js';
import type { SimCase } from './case-book.js';

/** A webhook the simulator posted and the bot's answer. */
export interface WebhookDelivery {
  event: BackofficeEvent;
  status: number;
  body: unknown;
}

export type EventInput = Partial<BackofficeEvent> & { applicationId: string } & Record<string, unknown>;

export interface BackofficeSimulator {
  baseUrl: string;
  port: number;
  submissions: Map<string, Received<SubmissionBody>>;
  withdrawals: Map<string, Received<WithdrawBody>>;
  supplements: (Received<SupplementBody> & { applicationId: string })[];
  /** Every API request (not the /sim panel), including the rejected ones. */
  calls: RecordedCall[];
  /** 'submission', 'withdrawal', 'supplement' (the received item) and 'webhook' (a WebhookDelivery). */
  events: EventEmitter;
  setWebhookUrl(url: string): void;
  /** The next `count` API calls answer `status` (default 503) without being processed. */
  failNext(count: number, status?: number): void;
  setLatency(ms: number): void;
  /** Stops listening (connections are refused) until resume(), which listens on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  accept(id: string, comment?: string): Promise<WebhookDelivery>;
  notAccept(id: string, reason: string): Promise<WebhookDelivery>;
  decide(id: string, department: string, decision: 'approved' | 'rejected', comment?: string): Promise<WebhookDelivery>;
  requireSupplement(id: string, missing: MissingItem[], department?: string): Promise<WebhookDelivery>;
  complete(id: string, comment?: string): Promise<WebhookDelivery>;
  /** `waivedTolerance`: deliver although a 容缺 promise is still open (the bot refuses otherwise). */
  deliver(id: string, result?: DeliveryResult, waivedTolerance?: boolean): Promise<WebhookDelivery>;
  /** Signs and posts any event (eventId and at are filled in); `secret`/`timestamp` override for negative tests. */
  sendEvent(partial: EventInput, options?: { secret?: string; timestamp?: number }): Promise<WebhookDelivery>;
  /** Open cases (not yet finally decided), newest first. */
  pending(): SimCase[];
  /** Every case, newest first. */
  cases(): SimCase[];
  close(): Promise<void>;
}

/** Starts the simulator on 127.0.0.1 (port 0 = a free port). */
