// 补正: the 一次性告知 of what the departments still need, then one item at a time (upload or reply), and a
// summary to confirm before the supplement goes to the back office.
import type { MissingItem } from '../src/domain/types.js';
import { button } from './button.js';
import type { Card, CardSection } from './card.js';
import { fitCard, userText, userValue } from './fit.js';
import { escapeMarkdown } from './markdown.js';

export const SUPPLEMENT_SKIP = 'supplement.skip';
export const SUPPLEMENT_BACK = 'supplement.back';
export const SUPPLEMENT_CANCEL = 'supplement.cancel';
export const SUPPLEMENT_CONFIRM = 'supplement.confirm';
export const SUPPLEMENT_RESTART = 'supplement.restart';

/** What the applicant gave for one item. */
export type SupplyAnswer = { kind: 'files'; ref: string; fileName: string } | { kind: 'text'; text: string };

export interface SupplementItemInput {
  applicationId: string;
  matterName: string;
  items: MissingItem[];
  index: number;
  current?: SupplyAnswer;
  /** First card: list every item (一次性告知) above the first question. */
  intro?: boolean;
  error?: string;
}

/** How an answer reads in the cards. */
export function answerText(answer: SupplyAnswer | undefined): string {
  if (!answer) return '未提供';
  return answer.kind === 'files' ? `已上传：${answer.fileName}` : `已回复：${answer.text}`;
}

function list(items: MissingItem[]): string {
  return items
    .map((item, i) => `${i + 1}. **${userText(item.name, 60)}**${item.reason ? `：${userText(item.reason, 200)}` : ''}`)
    .join('\n');
}

/** Asks for item `index`; the first card also tells the whole list at once. */
export function supplementItemCard(input: SupplementItemInput): Card {
  const item = input.items[input.index]!;
  const params = { applicationId: input.applicationId };
  const sections: CardSection[] = [];
  if (input.intro) {
    sections.push({
      kind: 'markdown',
      text: `审查部门一次性告知，办件 ${input.applicationId}（${escapeMarkdown(input.matterName)}）需要补正以下 ${input.items.length} 项：`,
    });
    sections.push({ kind: 'markdown', text: list(input.items) });
  }
  if (input.error) sections.push({ kind: 'markdown', text: `❗ ${escapeMarkdown(input.error)}` });
  sections.push({
    kind: 'markdown',
    text: `**第 ${input.index + 1}/${input.items.length} 项：${userText(item.name, 60)}**  \n请直接发送照片或文件；如需说明情况，直接回复文字。`,
  });
  if (input.current) sections.push({ kind: 'fields', items: [{ label: '当前', value: answerText(input.current) }] });
  return fitCard({
    title: input.intro ? `办件 ${input.applicationId} 需要补正` : `补正 · 第 ${input.index + 1}/${input.items.length} 项`,
    status: { text: input.intro ? '一次性告知' : '补正中', tone: 'warning' },
    sections,
    buttons: [
      button(input.current ? '下一项' : '跳过此项', SUPPLEMENT_SKIP, { params, command: '跳过' }),
      ...(input.index > 0 ? [button('上一项', SUPPLEMENT_BACK, { params, command: '上一步' })] : []),
      button('稍后补正', SUPPLEMENT_CANCEL, { params, command: '取消' }),
    ],
    footnote: '补齐后确认提交，审查会继续进行。',
  });
}

/** Summary before sending the supplement. */
export function supplementReviewCard(input: {
  applicationId: string;
  items: MissingItem[];
  answers: (SupplyAnswer | undefined)[];
  error?: string;
}): Card {
  const params = { applicationId: input.applicationId };
  const rows = input.items.map((item, i) => ({ label: `${i + 1}. ${item.name}`, value: userValue(answerText(input.answers[i])) }));
  return fitCard({
    title: `补正 · 确认提交`,
    status: { text: input.error ? '还有未补齐的项' : '请确认', tone: input.error ? 'warning' : 'info' },
    sections: [
      ...(input.error ? [{ kind: 'markdown' as const, text: `❗ ${escapeMarkdown(input.error)}` }] : []),
      { kind: 'fields', items: rows },
    ],
    buttons: [
      button('确认提交', SUPPLEMENT_CONFIRM, { params, command: '确认提交', style: 'primary' }),
      button('重新补正', SUPPLEMENT_RESTART, { params, command: '重新补正' }),
      button('稍后补正', SUPPLEMENT_CANCEL, { params, command: '取消' }),
    ],
  });
}
