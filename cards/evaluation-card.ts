// 好差评 (the five-level evaluation of a finished application): the question with one button per level, the
// request for a reason after a bad rating (差评必须说明原因), and the thanks once the evaluation is recorded.
import { BAD_LEVEL_MAX, EVALUATION_LEVELS, evaluationLabel, REASON_MAX_CHARS, type EvaluationLevel } from '../src/domain/evaluation.js';
import type { Application } from '../src/domain/types.js';
import { button } from './button.js';
import type { Card } from './card.js';
import { userValue } from './fit.js';
import { escapeMarkdown } from './markdown.js';

export const EVALUATE_RATE = 'evaluate.rate';
export const EVALUATE_SKIP = 'evaluate.skip';
export const EVALUATE_CANCEL = 'evaluate.cancel';

/** Asks 「您对本次办理满意吗？」 with one button per level. */
export function evaluationCard(app: Application): Card {
  return {
    title: '服务评价',
    status: { text: '待评价', tone: 'info' },
    sections: [
      {
        kind: 'fields',
        items: [
          { label: '办件编号', value: app.id },
          { label: '办理事项', value: app.matter.name },
        ],
      },
      { kind: 'markdown', text: '**您对本次办理满意吗？**\n选择“不满意”或“非常不满意”时，请简要说明原因，我们会跟进整改。' },
    ],
    buttons: EVALUATION_LEVELS.map(({ level, label }) =>
      button(label, EVALUATE_RATE, { params: { applicationId: app.id, level: String(level) }, command: `评价 ${app.id} ${level}` }),
    ),
  };
}

export interface ReasonPrompt {
  applicationId: string;
  matterName: string;
  level: EvaluationLevel;
  /** Why the last reply was not taken. */
  error?: string;
}

/** Asks for the reason of a 差评 in one text reply; 跳过 records the rating without one. */
export function evaluationReasonCard(prompt: ReasonPrompt): Card {
  const params = { applicationId: prompt.applicationId };
  const ask = `请直接回复一句话，说明您不满意的原因（${REASON_MAX_CHARS}字以内），我们会转交负责人核实整改。不便说明可以点击“跳过”。`;
  return {
    title: '请说明不满意的原因',
    status: { text: evaluationLabel(prompt.level), tone: 'warning' },
    sections: [
      {
        kind: 'fields',
        items: [
          { label: '办件编号', value: prompt.applicationId },
          { label: '办理事项', value: prompt.matterName },
        ],
      },
      { kind: 'markdown', text: prompt.error ? `**${escapeMarkdown(prompt.error)}**\n${ask}` : ask },
    ],
    buttons: [button('跳过', EVALUATE_SKIP, { params, command: '跳过' }), button('取消评价', EVALUATE_CANCEL, { params, command: '取消' })],
  };
}

/** Thanks for an evaluated application, showing what was recorded. */
export function evaluationThanksCard(app: Application): Card {
  const evaluation = app.evaluation;
  if (!evaluation) throw new Error(`application ${app.id} has no evaluation to thank for`);
  const bad = evaluation.level <= BAD_LEVEL_MAX;
  return {
    title: '感谢您的评价',
    status: { text: '已评价', tone: bad ? 'warning' : 'success' },
    sections: [
      {
        kind: 'fields',
        items: [
          { label: '办件编号', value: app.id },
          { label: '办理事项', value: app.matter.name },
          { label: '评价', value: evaluationLabel(evaluation.level) },
          ...(evaluation.comment ? [{ label: '原因', value: userValue(evaluation.comment, REASON_MAX_CHARS) }] : []),
        ],
      },
      { kind: 'markdown', text: bad ? '您的意见已转交负责人核实整改，我们会认真改进。' : '您的评价会帮助我们把服务做得更好。' },
    ],
  };
}
