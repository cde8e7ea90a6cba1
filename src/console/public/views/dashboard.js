// 监察看板: figures over a date range (default the last 30 days), received / accepted / completed per day, the
// on-time rate and satisfaction per matter and per department, the 零上门 / 最多跑一次 shares per matter — as
// ECharts charts and as the same figures in tables — the open 黄牌/红牌, the 差评整改 cases and the complaints, each exportable as CSV. A department's
// session sees its own department only (the server holds it to that; the query says so too).
import { formatDate, html, useEffect, useMemo, useState } from '../lib.js';
import { LoadState, useLoad, useToast } from '../ui.js';
import { Chart, dailyOption, ratesOption, visitsOption } from './dashboard/chart.js';
import { RangePicker } from './dashboard/range.js';
import {
  ComplaintTable,
  DailyTable,
  GroupTable,
  percent,
  RectificationTable,
  Section,
  VisitTable,
  WarningTable,
} from './dashboard/tables.js';

export default function DashboardView({ api, session }) {
  const department = session.role === 'department' ? session.department?.id : undefined;
  // Unset until the first answer: the server's default range (the last 30 days up to its today).
  const [range, setRange] = useState(undefined);
  const [toast, showToast] = useToast();
  const board = useLoad(() => loadBoard(api, range, department), [range?.from, range?.to, department]);
  const data = board.data;
  // The server's today: the end of its default range (the presets count back from it).
  const [today, setToday] = useState(undefined);
  useEffect(() => {
    if (data && !range) setToday(data.byMatter.to);
  }, [data, range]);
  // The same option objects while the data is the same, so the charts are not redrawn on every render.
  const charts = useMemo(
    () =>
      data && {
        daily: dailyOption(data.daily.days),
        byMatter: ratesOption(data.byMatter.groups),
        byDepartment: ratesOption(data.byDepartment.groups),
        visits: visitsOption(data.byMatter.groups.filter((g) => g.received > 0)),
      },
    [data],
  );
  const shown = range ?? (data ? { from: data.byMatter.from, to: data.byMatter.to } : { from: '', to: '' });
  const scope = { ...shown, ...(department ? { department } : {}) };

  const exportCsv = (path, query, name) => () =>
    api.download(path, { ...query, format: 'csv' }, name).catch((error) => showToast(`导出失败：${error.message}`));

  return html`
    <section class="view dash" data-loaded=${data ? `${data.daily.from}..${data.daily.to}` : undefined} aria-busy=${board.loading ? 'true' : 'false'}>
      <div class="view-head">
        <h1 class="view-title">监察看板${session.department ? html` · ${session.department.name}` : null}</h1>
        ${data ? html`<p class="muted">${formatDate(shown.from)} 至 ${formatDate(shown.to)}</p>` : null}
      </div>
      <${RangePicker} range=${shown} today=${today} onChange=${setRange} />
      <${LoadState} loading=${board.loading && !data} error=${board.error} />
      ${
        data
          ? html`
            <${FigureCards} total=${data.byMatter.total} />
            <${Section} title="每日收件与办结" onExport=${exportCsv('/api/statistics/daily', scope, `每日办件_${shown.from}_${shown.to}.csv`)}>
              <${Chart} option=${charts.daily} label="每日收件、受理与办结数量图" />
              <details class="dash-details"><summary>数据表</summary><${DailyTable} days=${data.daily.days} /></details>
            </${Section}>
            <${Section} title="按事项" onExport=${exportCsv('/api/statistics', { ...scope, by: 'matter' }, `办件统计_按事项_${shown.from}_${shown.to}.csv`)}>
              ${data.byMatter.groups.length > 0 ? html`<${Chart} option=${charts.byMatter} label="各事项按时办结率与满意率图" />` : null}
              <${GroupTable} groups=${data.byMatter.groups} grouping="事项" />
            </${Section}>
            <${Section} title="按部门" onExport=${exportCsv('/api/statistics', { ...scope, by: 'department' }, `办件统计_按部门_${shown.from}_${shown.to}.csv`)}>
              ${data.byDepartment.groups.length > 0 ? html`<${Chart} option=${charts.byDepartment} label="各部门按时办结率与满意率图" />` : null}
              <${GroupTable} groups=${data.byDepartment.groups} grouping="部门" />
            </${Section}>
            <${Section} title="跑动次数（零上门 / 最多跑一次）">
              ${data.byMatter.total.received > 0 ? html`<${Chart} option=${charts.visits} label="各事项零上门与最多跑一次占比图" />` : null}
              <${VisitTable} groups=${data.byMatter.groups.filter((g) => g.received > 0)} />
            </${Section}>
            <${Section} title="预警办件（黄牌/红牌）" count=${data.warnings.total}
              onExport=${exportCsv('/api/warnings', department ? { department } : {}, '预警办件.csv')}>
              <${WarningTable} items=${data.warnings.items} />
            </${Section}>
            <${Section} title="差评整改（未办结）" count=${data.rectifications.total}
              onExport=${exportCsv('/api/rectifications', { status: 'open', ...(department ? { department } : {}) }, '差评整改.csv')}>
              <${RectificationTable} items=${data.rectifications.items} />
            </${Section}>
            <${Section} title="投诉（待答复）" count=${data.complaints.total}
              onExport=${exportCsv('/api/complaints', { status: 'open', ...(department ? { department } : {}) }, '投诉.csv')}>
              <${ComplaintTable} items=${data.complaints.items} />
              ${data.complaints.total > data.complaints.items.length ? html`<p class="muted">仅显示最新 ${data.complaints.items.length} 条，完整列表请导出 CSV。</p>` : null}
            </${Section}>
          `
          : null
      }
      ${toast}
    </section>
  `;
}

async function loadBoard(api, range, department) {
  const scope = { ...(range ?? {}), ...(department ? { department } : {}) };
  const only = department ? { department } : {};
  // The figures of the range in one request (both groupings, per day, the warnings), the open cases besides.
  const [board, rectifications, complaints] = await Promise.all([
    api.get('/api/statistics/board', scope),
    api.get('/api/rectifications', { status: 'open', ...only }),
    api.get('/api/complaints', { status: 'open', limit: 50, ...only }),
  ]);
  const { byMatter, byDepartment, daily, warnings } = board;
  return { byMatter, byDepartment, daily, warnings, rectifications, complaints };
}

const FIGURES = [
  { id: 'accepted', label: '受理数', value: (t) => `${t.accepted}`, note: (t) => `收件 ${t.received} 件` },
  { id: 'completed', label: '办结数', value: (t) => `${t.completed}`, note: (t) => `平均 ${t.averageWorkingDays} 个工作日` },
  {
    id: 'onTimeRate',
    label: '按时办结率',
    value: (t) => percent(t.onTimeRate, t.completed > 0),
    note: (t) => `按时 ${t.completedOnTime} / ${t.completed} 件`,
  },
  {
    id: 'satisfactionRate',
    label: '满意度',
    value: (t) => percent(t.satisfactionRate, t.ratings > 0),
    note: (t) =>
      t.ratings > 0 ? `${t.ratings} 条评价 · 平均 ${t.averageRating.toFixed(2)} 分 · 差评 ${percent(t.dissatisfiedShare)}` : '暂无评价',
  },
  {
    id: 'zeroVisitShare',
    label: '零上门占比',
    value: (t) => percent(t.zeroVisitShare, t.received > 0),
    note: (t) => `收件 ${t.received} 件`,
  },
  {
    id: 'atMostOneVisitShare',
    label: '最多跑一次占比',
    value: (t) => percent(t.atMostOneVisitShare, t.received > 0),
    note: (t) => `人均跑动 ${t.visitsPerApplication} 次`,
  },
];

function FigureCards({ total }) {
  return html`
    <dl class="dash-figures" aria-label="主要指标">
      ${FIGURES.map(
        (f) => html`<div class="card dash-figure" data-figure=${f.id}>
          <dt class="dash-figure-label">${f.label}</dt>
          <dd class="dash-figure-value">${f.value(total)}</dd>
          <dd class="dash-figure-note">${f.note(total)}</dd>
        </div>`,
      )}
    </dl>
  `;
}
