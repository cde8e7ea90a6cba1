// 新建事项: a new matter starts as a copy of an existing template (its fields, materials, departments and time
// limits) under its own number and name; POST /api/matters keeps it as a draft, and the editor opens on it.
// The server checks the copy with the same schema as every draft: a refused number or name is shown here.
import { html, useState } from '../lib.js';
import { ConfirmDialog } from '../ui.js';

/** The dialog over the matter list; `matters` are the list's items, `onCreated(id)` opens the new matter. */
export function NewMatterDialog({ api, matters, onCreated, onCancel }) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [source, setSource] = useState(matters[0]?.id ?? '');
  const [problems, setProblems] = useState([]);
  const create = async () => {
    setProblems([]);
    const blueprint = await api.get(`/api/matters/${encodeURIComponent(source)}`);
    const template = blueprint.draft ?? blueprint.current;
    try {
      await api.post('/api/matters', { ...template, id: id.trim(), name: name.trim() });
    } catch (error) {
      if (error.status === 422 && error.details) {
        setProblems(error.details);
        throw new Error('请按提示修改后再建');
      }
      throw error;
    }
    onCreated(id.trim());
  };
  const problemAt = (path) => problems.filter((p) => p.path === path).map((p) => p.message);
  const rest = problems.filter((p) => p.path !== 'id' && p.path !== 'name');
  return html`
    <${ConfirmDialog} title="新建事项" confirmText="建立草稿" onConfirm=${create} onCancel=${onCancel}>
      <div class="matters-new">
        <label data-path="id">事项编号<input value=${id} placeholder="如 birth-registration" onInput=${(e) => setId(e.currentTarget.value)} />
          ${problemAt('id').map((m) => html`<span class="field-error">${m}</span>`)}</label>
        <label data-path="name">事项名称<input value=${name} placeholder="如 出生登记" onInput=${(e) => setName(e.currentTarget.value)} />
          ${problemAt('name').map((m) => html`<span class="field-error">${m}</span>`)}</label>
        <label>以此事项为蓝本<select value=${source} onChange=${(e) => setSource(e.currentTarget.value)}>
          ${matters.map((m) => html`<option value=${m.id}>${m.name}</option>`)}
        </select></label>
        ${rest.length > 0 ? html`<ul class="error-text">${rest.map((p) => html`<li>${p.path || '（整个模板）'}：${p.message}</li>`)}</ul>` : null}
        <p class="muted">新事项复制蓝本的填写项、材料、审批部门和时限，保存为草稿；在编辑页修改后发布。</p>
      </div>
    </${ConfirmDialog}>
  `;
}
