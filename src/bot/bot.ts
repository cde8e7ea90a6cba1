// createBot: the one dispatch path (STYLE.md). Every inbound event runs through the composer
// (dedupe → card owner → active dialog → feature handlers → help), and its state changes and effects are
// committed in one store write together with its inbox id. The one catch for inbound events is here.
import { apologyCard } from '../../cards/apology-card.js';
import { dialogs, dialogTextKeys, features, fallback } from '../../handlers/index.js';
import type { BackofficeEvent } from '../backoffice/protocol.js';
import type { Matter } from '../domain/types.js';
import { UserError } from '../errors.js';
import { ConflictError, type Store } from '../store/store.js';
import type { WebhookOutcome } from '../backoffice/webhook.js';
import { applyBackofficeEvent } from './backoffice-events.js';
import { Composer } from './composer.js';
import { BotContext, type BotServices, type DecisionContext } from './context.js';
import { dialogMiddleware } from './dialog-engine.js';
import type { Effect } from './effects.js';
import { cardOwner, dedupe, mentionedOnly } from './guards.js';
import type { InboundEvent } from './inbound.js';
import { effectsToJobs } from './jobs.js';
import { KeyedQueue } from './keyed-queue.js';
import type { LicenceSource } from './licences.js';
import type { BotLogger } from './logger.js';

export interface BotOptions {
  store: Store;
  matters: Matter[];
  licences: LicenceSource;
  clock: () => Date;
  logger: BotLogger;
  /** DingTalk userIds with admin rights (besides the message's own isAdmin flag). */
  adminUserIds: string[];
  /** Promised deadline (YYYY-MM-DD) of a matter accepted at `acceptedAt` (working days, holidays). */
  deadlineFor: (acceptedAt: Date, matter: Matter) => string;
  /** Outbox job ids; default crypto.randomUUID. */
  newId?: () => string;
  /** Called after every commit that queued jobs (wakes the outbox). */
  onCommitted?: () => void;
  /** Prefix of new application numbers; default YC. */
  applicationIdPrefix?: string;
}

/** Outcome of one inbound event: already seen, decided and committed, or a bug answered with an apology. */
export type HandleResult = { status: 'duplicate' } | { status: 'handled' | 'failed'; effects: Effect[] };

export interface Bot {
  /** Decides one inbound event and commits it; rejects only when the commit fails (then do not ACK). */
  handle(event: InboundEvent): Promise<HandleResult>;
  /** Applies one validated back-office status event (POST /webhooks/backoffice). */
  applyBackofficeEvent(event: BackofficeEvent): Promise<WebhookOutcome>;
}


const MAX_ATTEMPTS = 3;

/** Builds the bot; it holds no state of its own besides the per-conversation queue. */
export function createBot(options: BotOptions): Bot {
  const services: BotServices = {
    store: options.store,
    matters: options.matters,
    licences: options.licences,
    clock: options.clock,
    adminUserIds: new Set(options.adminUserIds),
    deadlineFor: options.deadlineFor,
    applicationIdPrefix: options.applicationIdPrefix,
  };
  const newId = options.newId ?? (() => crypto.randomUUID());
  const composer = new Composer<BotContext>(dedupe, mentionedOnly, cardOwner, dialogMiddleware(dialogs, dialogTextKeys))
    .use(features.middleware(), fallback);
  const queue = new KeyedQueue();

  const commit = async (ctx: DecisionContext, inboxId: string): Promise<void> => {
    const { applications, dialogs: changedDialogs } = ctx.changes();
    const jobs = effectsToJobs(ctx.effects, { source: inboxId, now: ctx.now.getTime(), newId });
    await options.store.commit({ inbox: [inboxId], applications, dialogs: changedDialogs, jobs: { put: jobs } });
    if (jobs.length > 0) options.onCommitted?.();
  };

  const decide = async (event: InboundEvent): Promise<HandleResult> => {
    const log = options.logger.child({ eventId: event.id, conversation: event.conversation.id, kind: event.kind });
    for (let attempt = 1; ; attempt += 1) {
      const ctx = new BotContext(services, event, log);
      try {
        await composer.run(ctx);
      } catch (error) {
        return answerError(error, event, log);
      }
      if (ctx.duplicate) return { status: 'duplicate' };
      try {
        await commit(ctx, event.id);
        return { status: 'handled', effects: ctx.effects };
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
        log.warn({ applicationId: error.applicationId, attempt }, 'application changed concurrently; deciding again');
      }
    }
  };

  // No state is saved when a handler throws: only the inbox id (so a poison message is not redelivered
  // forever) and the answer. A UserError's message is the answer; anything else is a bug.
  const answerError = async (error: unknown, event: InboundEvent, log: BotLogger): Promise<HandleResult> => {
    const ctx = new BotContext(services, event, log);
    if (error instanceof UserError) {
      ctx.reply(error.message);
      await commit(ctx, event.id);
      return { status: 'handled', effects: ctx.effects };
    }
    log.error({ err: error }, 'handler failed');
    ctx.reply(apologyCard(), { owner: null });
    await commit(ctx, event.id);
    return { status: 'failed', effects: ctx.effects };
  };

  return {
    handle: (event) => queue.run(conversationKey(event), () => decide(event)),
    applyBackofficeEvent: (event) =>
      queue.run(`application:${event.applicationId}`, () => applyBackofficeEvent(event, { services, logger: options.logger, commit })),
  };
}

/** Events of one conversation run in order: per sender in single chats, per group in groups. */
export function conversationKey(event: InboundEvent): string {
  const { conversation, sender } = event;
  return conversation.type === 'group' ? `group:${conversation.id}` : `single:${conversation.id}:${sender.userId}`;
}
