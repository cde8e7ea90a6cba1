// Outbox handlers for the back-office job kinds: the job's payload is the request body and its key is
// the Idempotency-Key, so every retry of a job is the same request to the back office.
import type { JobHandler } from '../outbox/dispatcher.js';
import type { BackofficeClient } from './client.js';
import type { SubmissionBody, SupplementBody, WithdrawBody } from './protocol.js';

export type BackofficeJobKind = 'backoffice.submit' | 'backoffice.withdraw' | 'backoffice.supplement';

/**
 * Handlers to pass to createOutbox. A malformed payload is not checked here: the back office answers
 * 400, which makes the job dead with the reason, as any other permanent refusal.
 */
export function backofficeJobHandlers(client: BackofficeClient): Record<BackofficeJobKind, JobHandler> {
  return {
    'backoffice.submit': async (job) => {
      await client.submit(job.payload as SubmissionBody, job.key);
    },
    'backoffice.withdraw': async (job) => {
      const body = job.payload as WithdrawBody;
      await client.withdraw(body.applicationId, body, job.key);
    },
    'backoffice.supplement': async (job) => {
      const body = job.payload as SupplementBody;
      await client.supplement(body.applicationId, body, job.key);
    },
  };
}
