// Starting an application: 我要办 <matter> or 立即申请 on a guide card. In a group the dialog moves to the
// person's one-to-one chat (personal data never goes into a group), and the group is told so.
import { APPLY_SUBMIT } from '../../cards/apply-actions.js';
import { applicationCard } from '../../cards/application-card.js';
import { GUIDE_APPLY } from '../../cards/guide-card.js';
import { matterChoiceCard, noMatchCard } from '../../cards/matter-choice-card.js';
import { Composer } from '../../src/bot/composer.js';
import type { BotContext } from '../../src/bot/context.js';
import { EXPIRED_TEXT, startDialog } from '../../src/bot/dialog-engine.js';
import type { DialogEnvelope } from '../../src/bot/dialog.js';
import { action, hears } from '../../src/bot/router.js';
import { statusText } from '../../src/domain/status-text.js';
import type { Matter } from '../../src/domain/types.js';
import { UserError } from '../../src/errors.js';
import { applyDialog, applyKey } from './apply.js';
import type { ApplyDraft } from './draft.js';
import { APPLY } from '../commands.js';
import { pickMatter } from '../find-matter.js';

/** 我要办 <words>, the 立即申请 button, and a second tap on 提交 after the application went in. */
export const startApply = new Composer<BotContext>(
  hears([APPLY], (ctx, match) => {
    const words = match[1] ?? '';
    const pick = pickMatter(ctx.services.catalogue.list(), words);
    if (pick.status === 'one') return beginApplication(ctx, pick.matter);
    ctx.reply(pick.status === 'many' ? matterChoiceCard(words, pick.matches) : noMatchCard(words, pick.suggestions));
  }),
  action(GUIDE_APPLY, (ctx, params) => {
    const matter = ctx.matter(params.matter ?? '');
    if (!matter) throw new UserError('该事项已不在目录中，请发送“办事指南”查看最新目录');
    return beginApplication(ctx, matter);
  }),
  action(APPLY_SUBMIT, (ctx) => alreadySubmitted(ctx)),
);

/** How many of a person's latest applications a second 提交 tap looks through for the one filed on its card. */
const RECENT = 20;

// The dialog ended with the first tap: a second one answers with the status of the application filed on that
// form card (the newest one, for an application filed before form cards were recorded).
async function alreadySubmitted(ctx: BotContext): Promise<void> {
  const recent = (await ctx.findApplications({ applicantId: ctx.actingFor, limit: RECENT })).items;
  const cardId = ctx.event.kind === 'card.action' ? ctx.event.cardId : undefined;
  const filed = recent.find((app) => app.channel.formCardId === cardId) ?? recent.find((app) => !app.channel.formCardId);
  if (!filed) return void ctx.reply('这份申请已结束，请发送“我要办 事项名称”重新开始。');
  ctx.reply(`申请已提交，无需重复提交。办件 ${filed.id} 当前状态：${statusText(filed).label}。`);
  ctx.reply(applicationCard(filed, ctx.matterOf(filed)));
}

/** Starts the apply dialog for the person the event acts for, replacing an unfinished one (and saying so). */
export async function beginApplication(ctx: BotContext, matter: Matter): Promise<void> {
  const owner = ctx.actingFor;
  const key = applyKey(owner);
  const previous = await ctx.getDialog(key);
  if (previous?.dialog === applyDialog.id && previous.expiresAt >= ctx.now.getTime()) {
    const draft = (previous.data as DialogEnvelope<ApplyDraft>).state;
    const name = ctx.matter(draft.matterId)?.name ?? '之前的事项';
    ctx.send({ kind: 'user', userId: owner }, `已放弃未完成的「${name}」办理，开始办理「${matter.name}」。`);
  } else if (previous && previous.expiresAt < ctx.now.getTime()) {
    ctx.send({ kind: 'user', userId: owner }, EXPIRED_TEXT);
  }
  if (ctx.isGroup) ctx.reply(`已转到与我的单聊中继续办理「${matter.name}」，涉及个人信息的内容不会发在群里，请查看单聊消息。`);
  await startDialog(ctx, applyDialog, { owner, key, event: ctx.event }, matter);
}
