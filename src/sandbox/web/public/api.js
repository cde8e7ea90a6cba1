// Calls to the sandbox JSON API; a failed call throws an Error carrying the server's Chinese message.

/** GET (no body) or POST (JSON body) to /sandbox/api<path>. */
export async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  let response;
  try {
    response = await fetch(`/sandbox/api${path}`, init);
  } catch {
    throw new Error('连接不上沙箱服务，请确认 npm start 仍在运行');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data?.error?.message ?? `请求失败（HTTP ${response.status}）`);
  return data;
}

/** Reads a File as base64 (without the data: prefix). */
export function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error('读取文件失败'));
    reader.readAsDataURL(file);
  });
}

/** Opens the live event stream of one conversation; returns a function that closes it. */
export function connectLive({ userId, conversation, onReady, onEntry, onCard, onBackoffice, onState }) {
  const query = new URLSearchParams({ userId, conversation });
  const source = new EventSource(`/sandbox/api/events?${query}`);
  source.addEventListener('ready', () => {
    onState('open');
    onReady();
  });
  source.addEventListener('entry', (event) => onEntry(JSON.parse(event.data)));
  source.addEventListener('card', (event) => onCard(JSON.parse(event.data)));
  source.addEventListener('backoffice', () => onBackoffice());
  source.addEventListener('error', () => onState(source.readyState === EventSource.CLOSED ? 'closed' : 'error'));
  return () => source.close();
}
