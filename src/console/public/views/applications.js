// 办件: the list with filters (matter, department, status, submitted between, overdue) and paging, one
// application with its timeline (personal numbers come masked from the API), and the outbox's dead letters
// with retry. Every value is rendered as text.
import { ACTION, ACTOR, APPLICATION_STATUS, DEPARTMENT_STATUS, JOB_KIND, MATERIAL_SOURCE } from '../labels.js';
import { formatDate, formatDateTime, html, useState } from '../lib.js';
import { ConfirmDialog, LoadState, useLoad, useToast } from '../ui.js';

const PAGE = 20;
const EMPTY = { matter: '', department: '', status: '', submittedFrom: '', submittedTo: '', overdue: '' };

export default function ApplicationsView({ api, session, params }) {
  return params.id
    ? html`<${ApplicationDetail} api=${api} id=${params.id} admin=${session.role === 'admin'} />`
    : html`<${ApplicationsHome} api=${api} session=${session} />`;
}

function ApplicationsHome({ api, session }) {
  const [tab, setTab] = useState('list');
  const admin = session.role === 'admin';
  return html`
    <section class="view">
      <div class="view-head">
        <h1 class="view-title">办件${session.department ? html` · ${session.department.name}` : null}</h1>
      </div>
      ${
        admin
          ? html`<div class="tabs" role="tablist">
              <button type="button" role="tab" class=${tab === 'list' ? 'tab active' : 'tab'} onClick=${() => setTab('list')}>办件列表</button>
              <button type="button" role="tab" class=${tab === 'dead' ? 'tab active' : 'tab'} onClick=${() => setTab('dead')}>发送失败的任务</button>
            </div>`
          : null
      }
      ${tab === 'dead' ? html`<${DeadLetters} api=${api} />` : html`<${ApplicationList} api=${api} admin=${admin} />`}
    </section>
  `;
}

function ApplicationList({ api, admin }) {
  const [form, setForm] = useState(EMPTY);
  const [filter, setFilter] = useState(EMPTY);
  const [offset, setOffset] = useState(0);
  const matters = useLoad(() => (admin ? api.get('/api/matters', { limit: 100 }) : Promise.resolve({ items: [] })), [admin]);
  const departments = useLoad(() => (admin ? departmentsOf(api, matters.data?.items ?? []) : Promise.resolve([])), [matters.data]);
  const list = useLoad(() => api.get('/api/applications', { ...filter, offset, limit: PAGE }), [filter, offset]);
  const set = (key) => (event) => setForm({ ...form, [key]: event.currentTarget.value });
  const apply = (event) => {
    event.preventDefault();
    setOffset(0);
    setFilter(form);
  };
  const total = list.data?.total ?? 0;

  return html`
    <form class="filters card" onSubmit=${apply} aria-label="筛选办件">
      ${
        admin
          ? html`<label>事项<select value=${form.matter} onChange=${set('matter')}>
                <option value="">全部事项</option>
                ${(matters.data?.items ?? []).map((m) => html`<option value=${m.id}>${m.name}</option>`)}
              </select></label>
              <label>部门<select value=${form.department} onChange=${set('department')}>
                <option value="">全部部门</option>
                ${(departments.data ?? []).map((d) => html`<option value=${d.id}>${d.name}</option>`)}
              </select></label>`
          : null
      }
      <label>状态<select value=${form.status} onChange=${set('status')}>
        <option value="">全部状态</option>
        ${Object.entries(APPLICATION_STATUS)
          .filter(([status]) => status !== 'draft')
          .map(([status, [label]]) => html`<option value=${status}>${label}</option>`)}
      </select></label>
      <label>提交日期从<input type="date" value=${form.submittedFrom} onInput=${set('submittedFrom')} /></label>
      <label>到<input type="date" value=${form.submittedTo} onInput=${set('submittedTo')} /></label>
      <label>是否超期<select value=${form.overdue} onChange=${set('overdue')}>
        <option value="">不限</option><option value="true">已超期</option><option value="false">未超期</option>
      </select></label>
      <div class="btn-row">
        <button type="submit" class="btn btn-primary">查询</button>
        <button type="button" class="btn" onClick=${() => {
          setForm(EMPTY);
          setFilter(EMPTY);
          setOffset(0);
        }}>清空</button>
      </div>
    </form>
    <${LoadState} loading=${list.loading && !list.data} error=${list.error} />
    ${
      list.data
        ? html`<div class="table-wrap"><table class="apps-table">
            <thead><tr><th>办件编号</th><th>事项</th><th class="hide-phone">申请人</th><th>状态</th><th class="hide-phone">提交时间</th><th>承诺办结</th></tr></thead>
            <tbody>
              ${list.data.items.map(
                (app) => html`<tr class="row-link" onClick=${() => (location.hash = `#/applications/${encodeURIComponent(app.id)}`)}>
                  <td><a href=${`#/applications/${encodeURIComponent(app.id)}`}>${app.id}</a></td>
                  <td>${app.matter.name}</td>
                  <td class="hide-phone">${app.applicant.name}</td>
                  <td><${StatusBadge} status=${app.status} />${app.overdue ? html` <span class="badge badge-red">超期</span>` : null}</td>
                  <td class="hide-phone">${formatDateTime(app.submittedAt)}</td>
                  <td>${formatDate(app.deadline)}</td>
                </tr>`,
              )}
            </tbody>
          </table>
          ${list.data.items.length === 0 ? html`<p class="empty">没有符合条件的办件</p>` : null}
          </div>
          <div class="pager">
            <span class="muted">共 ${total} 件</span>
            <button type="button" class="btn btn-small" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE))}>上一页</button>
            <button type="button" class="btn btn-small" disabled=${offset + PAGE >= total} onClick=${() => setOffset(offset + PAGE)}>下一页</button>
          </div>`
        : null
    }
  `;
}

// Every department named in a template (the list answer has no departments; each matter's detail does).
async function departmentsOf(api, matters) {
  const details = await Promise.all(matters.map((m) => api.get(`/api/matters/${encodeURIComponent(m.id)}`)));
  const byId = new Map();
  for (const detail of details) {
    for (const d of (detail.current ?? detail.draft)?.departments ?? []) byId.set(d.id, d.name);
  }
  return [...byId].map(([id, name]) => ({ id, name })).sort((a, b) => a.id.localeCompare(b.id));
}

function StatusBadge({ status }) {
  const [label, className] = APPLICATION_STATUS[status] ?? [status, 'badge badge-grey'];
  return html`<span class=${className}>${label}</span>`;
}

function ApplicationDetail({ api, id, admin }) {
  const app = useLoad(() => api.get(`/api/applications/${encodeURIComponent(id)}`), [id]);
  const a = app.data;
  const labels = useLoad(
    () => (admin && a ? fieldLabels(api, a.matter) : Promise.resolve(new Map())),
    [admin, a?.matter.id, a?.matter.version],
  );
  return html`
    <section class="view">
      <div class="view-head">
        <h1 class="view-title">办件 ${id}</h1>
        <a class="btn btn-small" href="#/applications">返回列表</a>
      </div>
      <${LoadState} loading=${app.loading} error=${app.error} />
      ${
        a
          ? html`
        <div class="card apps-summary">
          <dl class="apps-facts">
            <dt>事项</dt><dd>${a.matter.name}（第 ${a.matter.version} 版）</dd>
            <dt>申请人</dt><dd>${a.applicant.name}</dd>
            <dt>状态</dt><dd><${StatusBadge} status=${a.status} /></dd>
            <dt>提交时间</dt><dd>${formatDateTime(a.submittedAt)}</dd>
            <dt>受理时间</dt><dd>${formatDateTime(a.acceptedAt)}</dd>
            <dt>承诺办结</dt><dd>${formatDate(a.deadline)}</dd>
            ${a.reason ? html`<dt>原因</dt><dd>${a.reason}</dd>` : null}
            ${a.evaluation ? html`<dt>评价</dt><dd>${'★'.repeat(a.evaluation.level)}${a.evaluation.comment ? ` ${a.evaluation.comment}` : ''}</dd>` : null}
          </dl>
        </div>
        <div class="card">
          <h2>审批部门</h2>
          <ul class="apps-list">
            ${a.departments.map((d) => html`<li>${d.name}：${DEPARTMENT_STATUS[d.status] ?? d.status}${d.comment ? `（${d.comment}）` : ''}</li>`)}
          </ul>
        </div>
        <div class="card">
          <h2>填写内容</h2>
          <dl class="apps-facts">${Object.entries(a.fields).map(([key, value]) => html`<dt>${labels.data?.get(key) ?? key}</dt><dd>${value}</dd>`)}</dl>
        </div>
        <div class="card">
          <h2>材料</h2>
          ${a.materials.length === 0 ? html`<p class="muted">无</p>` : null}
          <ul class="apps-list">
            ${a.materials.map((m) => html`<li>${m.name} · ${MATERIAL_SOURCE[m.source] ?? m.source}${m.source === 'elicence' ? ` · ${m.ref}` : ''}</li>`)}
          </ul>
        </div>
        <div class="card">
          <h2>办理过程</h2>
          <ol class="apps-timeline">
            ${a.history.map(
              (h) => html`<li>
                <span class="apps-when">${formatDateTime(h.at)}</span>
                <span>${ACTION[h.action] ?? h.action}</span>
                <span class="muted">${ACTOR[h.actor.type] ?? h.actor.type}${h.department ? ` · ${h.department}` : ''}</span>
                ${h.note ? html`<span class="apps-note">${h.note}</span>` : null}
              </li>`,
            )}
          </ol>
        </div>`
          : null
      }
    </section>
  `;
}

// The field labels of the template version the application was filed under (admins may read templates).
async function fieldLabels(api, matter) {
  const detail = await api.get(`/api/matters/${encodeURIComponent(matter.id)}`).catch(() => undefined);
  const version = detail?.versions.find((v) => v.version === matter.version)?.template ?? detail?.current;
  return new Map((version?.fields ?? []).map((f) => [f.key, f.label]));
}

function DeadLetters({ api }) {
  const dead = useLoad(() => api.get('/api/outbox/dead'), []);
  const [retrying, setRetrying] = useState(undefined);
  const [toast, showToast] = useToast();
  const retry = async () => {
    await api.post(`/api/outbox/dead/${encodeURIComponent(retrying.id)}/retry`);
    setRetrying(undefined);
    showToast('已重新放回发送队列');
    dead.reload();
  };
  return html`
    <${LoadState} loading=${dead.loading && !dead.data} error=${dead.error} />
    ${
      dead.data
        ? html`<div class="table-wrap"><table>
            <thead><tr><th>任务</th><th>类型</th><th class="hide-phone">尝试次数</th><th>失败时间</th><th>原因</th><th></th></tr></thead>
            <tbody>
              ${dead.data.items.map(
                (job) => html`<tr>
                  <td class="apps-mono">${job.key}</td>
                  <td>${JOB_KIND[job.kind] ?? job.kind}</td>
                  <td class="hide-phone">${job.attempts}</td>
                  <td>${formatDateTime(new Date(job.failedAt).toISOString())}</td>
                  <td>${job.reason}</td>
                  <td><button type="button" class="btn btn-small" onClick=${() => setRetrying(job)}>重试</button></td>
                </tr>`,
              )}
            </tbody>
          </table>
          ${dead.data.items.length === 0 ? html`<p class="empty">没有发送失败的任务</p>` : null}
          </div>`
        : null
    }
    ${
      retrying
        ? html`<${ConfirmDialog} title="重试这个任务？" confirmText="重试" onConfirm=${retry} onCancel=${() => setRetrying(undefined)}>
            <p>${JOB_KIND[retrying.kind] ?? retrying.kind}（${retrying.key}）将重新放回发送队列。请先确认失败原因已经排除。</p>
          </${ConfirmDialog}>`
        : null
    }
    ${toast}
  `;
}
