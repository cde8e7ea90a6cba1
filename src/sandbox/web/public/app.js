// The sandbox web chat: pick who you are and a conversation, talk to the bot, click its cards, upload
// materials, play the back office, reset. State lives in the URL hash (#<userId>/<conversation>).
import { api, connectLive, readBase64 } from './api.js';
import { setCardBusy } from './card.js';
import { ChatView } from './chat.js';
import { BackofficePanel } from './panel.js';
import { TimeTravel } from './time-travel.js';

const MAX_UPLOAD = 5 * 1024 * 1024;
const $ = (id) => document.getElementById(id);

const state = { people: null, me: '', conversation: 'single', close: () => {} };
let toastTimer;

function toast(message) {
  const box = $('toast');
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), 5000);
}

const chat = new ChatView($('messages'), {
  send: (text) => void sendText(text),
  click: (id, params, card) => void clickCard(id, params, card),
});
const panel = new BackofficePanel($('panel'), $('cases'), toast);
const timeTravel = new TimeTravel($('time-travel'), $('sandbox-time'), $('ff-days'), toast);

function person(userId) {
  for (const role of state.people.roles) {
    const found = role.people.find((p) => p.userId === userId);
    if (found) return found;
  }
  return undefined;
}

function groupsOf(userId) {
  return state.people.groups.filter((g) => g.members.some((m) => m.userId === userId));
}

function fillPeople() {
  const select = $('person');
  select.replaceChildren(
    ...state.people.roles.map((role) => {
      const group = document.createElement('optgroup');
      group.label = role.label;
      for (const p of role.people) group.append(new Option(p.title ? `${p.name}（${p.title}）` : p.name, p.userId));
      return group;
    }),
  );
}

function fillConversations() {
  const nav = $('conversations');
  const items = [
    { id: 'single', title: '一次办', hint: '与机器人单聊' },
    ...groupsOf(state.me).map((g) => ({ id: g.id, title: g.title, hint: `群聊 · ${g.members.length} 人` })),
  ];
  nav.replaceChildren(
    ...items.map((item) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = `conversation${item.id === state.conversation ? ' active' : ''}`;
      button.dataset.conversation = item.id;
      const title = document.createElement('strong');
      title.textContent = item.title;
      const hint = document.createElement('span');
      hint.textContent = item.hint;
      button.append(title, hint);
      button.addEventListener('click', () => open(state.me, item.id));
      return button;
    }),
  );
  if (items.length === 1) {
    const note = document.createElement('p');
    note.className = 'side-note';
    note.textContent = '不在任何群聊中';
    nav.append(note);
  }
}

/** Shows `userId`'s view of `conversation` and follows it live. */
function open(userId, conversation) {
  const me = person(userId) ? userId : state.people.roles[0].people[0].userId;
  const group = state.people.groups.find((g) => g.id === conversation && g.members.some((m) => m.userId === me));
  state.me = me;
  state.conversation = group ? group.id : 'single';
  history.replaceState(null, '', `#${encodeURIComponent(me)}/${encodeURIComponent(state.conversation)}`);

  const p = person(me);
  $('person').value = me;
  $('person-meta').textContent = [p.department, p.title].filter(Boolean).join(' · ');
  $('chat-title').textContent = group ? group.title : '一次办';
  $('chat-subtitle').textContent = group ? `群聊 · ${group.members.map((m) => m.name).join('、')}` : `${p.name} 与 一次办 的单聊`;
  $('at-bot-label').hidden = !group;
  $('text').placeholder = group ? '输入消息；@一次办 开头或勾选 @机器人，机器人才会收到' : '输入消息，回车发送';
  fillConversations();
  chat.reset(me);

  state.close();
  state.close = connectLive({
    userId: me,
    conversation: state.conversation,
    onReady: () => {
      void loadHistory(me, state.conversation);
      panel.refreshSoon();
    },
    onEntry: (entry) => chat.add(entry),
    onCard: (entry) => chat.update(entry),
    onBackoffice: () => panel.refreshSoon(),
    onState: (s) => {
      const live = $('live');
      live.dataset.state = s;
      live.textContent = s === 'open' ? '实时' : '重连中';
    },
  });
}

async function loadHistory(userId, conversation) {
  try {
    const data = await api(`/history?${new URLSearchParams({ userId, conversation })}`);
    if (userId === state.me && conversation === state.conversation) chat.history(data.entries);
  } catch (error) {
    toast(error.message);
  }
}

function atBot() {
  return state.conversation !== 'single' && $('at-bot').checked;
}

async function sendText(text) {
  const trimmed = text.trim();
  if (!trimmed) return;
  try {
    await api('/messages', { userId: state.me, conversation: state.conversation, text: trimmed, atBot: atBot() });
  } catch (error) {
    toast(error.message);
  }
}

async function clickCard(outTrackId, params, card) {
  setCardBusy(card, true);
  try {
    const result = await api('/click', { userId: state.me, outTrackId, params });
    if (result.timedOut) toast('机器人没有在 2 秒内响应这次点击（钉钉会提示“操作失败”），请稍后再试');
    else if (!result.delivered) toast('这张卡片不接收点击回调');
  } catch (error) {
    toast(error.message);
  } finally {
    setCardBusy(card, false);
  }
}

async function upload(file) {
  if (file.size > MAX_UPLOAD) return toast('文件不能超过 5 MB');
  if (file.size === 0) return toast('文件是空的');
  const kind = /^image\/(png|jpeg|gif|webp)$/.test(file.type) ? 'picture' : 'file';
  try {
    const dataBase64 = await readBase64(file);
    await api('/uploads', { userId: state.me, conversation: state.conversation, kind, fileName: file.name, mime: file.type, dataBase64 });
  } catch (error) {
    toast(error.message);
  }
}

async function watchHealth() {
  const box = $('health');
  try {
    const response = await fetch('/healthz');
    const health = await response.json();
    const connected = response.ok && health.stream === 'connected';
    box.dataset.state = connected ? 'ok' : 'connecting';
    box.textContent = connected ? '机器人已连接（模拟钉钉）' : '机器人连接中…';
    return connected;
  } catch {
    box.dataset.state = 'down';
    box.textContent = '沙箱服务未响应';
    return false;
  }
}

async function reset() {
  $('confirm-reset').close();
  $('overlay').hidden = false;
  let down = false;
  const stop = connectLive({
    userId: state.me,
    conversation: 'single',
    onReady() {},
    onEntry() {},
    onCard() {},
    onBackoffice() {},
    onState: (s) => (down ||= s !== 'open'),
  });
  try {
    await api('/reset', { confirm: true });
  } catch (error) {
    stop();
    $('overlay').hidden = true;
    return toast(error.message);
  }
  // The bot restarts: wait until the old server went away and the new one is connected to DingTalk.
  const started = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const connected = await watchHealth();
    if (!connected) down = true;
    if (connected && (down || Date.now() - started > 8000)) break;
  }
  stop();
  location.reload();
}

// The simulator mints a 免登 code for the sandbox admin (what dd.requestAuthCode does inside DingTalk); the
// console logs in with it and drops it from its address.
async function openConsole() {
  try {
    const { authCode } = await api('/console-code', {});
    location.assign(`/console?authCode=${encodeURIComponent(authCode)}`);
  } catch (error) {
    toast(error.message);
  }
}

function bind() {
  $('person').addEventListener('change', (event) => open(event.target.value, 'single'));
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('text');
    const text = input.value;
    input.value = '';
    void sendText(text);
  });
  for (const chip of document.querySelectorAll('#quick .chip')) {
    chip.addEventListener(
      'click',
      () => void sendText(state.conversation === 'single' || atBot() ? chip.dataset.command : `@一次办 ${chip.dataset.command}`),
    );
  }
  $('attach').addEventListener('click', () => $('file').click());
  $('file').addEventListener('change', (event) => {
    const [file] = event.target.files;
    event.target.value = '';
    if (file) void upload(file);
  });
  $('open-console').addEventListener('click', (event) => {
    event.preventDefault();
    void openConsole();
  });
  $('reset').addEventListener('click', () => $('confirm-reset').showModal());
  $('confirm-reset-cancel').addEventListener('click', () => $('confirm-reset').close());
  $('confirm-reset-ok').addEventListener('click', () => void reset());
}

async function main() {
  bind();
  try {
    state.people = await api('/people');
  } catch (error) {
    toast(error.message);
    return;
  }
  fillPeople();
  const [userId, conversation] = location.hash
    .slice(1)
    .split('/')
    .map((part) => decodeURIComponent(part ?? ''));
  open(userId, conversation || 'single');
  void watchHealth();
  void timeTravel.refresh();
  setInterval(() => void watchHealth(), 5000);
}

void main();
