// A confirmed notice is stored and its start timer set (now, or at its time); the preview card becomes
// the progress card. 停止发送 / 取消通知 <编号> cancels it (a scheduled one at once, a sending one at its
// next batch). When the timer fires, the notice's audience is resolved and the batches go (src/broadcast).
import { NOTICE_STOP, noticeProgressCard } from '../cards/notice-card.js';
import { NOTICE, NOTICE_CANCEL_MARK } from '../src/broadcast/jobs.js';
import {
  chinaDay,
  draftProblems,
  sendTimeText,
  WORK_DAY,
  type Notice,
  type NoticeCompose,
  type NoticeDraft,
  type WorkChannel,
} from '../src/domain/notice.js';
import { newNotice, newNoticeId, NOTICE_START_TIMER, startTimer } from '../src/broadcast/publish.js';
import { Composer } from '../src/bot/composer.js';
import type { BotContext, DecisionContext } from '../src/bot/context.js';
import type { TimerContext } from '../src/bot/event-contexts.js';
import { complete, show, type DialogEnvelope, type DialogTurn, type StepResult } from '../src/bot/dialog.js';
import { action, hears, onTimer } from '../src/bot/router.js';
import { noticeStepCard } from '../cards/notice-card.js';

/** 取消通知 <编号>. */
export const CANCEL_NOTICE = /^取消通知\s*(N[0-9A-Z]+)$/u;

/** 确认发布: stores the notice and its timer; the preview card turns into the progress card. */
export async function publish(draft: NoticeCompose, turn: DialogTurn): Promise<StepResult<NoticeCompose>> {
  const { ctx } = turn;
  const now = ctx.now.getTime();
  const fields = draft;
  const problems = draftProblems(fields, now, await workChannel(ctx));
  if (problems.length > 0)
    return show('title', draft, noticeStepCard({ title: '标题', ask: '请重新输入通知标题。', error: problems.join('；') }));
  const cardId = ((await ctx.getDialog(turn.key))?.data as DialogEnvelope<NoticeCompose> | undefined)?.cardId;
  const author = { userId: turn.owner, name: turn.event?.sender.userId === turn.owner ? turn.event.sender.name : '' };
  const stored = newNotice(newNoticeId(now), fields as NoticeDraft, author, now, cardId);
  const timer = startTimer(stored);
  ctx.saveRecord(stored);
  ctx.schedule(timer.name, timer.key, timer.at, timer.payload);
  const when = stored.data.sendAt ? sendTimeText(stored.data.sendAt) : undefined;
  if (cardId) ctx.updateCard(cardId, noticeProgressCard(stored.data, undefined, when), { kind: 'user', userId: turn.owner }, turn.owner);
  turn.tell(when ? `通知 ${stored.id} 已定时，将于 ${when} 发送。` : `通知 ${stored.id} 已开始发送，进度见上方卡片。`);
  return complete();
}

/** 停止发送 and 取消通知 <编号>, by the author or an admin. */
export const noticeControl = new Composer<BotContext>(
  action(NOTICE_STOP, (ctx, params) => stop(ctx, params.noticeId ?? '')),
  hears([CANCEL_NOTICE], (ctx, match) => stop(ctx, match[1] ?? '')),
);

async function stop(ctx: BotContext, id: string): Promise<void> {
  const stored = id ? await ctx.getRecord<Notice>(NOTICE, id) : undefined;
  if (!stored || (stored.data.author.userId !== ctx.actingFor && !ctx.isAdmin)) return void ctx.reply('没有找到这条通知。');
  if (stored.data.status === 'completed') return void ctx.reply(`通知 ${id} 已发送完毕，不能取消。`);
  if (stored.data.status === 'cancelled' || (await ctx.getRecord(NOTICE_CANCEL_MARK, id))) return void ctx.reply(`通知 ${id} 已取消。`);
  const now = ctx.now.getTime();
  ctx.saveRecord({ kind: NOTICE_CANCEL_MARK, id, rev: 1, data: { at: now }, updatedAt: now });
  if (stored.data.status === 'scheduled') {
    const cancelled: Notice = { ...stored.data, status: 'cancelled', cancelledAt: now };
    ctx.saveRecord({ ...stored, rev: stored.rev + 1, updatedAt: now, data: cancelled });
    refresh(ctx, cancelled);
    return void ctx.reply(`通知 ${id} 已取消，不会发送。`);
  }
  ctx.reply(`正在停止通知 ${id}：已发出的不再撤回，其余不再发送。`);
}

function refresh(ctx: DecisionContext, notice: Notice): void {
  if (notice.cardId)
    ctx.updateCard(notice.cardId, noticeProgressCard(notice), { kind: 'user', userId: notice.author.userId }, notice.author.userId);
}

/** The start timer: a notice still scheduled and not cancelled begins to send. */
export const noticeTimer = onTimer(NOTICE_START_TIMER, async (ctx: TimerContext, payload) => {
  const { noticeId } = payload as { noticeId: string };
  const stored = await ctx.getRecord<Notice>(NOTICE, noticeId);
  if (stored?.data.status !== 'scheduled' || (await ctx.getRecord(NOTICE_CANCEL_MARK, noticeId))) return;
  ctx.broadcast(noticeId);
});

/** The work channel as a decision sees it: configured, and today's sends to everyone. */
export async function workChannel(ctx: DecisionContext): Promise<WorkChannel> {
  const day = await ctx.getRecord<{ toAll: number }>(WORK_DAY, chinaDay(ctx.now.getTime()));
  return { configured: ctx.services.workNotices === true, toAllToday: day?.data.toAll ?? 0 };
}
