// The neutral card model every card builder returns. Renderers in src/dingtalk turn it into the
// card-platform template's variables or, without a template, a markdown/actionCard message.

export type Tone = 'info' | 'success' | 'warning' | 'danger' | 'neutral';

export type CardSection =
  /** Trusted markdown built by a card function; user text inside must go through `escapeMarkdown`. */
  | { kind: 'markdown'; text: string }
  /** Key-value rows; values are plain text and are escaped by the renderer. */
  | { kind: 'fields'; items: { label: string; value: string }[] };

export interface CardButton {
  text: string;
  /** Dotted action id, `<feature>.<verb>`, declared once as a constant in the card file. */
  action: string;
  params?: Record<string, string>;
  style?: 'primary' | 'normal' | 'danger';
  /**
   * The text command that does the same thing, used by the markdown fallback
   * (dtmd://dingtalkclient/sendMessage links) when no card template is configured.
   */
  command?: string;
}

export interface Card {
  title: string;
  status?: { text: string; tone: Tone };
  sections: CardSection[];
  buttons?: CardButton[];
  /** Small print under the buttons. */
  footnote?: string;
  /**
   * Shows its owner's own full personal values (the review before submitting): the bot sends it unmasked
   * only to that owner one-to-one; every other card and message has its personal numbers masked.
   */
  personal?: boolean;
}
