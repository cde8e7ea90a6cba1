// Paging of the admin lists: ?offset=&limit= (limit 1–100, default 20), a bad value is a 400.
import type { Context } from 'koa';
import { HttpError } from '../http/errors.js';

/** The requested page. */
export function pageOf(ctx: Context): { offset: number; limit: number } {
  return { offset: intParam(ctx, 'offset', 0, 0, 1_000_000), limit: intParam(ctx, 'limit', 20, 1, 100) };
}

function intParam(ctx: Context, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.query[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(value) || value < min || value > max) {
    throw new HttpError(400, 'bad_query', `${name} 应为 ${min} 到 ${max} 之间的整数`);
  }
  return value;
}
