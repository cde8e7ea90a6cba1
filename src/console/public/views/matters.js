// 事项管理: the catalogue with search and status (current version, draft, retired); #/matters/<id> opens the
// editor of one template (matters/editor.js).
import { html, useState } from '../lib.js';
import { LoadState, useLoad } from '../ui.js';
import { MatterEditor } from '../matters/editor.js';
import { NewMatterDialog } from '../matters/new-matter.js';

export default function MattersView({ api, session, params }) {
  return params.id ? html`<${MatterEditor} api=${api} session=${session} id=${params.id} />` : html`<${MatterList} api=${api} />`;
}

function MatterList({ api }) {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [filter, setFilter] = useState({ q: '', status: '' });
  const [creating, setCreating] = useState(false);
  // 有草稿 is not a status of the API: it lists every matter and keeps those with a draft.
  const list = useLoad(async () => {
    const drafts = filter.status === 'draft';
    const page = await api.get('/api/matters', { q: filter.q, status: drafts ? '' : filter.status, limit: 100 });
    return drafts ? { ...page, items: page.items.filter((m) => m.hasDraft) } : page;
  }, [filter]);
  const search = (event) => {
    event.preventDefault();
    setFilter({ q: q.trim(), status });
  };
  return html`
    <section class="view">
      <div class="view-head">
        <h1 class="view-title">事项管理</h1>
        <button type="button" class="btn btn-primary" disabled=${!list.data?.items.length} onClick=${() => setCreating(true)}>新建事项</button>
      </div>
      <form class="filters card" onSubmit=${search} role="search" aria-label="查找事项">
        <label>名称或编号<input type="search" value=${q} placeholder="如 公积金" onInput=${(e) => setQ(e.currentTarget.value)} /></label>
        <label>状态<select value=${status} onChange=${(e) => setStatus(e.currentTarget.value)}>
          <option value="">全部</option><option value="active">在用</option><option value="draft">有草稿</option><option value="retired">已停用</option>
        </select></label>
        <div class="btn-row"><button type="submit" class="btn btn-primary">查找</button></div>
      </form>
      <${LoadState} loading=${list.loading && !list.data} error=${list.error} />
      ${
        list.data
          ? html`<div class="table-wrap"><table class="matters-table">
              <thead><tr><th>事项</th><th class="hide-phone">编号</th><th>当前版本</th><th>草稿</th><th>状态</th></tr></thead>
              <tbody>
                ${list.data.items.map(
                  (
                    m,
                  ) => html`<tr class="row-link" data-matter=${m.id} onClick=${() => (location.hash = `#/matters/${encodeURIComponent(m.id)}`)}>
                    <td><a href=${`#/matters/${encodeURIComponent(m.id)}`}>${m.name}</a></td>
                    <td class="hide-phone matters-id">${m.id}</td>
                    <td class="matters-version">${m.current ? `第 ${m.current} 版` : '未发布'}</td>
                    <td>${m.hasDraft ? html`<span class="badge badge-orange">有草稿</span>` : html`<span class="muted">—</span>`}</td>
                    <td>${m.status === 'retired' ? html`<span class="badge badge-grey">已停用</span>` : html`<span class="badge badge-green">在用</span>`}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
            ${list.data.items.length === 0 ? html`<p class="empty">没有找到事项</p>` : null}
            </div>`
          : null
      }
      ${
        creating
          ? html`<${NewMatterDialog} api=${api} matters=${list.data.items} onCancel=${() => setCreating(false)}
              onCreated=${(id) => (location.hash = `#/matters/${encodeURIComponent(id)}`)} />`
          : null
      }
    </section>
  `;
}
