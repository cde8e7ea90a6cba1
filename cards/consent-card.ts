// Asks, once per application, whether the bot may fetch the applicant's e-licences (数据多跑路).
import { licenceTypes } from '../src/domain/matter.js';
import type { Matter } from '../src/domain/types.js';
import { APPLY_CANCEL, APPLY_CONSENT, APPLY_DECLINE } from './apply-actions.js';
import { button } from './button.js';
import type { Card } from './card.js';
import { escapeMarkdown } from './markdown.js';

/** The consent card: one click to fetch, or fill in and upload by hand. */
export function consentCard(matter: Matter, holderLabel: string): Card {
  return {
    title: `${matter.name} · 电子证照授权`,
    status: { text: '需要您的同意', tone: 'info' },
    sections: [
      {
        kind: 'markdown',
        text: [
          `办理本事项可以直接调取您名下的电子证照：**${licenceTypes(matter).map(escapeMarkdown).join('、')}**，免去上传，并自动填写相关信息。`,
          `同意后请先填写**${escapeMarkdown(holderLabel)}**，我会据此查询；每项调取的信息都会注明来源，您可以修改。`,
        ].join('\n\n'),
      },
    ],
    buttons: [
      button('同意调取', APPLY_CONSENT, { command: '同意', style: 'primary' }),
      button('不同意，自己填写上传', APPLY_DECLINE, { command: '不同意' }),
      button('取消办理', APPLY_CANCEL, { command: '取消', style: 'danger' }),
    ],
    footnote: '仅在本次办理中使用，依据《个人信息保护法》取得您的同意。',
  };
}
