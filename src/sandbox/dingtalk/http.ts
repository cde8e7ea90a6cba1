// Request/response model of the simulator's HTTP side and DingTalk's two error-body styles (§6.1).
import { requestId } from './ids.js';

/** A parsed HTTP request as the route handlers see it. */
export interface SimRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text ('' when empty). */
  body: unknown;
  /** True when the body claimed or looked like JSON but did not parse. */
  badJson: boolean;
}

/** What a handler answers; `raw` bodies are sent as-is (file downloads, XML). */
export interface SimResponse {
  status: number;
  body: unknown;
  contentType?: string;
  raw?: Buffer | string;
}

/** How a route authenticates: new API header, old API query string, or not at all. */
export type AuthStyle = 'header' | 'query' | 'none';

export interface Route {
  auth: AuthStyle;
  handle: (req: SimRequest) => SimResponse | Promise<SimResponse>;
}

/** api.dingtalk.com style error: non-2xx + `{code, message, requestid}`. */
export function apiError(status: number, code: string, message: string): SimResponse {
  return { status, body: { code, message, requestid: requestId() } };
}

/** oapi.dingtalk.com style answer: always HTTP 200, `errcode` in the body. */
export function oapiError(errcode: number, errmsg: string, extra: Record<string, unknown> = {}): SimResponse {
  return { status: 200, body: { errcode, errmsg, ...extra, request_id: requestId() } };
}

export function ok(body: unknown): SimResponse {
  return { status: 200, body };
}

export function oapiOk(fields: Record<string, unknown>): SimResponse {
  return { status: 200, body: { errcode: 0, errmsg: 'ok', ...fields, request_id: requestId() } };
}

/** Is this path on the "new" API (api.dingtalk.com)? Everything else is treated as oapi. */
export function isNewApi(path: string): boolean {
  return path.startsWith('/v1.0/');
}

/** Narrowing helpers for untrusted JSON bodies. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Parses a string that must hold a JSON object; undefined when it does not. */
export function parseJsonObject(value: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
