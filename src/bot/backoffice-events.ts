// A status event from the back office (already signature-checked and schema-validated by the HTTP layer):
// dedupe by eventId, map to a domain event, run the state machine, and commit the new application with
// the card update and the message to the applicant. The HTTP layer maps the outcome to 200/404/409/400.
import { pushStatus } from '../../handlers/status-push.js';
import type { BackofficeEvent } from '../backoffice/protocol.js';
import type { WebhookOutcome } from '../backoffice/webhook.js';
import { webhookToEvent } from '../domain/application-events.js';
import { transition } from '../domain/application.js';
import type { Actor } from '../domain/types.js';
import { ConflictError } from '../store/store.js';
import { DecisionContext, type BotServices } from './context.js';
import type { BotLogger } from './logger.js';

export interface BackofficeEventDeps {
  services: BotServices;
  logger: BotLogger;
  commit: (ctx: DecisionContext, inboxId: string) => Promise<void>;
}

const MAX_ATTEMPTS = 3;

/** Applies one status event exactly once (inbox id `bo:<eventId>`); illegal events leave the store unchanged. */
export async function applyBackofficeEvent(event: BackofficeEvent, deps: BackofficeEventDeps): Promise<WebhookOutcome> {
  const { services } = deps;
  const inboxId = `bo:${event.eventId}`;
  const log = deps.logger.child({ eventId: inboxId, applicationId: event.applicationId, kind: `backoffice.${event.status}` });
  for (let attempt = 1; ; attempt += 1) {
    if (await services.store.hasProcessed(inboxId)) return { status: 'duplicate' };
    const app = await services.store.getApplication(event.applicationId);
    if (!app) return { status: 'unknown_application' };
    const ctx = new DecisionContext(services, inboxId, log);
    const matter = ctx.matter(app.matter.id);
    let missingMatter = false;
    const mapping = webhookToEvent(event, {
      deadline: () => {
        if (matter) return services.deadlineFor(ctx.now, matter);
        missingMatter = true;
        return '';
      },
    });
    if (mapping.status === 'invalid') return { status: 'invalid', message: mapping.message };
    if (missingMatter) return { status: 'illegal', message: `事项 ${app.matter.id} 已不在目录中，无法计算承诺办结日期` };
    const actor: Actor = event.department ? { type: 'department', id: event.department } : { type: 'backoffice', id: 'backoffice' };
    const result = transition(app, mapping.event, { now: ctx.now, actor });
    if (result.status === 'illegal') {
      log.warn({ code: result.code }, 'back-office event refused by the state machine');
      return { status: 'illegal', message: result.message };
    }
    if (result.changed) await pushStatus(ctx, app, result.application, mapping.event);
    try {
      await deps.commit(ctx, inboxId);
      return { status: 'applied' };
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      log.warn({ attempt }, 'application changed concurrently; applying the event again');
    }
  }
}
