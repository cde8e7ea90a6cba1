// The app access token (§5): cached until shortly before it expires, fetched by one caller at a time.
import type { Clock } from '../clock.js';

/** How to fetch a token, and when to consider it stale. */
export interface TokenCacheOptions {
  fetchToken: () => Promise<{ token: string; expiresInSec: number }>;
  clock: Pick<Clock, 'now'>;
  /** Refresh this long before the stated expiry (DingTalk's doc suggests ~200 s; the Python SDK uses 5 min). */
  marginMs?: number;
}

/** The cache's methods. */
export interface TokenCache {
  /** A valid token: the cached one, or one fresh fetch shared by every concurrent caller (single-flight). */
  get(): Promise<string>;
  /** Drops `token` after DingTalk rejected it; a newer token fetched meanwhile is kept. */
  invalidate(token: string): void;
  /** How many times the token endpoint was called. */
  readonly fetches: number;
}

/** Creates the single-flight token cache. */
export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const marginMs = options.marginMs ?? 5 * 60_000;
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;
  let fetches = 0;

  const refresh = async (): Promise<string> => {
    fetches += 1;
    const { token, expiresInSec } = await options.fetchToken();
    const lifetime = expiresInSec * 1000;
    // A short-lived token still gets used for half its life rather than refetched on every call.
    cached = { token, refreshAt: options.clock.now() + Math.max(lifetime - marginMs, lifetime / 2) };
    return token;
  };

  return {
    get() {
      if (cached && options.clock.now() < cached.refreshAt) return Promise.resolve(cached.token);
      inflight ??= refresh().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
    get fetches() {
      return fetches;
    },
  };
}
