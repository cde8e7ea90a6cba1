// One typed inbound event for everything that reaches the bot (STYLE.md "One dispatch path"):
// robot messages and card clicks from the Stream, status events from the back-office webhook. A new
// source of things that happen (a timer, an admin action) is one more member of the union, not a new path.
import type { BackofficeEvent } from '../backoffice/protocol.js';

export interface Conversation {
  id: string;
  type: 'single' | 'group';
  title?: string;
}

export interface Sender {
  /** DingTalk userId (senderStaffId); never the encrypted senderId. */
  userId: string;
  name: string;
}

export interface Attachment {
  kind: 'picture' | 'file' | 'audio' | 'video';
  downloadCode: string;
  fileName?: string;
}

/** A temporary reply URL handed out with a robot message. */
export interface SessionWebhook {
  url: string;
  expiresAt: number;
}

export interface MessageEvent {
  kind: 'message';
  /** Dedupe id: the robot msgId, falling back to the frame's messageId. */
  id: string;
  conversation: Conversation;
  sender: Sender;
  text: string;
  attachments: Attachment[];
  /** The bot was @-mentioned (always true in single chats). */
  mentioned: boolean;
  sessionWebhook?: SessionWebhook;
  robotCode?: string;
  receivedAt: number;
}

export interface CardActionEvent {
  kind: 'card.action';
  /** Dedupe id derived from the callback identity. */
  id: string;
  conversation: Conversation;
  sender: Sender;
  /** Dotted action id, e.g. `apply.submit`. */
  action: string;
  params: Record<string, string>;
  /** outTrackId of the clicked card. */
  cardId: string;
  receivedAt: number;
}

/** A verified, schema-checked status event from the back office (POST /webhooks/backoffice). */
export interface BackofficeStatusEvent {
  kind: 'backoffice.status';
  /** Dedupe id: `bo:<eventId>`. */
  id: string;
  event: BackofficeEvent;
  receivedAt: number;
}

/**
 * A moment a decision asked for has come (a deadline warning, a digest, a scheduled notice). Timers are
 * outbox jobs due at that moment, so they survive restarts and fire once: a re-run is dropped by dedupe.
 */
export interface TimerEvent {
  kind: 'timer';
  /** Dedupe id: `timer:<key>@<dueAt>`. */
  id: string;
  /** What to do, e.g. `supervision.check`; handlers register by name. */
  name: string;
  payload: unknown;
  dueAt: number;
  receivedAt: number;
}

/**
 * An admin's change through the REST API that must tell people something (e.g. a 差评整改 call-back): it is
 * decided and committed like any other event, so its messages go through the outbox with the state change.
 */
export interface AdminEvent {
  kind: 'admin';
  /** Dedupe id, e.g. `admin:<uuid>`. */
  id: string;
  /** What to do, e.g. `rectification.callback`; handlers register by name. */
  action: string;
  /** Who did it (the admin API's caller). */
  actor: string;
  params: Record<string, string>;
  receivedAt: number;
}

/** What a person does in DingTalk: it has a conversation and a sender. */
export type ChatEvent = MessageEvent | CardActionEvent;

export type InboundEvent = ChatEvent | BackofficeStatusEvent | TimerEvent | AdminEvent;

/** True for the events a person sent through DingTalk. */
export function isChatEvent(event: InboundEvent): event is ChatEvent {
  return event.kind === 'message' || event.kind === 'card.action';
}

/** The inbound form of a timer whose job came due. */
export function timerEvent(timer: TimerJobPayload, receivedAt: number): TimerEvent {
  return { kind: 'timer', id: `timer:${timer.key}@${timer.at}`, name: timer.name, payload: timer.payload, dueAt: timer.at, receivedAt };
}

/** What a `timer` outbox job carries. */
export interface TimerJobPayload {
  name: string;
  /** Names this timer among its kind (e.g. the application id); with `at` it makes the dedupe id. */
  key: string;
  at: number;
  payload: unknown;
}

/** The inbound form of a back-office status event. */
export function backofficeStatusEvent(event: BackofficeEvent, receivedAt: number): BackofficeStatusEvent {
  return { kind: 'backoffice.status', id: `bo:${event.eventId}`, event, receivedAt };
}
