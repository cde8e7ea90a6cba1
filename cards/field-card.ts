// One question of the apply dialog: progress (第 2/6 项), the field's help, choices as buttons for enum
// fields, the current (or pre-filled) value with its source, and the reason when an answer was refused.
import type { FieldType, MatterField } from '../src/domain/types.js';
import { APPLY_BACK, APPLY_CANCEL, APPLY_CHOOSE, APPLY_KEEP, APPLY_SKIP } from './apply-actions.js';
import { button } from './button.js';
import type { Card, CardButton, CardSection } from './card.js';
import { MAX_BUTTONS, userText, userValue } from './fit.js';
import { escapeMarkdown } from './markdown.js';

export interface FieldCardInput {
  matterName: string;
  field: MatterField;
  /** 1-based position among the fields, and how many there are. */
  position: number;
  total: number;
  /** The answer given before (or pre-filled), with where it came from. */
  value?: string;
  source?: string;
  /** Why the last answer was refused (validateAnswer's reason). */
  error?: string;
  /** A line from the bot above the question (e.g. what was pre-filled). */
  notice?: string;
  /** An answer DingTalk already knows (the applicant's real name), offered as a button instead of retyping. */
  offer?: { value: string; source: string };
}

const TYPE_HINTS: Record<FieldType, string> = {
  text: '请直接回复文字',
  number: '请回复数字',
  date: '请回复日期，如 2026-01-05',
  enum: '请点击选项，或回复选项序号',
  idcard: '请回复18位居民身份证号',
  phone: '请回复11位手机号码',
  bankcard: '请回复16至19位银行卡号',
  uscc: '请回复18位统一社会信用代码',
  address: '请回复详细地址，如：杭州市西湖区文三路100号',
};

/** The card asking one field. */
export function fieldCard(input: FieldCardInput): Card {
  const { field } = input;
  const options = field.type === 'enum' ? (field.options ?? []) : [];
  const controls = [
    button('上一步', APPLY_BACK, { command: '上一步' }),
    ...(field.required ? [] : [button('跳过', APPLY_SKIP, { command: '跳过' })]),
    ...(input.value ? [button('保持不变', APPLY_KEEP, { command: '保持不变' })] : []),
    button('取消办理', APPLY_CANCEL, { command: '取消', style: 'danger' }),
  ];
  const optionButtons =
    options.length <= MAX_BUTTONS
      ? options.map((option) => button(option, APPLY_CHOOSE, { params: { value: option }, command: option }))
      : [];
  const offered =
    input.offer && !input.value
      ? [
          button(`使用${input.offer.source}：${userValue(input.offer.value, 20)}`, APPLY_CHOOSE, {
            params: { value: input.offer.value },
            command: input.offer.value,
          }),
        ]
      : [];
  const buttons: CardButton[] = [...offered, ...optionButtons, ...controls].slice(0, Math.max(MAX_BUTTONS, optionButtons.length));
  const sections: CardSection[] = [];
  if (input.notice) sections.push({ kind: 'markdown', text: escapeMarkdown(input.notice) });
  if (input.error) sections.push({ kind: 'markdown', text: `❗ ${userText(input.error, 300)}` });
  const help = [TYPE_HINTS[field.type], field.help].filter(Boolean).map((line) => escapeMarkdown(line!));
  sections.push({ kind: 'markdown', text: [`**请填写：${escapeMarkdown(field.label)}**`, ...help].join('  \n') });
  if (optionButtons.length === 0 && options.length > 0) {
    sections.push({ kind: 'markdown', text: options.map((o, i) => `${i + 1}. ${escapeMarkdown(o)}`).join('\n') });
  }
  if (input.value) {
    const items = [{ label: '当前填写', value: userValue(input.value) }];
    if (input.source) items.push({ label: '数据来源', value: input.source });
    sections.push({ kind: 'fields', items });
  }
  return {
    title: `${input.matterName} · 第 ${input.position}/${input.total} 项`,
    status: input.error ? { text: '请重新填写', tone: 'warning' } : { text: field.required ? '必填' : '选填', tone: 'info' },
    sections,
    buttons,
    footnote: `也可回复“上一步”${field.required ? '' : '“跳过”'}${input.value ? '“保持不变”' : ''}或“取消”。`,
    // Changing an item from the review: the applicant sees their own current value.
    ...(input.value ? { personal: true } : {}),
  };
}
