// The notices with their progress (已送达 sent / total) and, opened, the delivery report: the figures of the
// author's card and each person missed with the reason. Polls while a notice is being sent; cancel asks first.
import { formatDateTime, html, useEffect, useState } from '../../lib.js';
import { ConfirmDialog, LoadState, useLoad } from '../../ui.js';

/** How often the list is read again while a notice is on its way. */
const POLL_MS = 2000;
const STATUS = {
  scheduled: ['待发送', 'badge badge-grey'],
  resolving: ['准备发送', 'badge badge-orange'],
  sending: ['发送中', 'badge badge-orange'],
  completed: ['已完成', 'badge badge-green'],
  cancelled: ['已取消', 'badge badge-grey'],
};

const NO_REPORT = { scheduled: '尚未开始发送。', resolving: '正在确定发送对象…', cancelled: '已取消，未发送。' };

/** True while the notice may still move by itself soon. */
export function isActive(notice, now = Date.now()) {
  if (notice.status === 'resolving' || notice.status === 'sending') return true;
  return notice.status === 'scheduled' && (!notice.sendAt || Date.parse(notice.sendAt) <= now + 60_000);
}

/** The list; `highlight` is the notice just published (opened at once). */
export function NoticeList({ api, highlight, version }) {
  const list = useLoad(() => api.get('/api/notices', { limit: 20 }), [version]);
  const [open, setOpen] = useState(highlight);
  useEffect(() => setOpen(highlight), [highlight]);
  const items = list.data?.items ?? [];
  const active = items.some((n) => isActive(n));
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(list.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [active, list.reload]);

  return html`
    <section class="card notice-list" aria-label="通知列表">
      <h2>已发布的通知</h2>
      <${LoadState} loading=${list.loading && !list.data} error=${list.error} />
      ${list.data && items.length === 0 ? html`<p class="empty">还没有通知</p>` : null}
      <ul class="notice-items">
        ${items.map(
          (n) => html`<${NoticeItem} key=${n.id} api=${api} notice=${n} open=${open === n.id}
            onToggle=${() => setOpen(open === n.id ? undefined : n.id)} onChanged=${list.reload} />`,
        )}
      </ul>
    </section>
  `;
}

function NoticeItem({ api, notice, open, onToggle, onChanged }) {
  const [confirming, setConfirming] = useState(false);
  const report = notice.report;
  const [label, badge] = STATUS[notice.status] ?? [notice.status, 'badge'];
  const cancellable = !['completed', 'cancelled'].includes(notice.status) && !notice.cancelRequested;
  return html`
    <li class="notice-item" data-notice=${notice.id} data-status=${notice.status}>
      <div class="notice-item-head">
        <strong class="notice-title">${notice.title}</strong>
        <span class=${badge}>${label}</span>
        ${notice.cancelRequested && notice.status !== 'cancelled' ? html`<span class="badge badge-grey">正在停止</span>` : null}
      </div>
      <p class="muted">${notice.id} · ${audienceText(notice.audience)} · ${formatDateTime(notice.createdAt)}
        ${notice.sendAt ? ` · 定时 ${formatDateTime(notice.sendAt)}` : ''}</p>
      ${
        report
          ? html`<div class="notice-progress">
              <progress max=${Math.max(1, report.total)} value=${report.sent} aria-label="送达进度"></progress>
              <span class="notice-sent">已送达 ${report.sent} / ${report.total}</span>
              ${report.failed > 0 ? html`<span class="notice-failed">失败 ${report.failed}</span>` : null}
              ${report.read !== undefined ? html`<span>已读 ${report.read}</span>` : null}
            </div>`
          : null
      }
      <div class="btn-row">
        <button type="button" class="btn btn-small" aria-expanded=${open ? 'true' : 'false'} onClick=${onToggle}>
          ${open ? '收起送达报告' : '送达报告'}</button>
        ${cancellable ? html`<button type="button" class="btn btn-small btn-danger" onClick=${() => setConfirming(true)}>取消发送</button>` : null}
      </div>
      ${open ? html`<${DeliveryReport} api=${api} notice=${notice} />` : null}
      ${
        confirming
          ? html`<${ConfirmDialog} title="取消这条通知？" confirmText="确认取消" danger=${true}
              onCancel=${() => setConfirming(false)}
              onConfirm=${async () => {
                await api.post(`/api/notices/${encodeURIComponent(notice.id)}/cancel`);
                setConfirming(false);
                onChanged();
              }}>
              <p>「${notice.title}」${notice.status === 'scheduled' ? '将不再发送。' : '已发出的不能撤回，尚未发出的批次将停止发送。'}</p>
            </${ConfirmDialog}>`
          : null
      }
    </li>
  `;
}

function DeliveryReport({ api, notice }) {
  // Read again whenever the list brings new figures.
  const key = JSON.stringify(notice.report ?? {}) + notice.status;
  const deliveries = useLoad(() => api.get(`/api/notices/${encodeURIComponent(notice.id)}/deliveries`), [notice.id, key]);
  const r = notice.report;
  const d = deliveries.data;
  return html`
    <div class="notice-report" aria-label="送达报告">
      ${
        r
          ? html`<dl class="notice-figures">
              <div><dt>应送达</dt><dd data-figure="total">${r.total}</dd></div>
              <div><dt>已送达</dt><dd data-figure="sent">${r.sent}</dd></div>
              <div><dt>失败</dt><dd data-figure="failed">${r.failed}</dd></div>
              <div><dt>无效人员</dt><dd>${r.invalid}</dd></div>
              <div><dt>限流未送达</dt><dd>${r.flowControlled}</dd></div>
              <div><dt>限流待重试</dt><dd>${r.waiting}</dd></div>
              <div><dt>中断未确认</dt><dd>${r.uncertain}</dd></div>
              <div><dt>已取消</dt><dd>${r.cancelled}</dd></div>
              <div><dt>已读</dt><dd data-figure="read">${r.read ?? '—'}</dd></div>
            </dl>`
          : html`<p class="muted">${NO_REPORT[notice.status] ?? '尚无送达数据。'}</p>`
      }
      <${LoadState} loading=${deliveries.loading && !d} error=${deliveries.error} />
      ${
        d && d.failed.length > 0
          ? html`<div class="table-wrap"><table aria-label="未送达人员">
              <thead><tr><th scope="col">人员</th><th scope="col">原因</th></tr></thead>
              <tbody>${d.failed.map((f) => html`<tr><td>${f.userId}</td><td>${f.text}</td></tr>`)}</tbody>
            </table></div>`
          : null
      }
      ${d && d.pending > 0 ? html`<p class="muted">${d.pending} 人待发送</p>` : null}
      ${d && d.groups.length > 0 ? html`<p class="muted">群：${d.groups.map((g) => `${g.conversationId}（${g.status === 'done' ? '已发送' : '未发送'}）`).join('、')}</p>` : null}
    </div>
  `;
}

function audienceText(audience) {
  switch (audience?.kind) {
    case 'all':
      return '全体人员';
    case 'departments':
      return `${audience.deptIds.length} 个部门${audience.includeSub ? '（含下级）' : ''}`;
    case 'users':
      return `${audience.userIds.length} 位人员`;
    case 'groups':
      return `${audience.conversationIds.length} 个群`;
    default:
      return '—';
  }
}
