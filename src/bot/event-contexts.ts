// The contexts of the events that no person sent in a chat — a back-office status event, a timer, an admin
// action — and the union of every context the bot's one composer runs on.
import type { BotLogger } from '../logger.js';
import { DecisionContext, type BotContext, type BotServices } from './context.js';
import type { AdminEvent, BackofficeStatusEvent, TimerEvent } from './inbound.js';

/** How the bot answers a status event: applied, or refused with the reason the webhook reports. */
export type StatusOutcome =
  | { status: 'applied' }
  | { status: 'unknown_application' }
  | { status: 'illegal'; message: string }
  | { status: 'invalid'; message: string };

/**
 * A decision with no conversation of its own that its handler may refuse: anything but an `applied` outcome
 * leaves the store unchanged (not even the inbox id is written), and the caller reports the outcome.
 */
abstract class RefusableContext<E extends { id: string }> extends DecisionContext {
  /** Set by the dedupe middleware: the event was processed before; nothing is committed. */
  duplicate = false;
  outcome: StatusOutcome = { status: 'applied' };

  constructor(
    services: BotServices,
    readonly event: E,
    log: BotLogger,
  ) {
    super(services, event.id, log);
  }
}

/** The context of one back-office status event. */
export class StatusContext extends RefusableContext<BackofficeStatusEvent> {}

/** The context of an admin action (`unknown_application` stands for any unknown document). */
export class AdminContext extends RefusableContext<AdminEvent> {}

/** The context of a timer that came due. */
export class TimerContext extends DecisionContext {
  /** Set by the dedupe middleware: the timer fired before; nothing is committed. */
  duplicate = false;

  constructor(
    services: BotServices,
    readonly event: TimerEvent,
    log: BotLogger,
  ) {
    super(services, event.id, log);
  }
}

/** The context of any inbound event; the bot routes each kind to its handlers. */
export type EventContext = BotContext | StatusContext | TimerContext | AdminContext;
