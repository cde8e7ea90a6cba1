// The console shell: finds or makes the session, then shows the header (user, 退出), the navigation and the
// view the hash names (#/matters, #/applications, #/dashboard, #/notices; #/<view>/<id> opens one item).
// A view is views/<name>.js whose default export is a component ({ api, session, params }) => vnode.
import { api, configureApi } from './api.js';
import { LoginView, logIn, sandboxLogIn, takeAuthCodeFromUrl } from './login.js';
import { html, render, useEffect, useState } from './lib.js';
import Applications from './views/applications.js';
import Dashboard from './views/dashboard.js';
import Matters from './views/matters.js';
import Notices from './views/notices.js';

const LOGGED_OUT = 'yc-console-logged-out';

const VIEWS = [
  { name: 'matters', title: '事项管理', component: Matters, roles: ['admin'] },
  { name: 'applications', title: '办件', component: Applications, roles: ['admin', 'department'] },
  { name: 'dashboard', title: '监察看板', component: Dashboard, roles: ['admin', 'department'] },
  { name: 'notices', title: '通知', component: Notices, roles: ['admin'] },
];

/** `#/applications/YC1?x=1` → { name: 'applications', id: 'YC1', query: {x: '1'} }. */
function routeOf(hash) {
  const [path, search] = hash.replace(/^#\/?/, '').split('?');
  const [name, ...rest] = (path ?? '').split('/').map((part) => decodeURIComponent(part));
  const params = Object.fromEntries(new URLSearchParams(search ?? ''));
  if (rest.length > 0 && rest[0] !== '') params.id = rest.join('/');
  return { name: name ?? '', params };
}

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function Shell({ session, onLogout }) {
  const hash = useHash();
  const allowed = VIEWS.filter((view) => view.roles.includes(session.role));
  const route = routeOf(hash);
  const current = allowed.find((view) => view.name === route.name) ?? allowed[0];
  useEffect(() => {
    if (current.name !== route.name) location.replace(`#/${current.name}`);
  }, [current.name, route.name]);
  const View = current.component;
  return html`
    <header class="topbar">
      <div class="brand"><span class="logo" aria-hidden="true">办</span><span class="brand-name">一次办 · 管理控制台</span></div>
      <div class="who">
        <span class="who-name">${session.name}</span>
        ${session.department ? html`<span class="badge">${session.department.name}</span>` : html`<span class="badge">管理员</span>`}
        <button type="button" class="btn btn-small" onClick=${onLogout}>退出</button>
      </div>
    </header>
    <nav class="nav" aria-label="导航">
      ${allowed.map(
        (view) => html`<a href=${`#/${view.name}`} class=${view === current ? 'nav-item active' : 'nav-item'}
          aria-current=${view === current ? 'page' : undefined}>${view.title}</a>`,
      )}
    </nav>
    <main class="content">
      <${View} key=${current.name} api=${api} session=${session} params=${route.params} />
    </main>
  `;
}

function App() {
  const [state, setState] = useState({ phase: 'loading' });

  const show = (session) => {
    sessionStorage.removeItem(LOGGED_OUT);
    configureApi({ csrf: session.csrf });
    setState({ phase: 'in', session });
  };
  const toLogin = (message) => setState({ phase: 'login', message });

  useEffect(() => {
    configureApi({ onUnauthorized: () => toLogin('登录已过期，请重新登录') });
    const start = async () => {
      const code = takeAuthCodeFromUrl();
      if (code) return show(await logIn({ authCode: code }));
      const session = await api.get('/console/session');
      if (session) return show(session);
      // The sandbox opens as its admin, unless the admin just logged out in this tab.
      const config = await api.get('/console/config');
      if (config.sandbox && !sessionStorage.getItem(LOGGED_OUT)) return show(await sandboxLogIn());
      toLogin();
    };
    start().catch((error) => toLogin(error.message));
  }, []);

  const logout = async () => {
    try {
      await api.del('/console/session');
    } finally {
      sessionStorage.setItem(LOGGED_OUT, '1');
      configureApi({ csrf: '' });
      toLogin('已退出');
    }
  };

  if (state.phase === 'loading') return html`<div class="boot">正在打开控制台…</div>`;
  if (state.phase === 'login') return html`<${LoginView} onSession=${show} message=${state.message} />`;
  return html`<${Shell} session=${state.session} onLogout=${logout} />`;
}

const root = document.getElementById('app');
// The static "正在打开…" line is replaced, not hydrated.
root.classList.remove('boot');
root.textContent = '';
render(html`<${App} />`, root);
