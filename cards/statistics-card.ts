// 统计 (admins): the supervision figures of the last 30 days in one card — 办件, 受理, 办结, 按时办结率, 满意率 —
// then the warnings and the busiest matters.
import { formatChineseDate } from '../src/domain/status-text.js';
import type { Statistics } from '../src/supervision/statistics.js';
import type { Card } from './card.js';
import { fitCard } from './fit.js';
import { escapeMarkdown } from './markdown.js';

/** Most matters listed under the totals. */
export const STATISTICS_TOP = 5;

/** The summary card of `statistics` (grouped by matter). */
export function statisticsCard(statistics: Statistics): Card {
  const t = statistics.total;
  const top = [...statistics.groups].sort((a, b) => b.received - a.received || a.id.localeCompare(b.id)).slice(0, STATISTICS_TOP);
  return fitCard({
    title: '办件统计',
    status: { text: t.openWarnings > 0 ? `${t.openWarnings} 件预警` : '无预警', tone: t.openWarnings > 0 ? 'warning' : 'success' },
    sections: [
      { kind: 'markdown', text: `${formatChineseDate(statistics.from)} 至 ${formatChineseDate(statistics.to)}` },
      {
        kind: 'fields',
        items: [
          { label: '办件', value: `${t.received} 件` },
          { label: '受理', value: `${t.accepted} 件` },
          { label: '办结', value: `${t.completed} 件` },
          { label: '按时办结率', value: t.completed ? percent(t.onTimeRate) : '—' },
          { label: '满意率', value: t.ratings ? `${percent(t.satisfactionRate)}（${t.ratings} 条评价）` : '—' },
          { label: '平均办理用时', value: t.completed ? `${t.averageWorkingDays} 个工作日` : '—' },
          { label: '当前黄/红牌预警', value: `${t.openWarnings} 件` },
          { label: '未办结的差评整改 / 投诉', value: `${t.openRectifications} 件 / ${t.openComplaints} 件` },
        ],
      },
      ...(top.length
        ? [
            {
              kind: 'markdown' as const,
              text: `**办件最多的事项**\n${top.map((g) => `- ${escapeMarkdown(g.name)}：${g.received} 件`).join('\n')}`,
            },
          ]
        : []),
    ],
    footnote: '完整数据：GET /api/statistics?from=&to=&by=matter|department',
  });
}

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}
