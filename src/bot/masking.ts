// What leaves the bot is masked (issue 9): every personal-looking number in a message or card (身份证,
// 手机, bank card) is shown masked, wherever it came from (a field, a licence number, a comment). The one
// exception is a card marked `personal` going one-to-one to its owner: the review before submitting.
import type { Card, CardSection } from '../../cards/card.js';
import { maskPersonalNumbers } from '../domain/mask.js';
import type { Target } from './effects.js';

/** The card as it may be shown to `to`; `owner` is the user the card belongs to (null = nobody). */
export function visibleCard(card: Card, to: Target, owner: string | null): Card {
  const { personal, ...rest } = card;
  if (personal && to.kind === 'user' && owner !== null && to.userId === owner) return rest;
  return maskCard(rest);
}

/** A text message as it may be shown to anyone. */
export function visibleText(text: string): string {
  return maskPersonalNumbers(text);
}

function maskCard(card: Card): Card {
  const m = maskPersonalNumbers;
  return {
    ...card,
    title: m(card.title),
    ...(card.status ? { status: { ...card.status, text: m(card.status.text) } } : {}),
    sections: card.sections.map(maskSection),
    ...(card.buttons
      ? { buttons: card.buttons.map((b) => ({ ...b, text: m(b.text), ...(b.command ? { command: m(b.command) } : {}) })) }
      : {}),
    ...(card.footnote !== undefined ? { footnote: m(card.footnote) } : {}),
  };
}

function maskSection(section: CardSection): CardSection {
  if (section.kind === 'markdown') return { kind: 'markdown', text: maskPersonalNumbers(section.text) };
  return {
    kind: 'fields',
    items: section.items.map((i) => ({ label: maskPersonalNumbers(i.label), value: maskPersonalNumbers(i.value) })),
  };
}
