// 一次性告知: every missing or invalid item in one message, each with how to fix it, never one at a time.
import type { MissingItem } from '../src/domain/types.js';
import type { Card, CardButton } from './card.js';
import { fitCard, userText } from './fit.js';
import { escapeMarkdown } from './markdown.js';

export interface MissingItemsInput {
  title: string;
  intro: string;
  items: MissingItem[];
  buttons?: CardButton[];
  footnote?: string;
}

/** The one message listing every missing item. */
export function missingItemsCard(input: MissingItemsInput): Card {
  const list = input.items.map(
    (item, i) => `${i + 1}. **${userText(item.name, 60)}**${item.reason ? `：${userText(item.reason, 200)}` : ''}`,
  );
  return fitCard({
    title: input.title,
    status: { text: '一次性告知', tone: 'warning' },
    sections: [
      { kind: 'markdown', text: escapeMarkdown(input.intro) },
      { kind: 'markdown', text: list.join('\n') },
    ],
    ...(input.buttons?.length ? { buttons: input.buttons } : {}),
    ...(input.footnote ? { footnote: input.footnote } : {}),
  });
}
