// The context of an admin action (an AdminEvent from the REST API): a decision with no conversation of its own
// that may be refused, like a back-office status event.
import { DecisionContext, type BotServices, type StatusOutcome } from './context.js';
import type { AdminEvent } from './inbound.js';
import type { BotLogger } from '../logger.js';

/** The context of an admin action: refused (nothing committed) unless its handler leaves `outcome` applied. */
export class AdminContext extends DecisionContext {
  /** Set by the dedupe middleware: the action was taken before; nothing is committed. */
  duplicate = false;
  /** Anything but `applied` leaves the store unchanged; `unknown_application` stands for any unknown document. */
  outcome: StatusOutcome = { status: 'applied' };

  constructor(services: BotServices, readonly event: AdminEvent, log: BotLogger) {
    super(services, event.id, log);
  }
}

