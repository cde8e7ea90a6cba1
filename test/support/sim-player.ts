// A person talking to the bot through the DingTalk simulator: types text, uploads files and clicks card buttons
// as real stream callbacks, then reads what DingTalk would show (cards from the card platform, messages).
import type { BotOutput } from '../../src/sandbox/dingtalk/types.js';
import { waitFor, type Harness } from './harness.js';

export interface ShownCard {
  id: string;
  title: string;
  status: string;
  /** body1…body8, fields and footnote joined: everything readable on the card. */
  text: string;
  buttons: { text: string; params: Record<string, string> }[];
}

export class SimPlayer {
  constructor(
    private readonly h: Harness,
    readonly userId: string,
    private readonly group?: { id: string; title: string },
  ) {}

  /** Sends a text (in the group when the player was made for one, @-mentioning the bot). */
  async say(text: string): Promise<void> {
    const conversation = this.group ? { type: 'group' as const, id: this.group.id, title: this.group.title, atBot: true } : undefined;
    const sent = this.h.dingtalk.injectMessage({ userId: this.userId, text, conversation });
    await this.settle(sent.messageId);
  }

  /** Sends a file as a material (one-to-one chat). */
  async upload(fileName: string): Promise<void> {
    const sent = this.h.dingtalk.injectMessage({ userId: this.userId, msgtype: 'file', fileName, bytes: `%PDF-1.4 ${fileName}` });
    await this.settle(sent.messageId);
  }

  /** Clicks the button labelled `text` on the latest card (or on `card`, e.g. an older one). */
  async click(text: string | RegExp, card?: ShownCard): Promise<{ acked: boolean }> {
    const target = card ?? this.card();
    const button = target.buttons.find((b) => matches(b.text, text));
    if (!button)
      throw new Error(
        `card "${target.title}" of ${this.userId} has no button ${String(text)}: ${target.buttons.map((b) => b.text).join(' | ')}`,
      );
    const acksBefore = this.h.dingtalk.acks.length;
    const result = await this.h.dingtalk.clickCard({ outTrackId: target.id, userId: this.userId, params: button.params });
    await waitFor(() => this.h.dingtalk.acks.length > acksBefore || !result.delivered, { what: 'the click ACK' });
    await this.h.app.outbox.drain(10_000);
    return { acked: result.acked };
  }

  /** Cards in this player's one-to-one chat, oldest first, as currently shown. */
  cards(): ShownCard[] {
    const ids: string[] = [];
    for (const out of this.outputs()) if (out.outTrackId && !ids.includes(out.outTrackId)) ids.push(out.outTrackId);
    return ids.map((id) => this.show(id)).filter((card): card is ShownCard => card !== undefined);
  }

  /** The most recently sent or updated card. */
  card(): ShownCard {
    const last = [...this.outputs()].reverse().find((out) => out.outTrackId);
    if (!last?.outTrackId) throw new Error(`${this.userId} has no card yet`);
    return this.show(last.outTrackId)!;
  }

  /** Plain messages (not cards) the bot sent to this player, as text. */
  messages(): string[] {
    return this.outputs()
      .filter((out) => !out.via.startsWith('card.'))
      .map((out) => JSON.stringify(out.content));
  }

  show(id: string): ShownCard | undefined {
    const data = this.h.dingtalk.cards.get(id)?.cardData;
    if (!data) return undefined;
    const fields = parseList<{ label: string; value: string }>(data.fields);
    const body = Object.keys(data)
      .filter((key) => /^body\d+$/.test(key))
      .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
      .map((key) => data[key])
      .filter((chunk) => chunk)
      .join('\n');
    return {
      id,
      title: data.title ?? '',
      status: data.statusText ?? '',
      text: [body, ...fields.map((f) => `${f.label}：${f.value}`), data.footnote ?? ''].join('\n'),
      buttons: parseList<{ text: string; params: Record<string, string> }>(data.buttons),
    };
  }

  private outputs(): BotOutput[] {
    return this.h.dingtalk.botOutput({ userId: this.userId });
  }

  private async settle(messageId: string): Promise<void> {
    await waitFor(() => this.h.dingtalk.acks.some((ack) => ack.messageId === messageId), { what: `the ACK of ${messageId}` });
    await this.h.app.outbox.drain(10_000);
  }
}

function matches(label: string, wanted: string | RegExp): boolean {
  return typeof wanted === 'string' ? label === wanted : wanted.test(label);
}

function parseList<T>(json: string | undefined): T[] {
  if (!json) return [];
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}
