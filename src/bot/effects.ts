// Side effects as data (STYLE.md "Side effects are data"): handlers return these, the bot commits them
// as outbox jobs in the same store write as the state change, and the outbox delivers them.
import type { Card } from '../../cards/card.js';
import type { SessionWebhook } from './inbound.js';

/** Where a message goes. */
export type Target =
  /** One-to-one chat between the bot and a user (IM_ROBOT space / oToMessages). */
  | { kind: 'user'; userId: string }
  /** A group conversation (IM_GROUP space / groupMessages). */
  | { kind: 'group'; conversationId: string };

export interface OutboundMessage {
  card?: Card;
  /** Plain text (escaped for markdown by the renderer). */
  text?: string;
  /** outTrackId for a card that will be updated in place later. */
  cardId?: string;
  /** Users to @-mention in a group. */
  atUserIds?: string[];
}

export type Effect =
  | { type: 'send'; to: Target; message: OutboundMessage; sessionWebhook?: SessionWebhook }
  | { type: 'card.update'; cardId: string; card: Card; to: Target }
  | { type: 'backoffice'; call: 'submit' | 'withdraw' | 'supplement'; applicationId: string; payload: unknown }
  /** Comes back as a `timer` event at `at` (epoch ms). */
  | { type: 'timer'; name: string; key: string; at: number; payload: unknown }
  /** Starts sending a stored notice: its audience is resolved, then its batches go out (src/broadcast). */
  | { type: 'broadcast'; noticeId: string };
