// Cards of the admins' template commands: the matter list, one matter (current version, draft, last
// changes) and the confirmation before publishing or retiring, showing what changes.
import type { AuditEntry, MatterHead } from '../src/templates/template-records.js';
import { button } from './button.js';
import type { Card } from './card.js';
import { fitCard, userText } from './fit.js';
import { formatChinaTime } from './format.js';
import { escapeMarkdown } from './markdown.js';

export const MATTER_PUBLISH = 'matters.publish';
export const MATTER_RETIRE = 'matters.retire';
export const MATTER_ABORT = 'matters.abort';

/** 事项列表: every matter by its name, with version and status. */
export function matterListCard(heads: MatterHead[]): Card {
  const lines = heads.map((h, i) => `${i + 1}. ${escapeMarkdown(h.name)}（${h.id}）：${stateText(h)}`);
  return fitCard({
    title: `事项列表（${heads.length} 个）`,
    sections: [{ kind: 'markdown', text: lines.join('\n') || '还没有事项' }],
    footnote: '发送“事项 名称”查看详情，“发布 名称”发布草稿，“停用 名称”停止受理新申请。',
  });
}

/** 事项 <名称>: current version, draft and the last changes. */
export function matterCard(head: MatterHead, changes: AuditEntry[]): Card {
  const log = changes.map(
    (c) =>
      `- ${formatChinaTime(c.at)} ${ACTIONS[c.action]}${c.version ? ` 第${c.version}版` : ''}（${userText(c.actor.id, 40)}）：${c.summary.map((s) => userText(s, 80)).join('；') || '—'}`,
  );
  return fitCard({
    title: `事项 · ${head.name}`,
    status: head.status === 'active' ? { text: '受理中', tone: 'success' } : { text: '已停用', tone: 'danger' },
    sections: [
      {
        kind: 'fields',
        items: [
          { label: '事项编号', value: head.id },
          { label: '当前版本', value: head.current === undefined ? '尚未发布' : `第${head.current}版` },
          { label: '草稿', value: head.draft ? `第${head.draft.version}版（待发布）` : '无' },
          { label: '历史版本', value: head.versions.map((v) => `第${v}版`).join('、') || '—' },
        ],
      },
      { kind: 'markdown', text: `**最近变更**\n${log.join('\n') || '无'}` },
    ],
  });
}

/** Asks to confirm publishing or retiring, with the readable summary of what changes. */
export function confirmCard(kind: 'publish' | 'retire', head: MatterHead, summary: string[]): Card {
  const verb = kind === 'publish' ? '发布' : '停用';
  const params = { matter: head.id };
  const what = kind === 'publish' ? `第${head.draft?.version}版（当前第${head.current ?? '—'}版）` : `第${head.current ?? '—'}版`;
  return fitCard({
    title: `确认${verb}「${head.name}」？`,
    status: { text: '需要确认', tone: 'warning' },
    sections: [
      {
        kind: 'fields',
        items: [
          { label: '事项', value: head.name },
          { label: '版本', value: what },
        ],
      },
      { kind: 'markdown', text: `**变化**\n${summary.map((s) => `- ${escapeMarkdown(s)}`).join('\n') || '- 内容与当前版本相同'}` },
      {
        kind: 'markdown',
        text:
          kind === 'publish'
            ? '发布后新的申请立即按新版本办理；已提交的办件仍按原版本。'
            : '停用后不再受理新的申请；已提交和办理中的办件不受影响。',
      },
    ],
    buttons: [
      button(`确认${verb}`, kind === 'publish' ? MATTER_PUBLISH : MATTER_RETIRE, {
        params,
        command: `确认${verb} ${head.id}`,
        style: kind === 'publish' ? 'primary' : 'danger',
      }),
      button('取消', MATTER_ABORT, { params, command: '取消' }),
    ],
  });
}

const ACTIONS: Record<AuditEntry['action'], string> = {
  seed: '初始导入',
  import: '导入',
  create: '新建',
  draft: '修改草稿',
  publish: '发布',
  retire: '停用',
};

function stateText(head: MatterHead): string {
  const version = head.current === undefined ? '未发布' : `第${head.current}版`;
  return `${version}${head.status === 'retired' ? '，已停用' : ''}${head.draft ? `，有草稿（第${head.draft.version}版）` : ''}`;
}
