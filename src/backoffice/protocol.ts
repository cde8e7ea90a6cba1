// The back-office wire protocol (DESIGN.md "Back-office protocol"): the bodies the bot sends, their
// idempotency keys, and the schema of the status events the back office posts to /webhooks/backoffice.
import { z } from 'zod';
import { WEBHOOK_STATUSES, webhookToEvent, type WebhookErrorCode, type WebhookStatus } from '../domain/application-events.js';
import type { Application, MaterialSource } from '../domain/types.js';

/** One material as the back office receives it. */
export interface SubmissionMaterial {
  id: string;
  name: string;
  source: MaterialSource;
  ref: string;
}

/** Body of `POST {BACKOFFICE_URL}/applications`. */
export interface SubmissionBody {
  applicationId: string;
  matter: { id: string; version: number; name: string };
  applicant: { userId: string; name: string };
  fields: Record<string, string>;
  materials: SubmissionMaterial[];
  departments: string[];
  submittedAt: string;
  /** Promised completion date (YYYY-MM-DD), null when not known yet. */
  deadline: string | null;
}

/** Body of `POST {BACKOFFICE_URL}/applications/{id}/withdraw`. */
export interface WithdrawBody {
  applicationId: string;
  reason?: string;
  withdrawnAt: string;
}

/** Body of `POST {BACKOFFICE_URL}/applications/{id}/supplements`; `round` counts 补正 rounds from 1. */
export interface SupplementBody {
  applicationId: string;
  round: number;
  materials: SubmissionMaterial[];
  fields?: Record<string, string>;
  note?: string;
  submittedAt: string;
}

/** Builds the submission body from a submitted application (pure). */
export function submissionBody(app: Application, deadline?: string): SubmissionBody {
  if (!app.submittedAt) throw new Error(`application ${app.id} has no submittedAt: submit it before sending it to the back office`);
  return {
    applicationId: app.id,
    matter: { id: app.matter.id, version: app.matter.version, name: app.matter.name },
    applicant: { userId: app.applicant.userId, name: app.applicant.name },
    fields: { ...app.fields },
    materials: app.materials.map(({ id, name, source, ref }) => ({ id, name, source, ref })),
    departments: app.departments.map((d) => d.id),
    submittedAt: app.submittedAt,
    deadline: deadline ?? app.deadline ?? null,
  };
}

// Idempotency keys: the submission is keyed by the application id (the contract); a withdrawal happens
// at most once per application; each 补正 round is its own operation.
/** Idempotency-Key of a submission. */
export const submitKey = (applicationId: string): string => applicationId;
/** Idempotency-Key of a withdrawal. */
export const withdrawKey = (applicationId: string): string => `${applicationId}:withdraw`;
/** Idempotency-Key of the `round`-th supplement. */
export const supplementKey = (applicationId: string, round: number): string => `${applicationId}:supplement:${round}`;

// Schemas of the outbound bodies, as a back office (or the simulator) validates them.
const material = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  source: z.enum(['upload', 'elicence', 'promised']),
  ref: z.string(),
});

/** Schema of the submission body. */
export const submissionBodySchema = z.object({
  applicationId: z.string().min(1),
  matter: z.object({ id: z.string().min(1), version: z.number().int(), name: z.string().min(1) }),
  applicant: z.object({ userId: z.string().min(1), name: z.string().min(1) }),
  fields: z.record(z.string(), z.string()),
  materials: z.array(material),
  departments: z.array(z.string().min(1)).min(1),
  submittedAt: z.iso.datetime({ offset: true }),
  deadline: z.string().nullable(),
});

/** Schema of the withdrawal body. */
export const withdrawBodySchema = z.object({
  applicationId: z.string().min(1),
  reason: z.string().optional(),
  withdrawnAt: z.iso.datetime({ offset: true }),
});

/** Schema of the supplement body. */
export const supplementBodySchema = z.object({
  applicationId: z.string().min(1),
  round: z.number().int().min(1),
  materials: z.array(material),
  fields: z.record(z.string(), z.string()).optional(),
  note: z.string().optional(),
  submittedAt: z.iso.datetime({ offset: true }),
});

/** Status values the back office may post (the domain's list: each maps to one state-machine event). */
export const BACKOFFICE_STATUSES = WEBHOOK_STATUSES;

export type BackofficeStatus = WebhookStatus;

const text = z.string().trim().min(1);

/** Schema of an inbound status event; cross-field rules mirror what each status needs. */
export const backofficeEventSchema = z
  .object({
    eventId: text.max(200),
    applicationId: text.max(100),
    department: text.max(100).optional(),
    status: z.enum(BACKOFFICE_STATUSES),
    comment: z.string().max(2000).optional(),
    missing: z
      .array(z.object({ name: text.max(200), reason: z.string().max(1000) }))
      .max(100)
      .optional(),
    result: z
      .object({
        type: z.enum(['elicence', 'mail', 'window']),
        licenseNo: z.string().max(200).optional(),
        url: z.string().max(2000).optional(),
        pickupAddress: z.string().max(500).optional(),
      })
      .optional(),
    /** With `delivered`: deliver although a 容缺 promise is still open (the back office waives it explicitly). */
    waivedTolerance: z.boolean().optional(),
    at: z.iso.datetime({ offset: true }),
  })
  .superRefine((event, ctx) => {
    // What each status needs (a department, a reason, the missing items, the result) is the state machine's
    // rule; ask its mapping instead of restating the rules here, so a bad event is a 400 before anything runs.
    const mapped = webhookToEvent(event, { deadline: () => event.at });
    if (mapped.status === 'invalid') ctx.addIssue({ code: 'custom', path: [FIELD_OF[mapped.code]], message: mapped.message });
  });

const FIELD_OF: Record<WebhookErrorCode, string> = {
  malformed: 'status',
  unknown_status: 'status',
  missing_department: 'department',
  missing_reason: 'comment',
  missing_items: 'missing',
  missing_result: 'result',
};

/** A status event from the back office, validated. */
export type BackofficeEvent = z.infer<typeof backofficeEventSchema>;

/** Parses an event body; the failure names every bad field. */
export function parseBackofficeEvent(body: unknown): { status: 'ok'; event: BackofficeEvent } | { status: 'invalid'; message: string } {
  const parsed = backofficeEventSchema.safeParse(body);
  return parsed.success ? { status: 'ok', event: parsed.data } : { status: 'invalid', message: describeIssues(parsed.error.issues) };
}

/** One line naming each problem with its path, e.g. `status: Invalid option …; at: Invalid ISO datetime`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`).join('; ');
}
