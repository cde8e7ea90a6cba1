// Who may open the console: the ADMIN_USER_IDS (everything), a department's contact in a matter template
// (their department's applications and figures), the holder of ADMIN_TOKEN outside DingTalk (admin). Anybody
// else is refused with a Chinese message and gets no session.
import { createHash } from 'node:crypto';
import { isAdminToken } from '../http/admin-auth.js';
import { HttpError } from '../http/errors.js';
import type { Matter } from '../domain/types.js';
import { ExternalError } from '../errors.js';
import type { ConsoleUser } from './sessions.js';

/** The user id of a session opened with ADMIN_TOKEN (it names no person). */
export const TOKEN_USER = 'admin-token';

/** What the login needs to know. */
export interface LoginOptions {
  adminUserIds: readonly string[];
  adminToken?: string;
  /** The matters whose departments name their contacts (the live catalogue). */
  matters: () => readonly Matter[];
  /** DingTalk's 免登 exchange: the auth code's user (OpenApiClient.userOfAuthCode). */
  userOfAuthCode: (code: string) => Promise<{ userId: string; name: string }>;
  /** A user's display name, when the exchange did not give one. */
  nameOf?: (userId: string) => Promise<string>;
}

/** The console user an auth code or the admin token stands for; throws an HttpError (401/403) otherwise. */
export async function consoleUserOf(options: LoginOptions, body: { authCode?: string; token?: string }): Promise<ConsoleUser> {
  if (body.token !== undefined) {
    if (!isAdminToken(options.adminToken, body.token)) throw new HttpError(401, 'bad_token', '管理令牌不正确');
    return { userId: TOKEN_USER, name: '管理员（令牌登录）', role: 'admin', tokenId: tokenIdOf(body.token) };
  }
  const user = await exchange(options, body.authCode ?? '');
  if (options.adminUserIds.includes(user.userId)) return { ...user, role: 'admin' };
  const department = contactDepartment(options.matters(), user.userId);
  if (department) return { ...user, role: 'department', department };
  throw new HttpError(403, 'not_allowed', '您没有控制台的使用权限：只有管理员和事项的部门联系人可以登录，请联系政务服务中心管理员开通');
}

async function exchange(options: LoginOptions, code: string): Promise<{ userId: string; name: string }> {
  if (code === '') throw new HttpError(400, 'bad_request', '缺少免登授权码（authCode）或管理令牌（token）');
  try {
    const user = await options.userOfAuthCode(code);
    return { userId: user.userId, name: user.name || ((await options.nameOf?.(user.userId)) ?? user.userId) };
  } catch (error) {
    // DingTalk answers a spent, expired or unknown code with errcode 40078 (or another 4xx-like errcode).
    if (error instanceof ExternalError && !error.retryable)
      throw new HttpError(401, 'bad_auth_code', '钉钉免登授权码无效或已过期，请重新打开控制台', { cause: error.code });
    throw error;
  }
}

/**
 * True while the session's rights still hold: the user is still in ADMIN_USER_IDS, still the contact of the
 * same department, or the token it logged in with is still ADMIN_TOKEN. Checked on every request, so removing
 * someone (and restarting) ends their sessions at once rather than when they expire.
 */
export function isStillAllowed(options: LoginOptions, user: ConsoleUser): boolean {
  if (user.tokenId !== undefined) return options.adminToken !== undefined && tokenIdOf(options.adminToken) === user.tokenId;
  if (user.role === 'admin') return options.adminUserIds.includes(user.userId);
  return user.department !== undefined && contactDepartment(options.matters(), user.userId)?.id === user.department.id;
}

// Names the token a session logged in with (not the token itself: a hash prefix is enough to tell them apart).
function tokenIdOf(token: string): string {
  return createHash('sha256').update(`yiciban-console-token:${token}`).digest('hex').slice(0, 16);
}

/** The first department whose contacts include the user, over every matter's current template. */
export function contactDepartment(matters: readonly Matter[], userId: string): { id: string; name: string } | undefined {
  for (const matter of matters) {
    const found = matter.departments.find((d) => d.contactUserIds.includes(userId));
    if (found) return { id: found.id, name: found.name };
  }
  return undefined;
}
