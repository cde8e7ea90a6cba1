// The first links of the chain: drop redeliveries, stay quiet in groups unless @-mentioned, and honour a
// card click only from the card's owner (or an admin acting for the owner).
import { cardOwnership, ownerTag } from './card-id.js';
import type { Middleware } from './composer.js';
import type { BotContext } from './context.js';
import type { EventContext } from './event-contexts.js';

export const NOT_YOUR_CARD_TEXT = '这张卡片不是发给您的';
export const UNKNOWN_CARD_TEXT = '这张卡片已过期，请在最新的卡片上操作';

/** Ends the chain for an event id the store has already processed. */
export const dedupe: Middleware<EventContext> = async (ctx, next) => {
  if (await ctx.services.store.hasProcessed(ctx.event.id)) {
    ctx.duplicate = true;
    return;
  }
  return next();
};

/** In a group the bot answers only when @-mentioned. */
export const mentionedOnly: Middleware<BotContext> = (ctx, next) => {
  if (ctx.event.kind === 'message' && ctx.isGroup && !ctx.event.mentioned) return;
  return next();
};

/**
 * Decides whom a click acts for. The owner is read from the card id (which DingTalk echoes verbatim);
 * `params.owner` is only believed for an admin and only when it matches that id.
 */
export const cardOwner: Middleware<BotContext> = (ctx, next) => {
  const event = ctx.event;
  if (event.kind !== 'card.action') return next();
  const ownership = cardOwnership(event.cardId);
  if (ownership.status === 'foreign') {
    ctx.reply(UNKNOWN_CARD_TEXT);
    return;
  }
  if (ownership.status === 'public' || ownership.tag === ownerTag(event.sender.userId)) return next();
  const claimed = event.params.owner;
  if (ctx.isAdmin && claimed !== undefined && ownerTag(claimed) === ownership.tag) {
    ctx.actingFor = claimed;
    return next();
  }
  ctx.log.warn({ cardId: event.cardId }, "click on another user's card refused");
  ctx.reply(NOT_YOUR_CARD_TEXT);
};
