// The console's one way to the server: JSON over fetch with the session cookie, the CSRF token on unsafe
// methods, errors as ApiError. Paths are absolute (`/api/matters`). A 401 sends the user back to the login.

/** An error answer of the server ({"error":{code,message,details?}}), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const session = { csrf: '', onUnauthorized: () => {} };

/** The shell sets the session's CSRF token after login, and what a 401 does (show the login). */
export function configureApi({ csrf, onUnauthorized }) {
  if (csrf !== undefined) session.csrf = csrf;
  if (onUnauthorized) session.onUnauthorized = onUnauthorized;
}

function urlOf(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function send(method, path, { query, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-Yiciban-CSRF'] = session.csrf;
  let response;
  try {
    response = await fetch(urlOf(path, query), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', '连接不上服务器，请检查网络后重试');
  }
  if (response.status === 401 && !path.startsWith('/console/session')) session.onUnauthorized();
  return response;
}

async function json(response) {
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = data?.error ?? {};
    throw new ApiError(response.status, error.code ?? 'http_error', error.message ?? `请求失败（HTTP ${response.status}）`, error.details);
  }
  return data;
}

/** get(path, query?), post(path, body?), put(path, body), del(path), download(path, query?, filename). */
export const api = {
  get: async (path, query) => json(await send('GET', path, { query })),
  post: async (path, body) => json(await send('POST', path, { body: body ?? {} })),
  put: async (path, body) => json(await send('PUT', path, { body })),
  del: async (path) => json(await send('DELETE', path)),
  /** Saves the answer (e.g. a CSV export) as a file named `filename`. */
  async download(path, query, filename) {
    const response = await send('GET', path, { query });
    if (!response.ok) await json(response);
    const blob = await response.blob();
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  },
};
