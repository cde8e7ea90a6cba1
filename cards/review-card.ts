// The summary before submitting: every answer and material, numbered so "修改 2" can name one, with where
// pre-filled data came from; and the menu that picks what to change.
import { reviewEntries, type ReviewEntry } from '../src/domain/review.js';
import { applicableFields } from '../src/domain/situations.js';
import type { MaterialSubmission, Matter } from '../src/domain/types.js';
import { APPLY_CANCEL, APPLY_EDIT, APPLY_EDIT_MENU, APPLY_REVIEW, APPLY_SUBMIT } from './apply-actions.js';
import { button } from './button.js';
import type { Card } from './card.js';
import { fitCard, userValue } from './fit.js';
import { escapeMarkdown } from './markdown.js';
import { submissionText } from './material-card.js';

export interface ReviewInput {
  matter: Matter;
  fields: Record<string, string>;
  /** Field key → where a pre-filled value came from. */
  sources: Record<string, string>;
  materials: MaterialSubmission[];
}

/** One numbered line of the review as shown: its entry and its value. */
export interface ReviewItem extends ReviewEntry {
  value: string;
}

/** The numbered items of a review (numbered by src/domain/review.ts), with what each shows. */
export function reviewItems(input: ReviewInput): ReviewItem[] {
  return reviewEntries(input.matter, input.fields).map((entry) => ({ ...entry, value: shownValue(input, entry.target) }));
}

function shownValue(input: ReviewInput, target: string): string {
  const [kind, id] = target.split(':') as ['field' | 'material', string];
  if (kind === 'field') {
    const field = input.matter.fields.find((f) => f.key === id);
    const value = input.fields[id] ?? '';
    const source = input.sources[id];
    if (value) return `${userValue(value)}${source ? `（来源：${source}）` : ''}`;
    return field?.required ? '未填写' : '未填写（选填）';
  }
  const material = input.matter.materials.find((m) => m.id === id);
  return submissionText(input.materials.find((m) => m.id === id)) + (material?.required ? '' : '（选交）');
}

/** The review card: 提交, 修改, 取消. */
export function reviewCard(input: ReviewInput): Card {
  const items = reviewItems(input);
  const fieldCount = applicableFields(input.matter, input.fields).length;
  const row = (item: ReviewItem) => ({ label: `${item.index}. ${item.label}`, value: item.value });
  return fitCard({
    title: `${input.matter.name} · 核对信息`,
    status: { text: '请核对后提交', tone: 'info' },
    sections: [
      { kind: 'markdown', text: '**填写的信息**' },
      { kind: 'fields', items: items.slice(0, fieldCount).map(row) },
      { kind: 'markdown', text: '**申请材料**' },
      { kind: 'fields', items: items.slice(fieldCount).map(row) },
      { kind: 'markdown', text: '确认无误请点击“提交”。如需修改，点击“修改”，或回复“修改 序号”，如“修改 2”。' },
    ],
    buttons: [
      button('提交', APPLY_SUBMIT, { command: '提交', style: 'primary' }),
      button('修改', APPLY_EDIT_MENU, { params: { page: '1' }, command: '修改' }),
      button('取消办理', APPLY_CANCEL, { command: '取消', style: 'danger' }),
    ],
    // The applicant checks their own full values here, one-to-one, before submitting.
    personal: true,
  });
}

/** Items shown per page of the edit menu (plus 下一页 and 返回核对). */
export const EDIT_PAGE_SIZE = 4;

/** Which item to change, a page at a time. */
export function editMenuCard(input: ReviewInput, page: number): Card {
  const items = reviewItems(input);
  const pages = Math.max(1, Math.ceil(items.length / EDIT_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  const shown = items.slice((current - 1) * EDIT_PAGE_SIZE, current * EDIT_PAGE_SIZE);
  return {
    title: `${input.matter.name} · 修改哪一项？`,
    sections: [{ kind: 'markdown', text: items.map((item) => `${item.index}. ${escapeMarkdown(item.label)}`).join('\n') }],
    buttons: [
      ...shown.map((item) => button(`修改：${item.label}`, APPLY_EDIT, { params: { target: item.target }, command: `修改 ${item.index}` })),
      ...(pages > 1
        ? [button(`下一页（${current}/${pages}）`, APPLY_EDIT_MENU, { params: { page: String((current % pages) + 1) }, command: '修改' })]
        : []),
      button('返回核对', APPLY_REVIEW, { command: '返回核对' }),
    ],
    footnote: '也可回复“修改 序号”。',
  };
}
