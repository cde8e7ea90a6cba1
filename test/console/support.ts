// HTTP helpers of the console tests: log in through the simulator's 免登 code, and send requests with the
// session cookie and (optionally) the CSRF header, the way the console page does.
import { request } from 'node:http';
import type { Harness } from '../support/harness.js';

/** A logged-in console session, as the browser holds it. */
export interface ConsoleLogin {
  status: number;
  /** `yc_console=<value>`, or undefined when the answer set no cookie. */
  cookie?: string;
  setCookie: string[];
  body: {
    userId?: string;
    name?: string;
    role?: string;
    department?: { id: string; name: string };
    csrf?: string;
    error?: { code: string; message: string };
  };
}

/** POST /console/session with `body` (an authCode or a token). */
export async function postLogin(base: string, body: unknown, headers: Record<string, string> = {}): Promise<ConsoleLogin> {
  const answer = await send(base, 'POST', '/console/session', { 'content-type': 'application/json', ...headers }, JSON.stringify(body));
  const setCookie = answer.setCookie;
  const cookie = setCookie.map((line) => line.split(';')[0]!).find((pair) => pair.startsWith('yc_console=') && pair !== 'yc_console=');
  return { status: answer.status, ...(cookie ? { cookie } : {}), setCookie, body: JSON.parse(answer.text) as ConsoleLogin['body'] };
}

/** One request through node:http (fetch would not send an Origin header of our choosing). */
export function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string; setCookie: string[]; headers: Record<string, string | string[] | undefined> }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          setCookie: res.headers['set-cookie'] ?? [],
          headers: res.headers,
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Logs `userId` in with a fresh auth code minted by the DingTalk simulator. */
export function loginAs(h: Pick<Harness, 'dingtalk' | 'app'>, userId: string): Promise<ConsoleLogin> {
  return postLogin(h.app.url, { authCode: h.dingtalk.mintAuthCode(userId) });
}

/** A request with the session cookie; `csrf` adds the header. */
export async function withSession(
  base: string,
  method: string,
  path: string,
  session: { cookie?: string; csrf?: string },
  extra: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...extra.headers };
  if (session.cookie) headers.cookie = session.cookie;
  if (session.csrf) headers['x-yiciban-csrf'] = session.csrf;
  if (extra.body !== undefined) headers['content-type'] = 'application/json';
  const answer = await send(base, method, path, headers, extra.body === undefined ? undefined : JSON.stringify(extra.body));
  return { status: answer.status, body: answer.text ? JSON.parse(answer.text) : null };
}
