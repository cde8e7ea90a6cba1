// 投诉: the three short steps of the complaint dialog — which application, what happened, optional evidence.
import { statusText } from '../src/domain/status-text.js';
import type { Application } from '../src/domain/types.js';
import { button } from './button.js';
import type { Card } from './card.js';
import { fitCard, userText } from './fit.js';
import { escapeMarkdown } from './markdown.js';

export const COMPLAIN_PICK = 'complain.pick';
export const COMPLAIN_SUBMIT = 'complain.submit';
export const COMPLAIN_CANCEL = 'complain.cancel';
/** Applications offered to choose from (the newest). */
export const COMPLAIN_CHOICES = 4;

const cancel = () => button('取消投诉', COMPLAIN_CANCEL, { command: '取消' });

/** Step 1: which application (from 我的办件), or none. */
export function complaintPickCard(apps: Application[]): Card {
  return fitCard({
    title: '投诉 · 选择办件',
    status: { text: '第 1/3 步', tone: 'info' },
    sections: [{ kind: 'markdown', text: '您要投诉的是哪一件办件？也可以直接发送办件编号。' }],
    buttons: [
      ...apps.slice(0, COMPLAIN_CHOICES).map((app) =>
        button(`${app.id} ${app.matter.name}（${statusText(app).label}）`, COMPLAIN_PICK, {
          params: { applicationId: app.id },
          command: app.id,
        }),
      ),
      button('不涉及具体办件', COMPLAIN_PICK, { params: { applicationId: '' }, command: '不涉及' }),
      cancel(),
    ],
  });
}

/** Step 2: what happened. */
export function complaintWhatCard(about: string | undefined, error?: string): Card {
  return fitCard({
    title: '投诉 · 说明情况',
    status: { text: '第 2/3 步', tone: 'info' },
    sections: [
      ...(error ? [{ kind: 'markdown' as const, text: `❗ ${escapeMarkdown(error)}` }] : []),
      { kind: 'markdown', text: `${about ? `投诉办件：${about}  \n` : ''}请用一段文字说明发生了什么（500 字以内）。` },
    ],
    buttons: [cancel()],
  });
}

/** Step 3: optional evidence, then submit. */
export function complaintEvidenceCard(text: string, evidence: number): Card {
  return fitCard({
    title: '投诉 · 证据（可选）',
    status: { text: '第 3/3 步', tone: 'info' },
    sections: [
      { kind: 'markdown', text: `投诉内容：${userText(text, 200)}` },
      {
        kind: 'markdown',
        text: evidence ? `已收到证据 ${evidence} 份，可继续发送或直接提交。` : '可发送照片或文件作为证据，也可以直接提交。',
      },
    ],
    buttons: [button('提交投诉', COMPLAIN_SUBMIT, { command: '提交投诉', style: 'primary' }), cancel()],
  });
}
