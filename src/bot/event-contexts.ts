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

/** The context of one back-office status event: a decision with no conversation of its own. */
export class StatusContext extends DecisionContext {
  /** Set by the dedupe middleware: the event was processed before; nothing is committed. */
  duplicate = false;
  /** Anything but `applied` leaves the store unchanged (not even the inbox id is written). */
  outcome: StatusOutcome = { status: 'applied' };

  constructor(
    services: BotServices,
    readonly event: BackofficeStatusEvent,
    log: BotLogger,
  ) {
    super(services, event.id, log);
  }
}

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

/** The context of an admin action: refused (nothing committed) unless its handler leaves `outcome` applied. */
export class AdminContext extends DecisionContext {
  /** Set by the dedupe middleware: the action was taken before; nothing is committed. */
  duplicate = false;
  /** Anything but `applied` leaves the store unchanged; `unknown_application` stands for any unknown document. */
  outcome: StatusOutcome = { status: 'applied' };

  constructor(
    services: BotServices,
    readonly event: AdminEvent,
    log: BotLogger,
  ) {
    super(services, event.id, log);
  }
}

/** The context of any inbound event; the bot routes each kind to its handlers. */
export type EventContext = BotContext | StatusContext | TimerContext | AdminContext;
