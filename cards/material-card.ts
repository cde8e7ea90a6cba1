// One material of the apply dialog: what to upload, whether an e-licence or a 容缺 promise can stand in,
// and what has been supplied so far.
import type { MaterialSpec, MaterialSubmission } from '../src/domain/types.js';
import { APPLY_BACK, APPLY_CANCEL, APPLY_KEEP, APPLY_LATER, APPLY_PROMISE } from './apply-actions.js';
import { button } from './button.js';
import type { Card, CardSection } from './card.js';
import { MAX_BUTTONS, userText } from './fit.js';
import { escapeMarkdown } from './markdown.js';

export interface MaterialCardInput {
  matterName: string;
  material: MaterialSpec;
  position: number;
  total: number;
  current?: MaterialSubmission;
  error?: string;
  notice?: string;
}

/** How a supplied material reads in cards: 已上传 …, 电子证照 …, 已承诺后补. */
export function submissionText(submission: MaterialSubmission | undefined): string {
  if (!submission) return '未提供';
  switch (submission.source) {
    case 'upload':
      return `已上传${submission.fileName ? `：${submission.fileName}` : ''}`;
    case 'elicence':
      return `电子证照（${submission.origin ?? '电子证照库'}）`;
    case 'promised':
      return '已承诺后补（容缺受理）';
  }
}

/** The card asking for one material. */
export function materialCard(input: MaterialCardInput): Card {
  const { material } = input;
  const buttons = [
    ...(material.tolerance ? [button('承诺后补（容缺）', APPLY_PROMISE, { command: '承诺后补', style: 'primary' })] : []),
    ...(input.current ? [button('保持不变', APPLY_KEEP, { command: '保持不变' })] : []),
    button(material.required ? '暂不上传' : '不提供', APPLY_LATER, { command: '暂不上传' }),
    button('上一步', APPLY_BACK, { command: '上一步' }),
    button('取消办理', APPLY_CANCEL, { command: '取消', style: 'danger' }),
  ].slice(0, MAX_BUTTONS);
  const lines = [`**请上传：${escapeMarkdown(material.name)}**`, '直接在对话中发送照片或文件即可，多页可一次发送。'];
  if (material.notes) lines.push(escapeMarkdown(material.notes));
  if (material.tolerance) lines.push('本材料支持**容缺受理**：可以先承诺、受理后再补交。');
  if (material.required) lines.push('暂不上传也可继续填写，提交前会一次性告诉您还缺什么。');
  const sections: CardSection[] = [];
  if (input.notice) sections.push({ kind: 'markdown', text: escapeMarkdown(input.notice) });
  if (input.error) sections.push({ kind: 'markdown', text: `❗ ${userText(input.error, 300)}` });
  sections.push({ kind: 'markdown', text: lines.join('  \n') });
  if (input.current) sections.push({ kind: 'fields', items: [{ label: '当前', value: submissionText(input.current) }] });
  return {
    title: `${input.matterName} · 材料 ${input.position}/${input.total}`,
    status: { text: material.required ? '必需材料' : '选交材料', tone: 'info' },
    sections,
    buttons,
    footnote: '也可回复“上一步”或“取消”。',
  };
}
