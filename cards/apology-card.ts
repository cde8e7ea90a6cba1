// The short apology for a bug (the detail stays in the log, keyed by the event id).
import type { Card } from './card.js';

/** Shown when the bot failed on a message; nothing the user did was saved. */
export function apologyCard(): Card {
  return {
    title: '抱歉，系统出了点问题',
    status: { text: '处理失败', tone: 'danger' },
    sections: [{ kind: 'markdown', text: '刚才的操作没有处理成功，也没有保存。请稍后再试一次，或发送“帮助”查看可以做什么。' }],
    footnote: '问题已记录，工作人员会尽快处理。',
  };
}
