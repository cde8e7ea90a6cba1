// The editor of one matter template: a form for the common properties (name, time limits, fee) and each
// field, material and department; the whole template as JSON (高级); the version history with what changed.
// 保存草稿 sends the draft to the API, whose schema answers every error with its JSON path: each is shown
// next to its input, the rest above the form. 发布 and 停用 ask for confirmation first.
import { formatDateTime, html, useMemo, useState } from '../lib.js';
import { errorsByPath, setAt } from '../paths.js';
import { ConfirmDialog, LoadState, useLoad, useToast } from '../ui.js';
import { templateDiff } from './diff.js';
import { BasicTab, DepartmentsTab, FieldsTab, JsonTab, MaterialsTab } from './form.js';

const AUDIT_ACTION = { seed: '初始导入', import: '导入', create: '新建', draft: '修改草稿', publish: '发布', retire: '停用' };
const TABS = [
  ['basic', '基本信息'],
  ['fields', '填写项'],
  ['materials', '材料'],
  ['departments', '审批部门'],
  ['json', '高级'],
  ['history', '版本历史'],
];

/** The editor of matter `id` (#/matters/<id>). */
export function MatterEditor({ api, id }) {
  const matter = useLoad(() => api.get(`/api/matters/${encodeURIComponent(id)}`), [id]);
  return html`
    <section class="view">
      <div class="view-head">
        <h1 class="view-title">${matter.data?.name ?? id}</h1>
        <a class="btn btn-small" href="#/matters">返回事项列表</a>
      </div>
      <${LoadState} loading=${matter.loading && !matter.data} error=${matter.error} />
      ${matter.data ? html`<${Editor} key=${`${matter.data.current?.version}-${matter.data.status}`} api=${api} matter=${matter.data} reload=${matter.reload} />` : null}
    </section>
  `;
}

function Editor({ api, matter, reload }) {
  const base = matter.draft ?? matter.current;
  const [draft, setDraft] = useState(base);
  const [saved, setSaved] = useState(JSON.stringify(base));
  const [errors, setErrors] = useState([]);
  const [tab, setTab] = useState('basic');
  const [busy, setBusy] = useState(false);
  const [summary, setSummary] = useState(undefined);
  const [confirm, setConfirm] = useState(undefined);
  const [draftVersion, setDraftVersion] = useState(matter.draft?.version);
  const [toast, showToast] = useToast();
  const dirty = JSON.stringify(draft) !== saved;
  const byPath = useMemo(() => errorsByPath(errors), [errors]);
  const placed = useMemo(() => placeErrors(byPath, inputPaths(draft)), [byPath, draft]);
  const change = (path, value) => setDraft((old) => setAt(old, path, value));
  const bind = { draft, change, errors: placed.inline };

  const save = async () => {
    setBusy(true);
    try {
      const answer = await api.put(`/api/matters/${encodeURIComponent(matter.id)}/draft`, draft);
      setErrors([]);
      setSaved(JSON.stringify(draft));
      setSummary(answer.summary);
      setDraftVersion(answer.matter.draft.version);
      reload();
      showToast(`草稿已保存（第 ${answer.matter.draft.version} 版）`);
    } catch (error) {
      if (error.status === 422 && error.details) setErrors(error.details);
      else showToast(error.message);
    } finally {
      setBusy(false);
    }
  };
  const act = async (action) => {
    try {
      await api.post(`/api/matters/${encodeURIComponent(matter.id)}/${action}`);
    } catch (error) {
      if (error.status === 422 && error.details) {
        setConfirm(undefined);
        setErrors(error.details);
        return;
      }
      throw error;
    }
    setConfirm(undefined);
    reload();
  };

  return html`
    <div class="card matters-status">
      <span>${matter.status === 'retired' ? html`<span class="badge badge-grey">已停用</span>` : html`<span class="badge badge-green">在用</span>`}</span>
      <span>当前版本：${matter.current ? `第 ${matter.current.version} 版` : '未发布'}</span>
      <span>${draftVersion ? html`草稿：<span class="badge badge-orange">第 ${draftVersion} 版（未发布）</span>` : '无草稿'}</span>
      <div class="btn-row matters-actions">
        <button type="button" class="btn btn-primary" disabled=${busy || !dirty} onClick=${save}>${busy ? '正在保存…' : '保存草稿'}</button>
        <button type="button" class="btn" disabled=${busy || dirty || !draftVersion} title=${dirty ? '请先保存草稿' : ''}
          onClick=${() => setConfirm('publish')}>发布</button>
        ${matter.status !== 'retired' ? html`<button type="button" class="btn" onClick=${() => setConfirm('retire')}>停用</button>` : null}
      </div>
      ${dirty ? html`<span class="muted matters-dirty">有未保存的修改</span>` : null}
    </div>
    ${
      errors.length > 0
        ? html`<div class="card matters-errors" role="alert">
            <h2>草稿有 ${errors.length} 处问题，请修改后再保存</h2>
            ${placed.rest.length > 0 ? html`<ul>${placed.rest.map((e) => html`<li><code>${e.path || '（整个模板）'}</code> ${e.message}</li>`)}</ul>` : null}
          </div>`
        : null
    }
    ${summary && summary.length > 0 && !dirty ? html`<div class="card"><h2>草稿相对当前版本的修改</h2><ul>${summary.map((line) => html`<li>${line}</li>`)}</ul></div>` : null}
    <div class="tabs" role="tablist">
      ${TABS.map(
        ([name, title]) => html`<button type="button" role="tab" aria-selected=${tab === name} class=${tab === name ? 'tab active' : 'tab'}
          onClick=${() => setTab(name)}>${title}${countIn(placed.inline, name) ? html` <span class="badge badge-red">${countIn(placed.inline, name)}</span>` : null}</button>`,
      )}
    </div>
    <div class="card matters-form">
      ${tab === 'basic' ? html`<${BasicTab} ...${bind} />` : null}
      ${tab === 'fields' ? html`<${FieldsTab} ...${bind} />` : null}
      ${tab === 'materials' ? html`<${MaterialsTab} ...${bind} />` : null}
      ${tab === 'departments' ? html`<${DepartmentsTab} ...${bind} />` : null}
      ${tab === 'json' ? html`<${JsonTab} draft=${draft} onApply=${setDraft} />` : null}
      ${tab === 'history' ? html`<${History} api=${api} matter=${matter} />` : null}
    </div>
    ${
      confirm === 'publish'
        ? html`<${ConfirmDialog} title=${`发布第 ${draftVersion} 版？`} confirmText="确认发布" onConfirm=${() => act('publish')} onCancel=${() => setConfirm(undefined)}>
            <p>发布后新的申请按第 ${draftVersion} 版办理；已受理的办件仍按原版本办理。</p>
          </${ConfirmDialog}>`
        : null
    }
    ${
      confirm === 'retire'
        ? html`<${ConfirmDialog} title=${`停用“${matter.name}”？`} danger=${true} confirmText="确认停用" onConfirm=${() => act('retire')} onCancel=${() => setConfirm(undefined)}>
            <p>停用后不再受理新的申请；已受理和办理中的办件不受影响。</p>
          </${ConfirmDialog}>`
        : null
    }
    ${toast}
  `;
}

// Every path the form has an input for, so that an error can be put next to it.
function inputPaths(draft) {
  const paths = ['id', 'name', 'summary', 'category', 'timeLimit.promisedDays', 'timeLimit.legalDays', 'fee.amount', 'fee.note'];
  (draft?.fields ?? []).forEach((_, i) =>
    paths.push(...['key', 'label', 'type', 'required', 'options', 'help', 'maxLength'].map((k) => `fields[${i}].${k}`)),
  );
  (draft?.materials ?? []).forEach((_, i) =>
    paths.push(...['id', 'name', 'required', 'tolerance', 'promiseDays', 'copies', 'notes'].map((k) => `materials[${i}].${k}`)),
  );
  (draft?.departments ?? []).forEach((_, i) =>
    paths.push(...['id', 'name', 'contactUserIds', 'parallel'].map((k) => `departments[${i}].${k}`)),
  );
  return paths;
}

// Errors at (or inside) an input's path go next to it; the rest are listed above the form.
function placeErrors(byPath, paths) {
  const inline = new Map();
  const rest = [];
  for (const [path, messages] of byPath) {
    const input = paths.find((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
    if (input) inline.set(input, [...(inline.get(input) ?? []), ...messages]);
    else rest.push(...messages.map((message) => ({ path, message })));
  }
  return { inline, rest };
}

function countIn(inline, tab) {
  const prefix = {
    basic: /^(id|name|summary|category|timeLimit|fee)/,
    fields: /^fields\[/,
    materials: /^materials\[/,
    departments: /^departments\[/,
  }[tab];
  if (!prefix) return 0;
  return [...inline.keys()].filter((path) => prefix.test(path)).length;
}

// Each published version (and the draft) against the one before it, value by value.
function Versions({ matter }) {
  const published = [...matter.versions].sort((a, b) => b.version - a.version);
  const pairs = [
    ...(matter.draft ? [{ title: `草稿（第 ${matter.draft.version} 版）`, before: matter.current, after: matter.draft, open: true }] : []),
    ...published.map((v, i) => ({
      title: `第 ${v.version} 版 · ${formatDateTime(v.publishedAt)} · ${v.publishedBy?.id ?? ''}`,
      before: published[i + 1]?.template,
      after: v.template,
      open: !matter.draft && i === 0,
    })),
  ];
  return html`<div class="matters-versions">
    ${pairs.map(({ title, before, after, open }) => {
      const lines = before ? templateDiff(before, after) : [];
      return html`<details class="matters-version-diff" open=${open}>
        <summary>${title}${before ? html` <span class="muted">（${lines.length} 处修改）</span>` : html` <span class="muted">（最早的版本）</span>`}</summary>
        ${before && lines.length === 0 ? html`<p class="muted">与上一版相同</p>` : null}
        ${lines.length > 0 ? html`<ul>${lines.map((line) => html`<li>${line}</li>`)}</ul>` : null}
      </details>`;
    })}
  </div>`;
}

function History({ api, matter }) {
  const audit = useLoad(() => api.get('/api/audit', { matter: matter.id, limit: 100 }), [matter.id]);
  return html`<div class="matters-history">
    <h2>版本对比</h2>
    <${Versions} matter=${matter} />
    <h2>修改记录</h2>
    <${LoadState} loading=${audit.loading} error=${audit.error} />
    ${
      audit.data
        ? html`<ol class="matters-log">
            ${audit.data.items.map(
              (entry) => html`<li>
                <div class="matters-log-head">
                  <strong>${AUDIT_ACTION[entry.action] ?? entry.action}${entry.version ? ` · 第 ${entry.version} 版` : ''}</strong>
                  <span class="muted">${formatDateTime(entry.at)} · ${entry.actor?.id ?? ''}</span>
                </div>
                ${entry.summary?.length ? html`<ul>${entry.summary.map((line) => html`<li>${line}</li>`)}</ul>` : html`<p class="muted">没有内容变化</p>`}
              </li>`,
            )}
          </ol>
          ${audit.data.items.length === 0 ? html`<p class="empty">还没有修改记录</p>` : null}`
        : null
    }
  </div>`;
}
