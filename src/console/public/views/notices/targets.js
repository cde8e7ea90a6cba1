// Who a notice goes to: everyone, departments picked from the organisation's tree (with or without their
// sub-departments), or people found by name. Read from GET /api/org/departments and GET /api/org/users.
import { html, useEffect, useMemo, useState } from '../../lib.js';
import { LoadState, useLoad } from '../../ui.js';

/** The empty choice. */
export const NO_TARGETS = { kind: 'departments', deptIds: [], includeSub: true, users: [] };

/** The audience of POST /api/notices for a choice. */
export function audienceOf(targets) {
  if (targets.kind === 'all') return { kind: 'all' };
  if (targets.kind === 'users') return { kind: 'users', userIds: targets.users.map((u) => u.userId) };
  return { kind: 'departments', deptIds: targets.deptIds, includeSub: targets.includeSub };
}

const KINDS = [
  ['departments', '按部门'],
  ['users', '指定人员'],
  ['all', '全体人员'],
];

/** The picker; `value` is a choice as NO_TARGETS, `onChange` gets the next one. */
export function TargetPicker({ api, value, onChange, error }) {
  return html`
    <fieldset class="notice-targets" aria-invalid=${error ? 'true' : undefined}>
      <legend>发送对象</legend>
      <div class="btn-row" role="radiogroup" aria-label="发送对象类型">
        ${KINDS.map(
          ([kind, label]) => html`<label class="notice-kind">
            <input type="radio" name="target-kind" value=${kind} checked=${value.kind === kind}
              onChange=${() => onChange({ ...value, kind })} />${label}</label>`,
        )}
      </div>
      ${value.kind === 'departments' ? html`<${DepartmentPicker} api=${api} value=${value} onChange=${onChange} />` : null}
      ${value.kind === 'users' ? html`<${PeoplePicker} api=${api} value=${value} onChange=${onChange} />` : null}
      ${value.kind === 'all' ? html`<p class="muted">发送给组织内所有在职人员（不含发布人）。</p>` : null}
      ${error ? html`<p class="field-error" role="alert">${error}</p>` : null}
    </fieldset>
  `;
}

function DepartmentPicker({ api, value, onChange }) {
  const list = useLoad(() => api.get('/api/org/departments'), []);
  const tree = useMemo(() => childrenOf(list.data?.items ?? []), [list.data]);
  const chosen = new Set(value.deptIds);
  const toggle = (id) => onChange({ ...value, deptIds: chosen.has(id) ? value.deptIds.filter((d) => d !== id) : [...value.deptIds, id] });
  const branch = (parentId) => {
    const children = tree.get(parentId) ?? [];
    if (children.length === 0) return null;
    return html`<ul class="notice-tree">
      ${children.map(
        (d) => html`<li>
          <label><input type="checkbox" name="dept" value=${d.id} checked=${chosen.has(d.id)} onChange=${() => toggle(d.id)} />${d.name}</label>
          ${branch(d.id)}
        </li>`,
      )}
    </ul>`;
  };
  return html`
    <${LoadState} loading=${list.loading} error=${list.error} />
    ${list.data ? html`<div class="notice-tree-box">${branch(1) ?? html`<p class="empty">组织中没有部门</p>`}</div>` : null}
    <label class="notice-check"><input type="checkbox" name="includeSub" checked=${value.includeSub}
      onChange=${(e) => onChange({ ...value, includeSub: e.currentTarget.checked })} />含下级部门</label>
    <p class="muted">已选 ${value.deptIds.length} 个部门</p>
  `;
}

// Departments by parent; a parent that is not in the list (the root) holds the top level.
function childrenOf(departments) {
  const ids = new Set(departments.map((d) => d.id));
  const map = new Map();
  for (const d of departments) {
    const parent = ids.has(d.parentId) ? d.parentId : 1;
    map.set(parent, [...(map.get(parent) ?? []), d]);
  }
  return map;
}

function PeoplePicker({ api, value, onChange }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState({ items: [], total: 0, error: '' });
  useEffect(() => {
    const q = query.trim();
    if (q === '') {
      setFound({ items: [], total: 0, error: '' });
      return undefined;
    }
    // Wait for a pause in typing before asking the server.
    const timer = setTimeout(() => {
      api.get('/api/org/users', { q }).then(
        (answer) => setFound({ ...answer, error: '' }),
        (error) => setFound({ items: [], total: 0, error: error.message }),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [query]);
  const picked = new Set(value.users.map((u) => u.userId));
  const add = (user) =>
    !picked.has(user.userId) && onChange({ ...value, users: [...value.users, { userId: user.userId, name: user.name }] });
  const remove = (userId) => onChange({ ...value, users: value.users.filter((u) => u.userId !== userId) });
  return html`
    <label class="form-field">搜索人员<input type="search" name="people-search" placeholder="输入姓名或钉钉 ID" value=${query}
      onInput=${(e) => setQuery(e.currentTarget.value)} /></label>
    ${found.error ? html`<p class="error-text" role="alert">${found.error}</p>` : null}
    ${
      found.items.length > 0
        ? html`<ul class="notice-found" aria-label="搜索结果">
            ${found.items.map(
              (u) => html`<li>
                <span>${u.name}<span class="muted"> ${u.userId}${u.departments.length ? ` · ${u.departments.map((d) => d.name).join('、')}` : ''}</span></span>
                <button type="button" class="btn btn-small" disabled=${picked.has(u.userId)} onClick=${() => add(u)}>
                  ${picked.has(u.userId) ? '已添加' : '添加'}</button>
              </li>`,
            )}
            ${found.total > found.items.length ? html`<li class="muted">共 ${found.total} 人，请输入更完整的姓名</li>` : null}
          </ul>`
        : query.trim() && !found.error
          ? html`<p class="muted">没有找到</p>`
          : null
    }
    <div class="notice-chips" aria-label="已选人员">
      ${value.users.map(
        (u) => html`<span class="notice-chip">${u.name}<button type="button" class="notice-chip-x" aria-label=${`移除 ${u.name}`}
          onClick=${() => remove(u.userId)}>×</button></span>`,
      )}
    </div>
    <p class="muted">已选 ${value.users.length} 人</p>
  `;
}
