// 补交 <编号> (or the 补交材料 button): the applicant hands in the materials promised under 容缺, one file at a
// time; each one is recorded on the application at once and sent to the back office as a supplement.
import { APPLICATION_PROMISE } from '../../cards/application-card.js';
import { PROMISE_LATER, promiseItemCard } from '../../cards/promise-card.js';
import { Composer } from '../../src/bot/composer.js';
import type { BotContext, DecisionContext } from '../../src/bot/context.js';
import { startDialog } from '../../src/bot/dialog-engine.js';
import { complete, defineDialog, show, skip, type DialogTurn, type StepResult } from '../../src/bot/dialog.js';
import { action, hears } from '../../src/bot/router.js';
import { parseApplicationId } from '../../src/domain/application-id.js';
import { transition } from '../../src/domain/application.js';
import { nextSupplementRound, openPromises } from '../../src/domain/material-promises.js';
import { formatChineseDate } from '../../src/domain/status-text.js';
import type { Actor, Application } from '../../src/domain/types.js';
import { promiseDues } from '../../src/supervision/promises.js';
import { canSee, refreshApplicationCard } from '../application-push.js';
import { isGlobalCommand, PROMISE } from '../commands.js';
import { NOT_FOUND_TEXT } from '../query.js';

/** State of a hand-in (plain JSON): which application. */
export interface PromiseDraft {
  applicationId: string;
}

export const promiseDialog = defineDialog<PromiseDraft, [Application]>({
  id: 'promise',
  version: 1,
  ttl: { hours: 24 * 7 },
  keyFor: (owner) => promiseKey(owner),
  start: (turn, app) => show('item', { applicationId: app.id }, itemCard(turn.ctx, app)),
  steps: {
    item: {
      answer: async (draft, input, turn) => {
        if (input.kind !== 'text') return skip();
        const files = input.attachments.filter((a) => a.kind === 'picture' || a.kind === 'file');
        if (files.length === 0)
          return isGlobalCommand(input.text) || input.text.trim() === '' ? skip() : stayWith(draft, turn, '请直接发送照片或文件。');
        return handIn(
          draft,
          turn,
          files.map((f) => f.downloadCode).join(','),
          files.map((f, i) => f.fileName ?? `文件${i + 1}`).join('、'),
        );
      },
      [PROMISE_LATER]: (draft, _input, turn) => {
        turn.tell(`好的。需要时点击办件 ${draft.applicationId} 卡片上的“补交材料”，或发送“补交 ${draft.applicationId}”。`);
        return complete();
      },
    },
  },
  commands: (text) => (/^稍后补交$/u.test(text) ? { action: PROMISE_LATER } : undefined),
});

/** The store key of a user's hand-in dialog (one at a time). */
export function promiseKey(userId: string): string {
  return `promise:${userId}`;
}

/** 补交 <编号> and the 补交材料 button. */
export const promise = new Composer<BotContext>(
  hears([PROMISE], (ctx, match) => begin(ctx, parseApplicationId(match[1] ?? '')?.id ?? '')),
  action(APPLICATION_PROMISE, (ctx, params) => begin(ctx, params.applicationId ?? '')),
);

async function begin(ctx: BotContext, id: string): Promise<void> {
  const app = id ? await ctx.getApplication(id) : undefined;
  if (!app || !canSee(ctx, app, ctx.actingFor, ctx.isAdmin)) return void ctx.reply(NOT_FOUND_TEXT);
  if (openPromises(app).length === 0 || !app.acceptedAt) return void ctx.reply(`办件 ${app.id} 当前没有需要补交的容缺材料。`);
  if (ctx.isGroup) ctx.reply('请在与我的单聊中补交材料。');
  await startDialog(ctx, promiseDialog, { owner: app.applicant.userId, key: promiseKey(app.applicant.userId), event: ctx.event }, app);
}

async function handIn(draft: PromiseDraft, turn: DialogTurn, ref: string, fileName: string): Promise<StepResult<PromiseDraft>> {
  const { ctx } = turn;
  const app = await ctx.getApplication(draft.applicationId);
  const first = app && promiseDues(ctx.services.calendar, app, ctx.matter(app.matter.id))[0];
  const material = first && app.materials.find((m) => m.id === first.materialId);
  if (!app || !material) {
    turn.tell('没有需要补交的容缺材料了。');
    return complete();
  }
  const clicker = turn.event?.sender.userId ?? turn.owner;
  const actor: Actor =
    clicker === app.applicant.userId ? { type: 'applicant', id: clicker, name: app.applicant.name } : { type: 'admin', id: clicker };
  const result = transition(
    app,
    { kind: 'fulfil_promise', materials: [{ ...material, source: 'upload', ref, fileName }] },
    { now: ctx.now, actor },
  );
  if (result.status !== 'ok') {
    turn.tell(result.message);
    return complete();
  }
  const saved = refreshApplicationCard(ctx, result.application);
  ctx.saveApplication(saved);
  ctx.callBackoffice('supplement', app.id, { round: nextSupplementRound(app) });
  if (openPromises(saved).length > 0) return show('item', draft, itemCard(ctx, saved, `已收到${material.name}。`));
  turn.tell(`容缺承诺的材料已全部补交，办件 ${app.id} 将正常办理。`);
  return complete();
}

async function stayWith(draft: PromiseDraft, turn: DialogTurn, error: string): Promise<StepResult<PromiseDraft>> {
  const app = await turn.ctx.getApplication(draft.applicationId);
  return app ? show('item', draft, itemCard(turn.ctx, app, undefined, error)) : complete();
}

function itemCard(ctx: DecisionContext, app: Application, notice?: string, error?: string) {
  const dues = promiseDues(ctx.services.calendar, app, ctx.matter(app.matter.id));
  const items = dues.map((d) => ({ name: d.name, due: formatChineseDate(d.dueDay) }));
  return promiseItemCard({
    applicationId: app.id,
    matterName: app.matter.name,
    items,
    ...(notice ? { notice } : {}),
    ...(error ? { error } : {}),
  });
}
