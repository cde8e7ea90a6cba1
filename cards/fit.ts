// Size limits. DingTalk blanks a card whose content is over ~3,000 characters (issue 4), and a card
// template variable holds at most 1 KB (dingtalk-protocol.md §4b), so user text is cut per field and
// whole cards are trimmed line by line with a note saying so.
import type { Card, CardSection } from './card.js';
import { escapeMarkdown, truncate } from './markdown.js';

/** Most visible characters in one card. */
export const CARD_MAX_CHARS = 3000;
/** Most buttons one card shows (the generic template has six slots). The one budget: src/dingtalk/render.ts uses these too. */
export const MAX_BUTTONS = 6;
/** Most characters of one user-supplied value shown in a card. */
export const VALUE_MAX_CHARS = 200;
/** Note added when a card had to be trimmed. */
export const TRIMMED_NOTE = '（内容较多，已省略部分）';

/** User text for a markdown section: cut to `max` characters, then escaped. */
export function userText(text: string, max = VALUE_MAX_CHARS): string {
  return escapeMarkdown(truncate(text, max));
}

/** User text for a `fields` row (the renderer escapes those): only cut. */
export function userValue(text: string, max = VALUE_MAX_CHARS): string {
  return truncate(text, max);
}

/** Visible characters of a card: title, status, sections, buttons and footnote. */
export function cardLength(card: Card): number {
  const sections = card.sections.reduce((sum, section) => sum + sectionLength(section), 0);
  const buttons = (card.buttons ?? []).reduce((sum, button) => sum + button.text.length, 0);
  return card.title.length + (card.status?.text.length ?? 0) + sections + buttons + (card.footnote?.length ?? 0);
}

/** The card as it is when it fits; otherwise its last lines and rows are dropped and a note is added. */
export function fitCard(card: Card, max = CARD_MAX_CHARS): Card {
  if (cardLength(card) <= max) return card;
  const footnote = card.footnote ? `${card.footnote}${TRIMMED_NOTE}` : TRIMMED_NOTE;
  const sections = card.sections.map((section) => ({
    ...section,
    ...(section.kind === 'fields' ? { items: [...section.items] } : {}),
  })) as CardSection[];
  const trimmed: Card = { ...card, sections, footnote };
  while (cardLength(trimmed) > max) if (!dropLast(sections)) break;
  return trimmed;
}

function sectionLength(section: CardSection): number {
  if (section.kind === 'markdown') return section.text.length;
  return section.items.reduce((sum, item) => sum + item.label.length + item.value.length, 0);
}

// Drops the last line of the last non-empty section (whole sections once they are empty).
function dropLast(sections: CardSection[]): boolean {
  for (let index = sections.length - 1; index >= 0; index -= 1) {
    const section = sections[index]!;
    if (section.kind === 'fields' && section.items.length > 0) {
      section.items.pop();
      if (section.items.length === 0) sections.splice(index, 1);
      return true;
    }
    if (section.kind === 'markdown' && section.text.length > 0) {
      const lines = section.text.split('\n');
      lines.pop();
      if (lines.length === 0) sections.splice(index, 1);
      else sections[index] = { kind: 'markdown', text: lines.join('\n') };
      return true;
    }
    sections.splice(index, 1);
  }
  return false;
}
