// How each kind of outbox job is delivered: DingTalk messages and card updates through the messenger,
// back-office calls through the signed client (bodies built from the stored application at delivery time).
import { APPLICATION_ID_CONFLICT, type BackofficeClient } from '../backoffice/client.js';
import { submissionBody } from '../backoffice/protocol.js';
import type { BroadcastDeps } from '../broadcast/sender.js';
import { sendBatch } from '../broadcast/sender.js';
import { resolveNotice } from '../broadcast/resolver.js';
import { reportNotice } from '../broadcast/report.js';
import type { BackofficeJobPayload, CardUpdateJobPayload, MessageJobPayload } from '../bot/jobs.js';
import type { TimerJobPayload } from '../bot/inbound.js';
import type { Messenger } from '../dingtalk/messenger.js';
import type { Application } from '../domain/types.js';
import { ExternalError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { JobKind, OutboxJob, Store } from '../store/store.js';

/** What the job handlers deliver with. */
export interface JobHandlerDeps {
  store: Store;
  messenger: Messenger;
  backoffice: BackofficeClient;
  metrics: Metrics;
  logger?: Logger;
  /** Hands a due timer to the bot's one `handle` (its dedupe makes a re-run harmless). */
  fireTimer: (timer: TimerJobPayload) => Promise<void>;
  /** Notices: the records, the contacts and send calls, the clock. */
  broadcast: BroadcastDeps;
}

/** One delivery function per job kind; the outbox decides retries from the errors they throw. */
export function createJobHandlers(deps: JobHandlerDeps): Record<JobKind, (job: OutboxJob) => Promise<void>> {
  const { store, messenger, backoffice } = deps;
  const load = async (job: OutboxJob): Promise<Application> => {
    const { applicationId } = job.payload as BackofficeJobPayload;
    const app = await store.getApplication(applicationId);
    if (!app) throw new ExternalError('backoffice', `application ${applicationId} is not in the store`, { retryable: false });
    return app;
  };
  const counted = (kind: JobKind, run: (job: OutboxJob) => Promise<void>) => async (job: OutboxJob) => {
    try {
      await run(job);
      deps.metrics.outboxJobs.inc({ kind, outcome: 'delivered' });
    } catch (error) {
      deps.metrics.outboxJobs.inc({ kind, outcome: 'failed' });
      throw error;
    }
  };
  return {
    'dingtalk.message': counted('dingtalk.message', (job) => messenger.send({ ...(job.payload as MessageJobPayload), key: job.key })),
    'dingtalk.card.update': counted('dingtalk.card.update', (job) => messenger.updateCard(job.payload as CardUpdateJobPayload)),
    'backoffice.submit': counted('backoffice.submit', async (job) => {
      const app = await load(job);
      await backoffice.submit(submissionBody(app), job.key).catch((error: unknown) => {
        if (error instanceof ExternalError && error.code === APPLICATION_ID_CONFLICT) reportConflict(deps, app.id, error);
        throw error;
      });
    }),
    'backoffice.withdraw': counted('backoffice.withdraw', async (job) => {
      const app = await load(job);
      const withdrawnAt = app.history.findLast((entry) => entry.to === 'withdrawn')?.at ?? new Date().toISOString();
      await backoffice.withdraw(app.id, { applicationId: app.id, reason: app.reason, withdrawnAt }, job.key);
    }),
    timer: counted('timer', (job) => deps.fireTimer(job.payload as TimerJobPayload)),
    'broadcast.resolve': counted('broadcast.resolve', (job) => resolveNotice(deps.broadcast, job)),
    'broadcast.batch': counted('broadcast.batch', (job) => sendBatch(deps.broadcast, job)),
    'broadcast.report': counted('broadcast.report', (job) => reportNotice(deps.broadcast, job)),
    'backoffice.supplement': counted('backoffice.supplement', async (job) => {
      const app = await load(job);
      const { round = 1 } = job.payload as BackofficeJobPayload;
      const materials = app.materials.map(({ id, name, source, ref }) => ({ id, name, source, ref }));
      const submittedAt =
        app.history.findLast((entry) => entry.action === 'supplement' || entry.action === 'fulfil_promise')?.at ?? new Date().toISOString();
      await backoffice.supplement(app.id, { applicationId: app.id, round, materials, fields: app.fields, submittedAt }, job.key);
    }),
  };
}

// Another deployment (or a stray test) owns this number at the back office: the job dies (the dead-letter
// path tells the applicant and lists it for admins), and this is said loudly, for it is a configuration fault.
function reportConflict(deps: JobHandlerDeps, applicationId: string, error: ExternalError): void {
  deps.metrics.backofficeConflicts.inc();
  deps.logger?.error(
    { applicationId, err: error },
    'the back office holds another application under this number: check APPLICATION_ID_PREFIX is unique per deployment',
  );
}
