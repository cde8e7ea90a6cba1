// The HTTP error boundary (koa: errors thrown freely, caught once at the top). 4xx messages are shown,
// 5xx detail goes only to the log. Every error body is {"error":{"code","message"}}.
import type { Context, Next } from 'koa';
import type { Logger } from '../logger.js';
import { parseJson, readRaw } from './body.js';

/** An HTTP error with a status, a stable code and a message safe to show. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra, machine-readable detail shown with the error (e.g. every template error with its JSON path). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function errorBoundary(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (error) {
      if (error instanceof HttpError && error.status < 500) {
        ctx.status = error.status;
        ctx.body = {
          error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) },
        };
        return;
      }
      const status = (error as { status?: number }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = { error: { code: 'bad_request', message: (error as Error).message } };
        return;
      }
      logger.error({ err: error, method: ctx.method, path: ctx.path }, 'http request failed');
      ctx.status = 500;
      ctx.body = { error: { code: 'internal', message: '服务器内部错误，请稍后再试' } };
    }
  };
}

/** Reads a JSON request body (admin API) with a size limit; too large is a 413, bad JSON a 400. */
export async function readJson(ctx: Context, maxBytes = 1024 * 1024): Promise<unknown> {
  const raw = await readRaw(ctx.req, maxBytes);
  if (raw.status === 'too_large') {
    // The rest of the body is never read, so this connection cannot carry another request.
    ctx.set('Connection', 'close');
    throw new HttpError(413, 'payload_too_large', `request body exceeds ${maxBytes} bytes`);
  }
  const text = raw.body.toString('utf8');
  if (text.trim() === '') return {};
  const json = parseJson(text);
  if (json.status === 'invalid') throw new HttpError(400, 'invalid_json', 'request body is not valid JSON');
  return json.value;
}
