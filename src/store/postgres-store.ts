// The PostgreSQL Store (DATABASE_URL): every commit is one transaction, so several bot instances can
// share one database. Same contract and conformance suite as the embedded lowdb store.
import pg from 'pg';
import { formatApplicationId } from '../domain/application-id.js';
import { type ApplicationFacts, pausesOf } from '../domain/application-facts.js';
import type { Application, ApplicationStatus, DeliveryMode, DepartmentStatus } from '../domain/types.js';
import { applicationFilterSql } from './application-filter.js';
import { normalizeDay } from './lowdb-layout.js';
import { writeCommit } from './postgres-commit.js';
import { earliestLeasable, leaseJobRows } from './postgres-leases.js';
import { migrate, tableNames, type Tables } from './postgres-schema.js';
import { selectDueJobRefs } from './postgres-jobs.js';
import { recordName, requireKind } from './record-rules.js';
import {
  applicationRecord,
  DamagedRecordError,
  deadJobRecord,
  describeIssues,
  dialogRecord,
  featureRecord,
  jobRecord,
} from './record-schemas.js';
import type {
  FactsQuery,
  ApplicationQuery,
  Commit,
  DeadJob,
  DialogRecord,
  JobKind,
  JobRef,
  LeaseOptions,
  OutboxJob,
  RecordQuery,
  Store,
  StoredRecord,
} from './store.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  connectionString: string;
  /** Schema holding the tables; created when missing. Default `public`. */
  schema?: string;
  /** Clock for inbox times, revived jobs and pruning; defaults to Date.now. */
  now?: () => number;
  /** Most connections the pool opens (default 10). */
  poolSize?: number;
  /** How often processed inbox ids older than the retention are deleted while running (default daily). */
  pruneEveryMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Processed inbox ids are kept this long (DingTalk and the back office redeliver within minutes). */
const INBOX_RETENTION_MS = 7 * DAY_MS;
// deadlock_detected and serialization_failure roll the whole transaction back, so running it again is safe.
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/** Store on PostgreSQL through a pg.Pool; see DESIGN.md "Store guarantees". */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly schema: string;
  readonly #connectionString: string;
  readonly #now: () => number;
  readonly #poolSize: number;
  readonly #pruneEveryMs: number;
  readonly #t: Tables;
  #pool: pg.Pool | undefined;
  #status: 'new' | 'opening' | 'open' | 'closing' | 'closed' = 'new';
  #inFlight = new Set<Promise<unknown>>();
  #pruneTimer: NodeJS.Timeout | undefined;

  constructor(options: PostgresStoreOptions) {
    this.#connectionString = options.connectionString;
    this.schema = options.schema ?? 'public';
    this.#now = options.now ?? Date.now;
    this.#poolSize = options.poolSize ?? 10;
    this.#pruneEveryMs = options.pruneEveryMs ?? DAY_MS;
    this.#t = tableNames(this.schema);
  }

  /** Connects, creates or migrates the tables, and prunes old inbox ids. */
  async open(): Promise<void> {
    if (this.#status !== 'new') throw new Error('a PostgresStore opens once; create a new one to connect again');
    this.#status = 'opening';
    const pool = new pg.Pool({
      connectionString: this.#connectionString,
      max: this.#poolSize,
      connectionTimeoutMillis: 10_000,
      application_name: 'yiciban',
    });
    // An idle connection dropped by the server is reported here; without a listener it would crash the
    // process. The pool replaces it, and ping() reports a database that stays unreachable.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migrate(client, this.schema);
      } finally {
        client.release();
      }
      this.#pool = pool;
      await this.#prune();
    } catch (error) {
      this.#status = 'closed';
      this.#pool = undefined;
      await pool.end().catch(() => undefined);
      const where = `${describe(this.#connectionString)} (schema ${this.schema})`;
      throw new Error(`cannot open the PostgreSQL store at ${where}: ${(error as Error).message}`, { cause: error });
    }
    this.#status = 'open';
    this.#pruneTimer = setInterval(() => void this.#run(() => this.#prune()).catch(() => undefined), this.#pruneEveryMs);
    // Pruning alone must not keep the process alive; a failed prune is simply tried again next time.
    this.#pruneTimer.unref();
  }

  /** Stops taking work, waits for the operations in flight, then closes every connection. */
  async close(): Promise<void> {
    if (this.#status !== 'open') {
      if (this.#status === 'new') this.#status = 'closed';
      return;
    }
    this.#status = 'closing';
    clearInterval(this.#pruneTimer);
    this.#pruneTimer = undefined;
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    await this.#pool?.end();
    this.#pool = undefined;
    this.#status = 'closed';
  }

  async ping(): Promise<void> {
    await this.#run((pool) => pool.query('SELECT 1'), false);
  }

  /** One transaction; a ConflictError (or any failure) rolls all of it back. */
  commit(change: Commit): Promise<void> {
    return this.#transaction((client) => writeCommit(client, this.#t, change, this.#now()));
  }

  async nextApplicationId(day: string): Promise<string> {
    const compact = normalizeDay(day);
    const { rows } = await this.#run(
      (pool) =>
        pool.query<{ seq: number }>(
          `INSERT INTO ${this.#t.counters} (day, seq) VALUES ($1, 1)
         ON CONFLICT (day) DO UPDATE SET seq = ${this.#t.counters}.seq + 1 RETURNING seq`,
          [compact],
        ),
      false,
    );
    return formatApplicationId(compact, rows[0]!.seq);
  }

  async hasProcessed(inboxId: string): Promise<boolean> {
    const { rowCount } = await this.#run((pool) => pool.query(`SELECT 1 FROM ${this.#t.inbox} WHERE id = $1`, [inboxId]));
    return rowCount === 1;
  }

  async getApplication(id: string): Promise<Application | undefined> {
    return checked('applications', id, await this.#doc(`SELECT doc FROM ${this.#t.applications} WHERE id = $1`, [id]));
  }

  /** Newest first (createdAt, then id, descending); the total counts every match before paging. */
  async findApplications(query: ApplicationQuery): Promise<{ total: number; items: Application[] }> {
    const { total, page } = await this.#findPage<Application>(query, 'doc');
    return { total, items: page.map((doc) => checked('applications', doc?.id, doc)!) };
  }

  async findApplicationIds(query: ApplicationQuery): Promise<{ total: number; ids: string[] }> {
    const { total, page } = await this.#findPage<string>(query, 'id');
    return { total, ids: page };
  }

  // One statement, so the total and the page come from the same snapshot; the page holds `column` of each row.
  async #findPage<T>(query: ApplicationQuery, column: 'doc' | 'id'): Promise<{ total: number; page: T[] }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.applicantId !== undefined) where.push(`applicant_id = $${params.push(query.applicantId)}`);
    if (query.status !== undefined) where.push(`status = ANY($${params.push(query.status)}::text[])`);
    where.push(...applicationFilterSql(query, params));
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const offset = `$${params.push(Math.max(0, query.offset ?? 0))}`;
    const limit = `$${params.push(query.limit === undefined ? null : Math.max(0, query.limit))}`; // LIMIT NULL = no limit
    const { rows } = await this.#run((pool) =>
      pool.query<{ total: number; page: T[] }>(
        `WITH matching AS (SELECT id, created_at${column === 'doc' ? ', doc' : ''} FROM ${this.#t.applications} ${filter}),
              page AS (SELECT * FROM matching ORDER BY created_at DESC, id DESC OFFSET ${offset} LIMIT ${limit})
         SELECT (SELECT count(*)::int FROM matching) AS total,
                (SELECT coalesce(jsonb_agg(${column} ORDER BY created_at DESC, id DESC), '[]'::jsonb) FROM page) AS page`,
        params,
      ),
    );
    return { total: rows[0]!.total, page: rows[0]!.page };
  }

  // Only the facts' JSON paths are read (none of them sealed); the 补正 pauses from the history's state changes in
  // and out of supplement_required, their notes left out.
  async applicationFacts(query: FactsQuery): Promise<ApplicationFacts[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.ids !== undefined) where.push(`id = ANY($${params.push([...query.ids])}::text[])`);
    if (query.status !== undefined) where.push(`status = ANY($${params.push(query.status)}::text[])`);
    where.push(...applicationFilterSql(query, params));
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const { rows } = await this.#run((pool) =>
      pool.query<FactsRow>(
        `SELECT id, status, doc->>'submittedAt' AS submitted_at, doc->>'acceptedAt' AS accepted_at,
                doc->>'deadline' AS deadline, doc->>'decidedAt' AS decided_at,
                doc->'matter'->>'id' AS matter_id, doc->'matter'->>'name' AS matter_name,
                (SELECT coalesce(jsonb_agg(jsonb_build_array(d->>'id', d->>'name', d->>'status') ORDER BY n), '[]'::jsonb)
                   FROM jsonb_array_elements(doc->'departments') WITH ORDINALITY AS x(d, n)) AS departments,
                doc->'result'->>'type' AS delivery, (doc->'evaluation'->>'level')::int AS rating,
                (SELECT coalesce(jsonb_agg(jsonb_build_array(h->>'at', h->>'from', h->>'to') ORDER BY n), '[]'::jsonb)
                   FROM jsonb_array_elements(doc->'history') WITH ORDINALITY AS y(h, n)
                  WHERE h->>'from' = 'supplement_required' OR h->>'to' = 'supplement_required') AS supplements
           FROM ${this.#t.applications} ${filter}`,
        params,
      ),
    );
    return rows.map(factsOfRow).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async getDialog(key: string): Promise<DialogRecord | undefined> {
    const doc = await this.#doc(`SELECT doc || jsonb_build_object('rev', rev) AS doc FROM ${this.#t.dialogs} WHERE key = $1`, [key]);
    return checked('dialogs', key, doc);
  }

  async findDialogs(subject: string): Promise<DialogRecord[]> {
    const { rows } = await this.#run((pool) =>
      pool.query<{ key: string; doc: DialogRecord }>(
        `SELECT key, doc || jsonb_build_object('rev', rev) AS doc FROM ${this.#t.dialogs} WHERE subject = $1 ORDER BY key`,
        [subject],
      ),
    );
    return rows.map((row) => checked('dialogs', row.key, row.doc)!);
  }

  async getRecord<T>(kind: string, id: string): Promise<StoredRecord<T> | undefined> {
    const doc = await this.#doc(`SELECT ${RECORD_DOC} AS doc FROM ${this.#t.records} WHERE kind = $1 AND id = $2`, [requireKind(kind), id]);
    return checked('records', recordName(kind, id), doc) as StoredRecord<T> | undefined;
  }

  /** Newest first (updatedAt, then id, descending); the total counts every match before paging. */
  async findRecords<T>(kind: string, query: RecordQuery = {}): Promise<{ total: number; items: StoredRecord<T>[] }> {
    const params: unknown[] = [requireKind(kind)];
    const tags = query.tags && Object.keys(query.tags).length > 0 ? ` AND tags @> $${params.push(JSON.stringify(query.tags))}::jsonb` : '';
    const offset = `$${params.push(Math.max(0, query.offset ?? 0))}`;
    const limit = `$${params.push(query.limit === undefined ? null : Math.max(0, query.limit))}`; // LIMIT NULL = no limit
    const { rows } = await this.#run((pool) =>
      pool.query<{ total: number; items: unknown[] }>(
        `WITH matching AS (SELECT * FROM ${this.#t.records} WHERE kind = $1${tags}),
              page AS (SELECT * FROM matching ORDER BY updated_at DESC, id DESC OFFSET ${offset} LIMIT ${limit})
         SELECT (SELECT count(*)::int FROM matching) AS total,
                (SELECT coalesce(jsonb_agg(${RECORD_DOC} ORDER BY updated_at DESC, id DESC), '[]'::jsonb) FROM page) AS items`,
        params,
      ),
    );
    const items = rows[0]!.items.map(
      (doc) => checked('records', recordName(kind, String((doc as { id?: unknown })?.id)), doc) as StoredRecord<T>,
    );
    return { total: rows[0]!.total, items };
  }

  async dueJobs(now: number, limit: number): Promise<OutboxJob[]> {
    const { rows } = await this.#run((pool) =>
      pool.query<{ doc: OutboxJob }>(`SELECT id, doc FROM ${this.#t.jobs} WHERE next_at <= $1 ORDER BY next_at, created_at, id LIMIT $2`, [
        now,
        Math.max(0, limit),
      ]),
    );
    return rows.map((row) => checked('outbox_jobs', (row as { id?: string }).id, row.doc)!);
  }

  dueJobRefs(now: number, limit: number, kinds?: readonly JobKind[]): Promise<JobRef[]> {
    return this.#run((pool) => selectDueJobRefs(pool, this.#t.jobs, now, limit, kinds));
  }

  async leaseJobs(now: number, limit: number, options: LeaseOptions): Promise<OutboxJob[]> {
    const rows = await this.#run((pool) => leaseJobRows(pool, this.#t, now, Math.max(0, limit), options), false);
    return rows.map((row) => checked('outbox_jobs', row.id, row.doc)!);
  }
  async renewLeases(owner: string, jobIds: readonly string[], until: number): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const { rows } = await this.#run(
      (pool) =>
        pool.query<{ id: string }>(
          `UPDATE ${this.#t.jobs} SET lease_until = $3 WHERE id = ANY($1::text[]) AND lease_owner = $2 RETURNING id`,
          [[...jobIds], owner, until],
        ),
      false,
    );
    return rows.map((row) => row.id);
  }

  /** The earliest moment a pending job may be leased: a group head's due time, or the end of its lease. */
  nextJobAt(): Promise<number | undefined> {
    return this.#run((pool) => earliestLeasable(pool, this.#t));
  }
  async getJob(id: string): Promise<OutboxJob | undefined> {
    return checked('outbox_jobs', id, await this.#doc(`SELECT doc FROM ${this.#t.jobs} WHERE id = $1`, [id]));
  }

  /** Dead jobs, earliest failure first. */
  async deadJobs(): Promise<DeadJob[]> {
    const { rows } = await this.#run((pool) =>
      pool.query<{ id: string; doc: DeadJob }>(`SELECT id, doc FROM ${this.#t.dead} ORDER BY failed_at, id`),
    );
    return rows.map((row) => checked('dead_jobs', row.id, row.doc)!);
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    const { rows } = await this.#run((pool) => pool.query<{ value: T }>(`SELECT value FROM ${this.#t.meta} WHERE key = $1`, [key]));
    return rows[0]?.value;
  }

  async #doc(sql: string, params: unknown[]): Promise<unknown> {
    const { rows } = await this.#run((pool) => pool.query<{ doc: unknown }>(sql, params));
    return rows[0]?.doc;
  }

  async #prune(): Promise<void> {
    await this.#pool!.query(`DELETE FROM ${this.#t.inbox} WHERE at <= $1`, [this.#now() - INBOX_RETENTION_MS]);
  }

  // Every operation is tracked so that close() can wait for it: pg's pool drops queued requests once ended.
  // As in the lowdb store, reads are still answered while closing; writes are refused.
  #run<T>(work: (pool: pg.Pool) => Promise<T>, whileClosing = true): Promise<T> {
    const usable = this.#status === 'open' || (whileClosing && this.#status === 'closing');
    if (!usable || !this.#pool) return Promise.reject(new Error(`the store is ${this.#status}`));
    const running = work(this.#pool);
    this.#inFlight.add(running);
    const untrack = () => void this.#inFlight.delete(running);
    running.then(untrack, untrack);
    return running;
  }

  #transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    return this.#run(async (pool) => {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        let broken: Error | undefined;
        try {
          await client.query('BEGIN');
          await work(client);
          await client.query('COMMIT');
          return;
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
          const code = (error as { code?: string }).code;
          if (attempt >= ATTEMPTS || code === undefined || !RETRYABLE.has(code)) throw error;
        } finally {
          // A connection that could not even roll back is discarded rather than handed to the next caller.
          client.release(broken);
        }
      }
    }, false);
  }
}

// A records row as the StoredRecord it holds (no `tags` key when the column is NULL).
const RECORD_DOC = `jsonb_build_object('kind', kind, 'id', id, 'rev', rev, 'data', data, 'updatedAt', updated_at)
  || CASE WHEN tags IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('tags', tags) END`;

const SCHEMAS = {
  applications: applicationRecord,
  dialogs: dialogRecord,
  outbox_jobs: jobRecord,
  dead_jobs: deadJobRecord,
  records: featureRecord,
};
interface Documents {
  records: StoredRecord;
  applications: Application;
  dialogs: DialogRecord;
  outbox_jobs: OutboxJob;
  dead_jobs: DeadJob;
}

// A row's document checked against its schema as it is parsed: a damaged row is named, never half-used.
function checked<K extends keyof Documents>(table: K, id: unknown, doc: unknown): Documents[K] | undefined {
  if (doc === undefined) return undefined;
  const parsed = SCHEMAS[table].safeParse(doc);
  if (!parsed.success) throw new DamagedRecordError(`row ${String(id)} of table ${table}`, describeIssues(parsed.error));
  return doc as Documents[K];
}

// The connection string without its password, for error messages.
function describe(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    url.password = '';
    return url.toString();
  } catch {
    return 'the configured DATABASE_URL';
  }
}

/** One row of applicationFacts' SELECT. */
interface FactsRow {
  id: string;
  status: ApplicationStatus;
  submitted_at: string | null;
  accepted_at: string | null;
  deadline: string | null;
  decided_at: string | null;
  matter_id: string;
  matter_name: string;
  departments: [string, string, DepartmentStatus][];
  delivery: DeliveryMode | null;
  rating: number | null;
  supplements: [string, ApplicationStatus | null, ApplicationStatus | null][];
}

function factsOfRow(row: FactsRow): ApplicationFacts {
  const facts: ApplicationFacts = {
    id: row.id,
    status: row.status,
    matter: { id: row.matter_id, name: row.matter_name },
    departments: row.departments.map(([id, name, status]) => ({ id, name, status })),
  };
  if (row.submitted_at !== null) facts.submittedAt = row.submitted_at;
  if (row.accepted_at !== null) facts.acceptedAt = row.accepted_at;
  if (row.deadline !== null) facts.deadline = row.deadline;
  if (row.decided_at !== null) facts.decidedAt = row.decided_at;
  if (row.delivery !== null) facts.delivery = row.delivery;
  if (row.rating !== null) facts.rating = row.rating;
  const history = row.supplements.map(([at, from, to]) => ({ at, ...(from ? { from } : {}), ...(to ? { to } : {}) }));
  const pauses = pausesOf({ ...(row.accepted_at !== null ? { acceptedAt: row.accepted_at } : {}), history });
  if (pauses.length > 0) facts.pauses = pauses;
  return facts;
}
