// The Store: everything Yiciban must not lose. Implementations: lowdb (embedded, DATA_DIR) and PostgreSQL
// (DATABASE_URL). Both pass the same conformance suite (test/support/store-conformance.ts).
import type { Application } from '../domain/types.js';

/** Kinds of outbound work the outbox delivers. */
export type JobKind =
  | 'dingtalk.message' // a text/markdown message or a new card to a conversation or user
  | 'dingtalk.card.update' // update an existing card in place
  | 'backoffice.submit'
  | 'backoffice.withdraw'
  | 'backoffice.supplement'
  | 'timer' // a moment a decision asked for: fed back to the bot as a `timer` event
  | 'broadcast.resolve' // a notice's departments and groups → its people and batches
  | 'broadcast.batch' // one batch of a notice: ≤ 20 people or one group
  | 'broadcast.report'; // read status of a sent notice, into its report

/** A durable outbound job, written in the same commit as the state change that caused it. */
export interface OutboxJob {
  id: string;
  kind: JobKind;
  /** Idempotency key sent with the call (the back office gets it as Idempotency-Key). */
  key: string;
  payload: unknown;
  attempts: number;
  /** Epoch ms before which the job is not tried (backoff). */
  nextAt: number;
  createdAt: number;
  lastError?: string;
  /** Jobs with the same group run in order (e.g. updates of one card). */
  group?: string;
}

/** A job that failed permanently (4xx or too many attempts). */
export interface DeadJob extends OutboxJob {
  failedAt: number;
  reason: string;
}

/** Multi-step conversation state, keyed by conversation + user. Plain, versioned JSON. */
export interface DialogRecord {
  key: string;
  dialog: string;
  version: number;
  step: string;
  data: unknown;
  updatedAt: number;
  expiresAt: number;
}

/**
 * One atomic write: all of it becomes durable together, or none of it does.
 * `applications` are full documents whose `rev` must be exactly one more than the stored
 * revision (0 → 1 for new ones); otherwise the commit fails with a ConflictError.
 */
export interface Commit {
  /** Processed inbound ids (stream msgId, card callback id, webhook eventId) for dedupe. */
  inbox?: string[];
  applications?: Application[];
  dialogs?: { put?: DialogRecord[]; remove?: string[] };
  jobs?: { put?: OutboxJob[]; remove?: string[]; dead?: DeadJob[]; revive?: string[] };
  /** Free-form small documents (settings, counters), key → JSON value; null deletes. */
  meta?: Record<string, unknown>;
}

export interface ApplicationQuery {
  applicantId?: string;
  status?: Application['status'][];
  /** Newest first. */
  offset?: number;
  limit?: number;
}

export interface Store {
  readonly kind: 'lowdb' | 'postgres';
  open(): Promise<void>;
  close(): Promise<void>;
  /** Throws when the store cannot be used (for /healthz). */
  ping(): Promise<void>;

  commit(change: Commit): Promise<void>;

  hasProcessed(inboxId: string): Promise<boolean>;
  /** Allocates the next number of the day: YC20261128-0001. Durable before it returns. */
  nextApplicationId(day: string): Promise<string>;

  getApplication(id: string): Promise<Application | undefined>;
  findApplications(query: ApplicationQuery): Promise<{ total: number; items: Application[] }>;

  getDialog(key: string): Promise<DialogRecord | undefined>;

  /** Pending jobs due at or before `now`, oldest first. */
  dueJobs(now: number, limit: number): Promise<OutboxJob[]>;
  /** Epoch ms of the earliest pending job, or undefined when none. */
  nextJobAt(): Promise<number | undefined>;
  getJob(id: string): Promise<OutboxJob | undefined>;
  deadJobs(): Promise<DeadJob[]>;

  getMeta<T>(key: string): Promise<T | undefined>;
}

/** A commit lost an optimistic-concurrency race; reload and decide again. */
export class ConflictError extends Error {
  constructor(
    readonly applicationId: string,
    readonly expectedRev: number,
    readonly actualRev: number,
  ) {
    super(`application ${applicationId} changed concurrently (expected rev ${expectedRev}, found ${actualRev})`);
    this.name = 'ConflictError';
  }
}
