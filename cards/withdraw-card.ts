// The confirmation step before withdrawing an application.
import type { Application } from '../src/domain/types.js';
import { button } from './button.js';
import type { Card } from './card.js';
import { escapeMarkdown } from './markdown.js';

export const WITHDRAW_CONFIRM = 'withdraw.confirm';
export const WITHDRAW_ABORT = 'withdraw.abort';

/** Asks to confirm the withdrawal of `app`. */
export function withdrawConfirmCard(app: Application): Card {
  const params = { applicationId: app.id };
  return {
    title: '确认撤回申请？',
    status: { text: '需要确认', tone: 'warning' },
    sections: [
      {
        kind: 'fields',
        items: [
          { label: '办件编号', value: app.id },
          { label: '办理事项', value: app.matter.name },
        ],
      },
      { kind: 'markdown', text: `撤回后「${escapeMarkdown(app.matter.name)}」将停止办理，已提交的材料不再审查；需要时可以重新申请。` },
    ],
    buttons: [
      button('确认撤回', WITHDRAW_CONFIRM, { params, command: `确认撤回 ${app.id}`, style: 'danger' }),
      button('不撤回', WITHDRAW_ABORT, { params, command: '不撤回' }),
    ],
  };
}
