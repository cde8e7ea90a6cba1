// 发布通知: a broadcaster (BROADCASTER_USER_IDS) or an admin composes a notice in one-to-one chat — 标题,
// 正文, 发送对象, an optional link (跳过), an optional time (立即发送), the channel when 工作通知 is configured
// (DINGTALK_AGENT_ID; its daily limits are checked before anything is sent) — then confirms a preview. Anyone else gets the ordinary help. Sending is src/broadcast's.
import {
  NOTICE_CANCEL,
  NOTICE_CHANNEL,
  NOTICE_CONFIRM,
  NOTICE_EDIT,
  NOTICE_NOW,
  NOTICE_SKIP,
  noticeChannelCard,
  noticePreviewCard,
  noticeStepCard,
} from '../cards/notice-card.js';
import { helpCard } from '../cards/help-card.js';
import {
  draftProblems,
  parseAudience,
  parseSendTime,
  sendTimeText,
  BODY_MAX,
  TITLE_MAX,
  type NoticeCompose,
  type NoticeDraft,
} from '../src/domain/notice.js';
import { Composer } from '../src/bot/composer.js';
import type { BotContext } from '../src/bot/context.js';
import { startDialog } from '../src/bot/dialog-engine.js';
import { complete, defineDialog, show, skip, type DialogInput, type DialogTurn, type StepResult } from '../src/bot/dialog.js';
import { hears } from '../src/bot/router.js';
import { isGlobalCommand } from './commands.js';
import { publish, workChannel } from './notice-publish.js';

/** 发布通知 [标题]. */
export const PUBLISH_NOTICE = /^发布通知(?:\s+(.+))?$/u;

const ASK = {
  title: { title: '标题', ask: `请输入通知标题（${TITLE_MAX}字以内）。` },
  body: { title: '正文', ask: `请输入通知正文，可用 Markdown（${BODY_MAX}字以内）。` },
  audience: {
    title: '发送对象',
    ask: '请输入发送对象：\n\n- **全体**\n- **部门 101 102**（加“含下级”包括下级部门）\n- **群 群会话编号**（机器人所在的群）\n- **人员 钉钉用户编号…**',
  },
  link: { title: '链接', ask: '如需附带链接按钮，请输入“按钮文字 https://…”；不需要请点“跳过”。', skip: 'skip' as const },
  time: { title: '发送时间', ask: '请输入发送时间（如 2026-12-31 09:00，北京时间），或点“立即发送”。', skip: 'now' as const },
};

const step = (name: keyof typeof ASK, draft: NoticeCompose, error?: string): StepResult<NoticeCompose> =>
  show(name, draft, noticeStepCard({ ...ASK[name], ...(error ? { error } : {}) }));

export const noticeDialog = defineDialog<NoticeCompose, [string | undefined]>({
  id: 'notice',
  version: 1,
  ttl: { hours: 24 },
  expiredNotice: '通知草稿超过24小时未操作，已自动取消。',
  keyFor: (owner) => noticeKey(owner),
  start: (_turn, title) => {
    const draft: NoticeCompose = { channel: 'robot' };
    return title ? textStep('title', draft, title) : step('title', draft);
  },
  steps: {
    title: { answer: (d, input) => textStep('title', d, text(input)), [NOTICE_CANCEL]: cancel },
    body: { answer: (d, input) => textStep('body', d, text(input)), [NOTICE_CANCEL]: cancel },
    audience: { answer: (d, input) => audienceStep(d, text(input)), [NOTICE_CANCEL]: cancel },
    link: { answer: (d, input) => linkStep(d, text(input)), [NOTICE_SKIP]: (d, _i, turn) => afterLink(d, turn), [NOTICE_CANCEL]: cancel },
    time: {
      answer: (d, input, turn) => timeStep(d, text(input), turn),
      [NOTICE_NOW]: (d, _i, turn) => afterTime(d, turn),
      [NOTICE_CANCEL]: cancel,
    },
    channel: { [NOTICE_CHANNEL]: (d, input, turn) => chooseChannel(d, input, turn), [NOTICE_CANCEL]: cancel },
    preview: {
      [NOTICE_CONFIRM]: (d, _input, turn) => publish(d, turn),
      [NOTICE_EDIT]: () => step('title', { channel: 'robot' }),
      [NOTICE_CANCEL]: cancel,
    },
  },
  commands: (typed) => {
    const map: Record<string, string> = {
      取消: NOTICE_CANCEL,
      跳过: NOTICE_SKIP,
      立即发送: NOTICE_NOW,
      确认发布: NOTICE_CONFIRM,
      修改: NOTICE_EDIT,
    };
    if (typed === '机器人消息' || typed === '工作通知')
      return { action: NOTICE_CHANNEL, params: { channel: typed === '工作通知' ? 'work' : 'robot' } };
    return map[typed] ? { action: map[typed] } : undefined;
  },
});

/** The store key of a user's notice draft (one at a time). */
export function noticeKey(userId: string): string {
  return `notice:${userId}`;
}

/** 发布通知: broadcasters and admins start the dialog; anyone else gets the help card, as for unknown words. */
export const notice = new Composer<BotContext>(
  hears([PUBLISH_NOTICE], async (ctx, match) => {
    if (!ctx.mayBroadcast(ctx.event.sender.userId)) return void ctx.reply(helpCard('抱歉，我没有听懂。您可以这样和我说：'));
    if (ctx.isGroup) return void ctx.reply('请在与我的单聊中发布通知。');
    const owner = ctx.event.sender.userId;
    await startDialog(ctx, noticeDialog, { owner, key: noticeKey(owner), event: ctx.event }, match[1]?.trim());
  }),
);

function text(input: DialogInput): string | undefined {
  return input.kind === 'text' && !isGlobalCommand(input.text) ? input.text.trim() : undefined;
}

function textStep(field: 'title' | 'body', draft: NoticeCompose, value: string | undefined): StepResult<NoticeCompose> {
  if (value === undefined) return skip();
  const next = { ...draft, [field]: value };
  const problem = draftProblems({ ...next, audience: { kind: 'all' } }, 0).find((p) => p.startsWith(field === 'title' ? '标题' : '正文'));
  if (problem) return step(field, draft, problem);
  return field === 'title' ? step('body', next) : step('audience', next);
}

function audienceStep(draft: NoticeCompose, value: string | undefined): StepResult<NoticeCompose> {
  if (value === undefined) return skip();
  const audience = parseAudience(value);
  const problem = audience ? draftProblems({ title: 't', body: 'b', audience }, 0)[0] : '没有看懂发送对象，请按提示的格式输入';
  return problem ? step('audience', draft, problem) : step('link', { ...draft, audience });
}

function linkStep(draft: NoticeCompose, value: string | undefined): StepResult<NoticeCompose> {
  if (value === undefined) return skip();
  const match = /^(.*?)\s*(https?:\/\/\S+)$/u.exec(value);
  if (!match) return step('link', draft, '请输入“按钮文字 https://…”，或点“跳过”');
  return step('time', { ...draft, link: { text: match[1] || '查看详情', url: match[2]! } });
}

function afterLink(draft: NoticeCompose, _turn: DialogTurn): StepResult<NoticeCompose> {
  return step('time', draft);
}

function timeStep(draft: NoticeCompose, value: string | undefined, turn: DialogTurn): StepResult<NoticeCompose> {
  if (value === undefined) return skip();
  const at = parseSendTime(value);
  if (at === undefined) return step('time', draft, '时间格式应为 2026-12-31 09:00');
  if (at <= turn.ctx.now.getTime()) return step('time', draft, '发送时间须晚于现在');
  return afterTime({ ...draft, sendAt: at }, turn);
}

function afterTime(draft: NoticeCompose, turn: DialogTurn): StepResult<NoticeCompose> {
  return turn.ctx.services.workNotices ? show('channel', draft, noticeChannelCard()) : preview(draft, turn);
}

// 工作通知 is checked against DingTalk's rules here, before the preview, so the author can still switch.
async function chooseChannel(draft: NoticeCompose, input: DialogInput, turn: DialogTurn): Promise<StepResult<NoticeCompose>> {
  const channel = input.kind === 'action' && input.params.channel === 'work' ? 'work' : 'robot';
  const next = { ...draft, channel } as NoticeCompose;
  const problem = draftProblems(next, turn.ctx.now.getTime(), await workChannel(turn.ctx))[0];
  return problem ? show('channel', draft, noticeChannelCard(problem)) : preview(next, turn);
}

function preview(draft: NoticeCompose, _turn: DialogTurn): StepResult<NoticeCompose> {
  const when = draft.sendAt ? sendTimeText(draft.sendAt) : '立即发送';
  return show('preview', draft, noticePreviewCard(draft as NoticeDraft, when));
}

function cancel(_draft: NoticeCompose, _input: DialogInput, turn: DialogTurn): StepResult<NoticeCompose> {
  turn.tell('已取消发布通知。');
  return complete();
}
