// createBot: the one dispatch path (STYLE.md). Every inbound event — a robot message, a card click, a
// back-office status event, a timer — runs through one composer (dedupe → the handlers of its kind), and its state
// changes and effects are committed in one store write together with its inbox id. The features are
// handed in by the composition root; this toolkit knows none of them. The one catch for inbound events is here.
import type { Content } from './context.js';
import { cleanText } from '../domain/clean-text.js';
import { createHolidayCalendar, type HolidayCalendar } from '../domain/holiday-calendar.js';
import type { Matter } from '../domain/types.js';
import { UserError } from '../errors.js';
import { ConflictError, type Store, type StoredRecord } from '../store/store.js';
import { Composer, type Middleware } from './composer.js';
import { AdminContext } from './event-contexts.js';
import { BotContext, type BotServices } from './context.js';
import { StatusContext, TimerContext, type EventContext, type StatusOutcome } from './event-contexts.js';
import type { Effect } from './effects.js';
import { cardOwner, dedupe, mentionedOnly } from './guards.js';
import { DEFAULT_INBOUND_BUDGET, inboundBudget, type InboundBudgetOptions } from './inbound-budget.js';
import { isChatEvent, type InboundEvent } from './inbound.js';
import { effectsToJobs } from './jobs.js';
import { KeyedQueue } from './keyed-queue.js';
import type { LicenceSource } from '../elicence/licence.js';
import type { BotLogger } from '../logger.js';
import type { MatterSource } from '../domain/matter.js';

/** The features, one entry per event kind, handed to createBot by the composition root. */
export interface BotHandlers {
  /** Messages and card clicks, after the bot's own guards (dedupe, @-mention in groups, card owner). */
  chat: Middleware<BotContext>;
  /** Back-office status events; a handler that refuses one sets `ctx.outcome`. */
  status: Middleware<StatusContext>;
  /** Timers that came due (see `ctx.schedule`); route them by name with `onTimer`. */
  timer: Middleware<TimerContext>;
  /** Admin actions from the REST API; a handler that refuses one sets `ctx.outcome` (default: none, refused). */
  admin?: Middleware<AdminContext>;
  /** The answer to a chat event whose handler failed with a bug. */
  apology: () => Content;
}

export interface BotOptions {
  store: Store;
  /** The live matter catalogue. */
  catalogue: MatterSource;
  licences: LicenceSource;
  clock: () => Date;
  logger: BotLogger;
  /** DingTalk userIds with admin rights (ADMIN_USER_IDS, the only source of them). */
  adminUserIds: string[];
  /** DingTalk userIds who may publish notices (BROADCASTER_USER_IDS). */
  broadcasterUserIds?: string[];
  /** DINGTALK_AGENT_ID is set: the compose dialog offers 工作通知. */
  workNotices?: boolean;
  /** DINGTALK_CARD_TEMPLATE_ID is set: cards can be updated in place (in-place dialogs use one card). */
  cardsInPlace?: boolean;
  /** Promised deadline (YYYY-MM-DD) of a matter accepted at `acceptedAt` (working days, holidays). */
  deadlineFor: (acceptedAt: Date, matter: Matter, answers: Readonly<Record<string, string>>) => string;
  /** The working-day calendar (default: the package data without overrides). */
  calendar?: HolidayCalendar;
  handlers: BotHandlers;
  /** Outbox job ids; default crypto.randomUUID. */
  newId?: () => string;
  /** Called after every commit that queued jobs (wakes the outbox). */
  onCommitted?: () => void;
  /** Called after a commit that put feature records (the live matter catalogue follows template changes). */
  onRecords?: (records: readonly StoredRecord[]) => void;
  /** Per-sender inbound budget; default 10 events in 10 s. */
  inboundBudget?: InboundBudgetOptions;
  /** Prefix of new application numbers; default YC. */
  applicationIdPrefix?: string;
}

/**
 * Outcome of one inbound event: already seen; decided and committed; a bug answered with an apology; or a
 * status event refused by its handler (nothing committed).
 */
export type HandleResult =
  | { status: 'duplicate' }
  | { status: 'handled' | 'failed'; effects: Effect[] }
  | { status: 'refused'; outcome: Exclude<StatusOutcome, { status: 'applied' }> };

export interface Bot {
  /** Decides one inbound event and commits it; rejects only when the commit fails (then do not ACK). */
  handle(event: InboundEvent): Promise<HandleResult>;
}

const MAX_ATTEMPTS = 3;

/** The answer when a decision keeps losing commit races (issue 9). */
export const BUSY_TEXT = '系统繁忙，请稍后再试';

/** Builds the bot; it holds no state of its own besides the per-conversation queue. */
export function createBot(options: BotOptions): Bot {
  const services: BotServices = {
    store: options.store,
    catalogue: options.catalogue,
    licences: options.licences,
    clock: options.clock,
    adminUserIds: new Set(options.adminUserIds),
    broadcasterUserIds: new Set(options.broadcasterUserIds ?? []),
    workNotices: options.workNotices ?? false,
    cardsInPlace: options.cardsInPlace ?? false,
    deadlineFor: options.deadlineFor,
    calendar: options.calendar ?? createHolidayCalendar(),
    applicationIdPrefix: options.applicationIdPrefix,
  };
  const newId = options.newId ?? (() => crypto.randomUUID());
  const { handlers } = options;
  const budget = inboundBudget(options.inboundBudget ?? DEFAULT_INBOUND_BUDGET);
  const chat = new Composer<BotContext>(mentionedOnly, budget, cardOwner, handlers.chat).middleware();
  const composer = new Composer<EventContext>(dedupe, (ctx, next) => {
    if (ctx instanceof StatusContext) return handlers.status(ctx, next);
    if (ctx instanceof TimerContext) return handlers.timer(ctx, next);
    if (ctx instanceof AdminContext) return (handlers.admin ?? unknownAdminAction)(ctx, next);
    return chat(ctx, next);
  });
  const queue = new KeyedQueue();

  const commit = async (ctx: EventContext): Promise<void> => {
    const { applications, dialogs, records, meta } = ctx.changes();
    const jobs = effectsToJobs(ctx.effects, { source: ctx.seed, now: ctx.now.getTime(), newId });
    const metaChange = Object.keys(meta).length > 0 ? { meta } : {};
    await options.store.commit({ inbox: [ctx.seed], applications, records, dialogs, jobs: { put: jobs }, ...metaChange });
    if (jobs.length > 0) options.onCommitted?.();
    if (records.put.length > 0) options.onRecords?.(records.put);
  };

  const contextFor = (event: InboundEvent, log: BotLogger): EventContext => {
    if (isChatEvent(event)) return new BotContext(services, event, log);
    if (event.kind === 'admin') return new AdminContext(services, event, log);
    return event.kind === 'timer' ? new TimerContext(services, event, log) : new StatusContext(services, event, log);
  };

  const decide = async (event: InboundEvent): Promise<HandleResult> => {
    const log = options.logger.child(logBindings(event));
    for (let attempt = 1; ; attempt += 1) {
      const ctx = contextFor(event, log);
      try {
        await composer.run(ctx);
      } catch (error) {
        return answerError(error, event, log);
      }
      if (ctx.duplicate) return { status: 'duplicate' };
      if ((ctx instanceof StatusContext || ctx instanceof AdminContext) && ctx.outcome.status !== 'applied')
        return { status: 'refused', outcome: ctx.outcome };
      try {
        await commit(ctx);
        return { status: 'handled', effects: ctx.effects };
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        if (attempt >= MAX_ATTEMPTS) return answerBusy(error, event, log);
        // An application or a feature record (`<kind>:<id>`) changed under the decision: decide again on fresh reads.
        log.warn({ applicationId: error.applicationId, attempt }, 'a document changed concurrently; deciding again');
      }
    }
  };

  // No state is saved when a handler throws: only the inbox id (so a poison message is not redelivered
  // forever) and the answer. A UserError's message is the answer; anything else is a bug. A status event
  // or a timer has nobody to answer: the error goes back to the webhook or the outbox, which try again.
  const answerError = async (error: unknown, event: InboundEvent, log: BotLogger): Promise<HandleResult> => {
    if (!isChatEvent(event)) throw error;
    const ctx = new BotContext(services, event, log);
    if (error instanceof UserError) {
      ctx.reply(error.message);
      await commit(ctx);
      return { status: 'handled', effects: ctx.effects };
    }
    log.error({ err: error }, 'handler failed');
    ctx.reply(handlers.apology(), { owner: null });
    await commit(ctx);
    return { status: 'failed', effects: ctx.effects };
  };

  // The decision kept losing the race for an application, so none of its changes were saved. Committing
  // only the inbox id and this answer touches no application, so it cannot conflict: the user learns to
  // try again (nothing is silently lost) and the event is ACKed. Not ACKing would only bring the same
  // event back later, unannounced, into the same contention. If even this commit fails, handle rejects
  // and the event is not ACKed (DingTalk redelivers it). A status event has nobody to tell: it is refused
  // with the error, and the back office delivers it again.
  const answerBusy = async (error: ConflictError, event: InboundEvent, log: BotLogger): Promise<HandleResult> => {
    if (!isChatEvent(event)) throw error;
    log.error({ applicationId: error.applicationId, attempts: MAX_ATTEMPTS }, 'a document kept changing concurrently; answered busy');
    const ctx = new BotContext(services, event, log);
    ctx.reply(BUSY_TEXT);
    await commit(ctx);
    return { status: 'failed', effects: ctx.effects };
  };

  return { handle: (event) => queue.run(orderKey(event), () => decide(clean(event))) };
}

/** Typed text enters the bot here, once, without invisible characters and with full-width digits folded. */
function clean(event: InboundEvent): InboundEvent {
  return event.kind === 'message' ? { ...event, text: cleanText(event.text) } : event;
}

/**
 * Events with the same key run one at a time, in order: per sender in single chats, per group in groups,
 * per application for back-office events.
 */
export function orderKey(event: InboundEvent): string {
  if (event.kind === 'timer') return `timer:${event.name}`;
  if (event.kind === 'admin') return `admin:${event.action}`;
  if (!isChatEvent(event)) return `application:${event.event.applicationId}`;
  const { conversation, sender } = event;
  return conversation.type === 'group' ? `group:${conversation.id}` : `single:${conversation.id}:${sender.userId}`;
}

function logBindings(event: InboundEvent): Record<string, unknown> {
  if (isChatEvent(event)) return { eventId: event.id, conversation: event.conversation.id, kind: event.kind };
  if (event.kind === 'timer') return { eventId: event.id, kind: `timer.${event.name}` };
  if (event.kind === 'admin') return { eventId: event.id, kind: `admin.${event.action}`, actor: event.actor };
  return { eventId: event.id, applicationId: event.event.applicationId, kind: `${event.kind}.${event.event.status}` };
}

// An admin action no feature claims is refused: the API answers with the reason instead of a silent 200.
function unknownAdminAction(ctx: AdminContext): void {
  ctx.outcome = { status: 'invalid', message: `未知的管理操作 ${ctx.event.action}` };
}

/** What handling a back-office status event came to, as the webhook answers it (its WebhookOutcome). */
export function statusOutcome(result: HandleResult): StatusOutcome | { status: 'duplicate' } {
  if (result.status === 'refused') return result.outcome;
  if (result.status === 'duplicate') return { status: 'duplicate' };
  // A bug in the status handler: answer 500 so that the back office delivers the event again.
  if (result.status === 'failed') throw new Error('the back-office status handler failed');
  return { status: 'applied' };
}
