// The notice cards: the compose steps, the preview with 确认发布 / 修改 / 取消, and the author's progress
// card that becomes the delivery report (the same figures as GET /api/notices/:id).
import { audienceText, type Notice, type NoticeDraft } from '../src/domain/notice.js';
import { failedCount, type NoticeProgress } from '../src/domain/fan-out.js';
import { button } from './button.js';
import type { Card } from './card.js';
import { userText, userValue } from './fit.js';

export const NOTICE_CONFIRM = 'notice.confirm';
export const NOTICE_EDIT = 'notice.edit';
export const NOTICE_CANCEL = 'notice.cancel';
export const NOTICE_SKIP = 'notice.skip';
export const NOTICE_NOW = 'notice.now';
export const NOTICE_STOP = 'notice.stop';
export const NOTICE_CHANNEL = 'notice.channel';

/** One compose step: what to type, with the optional step's 跳过 / 立即发送 button. */
export function noticeStepCard(step: { title: string; ask: string; error?: string; skip?: 'skip' | 'now' }): Card {
  const buttons = [button('取消', NOTICE_CANCEL, { command: '取消' })];
  if (step.skip === 'skip') buttons.unshift(button('跳过', NOTICE_SKIP, { command: '跳过', style: 'primary' }));
  if (step.skip === 'now') buttons.unshift(button('立即发送', NOTICE_NOW, { command: '立即发送', style: 'primary' }));
  return {
    title: `发布通知 · ${step.title}`,
    ...(step.error ? { status: { text: step.error, tone: 'warning' as const } } : {}),
    sections: [{ kind: 'markdown', text: step.ask }],
    buttons,
  };
}

/** The channel step, offered only when DINGTALK_AGENT_ID is set; it says DingTalk's daily limits. */
export function noticeChannelCard(error?: string): Card {
  return {
    title: '发布通知 · 发送渠道',
    ...(error ? { status: { text: error, tone: 'warning' as const } } : {}),
    sections: [
      {
        kind: 'markdown',
        text:
          '**机器人消息**（默认）：在与机器人的单聊中逐人送达，可查看已读。\n\n' +
          '**工作通知**：经“工作通知”送达，按部门发送时一次最多 20 个部门（含下级部门）。钉钉限制：同一内容每人每天只能收到一次，' +
          '向全体人员发送每天最多 3 次。',
      },
    ],
    buttons: [
      button('机器人消息', NOTICE_CHANNEL, { params: { channel: 'robot' }, command: '机器人消息', style: 'primary' }),
      button('工作通知', NOTICE_CHANNEL, { params: { channel: 'work' }, command: '工作通知' }),
      button('取消', NOTICE_CANCEL, { command: '取消' }),
    ],
  };
}

/** The preview of a draft before it is published. */
export function noticePreviewCard(draft: NoticeDraft, when: string): Card {
  return {
    title: `通知预览：${userText(draft.title, 64)}`,
    status: { text: '待确认', tone: 'info' },
    sections: [
      { kind: 'markdown', text: userText(draft.body, 600) },
      {
        kind: 'fields',
        items: [
          { label: '发送对象', value: audienceText(draft.audience) },
          { label: '发送时间', value: when },
          { label: '发送渠道', value: draft.channel === 'work' ? '工作通知' : '机器人消息' },
          ...(draft.link ? [{ label: '链接', value: userValue(draft.link.url) }] : []),
        ],
      },
    ],
    buttons: [
      button('确认发布', NOTICE_CONFIRM, { command: '确认发布', style: 'primary' }),
      button('修改', NOTICE_EDIT, { command: '修改' }),
      button('取消', NOTICE_CANCEL, { command: '取消' }),
    ],
  };
}

const STATUS_TEXT: Record<Notice['status'], { text: string; tone: 'info' | 'success' | 'warning' | 'neutral' }> = {
  scheduled: { text: '已定时', tone: 'info' },
  resolving: { text: '正在确定接收人', tone: 'info' },
  sending: { text: '发送中', tone: 'info' },
  completed: { text: '发送完成', tone: 'success' },
  cancelled: { text: '已取消', tone: 'neutral' },
};

/** The author's card while the notice waits, sends, and once it is done (the delivery report). */
export function noticeProgressCard(notice: Pick<Notice, 'id' | 'title' | 'status'>, progress?: NoticeProgress, when?: string): Card {
  const items = [{ label: '通知编号', value: notice.id }];
  if (when && notice.status === 'scheduled') items.push({ label: '发送时间', value: when });
  if (progress) {
    items.push({ label: '已送达', value: `${progress.sent} / ${progress.total}` }, { label: '失败', value: String(failedCount(progress)) });
    if (progress.invalid) items.push({ label: '无效人员', value: String(progress.invalid) });
    if (progress.waiting) items.push({ label: '限流待重试', value: String(progress.waiting) });
    if (progress.flowControlled) items.push({ label: '限流未送达', value: String(progress.flowControlled) });
    if (progress.uncertain) items.push({ label: '中断未确认', value: String(progress.uncertain) });
    if (progress.cancelled) items.push({ label: '取消未发', value: String(progress.cancelled) });
    if (progress.read !== undefined) items.push({ label: '已读', value: `${progress.read} / ${progress.sent}` });
  }
  const open = notice.status === 'scheduled' || notice.status === 'resolving' || notice.status === 'sending';
  return {
    title: `${notice.status === 'completed' ? '送达报告' : '通知'}：${userText(notice.title, 64)}`,
    status: STATUS_TEXT[notice.status],
    sections: [{ kind: 'fields', items }],
    ...(open
      ? {
          buttons: [
            button('停止发送', NOTICE_STOP, { params: { noticeId: notice.id }, command: `取消通知 ${notice.id}`, style: 'danger' }),
          ],
        }
      : {}),
  };
}
