// The catalogue (办事指南 without words): every matter grouped by category, with a button per category;
// a category card then offers its matters as buttons, a page at a time (cards show at most six buttons).
import type { Matter, MatterCategory } from '../src/domain/types.js';
import { button } from './button.js';
import type { Card, CardButton } from './card.js';
import { MAX_BUTTONS } from './fit.js';
import { GUIDE_SHOW } from './guide-card.js';
import { escapeMarkdown } from './markdown.js';

export const GUIDE_CATEGORY = 'guide.category';

/** Heading and typed command of each category. */
export const CATEGORY_NAMES: Record<MatterCategory, string> = { 个人: '个人办事', 法人: '企业办事' };
const ORDER: MatterCategory[] = ['个人', '法人'];
/** Matters per page of a category card (plus the 下一页 button). */
export const CATEGORY_PAGE_SIZE = MAX_BUTTONS - 1;

/** Buttons that open a matter's guide. */
export function matterButtons(matters: readonly Matter[]): CardButton[] {
  return matters.map((matter) => button(matter.name, GUIDE_SHOW, { params: { matter: matter.id }, command: `办事指南 ${matter.name}` }));
}

/** The whole catalogue by category. */
export function catalogueCard(matters: readonly Matter[]): Card {
  const groups = ORDER.map((category) => ({ category, items: matters.filter((m) => m.category === category) })).filter(
    (g) => g.items.length > 0,
  );
  return {
    title: '办事指南 · 事项目录',
    sections: [
      { kind: 'markdown', text: '点击分类选择事项，也可以直接发送事项名称或关键词，如“开公司”“公积金”。' },
      ...groups.map((group) => ({
        kind: 'markdown' as const,
        text: `**${CATEGORY_NAMES[group.category]}**\n${group.items.map((m) => `- ${escapeMarkdown(m.name)}`).join('\n')}`,
      })),
    ],
    buttons: groups.map((group) =>
      button(`${CATEGORY_NAMES[group.category]}（${group.items.length}项）`, GUIDE_CATEGORY, {
        params: { category: group.category, page: '1' },
        command: CATEGORY_NAMES[group.category],
      }),
    ),
  };
}

/** One category's matters, `CATEGORY_PAGE_SIZE` per page; 下一页 wraps around to the first page. */
export function categoryCard(matters: readonly Matter[], category: MatterCategory, page: number): Card {
  const items = matters.filter((m) => m.category === category);
  const pages = Math.max(1, Math.ceil(items.length / CATEGORY_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  const shown = items.slice((current - 1) * CATEGORY_PAGE_SIZE, current * CATEGORY_PAGE_SIZE);
  const name = CATEGORY_NAMES[category];
  return {
    title: `办事指南 · ${name}${pages > 1 ? `（${current}/${pages}）` : ''}`,
    sections: [
      {
        kind: 'markdown',
        text: shown.map((m) => `- **${escapeMarkdown(m.name)}**${m.summary ? `：${escapeMarkdown(m.summary)}` : ''}`).join('\n'),
      },
    ],
    buttons: [
      ...matterButtons(shown),
      ...(pages > 1
        ? [
            button('下一页', GUIDE_CATEGORY, {
              params: { category, page: String((current % pages) + 1) },
              command: `${name} 第${(current % pages) + 1}页`,
            }),
          ]
        : []),
    ],
  };
}
