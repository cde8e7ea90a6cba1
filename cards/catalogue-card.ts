// The catalogue (办事指南 without words): every matter grouped by category, one button per matter.
import type { Matter } from '../src/domain/types.js';
import { button } from './button.js';
import type { Card, CardButton } from './card.js';
import { GUIDE_SHOW } from './guide-card.js';
import { escapeMarkdown } from './markdown.js';

const CATEGORIES = [
  { category: '个人', heading: '个人办事' },
  { category: '法人', heading: '企业办事' },
] as const;

/** Buttons that open a matter's guide. */
export function matterButtons(matters: readonly Matter[]): CardButton[] {
  return matters.map((matter) => button(matter.name, GUIDE_SHOW, { params: { matter: matter.id }, command: `办事指南 ${matter.name}` }));
}

/** The whole catalogue by category. */
export function catalogueCard(matters: readonly Matter[]): Card {
  const groups = CATEGORIES.map(({ category, heading }) => ({ heading, items: matters.filter((m) => m.category === category) })).filter(
    (group) => group.items.length > 0,
  );
  return {
    title: '办事指南 · 事项目录',
    sections: [
      { kind: 'markdown', text: '点击事项查看办理条件、材料和时限，也可以直接发送事项名称或关键词，如“开公司”“公积金”。' },
      ...groups.map((group) => ({
        kind: 'markdown' as const,
        text: `**${group.heading}**\n${group.items.map((m) => `- ${escapeMarkdown(m.name)}`).join('\n')}`,
      })),
    ],
    buttons: matterButtons(groups.flatMap((group) => group.items)),
  };
}
