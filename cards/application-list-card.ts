// 我的办件: the person's applications, newest first, a page at a time, each with its status.
import { statusText } from '../src/domain/status-text.js';
import type { Application } from '../src/domain/types.js';
import { APPLICATION_TIMELINE } from './application-card.js';
import { button } from './button.js';
import type { Card, CardButton } from './card.js';
import { MAX_BUTTONS } from './fit.js';
import { formatChinaTime } from './format.js';
import { escapeMarkdown } from './markdown.js';

export const QUERY_PAGE = 'query.page';
/** Applications per page. */
export const LIST_PAGE_SIZE = 5;

export interface ApplicationListInput {
  items: Application[];
  total: number;
  /** 1-based. */
  page: number;
}

/** One page of the person's applications. */
export function applicationListCard(input: ApplicationListInput): Card {
  const pages = Math.max(1, Math.ceil(input.total / LIST_PAGE_SIZE));
  if (input.total === 0) {
    return {
      title: '我的办件',
      sections: [{ kind: 'markdown', text: '您还没有办件。发送“办事指南”看看可以办什么，或发送“我要办 事项名称”开始申请。' }],
    };
  }
  const first = (input.page - 1) * LIST_PAGE_SIZE;
  const lines = input.items.map((app, i) => {
    const when = app.submittedAt ? `，${formatChinaTime(app.submittedAt).split(' ')[0]}提交` : '';
    return `${first + i + 1}. **${app.id}** ${escapeMarkdown(app.matter.name)}：${statusText(app).label}${when}`;
  });
  const nav: CardButton[] = [
    ...(input.page > 1
      ? [button('上一页', QUERY_PAGE, { params: { page: String(input.page - 1) }, command: `我的办件 第${input.page - 1}页` })]
      : []),
    ...(input.page < pages
      ? [button('下一页', QUERY_PAGE, { params: { page: String(input.page + 1) }, command: `我的办件 第${input.page + 1}页` })]
      : []),
  ];
  const views = input.items
    .slice(0, MAX_BUTTONS - nav.length)
    .map((app) => button(`查看 ${app.id}`, APPLICATION_TIMELINE, { params: { applicationId: app.id }, command: `查询 ${app.id}` }));
  return {
    title: `我的办件（共${input.total}件）`,
    ...(pages > 1 ? { status: { text: `第${input.page}/${pages}页`, tone: 'neutral' as const } } : {}),
    sections: [{ kind: 'markdown', text: lines.join('\n') }],
    buttons: [...views, ...nav],
    footnote: '发送“查询 办件编号”查看详情和办理记录。',
  };
}
