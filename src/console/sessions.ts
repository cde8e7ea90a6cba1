// Console sessions, kept in the store (so every instance on one database knows them): a random id in the
// cookie, only its SHA-256 in the store, an expiry, and a CSRF token the page sends back on unsafe requests.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/store.js';

/** Record kind of a console session. */
export const SESSION_KIND = 'console.session';
/** The cookie that carries the session id. */
export const SESSION_COOKIE = 'yc_console';
/** How long a session lasts after login. */
export const SESSION_TTL_MS = 8 * 60 * 60_000;

/** Who may do what in the console: an admin everything, a department contact reads their own department. */
export type ConsoleRole = 'admin' | 'department';

/** The person a session belongs to. */
export interface ConsoleUser {
  userId: string;
  name: string;
  role: ConsoleRole;
  /** Only for the department role: the department whose applications and figures they may read. */
  department?: { id: string; name: string };
  /** A session opened with ADMIN_TOKEN: which token (a hash prefix), so that a changed token ends it. */
  tokenId?: string;
}

/** A stored session. */
export interface ConsoleSession extends ConsoleUser {
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

/** Creates, finds and ends console sessions in the store. */
export class ConsoleSessions {
  constructor(
    private readonly store: Pick<Store, 'commit' | 'getRecord' | 'findRecords'>,
    private readonly now: () => number,
  ) {}

  /** A new session for `user`; returns the cookie value (never stored as such) and the session. */
  async create(user: ConsoleUser): Promise<{ cookie: string; session: ConsoleSession }> {
    await this.pruneExpired();
    const cookie = randomBytes(32).toString('base64url');
    const now = this.now();
    const session: ConsoleSession = {
      ...user,
      csrf: randomBytes(24).toString('base64url'),
      createdAt: now,
      expiresAt: now + SESSION_TTL_MS,
    };
    await this.store.commit({ records: { put: [{ kind: SESSION_KIND, id: idOf(cookie), rev: 1, data: session, updatedAt: now }] } });
    return { cookie, session };
  }

  /** The live session a cookie value names, or undefined (unknown, malformed or expired). */
  async find(cookie: string | undefined): Promise<ConsoleSession | undefined> {
    if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return undefined;
    const record = await this.store.getRecord<ConsoleSession>(SESSION_KIND, idOf(cookie));
    if (!record || record.data.expiresAt <= this.now()) return undefined;
    return record.data;
  }

  /** Ends the session a cookie value names (nothing when there is none). */
  async end(cookie: string | undefined): Promise<void> {
    if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return;
    const id = idOf(cookie);
    if (await this.store.getRecord(SESSION_KIND, id)) await this.store.commit({ records: { remove: [{ kind: SESSION_KIND, id }] } });
  }

  // Sessions nobody ended: the oldest are removed a few at a time, at each login, once they have expired.
  private async pruneExpired(): Promise<void> {
    const { total } = await this.store.findRecords(SESSION_KIND, { limit: 1 });
    const oldest = await this.store.findRecords<ConsoleSession>(SESSION_KIND, { offset: Math.max(0, total - 20), limit: 20 });
    const expired = oldest.items.filter((r) => r.data.expiresAt <= this.now()).map((r) => ({ kind: SESSION_KIND, id: r.id }));
    if (expired.length > 0) await this.store.commit({ records: { remove: expired } });
  }
}

/** True when `given` is the session's CSRF token (constant time). */
export function isCsrfToken(session: ConsoleSession, given: string): boolean {
  const a = createHash('sha256').update(session.csrf).digest();
  const b = createHash('sha256').update(given).digest();
  return given !== '' && timingSafeEqual(a, b);
}

// The store keys sessions by a hash: a leaked store (or backup) holds no usable cookie.
function idOf(cookie: string): string {
  return createHash('sha256').update(cookie).digest('hex');
}
