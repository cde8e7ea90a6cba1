// When a search finds several matters (a choice) or none (suggestions).
import type { Matter } from '../src/domain/types.js';
import { button } from './button.js';
import type { Card } from './card.js';
import { matterButtons } from './catalogue-card.js';
import { userText } from './fit.js';
import { GUIDE_CATALOGUE } from './guide-card.js';
import { escapeMarkdown } from './markdown.js';

/** Most matters offered in one choice. */
export const CHOICE_MAX = 5;

/** Several matters fit the words: pick one. */
export function matterChoiceCard(query: string, matches: readonly Matter[]): Card {
  const shown = matches.slice(0, CHOICE_MAX);
  return {
    title: '您要办的是哪一项？',
    sections: [
      { kind: 'markdown', text: `与“${userText(query, 50)}”相关的事项有 ${matches.length} 项，请选择：` },
      { kind: 'markdown', text: shown.map((m) => `- ${escapeMarkdown(m.name)}`).join('\n') },
    ],
    buttons: [...matterButtons(shown), button('查看全部事项', GUIDE_CATALOGUE, { command: '办事指南' })],
  };
}

/** Nothing fits: say so and suggest popular matters. */
export function noMatchCard(query: string, suggestions: readonly Matter[]): Card {
  return {
    title: '没有找到相关事项',
    status: { text: '未找到', tone: 'warning' },
    sections: [
      { kind: 'markdown', text: `没有找到与“${userText(query, 50)}”相关的事项。可以换个说法，如“开公司”“公积金提取”，或看看下面这些：` },
      ...(suggestions.length
        ? [{ kind: 'markdown' as const, text: suggestions.map((m) => `- ${escapeMarkdown(m.name)}`).join('\n') }]
        : []),
    ],
    buttons: [...matterButtons(suggestions), button('查看全部事项', GUIDE_CATALOGUE, { command: '办事指南' })],
  };
}
