// Which submission a back office holds under an application number. A 409 means "I already have this
// number"; when two deployments share a back office that may be someone else's application, so the back
// office echoes the identity of what it holds (`existing` in the 409 body) and the bot compares it with its own.
import { createHash } from 'node:crypto';
import type { SubmissionBody } from './protocol.js';

/** What a 409 body's `existing` carries: the number, the applicant and a fingerprint of the submission. */
export interface SubmissionIdentity {
  applicationId: string;
  applicantUserId: string;
  /** sha256 hex over the number, the applicant, the matter and the submission time. */
  fingerprint: string;
}

/** The identity of a submission body; the same body always gives the same identity. */
export function submissionIdentity(body: SubmissionBody): SubmissionIdentity {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([body.applicationId, body.applicant.userId, body.matter.id, body.submittedAt]))
    .digest('hex');
  return { applicationId: body.applicationId, applicantUserId: body.applicant.userId, fingerprint };
}

/**
 * Compares a 409 body with our submission: `same` when the back office holds ours (or does not say what it
 * holds: the protocol's plain "already has it"), `different` when its `existing` names another submission.
 */
export function compareDuplicate(ours: SubmissionIdentity, replyBody: unknown): 'same' | 'different' {
  const existing = isRecord(replyBody) && isRecord(replyBody.existing) ? replyBody.existing : undefined;
  if (!existing) return 'same';
  const matches =
    existing.applicationId === ours.applicationId &&
    existing.applicantUserId === ours.applicantUserId &&
    existing.fingerprint === ours.fingerprint;
  return matches ? 'same' : 'different';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
