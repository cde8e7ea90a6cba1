// Matching helpers for feature handlers: typed commands and card actions. Each returns middleware that
// handles its input and ends the chain, or passes it on.
import type { Middleware } from './composer.js';
import type { BotContext } from './context.js';
import type { AdminContext, TimerContext } from './event-contexts.js';

/** Handles a message whose trimmed text matches one of `patterns` (strings: whole text, case-insensitive). */
export function hears(
  patterns: (string | RegExp)[],
  handler: (ctx: BotContext, match: RegExpExecArray) => unknown,
): Middleware<BotContext> {
  const regexes = patterns.map((p) => (typeof p === 'string' ? new RegExp(`^${escapeRegExp(p)}$`, 'iu') : p));
  return async (ctx, next) => {
    const text = ctx.text;
    if (text === undefined) return next();
    for (const regex of regexes) {
      const match = regex.exec(text);
      if (match) return void (await handler(ctx, match));
    }
    return next();
  };
}

/** Handles a click on a button whose action id is one of `ids`. */
export function action(
  ids: string | string[],
  handler: (ctx: BotContext, params: Record<string, string>) => unknown,
): Middleware<BotContext> {
  const wanted = new Set(typeof ids === 'string' ? [ids] : ids);
  return async (ctx, next) => {
    const event = ctx.event;
    if (event.kind !== 'card.action' || !wanted.has(event.action)) return next();
    await handler(ctx, event.params);
  };
}

/** Handles a timer named `name`. */
export function onTimer(name: string, handler: (ctx: TimerContext, payload: unknown) => unknown): Middleware<TimerContext> {
  return async (ctx, next) => {
    if (ctx.event.name !== name) return next();
    await handler(ctx, ctx.event.payload);
  };
}

/** Handles an admin action named `name` (see AdminEvent). */
export function onAdmin(name: string, handler: (ctx: AdminContext, params: Record<string, string>) => unknown): Middleware<AdminContext> {
  return async (ctx, next) => {
    if (ctx.event.action !== name) return next();
    await handler(ctx, ctx.event.params);
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
