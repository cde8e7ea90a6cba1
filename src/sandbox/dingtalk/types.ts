// Public types of the embedded DingTalk simulator (shapes follow /work/shared/dingtalk-protocol.md).
import type { Clock } from '../../clock.js';
import type { EventEmitter } from 'node:events';
import type { SandboxOrg } from './org.js';

/** Options of `startDingTalkSimulator`; every field has a default. */
export interface SimOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  robotCode?: string;
  cardTemplateIds?: string[];
  qps?: number;
  redeliverAfterMs?: number;
  maxRedeliveries?: number;
  pingIntervalMs?: number;
  ticketTtlMs?: number;
  sessionWebhookTtlMs?: number;
  cardCallbackTimeoutMs?: number;
  tokenTtlSec?: number;
  org?: SandboxOrg;
  corpId?: string;
  /** Time of the simulator: timestamps, expiries and its redelivery and ping timers (default: real time). */
  clock?: Clock;
  log?: (line: string) => void;
  /** Largest UTF-8 size of one cardParamMap value (DingTalk documents 1 KB). */
  cardValueMaxBytes?: number;
  /** Oldest entries of calls/frames/acks are dropped beyond this many (long sandbox runs). */
  recordLimit?: number;
}

/** One HTTP request the simulator answered (including WebSocket upgrades). */
export interface RecordedCall {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  response: unknown;
}

/** One ACK frame received from a client. */
export interface RecordedAck {
  at: number;
  messageId: string;
  code: number;
  data: unknown;
  topic?: string;
  connectionId: string;
}

/** One frame the simulator wrote to a socket. */
export interface PushedFrame {
  at: number;
  messageId: string;
  type: 'SYSTEM' | 'EVENT' | 'CALLBACK';
  topic: string;
  data: unknown;
  connectionId: string;
}

/** Current state of one card-platform card instance. */
export interface SimCard {
  outTrackId: string;
  templateId: string;
  cardData: Record<string, string>;
  privateData: Record<string, Record<string, string>>;
  openSpaceIds: string[];
  callbackType?: string;
  version: number;
  history: Array<Record<string, string>>;
}

export type BotOutputVia = 'sessionWebhook' | 'oToMessages' | 'groupMessages' | 'card.create' | 'card.update' | 'workNotice';

/** A message or card the bot sent or changed, in one shape for tests and the web chat. */
export interface BotOutput {
  at: number;
  via: BotOutputVia;
  conversationId?: string;
  userIds?: string[];
  msgKey?: string;
  msgtype?: string;
  content: unknown;
  outTrackId?: string;
  processQueryKey?: string;
}

export type InjectConversation = { type: 'single' } | { type: 'group'; id: string; title?: string; atBot?: boolean };

/** A message a user sends to the bot. */
export interface InjectMessage {
  userId: string;
  text?: string;
  msgtype?: 'text' | 'picture' | 'file' | 'richText' | 'audio' | 'video';
  content?: unknown;
  fileName?: string;
  /** Bytes behind the minted downloadCode (picture/file/audio/video); a small sample when absent. */
  bytes?: Uint8Array | string;
  conversation?: InjectConversation;
  msgId?: string;
}

export interface InjectResult {
  msgId: string;
  messageId: string;
  conversationId: string;
}

export interface ClickInput {
  outTrackId: string;
  userId: string;
  actionId?: string;
  params: Record<string, string>;
}

export interface ClickResult {
  acked: boolean;
  response?: unknown;
  timedOut: boolean;
  /** false when the card has no STREAM callback (DingTalk then delivers nothing). */
  delivered: boolean;
}

export interface FailureSpec {
  status: number;
  body?: unknown;
  pathPrefix?: string;
}

/** The running simulator: drive the bot, observe what it did, inject faults. */
export interface DingTalkSimulator {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly robotCode: string;
  readonly corpId: string;
  readonly org: SandboxOrg;
  readonly events: EventEmitter;
  injectMessage(input: InjectMessage): InjectResult;
  clickCard(input: ClickInput): Promise<ClickResult>;
  pushEvent(eventType: string, data: unknown): { messageId: string };
  redeliver(messageId: string, opts?: { sameMessageId?: boolean }): void;
  /** Writes a raw frame (any text, not tracked or re-pushed) to every connected socket; returns how many. */
  pushRaw(text: string): number;
  readonly calls: RecordedCall[];
  readonly acks: RecordedAck[];
  readonly frames: PushedFrame[];
  readonly cards: Map<string, SimCard>;
  botOutput(filter?: { userId?: string; conversationId?: string }): BotOutput[];
  gatewayOpens(): number;
  connectionCount(): number;
  /** Stores bytes and returns a downloadCode served by `/v1.0/robot/messageFiles/download`. */
  registerFile(bytes: Uint8Array | string, fileName?: string): string;
  /** Mints a single-use 5-minute code for `/topapi/v2/user/getuserinfo` (the console's fake `dd.requestAuthCode`). */
  mintAuthCode(userId: string): string;
  /**
   * How many one-to-one messages each person received (oToMessages, or work notifications with `via`), counting only those whose content
   * `match` accepts; for exactly-once checks of notices.
   */
  deliveryCounts(match?: (content: unknown) => boolean, via?: 'oToMessages' | 'workNotice'): Map<string, number>;
  /** processQueryKeys of the one-to-one messages sent so far (to mark some read). */
  sentKeys(): string[];
  /** Marks a batchSend/group message as read by these users (for read-status queries). */
  markRead(processQueryKey: string, userIds: string[]): void;
  cutSockets(): void;
  sendDisconnect(opts?: { closeAfterMs?: number }): void;
  silence(on: boolean): void;
  failNext(n: number, failure: FailureSpec): void;
  flowControl(userIds: string[], times: number): void;
  setQps(qps: number): void;
  expireSessionWebhooks(): void;
  /** Makes every issued access token invalid now (the bot must fetch a new one). */
  expireTokens(): void;
  close(): Promise<void>;
}
