// 撤回 <编号> (or the 撤回申请 button): allowed only before a decision, after a confirmation step. The
// back office is told through the outbox and the application card is updated in place.
import { APPLICATION_WITHDRAW } from '../cards/application-card.js';
import { WITHDRAW_ABORT, WITHDRAW_CONFIRM, withdrawConfirmCard } from '../cards/withdraw-card.js';
import { Composer } from '../src/bot/composer.js';
import type { BotContext } from '../src/bot/context.js';
import { action, hears } from '../src/bot/router.js';
import { parseApplicationId } from '../src/domain/application-id.js';
import { canWithdraw, transition } from '../src/domain/application.js';
import type { Actor, Application } from '../src/domain/types.js';
import { canSee, refreshApplicationCard } from './application-push.js';
import { CONFIRM_WITHDRAW, WITHDRAW } from './commands.js';
import { NOT_FOUND_TEXT } from './query.js';

/** 撤回, 确认撤回 and their buttons. */
export const withdraw = new Composer<BotContext>(
  hears([CONFIRM_WITHDRAW], (ctx, match) => confirm(ctx, parseApplicationId(match[1] ?? '')?.id ?? '')),
  hears([WITHDRAW], (ctx, match) => ask(ctx, parseApplicationId(match[1] ?? '')?.id ?? '')),
  action(APPLICATION_WITHDRAW, (ctx, params) => ask(ctx, params.applicationId ?? '')),
  action(WITHDRAW_CONFIRM, (ctx, params) => confirm(ctx, params.applicationId ?? '')),
  action(WITHDRAW_ABORT, (ctx, params) => keep(ctx, params.applicationId ?? '')),
);

async function load(ctx: BotContext, id: string): Promise<Application | undefined> {
  const app = id ? await ctx.getApplication(id) : undefined;
  if (app && canSee(ctx, app, ctx.actingFor, ctx.isAdmin)) return app;
  ctx.reply(NOT_FOUND_TEXT);
  return undefined;
}

// A button's params are never shown back: only a number the bot finds in the store is named.
async function keep(ctx: BotContext, id: string): Promise<void> {
  const app = id ? await ctx.getApplication(id) : undefined;
  const known = app && canSee(ctx, app, ctx.actingFor, ctx.isAdmin);
  ctx.reply(known ? `好的，办件 ${app.id} 继续办理。` : '好的，继续办理。');
}

async function ask(ctx: BotContext, id: string): Promise<void> {
  const app = await load(ctx, id);
  if (!app) return;
  if (app.status === 'withdrawn') return void ctx.reply(`办件 ${app.id} 已撤回。`);
  if (!canWithdraw(app)) return void ctx.reply(refusal(ctx, app));
  ctx.replyPrivately(withdrawConfirmCard(app), '请在与我的单聊中确认撤回。');
}

async function confirm(ctx: BotContext, id: string): Promise<void> {
  const app = await load(ctx, id);
  if (!app) return;
  if (app.status === 'withdrawn') return void ctx.reply(`办件 ${app.id} 已撤回，无需重复操作。`);
  const result = transition(app, { kind: 'withdraw' }, { now: ctx.now, actor: actor(ctx, app) });
  if (result.status !== 'ok') return void ctx.reply(result.message);
  ctx.saveApplication(refreshApplicationCard(ctx, result.application));
  ctx.callBackoffice('withdraw', app.id);
  ctx.replyPrivately(`已撤回办件 ${app.id}（${app.matter.name}）。需要时可以重新申请。`, '撤回结果已发到与我的单聊中。');
}

function refusal(ctx: BotContext, app: Application): string {
  const result = transition(app, { kind: 'withdraw' }, { now: ctx.now, actor: actor(ctx, app) });
  return result.status === 'illegal' ? result.message : `办件 ${app.id} 不能撤回`;
}

function actor(ctx: BotContext, app: Application): Actor {
  const clicker = ctx.event.sender.userId;
  return clicker === app.applicant.userId ? { type: 'applicant', id: clicker, name: app.applicant.name } : { type: 'admin', id: clicker };
}
