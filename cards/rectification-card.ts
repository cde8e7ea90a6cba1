// 差评整改: the applicant's card when the department reports the fix — what was done, and one follow-up rating.
import { EVALUATION_LEVELS } from '../src/domain/evaluation.js';
import type { Rectification } from '../src/supervision/rectification.js';
import { button } from './button.js';
import type { Card } from './card.js';
import { fitCard, userText } from './fit.js';

export const RECTIFICATION_RATE = 'rectification.rate';

/** The fix is reported: the outcome and the five levels to rate it once more. */
export function rectificationOutcomeCard(c: Rectification): Card {
  return fitCard({
    title: `整改反馈 · 办件 ${c.applicationId}`,
    status: { text: '已整改', tone: 'success' },
    sections: [
      { kind: 'markdown', text: `针对您对办件 ${c.applicationId}（${userText(c.matterName, 60)}）的评价，负责部门反馈整改结果：` },
      { kind: 'markdown', text: userText(c.outcome?.note ?? '', 500) },
      { kind: 'markdown', text: '请对整改结果再评价一次（仅一次）：' },
    ],
    buttons: EVALUATION_LEVELS.map(({ level, label }) =>
      button(label, RECTIFICATION_RATE, { params: { caseId: c.id, level: String(level) }, command: `追评 ${c.applicationId} ${level}` }),
    ),
  });
}
