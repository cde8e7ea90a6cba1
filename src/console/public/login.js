// Logging in: inside DingTalk the page asks the client for a 免登 code (dd.runtime.permission.requestAuthCode) and
// the server exchanges it; outside DingTalk the admin token; in the sandbox the page arrives with ?authCode=….
import { api } from './api.js';
import { html, useEffect, useState } from './lib.js';

/** True inside DingTalk's clients (their user agent names DingTalk). */
export function inDingTalk() {
  return /DingTalk/i.test(navigator.userAgent);
}

/** The auth code in the address (the sandbox link), removed from it so that a reload or a bookmark never replays it. */
export function takeAuthCodeFromUrl() {
  const url = new URL(location.href);
  const code = url.searchParams.get('authCode');
  if (!code) return undefined;
  url.searchParams.delete('authCode');
  history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`);
  return code;
}

function loadDingTalk() {
  if (window.dd) return Promise.resolve(window.dd);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/console/vendor/dingtalk.js';
    script.onload = () => resolve(window.dd);
    script.onerror = () => reject(new Error('钉钉 JSAPI 加载失败'));
    document.head.append(script);
  });
}

async function corpIdOf() {
  // DingTalk fills $CORPID$ in the registered home page URL (?corpId=$CORPID$); the sandbox server knows its own.
  const fromUrl = new URL(location.href).searchParams.get('corpId');
  if (fromUrl && fromUrl !== '$CORPID$') return fromUrl;
  return (await api.get('/console/config')).corpId;
}

async function dingTalkCode() {
  const [dd, corpId] = await Promise.all([loadDingTalk(), corpIdOf()]);
  if (!corpId) throw new Error('缺少企业 corpId：请在钉钉开发者后台把应用首页地址设为 …/console?corpId=$CORPID$');
  await new Promise((resolve) => dd.ready(resolve));
  const { code } = await dd.runtime.permission.requestAuthCode({ corpId });
  return code;
}

/** Logs in with a code or a token; resolves with the session. */
export function logIn(body) {
  return api.post('/console/session', body);
}

/** Inside DingTalk: 免登 with the client's auth code. */
async function dingTalkLogIn() {
  return logIn({ authCode: await dingTalkCode() });
}

/** Sandbox only: logs in as the sandbox admin with a code the server has the simulator mint. */
export function sandboxLogIn() {
  return api.post('/console/sandbox-session');
}

/** The login view: DingTalk 免登 inside DingTalk, the token form outside (and in the sandbox, its admin). */
export function LoginView({ onSession, message }) {
  const [error, setError] = useState(message ?? '');
  const [busy, setBusy] = useState(false);
  const [token, setToken] = useState('');
  const [sandbox, setSandbox] = useState(false);
  const dingtalk = inDingTalk();
  useEffect(() => {
    if (!dingtalk)
      api.get('/console/config').then(
        (config) => setSandbox(config.sandbox === true),
        () => setSandbox(false),
      );
  }, []);

  // `open` resolves with a session (or throws with a Chinese message).
  const attempt = async (open) => {
    setBusy(true);
    setError('');
    try {
      onSession(await open());
    } catch (failure) {
      setError(failure.message);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (dingtalk) void attempt(dingTalkLogIn);
  }, []);

  const submit = (event) => {
    event.preventDefault();
    if (token.trim()) void attempt(() => logIn({ token: token.trim() }));
  };

  return html`
    <main class="login">
      <div class="login-card">
        <div class="login-brand"><span class="logo" aria-hidden="true">办</span> 一次办 · 管理控制台</div>
        ${
          dingtalk
            ? html`<p class="login-hint">${busy ? '正在通过钉钉免登…' : '钉钉免登'}</p>
                <button type="button" class="btn btn-primary" disabled=${busy}
                  onClick=${() => attempt(dingTalkLogIn)}>重新登录</button>`
            : html`<form class="login-form" onSubmit=${submit}>
                <p class="login-hint">在钉钉工作台中打开可免登；在浏览器中请输入管理令牌（ADMIN_TOKEN）。</p>
                <label for="login-token">管理令牌</label>
                <input id="login-token" type="password" autocomplete="current-password" value=${token}
                  onInput=${(e) => setToken(e.currentTarget.value)} />
                <button type="submit" class="btn btn-primary" disabled=${busy || !token.trim()}>${busy ? '正在登录…' : '登录'}</button>
                ${sandbox ? html`<button type="button" class="btn" disabled=${busy} onClick=${() => attempt(sandboxLogIn)}>以沙箱管理员身份进入</button>` : null}
              </form>`
        }
        ${error ? html`<p class="error-text" role="alert">${error}</p>` : null}
      </div>
    </main>
  `;
}
