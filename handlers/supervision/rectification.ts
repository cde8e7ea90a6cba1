// 差评整改: a 差评 opens a case for the responsible departments (handlers/evaluate.ts calls openCase); their
// contacts record the call-back (回访) and the fix (整改); late steps are warned about once; the applicant is told
// each step and may rate the fix once (追评 or the card's buttons).
import { RECTIFICATION_RATE, rectificationOutcomeCard } from '../../cards/rectification-card.js';
import { Composer } from '../../src/bot/composer.js';
import type { BotContext, DecisionContext } from '../../src/bot/context.js';
import type { AdminContext, TimerContext } from '../../src/bot/event-contexts.js';
import { action, hears, onAdmin, onTimer } from '../../src/bot/router.js';
import { parseApplicationId } from '../../src/domain/application-id.js';
import { evaluationLabel, parseEvaluationLevel } from '../../src/domain/evaluation.js';
import { formatChineseDate } from '../../src/domain/status-text.js';
import type { Application } from '../../src/domain/types.js';
import {
  caseContacts,
  lateText,
  openedText,
  openRectification,
  RECTIFICATION_KIND,
  rectificationId,
  rectificationMoments,
  rectificationStatus,
  type Rectification,
} from '../../src/supervision/rectification.js';
import { responsibleDepartments } from '../../src/supervision/warnings.js';
import type { StoredRecord } from '../../src/store/store.js';
import { FOLLOW_UP, RECTIFY_CALLBACK, RECTIFY_OUTCOME } from '../commands.js';

const CHECK = 'rectification.check';
/** Admin action names (see src/supervision/rectification-routes.ts). */
export const RECTIFICATION_CALLBACK = 'rectification.callback';
export const RECTIFICATION_OUTCOME = 'rectification.outcome';

type Step = 'callback' | 'outcome';

/** 回访, 整改, 追评 and the follow-up rating buttons. */
export const rectification = new Composer<BotContext>(
  hears([RECTIFY_CALLBACK], (ctx, m) => record(ctx, m[1] ?? '', 'callback', m[2] ?? '')),
  hears([RECTIFY_OUTCOME], (ctx, m) => record(ctx, m[1] ?? '', 'outcome', m[2] ?? '')),
  hears([FOLLOW_UP], (ctx, m) => followUp(ctx, rectificationId(parseApplicationId(m[1] ?? '')?.id ?? ''), m[2] ?? '')),
  action(RECTIFICATION_RATE, (ctx, params) => followUp(ctx, params.caseId ?? '', params.level ?? '')),
);

/** The admin API's actions on a case. */
export const rectificationAdmin = new Composer<AdminContext>(
  onAdmin(RECTIFICATION_CALLBACK, (ctx, params) => recordByAdmin(ctx, 'callback', params)),
  onAdmin(RECTIFICATION_OUTCOME, (ctx, params) => recordByAdmin(ctx, 'outcome', params)),
);

/** The checks of late call-backs and fixes. */
export const rectificationTimers = new Composer<TimerContext>(onTimer(CHECK, (ctx, payload) => check(ctx, payload as CheckPayload)));

interface CheckPayload {
  id: string;
  step: 'callback' | 'fix';
}

/** Opens the case of a 差评 (once per application) and tells the departments. */
export async function openCase(ctx: DecisionContext, app: Application): Promise<void> {
  if (await ctx.getRecord(RECTIFICATION_KIND, rectificationId(app.id))) return;
  const c = openRectification(ctx.services.calendar, app, responsibleDepartments(app, ctx.matter(app.matter.id)), ctx.now);
  save(ctx, c, 1);
  for (const userId of caseContacts(c, ctx.services.adminUserIds)) ctx.send({ kind: 'user', userId }, openedText(c));
  const moments = rectificationMoments(ctx.services.calendar, c);
  for (const step of ['callback', 'fix'] as const)
    ctx.schedule(CHECK, `${c.id}:${step}`, moments[step], { id: c.id, step } satisfies CheckPayload);
}

async function record(ctx: BotContext, id: string, step: Step, note: string): Promise<void> {
  const stored = await ctx.getRecord<Rectification>(RECTIFICATION_KIND, id);
  const sender = ctx.event.sender.userId;
  if (!stored || !(ctx.isAdmin || caseContacts(stored.data, []).includes(sender)))
    return void ctx.reply(`没有找到整改单 ${id}，或您不是它的负责人。`);
  if (stored.data.outcome) return void ctx.reply(`整改单 ${id} 已办结。`);
  applyStep(ctx, stored, step, note, sender);
  ctx.reply(
    step === 'callback' ? `已记录整改单 ${id} 的回访情况，已告知申请人。` : `已记录整改单 ${id} 的整改结果，整改单办结，已请申请人再评价。`,
  );
}

// The admin API's 回访 / 整改 (POST /api/rectifications/:id/callback|outcome), decided like the chat commands.
async function recordByAdmin(ctx: AdminContext, step: Step, params: Record<string, string>): Promise<void> {
  const stored = await ctx.getRecord<Rectification>(RECTIFICATION_KIND, params.id ?? '');
  if (!stored) return void (ctx.outcome = { status: 'unknown_application' });
  if (stored.data.outcome) return void (ctx.outcome = { status: 'illegal', message: `整改单 ${stored.id} 已办结` });
  const note = (params.note ?? '').trim();
  if (!note) return void (ctx.outcome = { status: 'invalid', message: '请填写 note（回访情况或整改结果）' });
  applyStep(ctx, stored, step, note, ctx.event.actor);
}

function applyStep(ctx: DecisionContext, stored: StoredRecord<Rectification>, step: Step, note: string, by: string): void {
  const c = stored.data;
  const entry = { at: ctx.now.toISOString(), by, note: note.trim().slice(0, 500) };
  const next: Rectification =
    step === 'callback' ? { ...c, callback: entry } : { ...c, outcome: entry, ...(c.callback ? {} : { callback: entry }) };
  save(ctx, next, stored.rev + 1);
  const applicant = { kind: 'user' as const, userId: c.applicantId };
  if (step === 'callback') {
    ctx.send(
      applicant,
      `关于您对办件 ${c.applicationId} 的评价，负责部门已回访：${entry.note}。整改结果将于${formatChineseDate(c.fixDue)}前反馈给您。`,
    );
  } else {
    ctx.send(applicant, rectificationOutcomeCard(next), { owner: c.applicantId });
  }
}

async function followUp(ctx: BotContext, id: string, levelText: string): Promise<void> {
  const stored = await ctx.getRecord<Rectification>(RECTIFICATION_KIND, id);
  const c = stored?.data;
  if (!stored || !c || c.applicantId !== ctx.event.sender.userId) return void ctx.reply('没有找到需要再评价的整改。');
  if (!c.outcome) return void ctx.reply('整改结果反馈后才能再评价。');
  if (c.followUp) return void ctx.reply('您已对整改结果作过评价，感谢您的反馈。');
  const level = parseEvaluationLevel(levelText);
  if (!level) return void ctx.reply('评价等级应为 1 至 5：5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意。');
  save(ctx, { ...c, followUp: { level, at: ctx.now.toISOString() } }, stored.rev + 1);
  ctx.replyPrivately(`感谢您对整改结果的评价：${evaluationLabel(level)}。`);
}

async function check(ctx: TimerContext, { id, step }: CheckPayload): Promise<void> {
  const c = (await ctx.getRecord<Rectification>(RECTIFICATION_KIND, id))?.data;
  if (!c || c.outcome || (step === 'callback' && c.callback)) return;
  const people = new Set([...caseContacts(c, ctx.services.adminUserIds), ...ctx.services.adminUserIds]);
  for (const userId of people) ctx.send({ kind: 'user', userId }, lateText(c, step));
}

function save(ctx: DecisionContext, c: Rectification, rev: number): void {
  const record: StoredRecord<Rectification> = {
    kind: RECTIFICATION_KIND,
    id: c.id,
    rev,
    data: c,
    updatedAt: ctx.now.getTime(),
    tags: { status: rectificationStatus(c) },
  };
  ctx.saveRecord(record);
}
