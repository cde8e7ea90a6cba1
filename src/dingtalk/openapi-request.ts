// One authenticated OpenAPI call with DingTalk's error shapes (§6.1), token refresh (§5) and retries.
import { ExternalError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';
import { backoffDelay, type BackoffPolicy } from '../retry.js';
import type { Limiter } from './limiter.js';
import type { TokenCache } from './token-cache.js';
import { requestText, type TextResponse } from './request-text.js';

/** How often and how patiently a throttled or failed call is tried again before the error surfaces. */
export interface RetryPolicy {
  attempts: number;
  backoff: BackoffPolicy;
}

/** Production retry timing: 4 attempts, 0.25–8 s apart. */
export const defaultRetry: RetryPolicy = { attempts: 4, backoff: { baseMs: 500, maxMs: 8_000, minMs: 250, jitter: 'full' } };

/** What every call needs: bases, token cache, limiter, retry timing. */
export interface RequestContext {
  apiBase: string;
  oapiBase: string;
  tokens: TokenCache;
  limiter: Limiter;
  retry: RetryPolicy;
  /** Retry pauses wait on it (the request timeout stays on real time: it bounds real I/O). */
  clock: Pick<Clock, 'sleep'>;
  random: () => number;
  logger: Logger;
  timeoutMs: number;
}

/** `new` = api.dingtalk.com (header token, HTTP status errors); `oapi` = oapi.dingtalk.com (query token, errcode). */
export interface ApiRequest {
  api: 'new' | 'oapi';
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
  /** Short name for logs and errors, e.g. "oToMessages/batchSend". */
  label: string;
  /** `low` for notices: waits behind conversation calls to the same API (see limiter.ts). */
  priority?: 'normal' | 'low';
  /** Runs when the rate limiter lets the call go, just before it leaves (a notice records "sending" here). */
  beforeSend?: () => Promise<void>;
  /**
   * Retry only answers DingTalk gave (throttling, 5xx): a call that got no answer may have been delivered,
   * and a send that must not reach anyone twice cannot be repeated blindly.
   */
  answeredOnly?: boolean;
}

/** Calls the API; refetches the token once when DingTalk rejects it; retries throttling, 5xx and network errors. */
export async function callApi<T>(ctx: RequestContext, request: ApiRequest): Promise<T> {
  let refreshed = false;
  for (let attempt = 0; ; attempt++) {
    let token: string | undefined;
    try {
      token = await ctx.tokens.get();
      const used = token;
      const send = async () => {
        await request.beforeSend?.().catch((cause: unknown) => {
          throw new BeforeSendFailed(cause);
        });
        await ctx.limiter.pace(apiKey(request));
        return callOnce(ctx, request, used);
      };
      const answer = (await ctx.limiter.schedule(send, { key: apiKey(request), priority: request.priority ?? 'normal' })) as T;
      ctx.limiter.succeeded(apiKey(request));
      return answer;
    } catch (error) {
      // The caller's own hook refused (a cancelled notice, a store failure): nothing left; not DingTalk's error.
      if (error instanceof BeforeSendFailed) throw error.cause;
      const failure = asExternal(error, request.label);
      if (isThrottled(failure)) ctx.limiter.throttled(apiKey(request));
      if (token && !refreshed && isTokenRejected(failure)) {
        // Tokens can be revoked early (secret reset, a second process); fetch a new one once.
        refreshed = true;
        ctx.tokens.invalidate(token);
        attempt -= 1;
        continue;
      }
      if (!failure.retryable || attempt + 1 >= ctx.retry.attempts) throw failure;
      if (request.answeredOnly && failure.status === undefined) throw failure;
      // A throttled call has already widened its API's spacing in the limiter: that is the wait.
      const delay = isThrottled(failure) ? 0 : backoffDelay(ctx.retry.backoff, attempt, ctx.random);
      ctx.logger.warn(
        { api: request.label, status: failure.status, code: failure.code, attempt: attempt + 1, delay },
        'DingTalk call failed, retrying',
      );
      if (delay > 0) await ctx.clock.sleep(delay);
    }
  }
}

class BeforeSendFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('beforeSend failed');
  }
}

async function callOnce(ctx: RequestContext, request: ApiRequest, token: string): Promise<unknown> {
  const url =
    request.api === 'new'
      ? `${ctx.apiBase}${request.path}`
      : `${ctx.oapiBase}${request.path}${request.path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.api === 'new') headers['x-acs-dingtalk-access-token'] = token;
  const { status, body } = await requestJson(url, { method: request.method, headers, body: request.body }, request.label, ctx.timeoutMs);
  return request.api === 'new' ? newApiResult(status, body, request.label) : oapiResult(status, body, request.label);
}

/** One request + JSON parse; network failures and timeouts become retryable ExternalErrors. */
export async function requestJson(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: unknown },
  label: string,
  timeoutMs: number,
): Promise<{ status: number; body: unknown }> {
  let answer: TextResponse;
  try {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    answer = await requestText(url, { method: init.method, headers: init.headers, body }, timeoutMs);
  } catch (cause) {
    throw new ExternalError('dingtalk', `DingTalk ${label}: network error (${(cause as Error).message})`, { retryable: true, cause });
  }
  const { status, text } = answer;
  try {
    return { status, body: text === '' ? {} : JSON.parse(text) };
  } catch {
    return { status, body: { message: text.slice(0, 200) } };
  }
}

function newApiResult(status: number, body: unknown, label: string): unknown {
  if (status >= 200 && status < 300) return body;
  const { code, message } = body as { code?: string; message?: string };
  const retryable = status >= 500 || status === 429 || (status === 403 && /QpsLimit/i.test(code ?? ''));
  throw new ExternalError('dingtalk', `DingTalk ${label}: HTTP ${status} ${code ?? ''} ${message ?? ''}`.trim(), {
    status,
    code,
    retryable,
  });
}

/** Old API: HTTP 200 with errcode; 90018/90002 = QPS limits, -1 = busy, 15 and 88 without sub_code = timeouts. */
function oapiResult(status: number, body: unknown, label: string): unknown {
  const { errcode, errmsg, sub_code: subCode } = body as { errcode?: number; errmsg?: string; sub_code?: string };
  if (status >= 200 && status < 300 && (errcode === 0 || errcode === undefined)) return body;
  if (status < 200 || status >= 300) {
    throw new ExternalError('dingtalk', `DingTalk ${label}: HTTP ${status}`, { status, retryable: status >= 500 || status === 429 });
  }
  const code = subCode || String(errcode);
  const retryable = [90018, 90002, -1, 15].includes(errcode ?? 0) || (errcode === 88 && !subCode);
  throw new ExternalError('dingtalk', `DingTalk ${label}: errcode ${errcode} ${errmsg ?? ''}`.trim(), { status, code, retryable });
}

// DingTalk limits per app per API (§6.2), so the limiter keeps one queue per path.
function apiKey(request: ApiRequest): string {
  return request.path.split('?')[0] ?? request.path;
}

/** 403 QpsLimit… (new API), 90018 / 90002 (old API), or a 429. */
export function isThrottled(error: ExternalError): boolean {
  return error.status === 429 || /QpsLimit/i.test(error.code ?? '') || error.code === '90018' || error.code === '90002';
}

function isTokenRejected(error: ExternalError): boolean {
  return error.code === 'InvalidAuthentication' || error.code === '40014';
}

function asExternal(error: unknown, label: string): ExternalError {
  if (error instanceof ExternalError) return error;
  return new ExternalError('dingtalk', `DingTalk ${label}: ${(error as Error)?.message ?? String(error)}`, {
    retryable: true,
    cause: error,
  });
}
