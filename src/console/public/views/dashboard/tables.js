// The dashboard's figures as tables: what the charts draw, readable by screen readers and by the tests, and the
// open warnings, 差评整改 cases and complaints. Every value is text (Preact escapes it).
import { formatDate, formatDateTime, html } from '../../lib.js';

/** 87.5% (a rate 0–1); '—' when nothing was counted. */
export function percent(rate, counted = true) {
  return counted ? `${Math.round(rate * 1000) / 10}%` : '—';
}

/** A titled card with a CSV button and a horizontally scrolling table. */
export function Section({ title, onExport, children, count }) {
  return html`
    <section class="card dash-section" aria-label=${title}>
      <div class="dash-section-head">
        <h2>${title}${count !== undefined ? html` <span class="muted">（${count}）</span>` : null}</h2>
        ${onExport ? html`<button type="button" class="btn btn-small" onClick=${onExport}>导出 CSV</button>` : null}
      </div>
      ${children}
    </section>
  `;
}

function Table({ label, head, rows, empty }) {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`
    <div class="table-wrap">
      <table aria-label=${label}>
        <thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
        <tbody>${rows}</tbody>
      </table>
    </div>
  `;
}

/** Received / accepted / completed per day. */
export function DailyTable({ days }) {
  return html`<${Table}
    label="每日办件"
    head=${['日期', '收件', '受理', '办结']}
    empty="所选范围内没有日期"
    rows=${days.map((d) => html`<tr><td>${formatDate(d.day)}</td><td>${d.received}</td><td>${d.accepted}</td><td>${d.completed}</td></tr>`)}
  />`;
}

/** The figures per matter or per department. */
export function GroupTable({ groups, grouping }) {
  return html`<${Table}
    label=${`按${grouping}统计`}
    head=${[grouping, '收件', '受理', '办结', '按时办结率', '满意率', '平均评分', '差评占比', '零上门', '最多跑一次', '预警']}
    empty="所选范围内没有办件"
    rows=${groups.map(
      (g) => html`<tr data-group=${g.id}>
        <th scope="row">${g.name}</th><td>${g.received}</td><td>${g.accepted}</td><td>${g.completed}</td>
        <td>${percent(g.onTimeRate, g.completed > 0)}</td><td>${percent(g.satisfactionRate, g.ratings > 0)}</td>
        <td>${g.ratings > 0 ? g.averageRating.toFixed(2) : '—'}</td><td>${percent(g.dissatisfiedShare, g.ratings > 0)}</td>
        <td>${percent(g.zeroVisitShare, g.received > 0)}</td><td>${percent(g.atMostOneVisitShare, g.received > 0)}</td>
        <td>${g.openWarnings}</td>
      </tr>`,
    )}
  />`;
}

const LEVEL = { yellow: ['黄牌', 'badge badge-orange'], red: ['红牌', 'badge badge-red'] };

/** The open yellow/red warnings. */
export function WarningTable({ items }) {
  return html`<${Table}
    label="预警办件"
    head=${['预警', '办件编号', '事项', '待办部门', '预警起始', '办结时限', '剩余']}
    empty="没有黄牌或红牌预警"
    rows=${items.map(
      (w) => html`<tr data-level=${w.level}>
        <td><span class=${LEVEL[w.level][1]}>${LEVEL[w.level][0]}</span></td>
        <td><a href=${`#/applications/${encodeURIComponent(w.applicationId)}`}>${w.applicationId}</a></td>
        <td>${w.matter.name}</td><td>${w.departments.map((d) => d.name).join('、')}</td>
        <td>${formatDate(w.since)}</td><td>${formatDate(w.deadline)}</td>
        <td>${w.remaining < 0 ? `超期 ${-w.remaining} 个工作日` : `${w.remaining} 个工作日`}</td>
      </tr>`,
    )}
  />`;
}

/** Open 差评整改 cases. */
export function RectificationTable({ items }) {
  return html`<${Table}
    label="差评整改"
    head=${['整改单号', '办件编号', '事项', '评价', '原因', '责任部门', '回访', '整改期限']}
    empty="没有未办结的差评整改"
    rows=${items.map(
      (r) => html`<tr>
        <td>${r.id}</td><td>${r.applicationId}</td><td>${r.matterName}</td><td>${r.level} 分</td><td>${r.reason ?? '—'}</td>
        <td>${r.departments.map((d) => d.name).join('、')}</td>
        <td>${r.callback ? `已回访（${formatDate(r.callback.at)}）` : `应于${formatDate(r.callbackDue)}前`}</td>
        <td>${formatDate(r.fixDue)}</td>
      </tr>`,
    )}
  />`;
}

/** Complaints not answered yet. */
export function ComplaintTable({ items }) {
  return html`<${Table}
    label="投诉"
    head=${['投诉编号', '办件编号', '事项', '投诉人', '内容', '责任部门', '投诉时间', '答复期限']}
    empty="没有待答复的投诉"
    rows=${items.map(
      (c) => html`<tr>
        <td>${c.id}</td><td>${c.applicationId ?? '—'}</td><td>${c.matterName ?? '—'}</td><td>${c.userName}</td>
        <td class="dash-text">${c.text}</td><td>${c.departments.map((d) => d.name).join('、') || '—'}</td>
        <td>${formatDateTime(c.openedAt)}</td>
        <td>${formatDate(c.dueDay)}${c.overdue ? html` <span class="badge badge-red">逾期</span>` : null}</td>
      </tr>`,
    )}
  />`;
}

/** Trips in person per matter. */
export function VisitTable({ groups }) {
  return html`<${Table}
    label="跑动次数"
    head=${['事项', '收件', '人均跑动次数', '零上门占比', '最多跑一次占比']}
    empty="所选范围内没有办件"
    rows=${groups.map(
      (g) => html`<tr data-group=${g.id}>
        <th scope="row">${g.name}</th><td>${g.received}</td><td>${g.received > 0 ? g.visitsPerApplication : '—'}</td>
        <td>${percent(g.zeroVisitShare, g.received > 0)}</td><td>${percent(g.atMostOneVisitShare, g.received > 0)}</td>
      </tr>`,
    )}
  />`;
}
