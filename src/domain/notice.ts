// A notice (通知) a broadcaster publishes: what it says, to whom, when and through which channel; plus the
// pure checks of a draft, which report every problem at once (the compose dialog and POST /api/notices).

/** Who a notice goes to. Departments may include their sub-departments; groups are ones the bot is in. */
export type NoticeAudience =
  | { kind: 'all' }
  | { kind: 'departments'; deptIds: number[]; includeSub: boolean }
  | { kind: 'groups'; conversationIds: string[] }
  | { kind: 'users'; userIds: string[] };

/** `robot`: one-to-one robot messages (default); `work`: DingTalk work notifications (needs DINGTALK_AGENT_ID). */
export type NoticeChannel = 'robot' | 'work';

/** What the author writes. */
export interface NoticeDraft {
  title: string;
  /** Markdown. */
  body: string;
  audience: NoticeAudience;
  link?: { text: string; url: string };
  /** Epoch ms; absent = at once. */
  sendAt?: number;
  channel: NoticeChannel;
}

/** A draft while it is composed in the chat dialog (plain JSON). */
export type NoticeCompose = Partial<NoticeDraft>;

/** scheduled → resolving → sending → completed; cancelled from any state before completed. */
export type NoticeStatus = 'scheduled' | 'resolving' | 'sending' | 'completed' | 'cancelled';

/** The stored notice (record kind `notice`). */
export interface Notice extends NoticeDraft {
  id: string;
  author: { userId: string; name: string };
  status: NoticeStatus;
  createdAt: number;
  /** The author's preview card, turned into the progress card and then the report. */
  cardId?: string;
  /** Resolved before sending: the people (de-duplicated, without the author) and the groups. */
  recipients?: string[];
  groups?: string[];
  /** People of the chosen departments who left (inactive), skipped. */
  skipped?: string[];
  cancelledAt?: number;
}

export const TITLE_MAX = 64;
export const BODY_MAX = 2_000;
/** People named one by one in one notice. */
export const USERS_MAX = 1_000;

/** Checks a draft; an empty list means it may be published. `now` rejects a send time in the past. */
export function draftProblems(
  draft: Partial<NoticeDraft>,
  now: number,
  work: WorkChannel = { configured: false, toAllToday: 0 },
): string[] {
  const problems: string[] = [];
  const title = (draft.title ?? '').trim();
  const body = (draft.body ?? '').trim();
  if (title === '') problems.push('标题不能为空');
  else if (length(title) > TITLE_MAX) problems.push(`标题请在${TITLE_MAX}字以内（现在${length(title)}字）`);
  if (body === '') problems.push('正文不能为空');
  else if (length(body) > BODY_MAX) problems.push(`正文请在${BODY_MAX}字以内（现在${length(body)}字）`);
  problems.push(...audienceProblems(draft.audience));
  if (draft.link && !/^https?:\/\/\S+$/u.test(draft.link.url)) problems.push('链接须以 http:// 或 https:// 开头');
  if (draft.link && draft.link.text.trim() === '') problems.push('链接按钮的文字不能为空');
  if (draft.sendAt !== undefined && (!Number.isFinite(draft.sendAt) || draft.sendAt < now)) problems.push('发送时间须晚于现在');
  if (draft.channel !== undefined && draft.channel !== 'robot' && draft.channel !== 'work')
    problems.push('发送渠道只能是 机器人消息 或 工作通知');
  if (draft.channel === 'work') problems.push(...workProblems(draft.audience, work));
  return problems;
}

/** Whether work notifications are configured, and how often they went to everyone today (China day). */
export interface WorkChannel {
  configured: boolean;
  toAllToday: number;
}

/** DingTalk sends a work notification to the whole organisation at most 3 times a day. */
export const WORK_TO_ALL_PER_DAY = 3;

// Checked before any call, so the author hears DingTalk's rules in plain words instead of an error code.
function workProblems(audience: NoticeAudience | undefined, work: WorkChannel): string[] {
  if (!work.configured) return ['未配置 DINGTALK_AGENT_ID，不能发工作通知，请使用机器人消息'];
  if (audience?.kind === 'groups') return ['工作通知不能发到群，请使用机器人消息'];
  if (audience?.kind === 'departments' && !audience.includeSub) return ['工作通知按部门发送时总包含下级部门，请加“含下级”或改用机器人消息'];
  if (audience?.kind === 'all' && work.toAllToday >= WORK_TO_ALL_PER_DAY) {
    return [`今天已向全体人员发送工作通知 ${work.toAllToday} 次，钉钉每天最多 ${WORK_TO_ALL_PER_DAY} 次；请明天再发，或改用机器人消息`];
  }
  return [];
}

/** The record (kind `notice.workday`, id the China day) counting today's work notifications to everyone. */
export const WORK_DAY = 'notice.workday';

/** The China day of `at` (`2026-12-31`), the day DingTalk's daily limits count in. */
export function chinaDay(at: number): string {
  return new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
}

function audienceProblems(audience: NoticeAudience | undefined): string[] {
  if (!audience) return ['请选择发送对象'];
  const list = audience as { deptIds?: unknown; conversationIds?: unknown; userIds?: unknown };
  if (audience.kind === 'departments' && !Array.isArray(list.deptIds)) return ['部门须为编号列表'];
  if (audience.kind === 'groups' && !Array.isArray(list.conversationIds)) return ['群须为会话编号列表'];
  if (audience.kind === 'users' && !Array.isArray(list.userIds)) return ['人员须为钉钉用户编号列表'];
  switch (audience.kind) {
    case 'all':
      return [];
    case 'departments':
      if (audience.deptIds.length === 0) return ['请至少选择一个部门'];
      return audience.deptIds.every((id) => Number.isInteger(id) && id > 0) ? [] : ['部门编号须为正整数'];
    case 'groups':
      return audience.conversationIds.length === 0 ? ['请至少选择一个群'] : [];
    case 'users':
      if (audience.userIds.length === 0) return ['请至少填写一位人员'];
      return audience.userIds.length > USERS_MAX ? [`一次最多指定${USERS_MAX}人，更多请按部门发送`] : [];
    default:
      return ['发送对象无法识别'];
  }
}

/** 全体 / 部门… / 群… / 人员… as the author reads it. */
export function audienceText(audience: NoticeAudience): string {
  switch (audience.kind) {
    case 'all':
      return '全体人员';
    case 'departments':
      return `部门 ${audience.deptIds.join('、')}${audience.includeSub ? '（含下级部门）' : '（不含下级部门）'}`;
    case 'groups':
      return `${audience.conversationIds.length} 个群`;
    case 'users':
      return `${audience.userIds.length} 位指定人员`;
  }
}

/**
 * Parses what the author types at 发送对象: `全体`; `部门 101 102` (add `含下级`); `群 cid…`; `人员 id id`.
 * Undefined when it is none of these.
 */
export function parseAudience(text: string): NoticeAudience | undefined {
  const trimmed = text.trim();
  if (/^(全体|全体人员|所有人)$/u.test(trimmed)) return { kind: 'all' };
  const match = /^(部门|群|人员)[:：\s]\s*(.+)$/u.exec(trimmed);
  if (!match) return undefined;
  const words = (match[2] ?? '').split(/[\s,，、;；]+/u).filter((w) => w !== '');
  if (match[1] === '部门') {
    const includeSub = words.some((w) => /^(含下级|含下级部门|包含下级)$/u.test(w));
    const ids = words.filter((w) => !/下级/u.test(w)).map(Number);
    return { kind: 'departments', deptIds: ids, includeSub };
  }
  if (match[1] === '群') return { kind: 'groups', conversationIds: words };
  return { kind: 'users', userIds: [...new Set(words)] };
}

function length(text: string): number {
  return Array.from(text).length;
}

/** `2026-12-31 09:00` (China time, what the author types) → epoch ms; undefined when it is not such a time. */
export function parseSendTime(text: string): number | undefined {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})[\sT]+(\d{1,2})[:：](\d{2})$/u.exec(text.trim());
  if (!match) return undefined;
  const [y, mo, d, h, mi] = match.slice(1).map(Number) as [number, number, number, number, number];
  const at = Date.UTC(y, mo - 1, d, h - 8, mi);
  const check = new Date(at + 8 * 3_600_000);
  return check.getUTCDate() === d && check.getUTCMonth() === mo - 1 && h < 24 ? at : undefined;
}

/** Epoch ms as the author reads it: `2026-12-31 09:00` China time. */
export function sendTimeText(at: number): string {
  return new Date(at + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
