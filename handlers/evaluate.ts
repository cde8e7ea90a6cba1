// 好差评: 评价 <编号> [1-5] or the 评价 button on a finished application's card. Only the applicant
// evaluates, once. A 差评 (不满意, 非常不满意) first asks for the reason in one reply (差评必须说明原因);
// once recorded, the admins are told one-to-one so it is followed up (差评整改).
import { APPLICATION_EVALUATE } from '../cards/application-card.js';
import {
  EVALUATE_CANCEL,
  EVALUATE_RATE,
  EVALUATE_SKIP,
  evaluationCard,
  evaluationReasonCard,
  evaluationThanksCard,
} from '../cards/evaluation-card.js';
import { BAD_LEVEL_MAX, evaluationLabel, parseEvaluationLevel, REASON_MAX_CHARS, type EvaluationLevel } from '../src/domain/evaluation.js';
import { Composer } from '../src/bot/composer.js';
import type { BotContext, DecisionContext } from '../src/bot/context.js';
import { startDialog } from '../src/bot/dialog-engine.js';
import { complete, defineDialog, show, skip, type DialogEnvelope, type DialogTurn, type StepResult } from '../src/bot/dialog.js';
import { action, hears } from '../src/bot/router.js';
import { parseApplicationId } from '../src/domain/application-id.js';
import { transition } from '../src/domain/application.js';
import type { Application } from '../src/domain/types.js';
import { canSee, refreshApplicationCard } from './application-push.js';
import { EVALUATE, isGlobalCommand } from './commands.js';
import { NOT_FOUND_TEXT } from './query.js';
import { openCase } from './supervision/rectification.js';

export const ALREADY_EVALUATED_TEXT = '您已评价过该办件，感谢您的反馈。';
export const APPLICANT_ONLY_TEXT = '只有申请人本人可以评价该办件。';
export const LEVEL_TEXT = '评价等级应为 1 至 5：5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意。';

/** State of a 差评 waiting for its reason (plain JSON). */
export interface EvaluateDraft {
  applicationId: string;
  matterName: string;
  level: EvaluationLevel;
  /** The evaluation card that was clicked: it turns into the thanks card once recorded. */
  cardId?: string;
}

export const evaluateDialog = defineDialog<EvaluateDraft, [Application, EvaluationLevel, string | undefined]>({
  id: 'evaluate',
  version: 1,
  ttl: { hours: 24 },
  expiredNotice: '评价超过24小时未说明原因，未作记录。需要时请点击办件卡片上的“评价”重新评价。',
  keyFor: (owner) => evaluateKey(owner),
  start: (_turn, app, level, cardId) => {
    const draft: EvaluateDraft = { applicationId: app.id, matterName: app.matter.name, level, ...(cardId ? { cardId } : {}) };
    return show('reason', draft, evaluationReasonCard(draft));
  },
  steps: {
    reason: {
      answer: (draft, input, turn) => {
        if (input.kind !== 'text' || isGlobalCommand(input.text)) return skip();
        const text = input.text.trim();
        if (text === '') return show('reason', draft, evaluationReasonCard({ ...draft, error: '请用文字简要说明原因。' }));
        const length = Array.from(text).length;
        if (length > REASON_MAX_CHARS) {
          return show('reason', draft, evaluationReasonCard({ ...draft, error: `原因请在${REASON_MAX_CHARS}字以内（现在${length}字）。` }));
        }
        return recordReason(draft, text, turn);
      },
      [EVALUATE_SKIP]: (draft, _input, turn) => recordReason(draft, undefined, turn),
      [EVALUATE_CANCEL]: (_draft, _input, turn) => {
        if (!isOwner(turn)) return skip();
        turn.tell('已取消本次评价。需要时可以点击办件卡片上的“评价”重新评价。');
        return complete();
      },
    },
  },
  commands: (text) => {
    if (/^跳过$/u.test(text)) return { action: EVALUATE_SKIP };
    if (/^(取消|取消评价)$/u.test(text)) return { action: EVALUATE_CANCEL };
    return undefined;
  },
});

/** The store key of a user's 差评 reason dialog (one at a time: a newer one replaces it). */
export function evaluateKey(userId: string): string {
  return `evaluate:${userId}`;
}

/** 评价 <编号> [等级], the 评价 button and the level buttons of the evaluation card. */
export const evaluate = new Composer<BotContext>(
  hears([EVALUATE], (ctx, match) => typed(ctx, match[1] ?? '')),
  action(APPLICATION_EVALUATE, (ctx, params) => ask(ctx, params.applicationId ?? '')),
  action(EVALUATE_RATE, (ctx, params) =>
    rate(ctx, params.applicationId ?? '', params.level ?? '', ctx.event.kind === 'card.action' ? ctx.event.cardId : undefined),
  ),
);

// "YC20260105-0001" asks; "YC20260105-0001 5" (or "… 满意") rates. A number may itself contain a space.
async function typed(ctx: BotContext, words: string): Promise<void> {
  const whole = parseApplicationId(words);
  if (whole) return ask(ctx, whole.id);
  const split = /^(.*\S)\s+(\S+)$/u.exec(words.trim());
  const id = split ? parseApplicationId(split[1] ?? '')?.id : undefined;
  return rate(ctx, id ?? '', split?.[2] ?? '');
}

/** The application when the sender is its applicant and it may be evaluated now; otherwise answers why not. */
async function evaluable(ctx: BotContext, id: string): Promise<Application | undefined> {
  const app = id ? await ctx.getApplication(id) : undefined;
  const sender = ctx.event.sender.userId;
  if (!app || !canSee(ctx, app, sender, ctx.isAdmin)) return void ctx.reply(NOT_FOUND_TEXT);
  if (app.applicant.userId !== sender) return void ctx.reply(APPLICANT_ONLY_TEXT);
  if (app.evaluation) return void ctx.reply(ALREADY_EVALUATED_TEXT);
  const probe = transition(app, { kind: 'evaluate', level: 5 }, { now: ctx.now, actor: applicant(app) });
  if (probe.status !== 'ok') return void ctx.reply(probe.message);
  return app;
}

async function ask(ctx: BotContext, id: string): Promise<void> {
  const app = await evaluable(ctx, id);
  if (app) ctx.replyPrivately(evaluationCard(app), '请在与我的单聊中评价。');
}

async function rate(ctx: BotContext, id: string, levelText: string, cardId?: string): Promise<void> {
  const app = await evaluable(ctx, id);
  if (!app) return;
  const level = parseEvaluationLevel(levelText);
  if (level === undefined) return void ctx.reply(LEVEL_TEXT);
  if (ctx.isGroup) ctx.reply('请在与我的单聊中完成评价。');
  if (level <= BAD_LEVEL_MAX) {
    await startDialog(
      ctx,
      evaluateDialog,
      { owner: app.applicant.userId, key: evaluateKey(app.applicant.userId), event: ctx.event },
      app,
      level,
      cardId,
    );
    return;
  }
  const saved = await record(ctx, app, level, undefined);
  if (typeof saved === 'string') return void ctx.replyPrivately(saved);
  if (cardId) ctx.updateCard(cardId, evaluationThanksCard(saved), ctx.me, saved.applicant.userId);
  else ctx.replyPrivately(evaluationThanksCard(saved));
}

async function recordReason(draft: EvaluateDraft, comment: string | undefined, turn: DialogTurn): Promise<StepResult<EvaluateDraft>> {
  if (!isOwner(turn)) return skip();
  const app = await turn.ctx.getApplication(draft.applicationId);
  if (!app) throw new Error(`evaluation of unknown application ${draft.applicationId}`);
  const saved = await record(turn.ctx, app, draft.level, comment);
  if (typeof saved === 'string') {
    turn.tell(saved);
    return complete();
  }
  const to = { kind: 'user' as const, userId: turn.owner };
  if (draft.cardId) turn.ctx.updateCard(draft.cardId, evaluationThanksCard(saved), to, turn.owner);
  turn.tell(draft.cardId ? '感谢您的评价，您的意见已转交负责人核实整改。' : evaluationThanksCard(saved));
  return complete();
}

/**
 * Records the evaluation, updates the application card in place, and for a 差评 tells every admin.
 * Returns the saved application, or the refusal to show when the state machine says no.
 */
async function record(
  ctx: DecisionContext,
  app: Application,
  level: EvaluationLevel,
  comment: string | undefined,
): Promise<Application | string> {
  if (app.evaluation) return ALREADY_EVALUATED_TEXT;
  const event = { kind: 'evaluate' as const, level, ...(comment ? { comment } : {}) };
  const result = transition(app, event, { now: ctx.now, actor: applicant(app) });
  if (result.status !== 'ok') return result.message;
  const saved = refreshApplicationCard(ctx, result.application);
  ctx.saveApplication(saved);
  await dropPendingReason(ctx, saved);
  if (level <= BAD_LEVEL_MAX) {
    notifyAdmins(ctx, saved);
    await openCase(ctx, saved);
  }
  return saved;
}

// A good rating clicked while a 差评 of the same application waits for its reason replaces it.
async function dropPendingReason(ctx: DecisionContext, app: Application): Promise<void> {
  const key = evaluateKey(app.applicant.userId);
  const pending = await ctx.getDialog(key);
  if ((pending?.data as DialogEnvelope<EvaluateDraft> | undefined)?.state.applicationId === app.id) ctx.removeDialog(key);
}

function notifyAdmins(ctx: DecisionContext, app: Application): void {
  const { level, comment } = app.evaluation!;
  const text = `差评提醒：办件 ${app.id}（${app.matter.name}）获评“${evaluationLabel(level)}”。原因：${comment ?? '申请人未说明'}。请核实整改并回访申请人。`;
  for (const userId of [...ctx.services.adminUserIds].sort()) ctx.send({ kind: 'user', userId }, text);
}

function applicant(app: Application) {
  return { type: 'applicant' as const, id: app.applicant.userId, name: app.applicant.name };
}

// An admin acting on the applicant's reason card must not evaluate for them.
function isOwner(turn: DialogTurn): boolean {
  return !turn.event || turn.event.sender.userId === turn.owner;
}
