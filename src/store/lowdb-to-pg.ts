// Copies an embedded (lowdb) store into PostgreSQL, below the sealing wrapper: every stored value goes across as
// it is, still sealed under the same DATA_KEY. `npm run migrate:lowdb-to-pg` (src/store/lowdb-to-pg-main.ts).
// A dry run counts and writes nothing; `apply` migrates the target, copies in one transaction, then re-reads
// and checks every count.
import { stat } from 'node:fs/promises';
import pg from 'pg';
import { storedDialogRev } from './lowdb-ops.js';
import { LowdbState } from './lowdb-state.js';
import { WriteAheadLog } from './lowdb-wal.js';
import { migrate, tableNames, type Tables } from './postgres-schema.js';

/** How many of each thing a store holds; records are counted per kind. */
export interface StoreCounts {
  applications: number;
  dialogs: number;
  inbox: number;
  pendingJobs: number;
  deadJobs: number;
  meta: number;
  counters: number;
  records: Record<string, number>;
}

/** What a run found, and for `apply` what it wrote and found again in PostgreSQL. */
export interface CopyReport {
  source: StoreCounts;
  /** The copied rows found in PostgreSQL after the copy (apply only). */
  target?: StoreCounts;
}

/** How to run the copy. */
export interface CopyOptions {
  dataDir: string;
  connectionString: string;
  /** PostgreSQL schema of the target tables (default public, as the bot uses). */
  schema?: string;
  /** Write for real; without it nothing is written anywhere. */
  apply?: boolean;
  /** Copy into a target that already holds data (rows with the same keys are overwritten). */
  intoNonEmpty?: boolean;
}

/** The copy found a problem: a non-empty target, or counts that differ after the copy. */
export class CopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyError';
  }
}

/** Reads the lowdb store in `dataDir` (the bot must be stopped) and copies it when `apply` is set. */
export async function copyLowdbToPostgres(options: CopyOptions): Promise<CopyReport> {
  const source = await readLowdb(options.dataDir);
  const counts = countsOf(source);
  if (!options.apply) return { source: counts };
  const t = tableNames(options.schema ?? 'public');
  const client = new pg.Client({ connectionString: options.connectionString, application_name: 'yiciban-lowdb-to-pg' });
  await client.connect();
  try {
    await migrate(client, options.schema ?? 'public');
    if (!options.intoNonEmpty) {
      const present = await rowsPresent(client, t);
      if (present.length > 0) {
        throw new CopyError(`the PostgreSQL store is not empty (${present.join(', ')}); pass --into-non-empty to copy into it anyway`);
      }
    }
    await client.query('BEGIN');
    try {
      await writeAll(client, t, source);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    const target = await countCopied(client, t, source);
    const mismatches = differences(counts, target);
    if (mismatches.length > 0)
      throw new CopyError(`after the copy PostgreSQL does not hold what the lowdb store does: ${mismatches.join('; ')}`);
    return { source: counts, target };
  } finally {
    await client.end();
  }
}

/** A report as lines for people: the counts, and what was (or would be) written. */
export function describeCopy(report: CopyReport, applied: boolean): string[] {
  const c = report.source;
  const kinds = Object.entries(c.records).sort(([a], [b]) => (a < b ? -1 : 1));
  const lines = [
    `applications: ${c.applications}`,
    `dialogs: ${c.dialogs}`,
    `processed inbox ids: ${c.inbox}`,
    `pending jobs: ${c.pendingJobs}`,
    `dead jobs: ${c.deadJobs}`,
    `meta: ${c.meta}`,
    `counters: ${c.counters}`,
    `records: ${kinds.reduce((sum, [, n]) => sum + n, 0)}${kinds.map(([kind, n]) => `\n  ${kind}: ${n}`).join('')}`,
  ];
  const total = totalOf(c);
  lines.push(
    applied
      ? `copied ${total} rows into PostgreSQL; every count checked again and matches`
      : `dry run: would write ${total} rows into PostgreSQL (nothing written); run with -- --apply to copy`,
  );
  return lines;
}

// The files as they are plus the log's batches not yet checkpointed, replayed in memory only: nothing in DATA_DIR
// is written (no checkpoint, no pruning of old inbox ids), so a dry run leaves the store exactly as it was.
async function readLowdb(dataDir: string): Promise<LowdbState> {
  const found = await stat(dataDir).catch(() => undefined);
  if (!found?.isDirectory()) throw new CopyError(`DATA_DIR ${dataDir} is not a directory: there is no lowdb store to copy`);
  const state = new LowdbState(dataDir);
  await state.load();
  const wal = new WriteAheadLog(dataDir);
  // A torn last line was an append cut short by a kill: never acknowledged, so not part of the store.
  const { records } = await wal.read();
  await wal.close();
  for (const record of records) state.apply(record.ops);
  state.verify();
  // Every document is copied: all the application buckets are read (and checked) now, and kept.
  await state.applications.loadAll();
  return state;
}

function countsOf(s: LowdbState): StoreCounts {
  const records: Record<string, number> = {};
  for (const record of s.records.all()) records[record.kind] = (records[record.kind] ?? 0) + 1;
  return {
    applications: s.applications.size,
    dialogs: s.dialogs.size,
    inbox: s.inbox.size,
    pendingJobs: s.jobs.size,
    deadJobs: s.dead.size,
    meta: s.meta.size,
    counters: s.counters.size,
    records,
  };
}

function totalOf(c: StoreCounts): number {
  const records = Object.values(c.records).reduce((sum, n) => sum + n, 0);
  return c.applications + c.dialogs + c.inbox + c.pendingJobs + c.deadJobs + c.meta + c.counters + records;
}

async function rowsPresent(client: pg.Client, t: Tables): Promise<string[]> {
  const present: string[] = [];
  for (const [name, table] of Object.entries(t)) {
    if (name === 'migrations') continue;
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    if (Number(rows[0]!.n) > 0) present.push(`${rows[0]!.n} rows in ${table}`);
  }
  return present;
}

// The same columns the PostgreSQL store writes (postgres-commit.ts), with the stored documents unchanged.
async function writeAll(client: pg.Client, t: Tables, s: LowdbState): Promise<void> {
  const json = (value: unknown) => JSON.stringify(value);
  for (const app of s.applications.values()) {
    await client.query(
      `INSERT INTO ${t.applications} (id, rev, applicant_id, status, created_at, doc) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       ON CONFLICT (id) DO UPDATE SET rev = EXCLUDED.rev, applicant_id = EXCLUDED.applicant_id, status = EXCLUDED.status,
         created_at = EXCLUDED.created_at, doc = EXCLUDED.doc`,
      [app.id, app.rev, app.applicant.userId, app.status, app.createdAt, json(app)],
    );
  }
  for (const record of s.records.all()) {
    await client.query(
      `INSERT INTO ${t.records} (kind, id, rev, data, tags, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6)
       ON CONFLICT (kind, id) DO UPDATE SET rev = EXCLUDED.rev, data = EXCLUDED.data, tags = EXCLUDED.tags, updated_at = EXCLUDED.updated_at`,
      [record.kind, record.id, record.rev, json(record.data), record.tags === undefined ? null : json(record.tags), record.updatedAt],
    );
  }
  for (const [key, dialog] of s.dialogs.entries()) {
    await client.query(
      `INSERT INTO ${t.dialogs} (key, doc, expires_at, subject, rev) VALUES ($1, $2::jsonb, $3, $4, $5)
       ON CONFLICT (key) DO UPDATE SET doc = EXCLUDED.doc, expires_at = EXCLUDED.expires_at, subject = EXCLUDED.subject, rev = EXCLUDED.rev`,
      [key, json(dialog), dialog.expiresAt, dialog.subject ?? null, storedDialogRev(dialog)],
    );
  }
  for (const [id, at] of s.inbox.entries()) {
    await client.query(`INSERT INTO ${t.inbox} (id, at) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET at = EXCLUDED.at`, [id, at]);
  }
  for (const job of s.jobs.values()) {
    await client.query(
      `INSERT INTO ${t.jobs} (id, kind, next_at, created_at, grp, doc) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, next_at = EXCLUDED.next_at, created_at = EXCLUDED.created_at,
         grp = EXCLUDED.grp, doc = EXCLUDED.doc, lease_owner = NULL, lease_until = NULL`,
      [job.id, job.kind, job.nextAt, job.createdAt, job.group ?? null, json(job)],
    );
  }
  for (const dead of s.dead.values()) {
    await client.query(
      `INSERT INTO ${t.dead} (id, failed_at, doc) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (id) DO UPDATE SET failed_at = EXCLUDED.failed_at, doc = EXCLUDED.doc`,
      [dead.id, dead.failedAt, json(dead)],
    );
  }
  for (const [key, value] of s.meta.entries()) {
    await client.query(`INSERT INTO ${t.meta} (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
      key,
      json(value),
    ]);
  }
  // A counter never moves backwards: an application number handed out once is never handed out again.
  for (const [day, seq] of s.counters.entries()) {
    await client.query(
      `INSERT INTO ${t.counters} (day, seq) VALUES ($1, $2) ON CONFLICT (day) DO UPDATE SET seq = GREATEST(${t.counters}.seq, EXCLUDED.seq)`,
      [day, seq],
    );
  }
}

// Re-reads PostgreSQL: how many of the source's keys are there (so a target that held other rows still checks).
async function countCopied(client: pg.Client, t: Tables, s: LowdbState): Promise<StoreCounts> {
  const count = async (sql: string, params: unknown[]) => Number((await client.query<{ n: string }>(sql, params)).rows[0]!.n);
  const keys = <T>(collection: { entries(): IterableIterator<[string, T]> }) => [...collection.entries()].map(([key]) => key);
  const records: Record<string, number> = {};
  const byKind = new Map<string, string[]>();
  for (const record of s.records.all()) byKind.set(record.kind, [...(byKind.get(record.kind) ?? []), record.id]);
  for (const [kind, ids] of byKind) {
    records[kind] = await count(`SELECT count(*) AS n FROM ${t.records} WHERE kind = $1 AND id = ANY($2::text[])`, [kind, ids]);
  }
  return {
    applications: await count(`SELECT count(*) AS n FROM ${t.applications} WHERE id = ANY($1::text[])`, [keys(s.applications)]),
    dialogs: await count(`SELECT count(*) AS n FROM ${t.dialogs} WHERE key = ANY($1::text[])`, [keys(s.dialogs)]),
    inbox: await count(`SELECT count(*) AS n FROM ${t.inbox} WHERE id = ANY($1::text[])`, [keys(s.inbox)]),
    pendingJobs: await count(`SELECT count(*) AS n FROM ${t.jobs} WHERE id = ANY($1::text[])`, [keys(s.jobs)]),
    deadJobs: await count(`SELECT count(*) AS n FROM ${t.dead} WHERE id = ANY($1::text[])`, [keys(s.dead)]),
    meta: await count(`SELECT count(*) AS n FROM ${t.meta} WHERE key = ANY($1::text[])`, [keys(s.meta)]),
    counters: await count(`SELECT count(*) AS n FROM ${t.counters} WHERE day = ANY($1::text[])`, [keys(s.counters)]),
    records,
  };
}

function differences(source: StoreCounts, target: StoreCounts): string[] {
  const found: string[] = [];
  for (const name of ['applications', 'dialogs', 'inbox', 'pendingJobs', 'deadJobs', 'meta', 'counters'] as const) {
    if (source[name] !== target[name]) found.push(`${name}: ${source[name]} in lowdb, ${target[name]} in PostgreSQL`);
  }
  for (const [kind, n] of Object.entries(source.records)) {
    const copied = target.records[kind] ?? 0;
    if (copied !== n) found.push(`records of kind ${kind}: ${n} in lowdb, ${copied} in PostgreSQL`);
  }
  return found;
}
