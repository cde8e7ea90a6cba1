// Handler registration (kept apart from start-up wiring): the dialogs, the feature handlers in the order
// they get a chance at the input, and the handler of each other event kind. The composition root hands
// `botHandlers` to createBot, which runs them after its own guards.
import { apologyCard } from '../cards/apology-card.js';
import type { BotHandlers } from '../src/bot/bot.js';
import { Composer } from '../src/bot/composer.js';
import type { BotContext } from '../src/bot/context.js';
import type { AdminContext, TimerContext } from '../src/bot/event-contexts.js';
import type { Dialog } from '../src/bot/dialog.js';
import type { Effect } from '../src/bot/effects.js';
import { dialogMiddleware } from '../src/bot/dialog-engine.js';
import { agents } from './agents.js';
import { applyDialog, applyKey } from './apply/apply.js';
import { startApply } from './apply/start.js';
import { templateChange } from './apply/template-change.js';
import { evaluate, evaluateDialog, evaluateKey } from './evaluate.js';
import { guide, namedMatter } from './guide.js';
import { matterAdmin } from './matter-admin.js';
import { fallback, help } from './help.js';
import { promise, promiseDialog, promiseKey } from './supervision/promise.js';
import { complain, complaintDialog, complaintKey, complaintTimers } from './complain.js';
import { consult } from './consult.js';
import { query } from './query.js';
import { rectification, rectificationAdmin, rectificationTimers } from './supervision/rectification.js';
import { statistics } from './supervision/statistics.js';
import { backofficeStatus } from './status-push.js';
import { supplement, supplementDialog, supplementKey } from './supplement.js';
import { supervisionStartTimers, supervisionTimers } from './supervision/warnings.js';
import { withdraw } from './withdraw.js';
import { notice, noticeDialog, noticeKey } from './notice.js';
import { noticeControl, noticeTimer } from './notice-publish.js';

/** Every dialog the engine knows (stored records of other ids are discarded). */
export const dialogs: Dialog<any, any[]>[] = [applyDialog, supplementDialog, evaluateDialog, noticeDialog, promiseDialog, complaintDialog];

/**
 * Store keys of the dialogs that may take a one-to-one message from the sender: the apply dialog, the
 * open supplements and a 差评 waiting for its reason, the most recently active first (the newest card is
 * the one being answered).
 */
export async function dialogTextKeys(ctx: BotContext): Promise<string[]> {
  const userId = ctx.event.sender.userId;
  // Ids only: every message asks, and most people have no supplement open (no document is read or opened).
  const open = await ctx.findApplicationIds({ applicantId: userId, status: ['supplement_required'] });
  const keys = [
    applyKey(userId),
    ...open.ids.map(supplementKey),
    evaluateKey(userId),
    noticeKey(userId),
    promiseKey(userId),
    complaintKey(userId),
  ];
  const records = await Promise.all(keys.map(async (key) => ({ key, record: await ctx.getDialog(key) })));
  return records
    .filter((r) => r.record !== undefined)
    .sort((a, b) => (b.record?.updatedAt ?? 0) - (a.record?.updatedAt ?? 0))
    .map((r) => r.key);
}

/** Feature handlers; free words naming a matter come last. */
export const features = new Composer<BotContext>(
  help.middleware(),
  notice.middleware(),
  noticeControl.middleware(),
  guide.middleware(),
  startApply.middleware(),
  query.middleware(),
  withdraw.middleware(),
  supplement.middleware(),
  promise.middleware(),
  evaluate.middleware(),
  agents.middleware(),
  statistics.middleware(),
  rectification.middleware(),
  complain.middleware(),
  consult.middleware(),
  matterAdmin,
  namedMatter,
);

/** Everything the bot does, by event kind. */
export const botHandlers: BotHandlers = {
  chat: new Composer<BotContext>(dialogMiddleware(dialogs, dialogTextKeys), features.middleware(), fallback).middleware(),
  status: backofficeStatus,
  timer: new Composer<TimerContext>(
    noticeTimer,
    templateChange,
    supervisionTimers.middleware(),
    rectificationTimers.middleware(),
    complaintTimers.middleware(),
    unknownTimer,
  ).middleware(),
  admin: new Composer<AdminContext>(rectificationAdmin.middleware(), unknownAdminAction).middleware(),
  apology: apologyCard,
};

/** Timers that must exist while the bot runs (committed by the composition root at every start; duplicates dedupe). */
export function botStartTimers(now: number): Effect[] {
  return supervisionStartTimers(now);
}

// A timer no feature claims (its feature was removed after it was scheduled): logged and dropped, so the
// outbox does not retry it forever.
function unknownTimer(ctx: TimerContext): void {
  ctx.log.warn({ name: ctx.event.name }, 'no handler for this timer; dropped');
}

// An admin action no feature claims: refused with the reason, so the API does not answer a silent 200.
function unknownAdminAction(ctx: AdminContext): void {
  ctx.outcome = { status: 'invalid', message: `未知的管理操作 ${ctx.event.action}` };
}
