// Keeping the applicant's application card current: update it in place (the card sent on submission),
// or send a new one when there is none yet. Returns the application with the card id it now has.
import { applicationCard } from '../cards/application-card.js';
import type { DecisionContext } from '../src/bot/context.js';
import type { Application } from '../src/domain/types.js';
import { deadlineClock } from '../src/supervision/deadline-clock.js';

/** Shows `app`'s current state on its card in the applicant's one-to-one chat. */
export function refreshApplicationCard(ctx: DecisionContext, app: Application): Application {
  const owner = app.applicant.userId;
  const to = { kind: 'user' as const, userId: owner };
  const card = applicationCard(app, ctx.matterOf(app), { clock: clockOf(ctx, app) });
  if (app.channel.cardId) {
    ctx.updateCard(app.channel.cardId, card, to, owner);
    return app;
  }
  const cardId = ctx.send(to, card, { owner });
  return cardId ? { ...app, channel: { ...app.channel, cardId } } : app;
}

/** Whether `userId` may see and act on `app` (its applicant, or an admin). */
export function canSee(ctx: DecisionContext, app: Application, userId: string, isAdmin: boolean): boolean {
  return app.applicant.userId === userId || isAdmin || ctx.isAdminUser(userId);
}

/** The deadline clock of `app` now (undefined before acceptance), for the card's 剩余 N 个工作日. */
export function clockOf(ctx: DecisionContext, app: Application) {
  return deadlineClock(ctx.services.calendar, app, ctx.now);
}
