// The web chat's memory: every conversation as people see it — their own messages (recorded when the page
// sends them) and what the bot sent (from the simulator's 'bot-output' events). Cards are kept once per
// conversation and replaced when the bot updates them, so the page can re-render them in place.
import { EventEmitter } from 'node:events';
import type { BotOutput, DingTalkSimulator } from '../dingtalk/index.js';
import { singleConversationId } from '../dingtalk/index.js';
import { fromRobot, fromWebhook, type ChatMessage } from './bot-message.js';

/** A file a person sent, as the page links to it. */
export interface ChatAttachment {
  kind: 'picture' | 'file';
  fileName: string;
  size: number;
  url: string;
}

interface Base {
  seq: number;
  at: number;
  conversationId: string;
}

/** Something a person said in a conversation. */
export interface UserEntry extends Base {
  kind: 'user';
  userId: string;
  name: string;
  text?: string;
  attachment?: ChatAttachment;
  /** Group messages reach the bot only when they @ it. */
  delivered: boolean;
}

/** A text / markdown / actionCard message from the bot. */
export interface BotEntry extends Base {
  kind: 'bot';
  message: ChatMessage;
}

/** A card-platform card: the template variables, per-user private data and the update count. */
export interface CardEntry extends Base {
  kind: 'card';
  outTrackId: string;
  cardData: Record<string, string>;
  privateData: Record<string, Record<string, string>>;
  version: number;
  updatedAt: number;
}

export type ChatEntry = UserEntry | BotEntry | CardEntry;

/** What one viewer sees of an entry: cards carry their data merged with the viewer's private data. */
export type EntryView = UserEntry | BotEntry | (Omit<CardEntry, 'privateData' | 'cardData'> & { data: Record<string, string> });

/** A change the live feed passes on: a new entry, or a card updated in place. */
export interface TranscriptChange {
  type: 'entry' | 'card';
  entry: ChatEntry;
}

const MAX_PER_CONVERSATION = 400;

/** Per-conversation transcript fed by the DingTalk simulator; emits 'change' (TranscriptChange). */
export class Transcript {
  readonly events = new EventEmitter();
  #seq = 0;
  readonly #conversations = new Map<string, ChatEntry[]>();
  readonly #onOutput = (output: BotOutput) => this.#botOutput(output);

  constructor(
    private readonly dingtalk: Pick<DingTalkSimulator, 'events'>,
    private readonly now: () => number = Date.now,
  ) {
    // One listener per open page; a busy sandbox has more than Node's default of ten.
    this.events.setMaxListeners(0);
    dingtalk.events.on('bot-output', this.#onOutput);
  }

  /** Records a message a person sent through the page. */
  addUser(input: Omit<UserEntry, 'seq' | 'at' | 'kind'>): UserEntry {
    const entry: UserEntry = { ...input, kind: 'user', seq: this.#next(), at: this.now() };
    this.#append(entry);
    return entry;
  }

  /** The conversation's entries in order. */
  history(conversationId: string): ChatEntry[] {
    return [...(this.#conversations.get(conversationId) ?? [])];
  }

  clear(): void {
    this.#conversations.clear();
  }

  close(): void {
    this.dingtalk.events.off('bot-output', this.#onOutput);
    this.events.removeAllListeners();
  }

  #next(): number {
    this.#seq += 1;
    return this.#seq;
  }

  #append(entry: ChatEntry): void {
    const list = this.#conversations.get(entry.conversationId) ?? [];
    list.push(entry);
    if (list.length > MAX_PER_CONVERSATION) list.splice(0, list.length - MAX_PER_CONVERSATION);
    this.#conversations.set(entry.conversationId, list);
    this.events.emit('change', { type: 'entry', entry } satisfies TranscriptChange);
  }

  #botOutput(output: BotOutput): void {
    // A batchSend to several people has no conversationId: it lands in each one's single chat.
    const conversations = output.conversationId ? [output.conversationId] : (output.userIds ?? []).map(singleConversationId);
    for (const conversationId of conversations) {
      if (output.via === 'card.create' || output.via === 'card.update') this.#card(conversationId, output);
      else this.#message(conversationId, output);
    }
  }

  #message(conversationId: string, output: BotOutput): void {
    const message =
      output.via === 'sessionWebhook' ? fromWebhook(output.msgtype, output.content) : fromRobot(output.msgKey, output.content);
    if (!message) return;
    this.#append({ kind: 'bot', seq: this.#next(), at: output.at, conversationId, message });
  }

  #card(conversationId: string, output: BotOutput): void {
    const content = (output.content ?? {}) as {
      cardData?: Record<string, string>;
      privateData?: Record<string, Record<string, string>>;
      version?: number;
    };
    const outTrackId = output.outTrackId ?? '';
    const existing = this.#conversations.get(conversationId)?.find((e): e is CardEntry => e.kind === 'card' && e.outTrackId === outTrackId);
    const data = { cardData: content.cardData ?? {}, privateData: content.privateData ?? {}, version: content.version ?? 1 };
    if (!existing) {
      this.#append({ kind: 'card', seq: this.#next(), at: output.at, conversationId, outTrackId, ...data, updatedAt: output.at });
      return;
    }
    // Updates can be recorded out of order (a click response and an API update racing): keep the newest.
    if (data.version < existing.version) return;
    Object.assign(existing, data, { updatedAt: output.at });
    this.events.emit('change', { type: 'card', entry: existing } satisfies TranscriptChange);
  }
}

/** The entry as `viewerId` sees it (private card data merged over the shared data). */
export function viewOf(entry: ChatEntry, viewerId: string): EntryView {
  if (entry.kind !== 'card') return entry;
  const { privateData, cardData, ...rest } = entry;
  return { ...rest, data: { ...cardData, ...(privateData[viewerId] ?? {}) } };
}
