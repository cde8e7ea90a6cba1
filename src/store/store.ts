// The Store: everything Yiciban must not lose. Implementations: lowdb (embedded, DATA_DIR) and PostgreSQL
// (DATABASE_URL). Both pass the same conformance suite (test/support/store-conformance.ts).
import type { ApplicationFacts } from '../domain/application-facts.js';
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

/** What the outbox needs to pick a job: its identity, kind, group and times, without its (sealed) payload. */
export type JobRef = Pick<OutboxJob, 'id' | 'kind' | 'nextAt' | 'createdAt' | 'group'>;

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
  /**
   * What the dialog is about, for findDialogs (e.g. `matter:<id>` for an application being filled in). Stored
   * plain even in a sealed store, like record tags: never personal data.
   */
  subject?: string;
  /**
   * Optimistic concurrency, as for applications: a put that carries `rev` must be the stored rev + 1 (1 for a new
   * dialog); a put without one replaces whatever is stored. The store always returns the stored revision.
   */
  rev?: number;
}

/**
 * A feature's document (a matter template, a notice, a complaint…), kept by kind and id.
 * Tags are stored and compared in plain text even in a sealed store: never put personal data in them
 * (no ID numbers, phone numbers, names or typed text) — those go in `data`, which is sealed at rest.
 */
export interface StoredRecord<T = unknown> {
  /** Lower-case dotted name of the feature's document kind: 'matter', 'notice', 'notice.batch', 'complaint'… */
  kind: string;
  id: string;
  /** Optimistic concurrency, as for applications: a put must carry the stored rev + 1 (1 for a new record). */
  rev: number;
  data: T;
  updatedAt: number;
  /** Small plain strings the store filters on (never personal data), e.g. { status: 'open', department: 'gjj' }. */
  tags?: Record<string, string>;
}

/** Which records of a kind findRecords returns. */
export interface RecordQuery {
  /** Every given tag must be equal. */
  tags?: Record<string, string>;
  /** Newest `updatedAt` first (then id, descending). */
  offset?: number;
  limit?: number;
}

/**
 * One atomic write: all of it becomes durable together, or none of it does.
 * `applications` and `records.put` are full documents whose `rev` must be exactly one more than the stored
 * revision (0 → 1 for new ones); otherwise the commit fails with a ConflictError.
 */
export interface Commit {
  /** Processed inbound ids (stream msgId, card callback id, webhook eventId) for dedupe; one already stored is a ConflictError. */
  inbox?: string[];
  applications?: Application[];
  /**
   * `expect`: dialog revisions the decision read (0 = none stored); the commit fails with a ConflictError unless
   * each is still stored at exactly that revision, so no decision lands on a dialog state it did not see.
   */
  dialogs?: { put?: DialogRecord[]; remove?: string[]; expect?: Record<string, number> };
  jobs?: { put?: OutboxJob[]; remove?: string[]; dead?: DeadJob[]; revive?: string[] };
  /** Feature records (see StoredRecord); a removed record counts as absent (rev 0) again. */
  records?: { put?: StoredRecord[]; remove?: { kind: string; id: string }[] };
  /** Free-form small documents (settings, counters), key → JSON value; null deletes. */
  meta?: Record<string, unknown>;
  /**
   * The outbox instance finishing leased jobs: the commit fails with LeaseLostError, writing nothing, unless
   * every named job is still pending and leased to `owner` (an expired lease nobody took over still counts).
   */
  lease?: { owner: string; jobs: string[] };
  /**
   * The ordering key of the event decided (a conversation, an application): PostgreSQL holds a transaction-scoped
   * advisory lock on it while it writes, so the commits of one conversation are serial across instances. One
   * process (lowdb) orders them already.
   */
  orderKey?: string;
}

/** How an outbox instance leases due jobs (see Store.leaseJobs). */
export interface LeaseOptions {
  /** This instance's lease owner id (unique per process). */
  owner: string;
  /** How long the lease lasts; after it, another instance may lease the job again (≤ 30 s in production). */
  leaseMs: number;
  /** At most this many jobs of each kind; a kind not named is not leased. Default: no per-kind cap. */
  capacity?: Partial<Record<JobKind, number>>;
}

/** Which applications findApplications lists: every given filter must hold. */
export interface ApplicationQuery {
  applicantId?: string;
  status?: Application['status'][];
  /** Filed under this matter (any version). */
  matterId?: string;
  /** One of the departments reviewing it. */
  departmentId?: string;
  /** Submitted on or after / on or before this day (YYYY-MM-DD: the date part of `submittedAt`, as stored). */
  submittedFrom?: string;
  submittedTo?: string;
  /**
   * Overdue on `today` (YYYY-MM-DD, China time): its deadline is running (accepted, supplement required, in review)
   * and its day is before `today` (application-filter.ts); `value: false` lists the others.
   */
  overdue?: { today: string; value: boolean };
  /** Newest first. */
  offset?: number;
  limit?: number;
}

/** The filters of Store.applicationFacts: those of ApplicationQuery besides the applicant and paging, and ids. */
export type FactsQuery = Pick<ApplicationQuery, 'status' | 'matterId' | 'departmentId' | 'submittedFrom' | 'submittedTo' | 'overdue'> & {
  /** Only these applications (unknown ids are left out). */
  ids?: readonly string[];
};

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
  /** The ids findApplications would list, in its order and with its total, without reading or opening a document. */
  findApplicationIds(query: ApplicationQuery): Promise<{ total: number; ids: string[] }>;
  /**
   * The light facts (application-facts.ts: dates, status, matter and departments, delivery, rating, 补正 pauses) of
   * every application matching the query, ordered by id: what the supervision figures read, without the documents.
   */
  applicationFacts(query: FactsQuery): Promise<ApplicationFacts[]>;

  getDialog(key: string): Promise<DialogRecord | undefined>;
  /** Every stored dialog about `subject` (expired ones too, until removed), in key order. */
  findDialogs(subject: string): Promise<DialogRecord[]>;

  getRecord<T>(kind: string, id: string): Promise<StoredRecord<T> | undefined>;
  /** Records of one kind, newest `updatedAt` first; the total counts every match before paging. */
  findRecords<T>(kind: string, query?: RecordQuery): Promise<{ total: number; items: StoredRecord<T>[] }>;

  /** Pending jobs due at or before `now`, oldest first. */
  dueJobs(now: number, limit: number): Promise<OutboxJob[]>;
  /** Like dueJobs, but only the refs, and only of `kinds` when given: what the outbox reads to pick work. */
  dueJobRefs(now: number, limit: number, kinds?: readonly JobKind[]): Promise<JobRef[]>;
  /**
   * Leases up to `limit` due jobs (oldest first) to `options.owner` until `now + leaseMs`: jobs leased to
   * nobody or whose lease expired, never a job while an older job of its group is still pending (leased or
   * not). Across instances on one database, each job is leased to one instance at a time.
   */
  leaseJobs(now: number, limit: number, options: LeaseOptions): Promise<OutboxJob[]>;
  /**
   * Extends the leases `owner` still holds on `jobIds` to `until` (a heartbeat while their handlers run); a job
   * taken over by another instance or gone is left alone. Returns the ids whose lease was extended.
   */
  renewLeases(owner: string, jobIds: readonly string[], until: number): Promise<string[]>;
  /** Epoch ms of the earliest pending job (PostgreSQL: or of the earliest lease expiry), or undefined when none. */
  nextJobAt(): Promise<number | undefined>;
  getJob(id: string): Promise<OutboxJob | undefined>;
  deadJobs(): Promise<DeadJob[]>;

  getMeta<T>(key: string): Promise<T | undefined>;
}

/**
 * A commit lost an optimistic-concurrency race; reload and decide again. `applicationId` names the document:
 * an application number, `<kind>:<id>` for a feature record, `dialog:<key>`, or `inbox:<id>` (the event was decided already).
 */
export class ConflictError extends Error {
  constructor(
    readonly applicationId: string,
    readonly expectedRev: number,
    readonly actualRev: number,
  ) {
    super(`${applicationId} changed concurrently (expected rev ${expectedRev}, found ${actualRev})`);
    this.name = 'ConflictError';
  }
}

/** A commit finishing leased jobs found one of them gone or leased to another instance; nothing was written. */
export class LeaseLostError extends Error {
  constructor(
    readonly owner: string,
    readonly jobIds: string[],
  ) {
    super(`outbox jobs ${jobIds.join(', ')} are no longer leased to ${owner}`);
    this.name = 'LeaseLostError';
  }
}
