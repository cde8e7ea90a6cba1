// Writes one Commit inside an open transaction, in the same order as the lowdb store plans it:
// inbox, applications, records (put, remove), dialogs (put, remove), jobs (put, remove, dead, revive), meta.
import type pg from 'pg';
import type { Application } from '../domain/types.js';
import type { Tables } from './postgres-schema.js';
import { recordName, requireKind, requireRecord } from './record-rules.js';
import { ConflictError, LeaseLostError, type Commit, type DeadJob, type DialogRecord, type OutboxJob, type StoredRecord } from './store.js';

/** Applies `change` through `client` (already in a transaction); throws ConflictError on a stale revision. */
export async function writeCommit(client: pg.PoolClient, t: Tables, change: Commit, now: number): Promise<void> {
  if (change.lease) await checkLease(client, t, change.lease);
  const inbox = (change.inbox ?? []).map((id) => requireText(id, 'inbox id'));
  if (inbox.length > 0) {
    // A repeated id is accepted silently, as in the lowdb store: the first time it was seen is kept.
    await client.query(`INSERT INTO ${t.inbox} (id, at) SELECT unnest($1::text[]), $2 ON CONFLICT (id) DO NOTHING`, [inbox, now]);
  }
  for (const app of change.applications ?? []) await writeApplication(client, t, app);
  for (const record of change.records?.put ?? []) await writeRecord(client, t, record);
  for (const { kind, id } of change.records?.remove ?? []) {
    await client.query(`DELETE FROM ${t.records} WHERE kind = $1 AND id = $2`, [requireKind(kind), requireText(id, 'record id')]);
  }
  for (const dialog of change.dialogs?.put ?? []) await putDialog(client, t, dialog);
  const dialogRemovals = change.dialogs?.remove ?? [];
  if (dialogRemovals.length > 0) await client.query(`DELETE FROM ${t.dialogs} WHERE key = ANY($1::text[])`, [dialogRemovals]);
  for (const job of change.jobs?.put ?? []) await putJob(client, t, { ...job, id: requireText(job.id, 'job id') });
  const jobRemovals = change.jobs?.remove ?? [];
  if (jobRemovals.length > 0) await client.query(`DELETE FROM ${t.jobs} WHERE id = ANY($1::text[])`, [jobRemovals]);
  for (const dead of change.jobs?.dead ?? []) {
    const id = requireText(dead.id, 'dead job id');
    await client.query(`DELETE FROM ${t.jobs} WHERE id = $1`, [id]);
    await client.query(
      `INSERT INTO ${t.dead} (id, failed_at, doc) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (id) DO UPDATE SET failed_at = EXCLUDED.failed_at, doc = EXCLUDED.doc`,
      [id, dead.failedAt, json({ ...dead, id })],
    );
  }
  for (const id of change.jobs?.revive ?? []) {
    const { rows } = await client.query<{ doc: DeadJob }>(`DELETE FROM ${t.dead} WHERE id = $1 RETURNING doc`, [id]);
    const dead = rows[0]?.doc;
    if (!dead) continue; // already revived or never dead: reviving is idempotent
    const { failedAt: _failedAt, reason: _reason, ...job } = dead;
    await putJob(client, t, { ...job, attempts: 0, nextAt: now });
  }
  for (const [key, value] of Object.entries(change.meta ?? {})) {
    if (value === undefined) continue;
    if (value === null) await client.query(`DELETE FROM ${t.meta} WHERE key = $1`, [key]);
    else {
      await client.query(
        `INSERT INTO ${t.meta} (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
        [key, json(value)],
      );
    }
  }
}

// Optimistic concurrency: rev 1 inserts only when absent; rev n updates only the stored rev n-1.
// A concurrent writer of the same row blocks on the row lock and then sees the new rev, so exactly one wins.
async function writeApplication(client: pg.PoolClient, t: Tables, app: Application): Promise<void> {
  requireText(app.id, 'application id');
  if (!Number.isInteger(app.rev) || app.rev < 1) {
    throw new Error(`application ${app.id} has rev ${app.rev}; a stored version needs rev ≥ 1 (new ones are committed with rev 1)`);
  }
  const params = [app.id, app.rev, app.applicant.userId, app.status, app.createdAt, json(app)];
  const result =
    app.rev === 1
      ? await client.query(
          `INSERT INTO ${t.applications} (id, rev, applicant_id, status, created_at, doc) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
           ON CONFLICT (id) DO NOTHING`,
          params,
        )
      : await client.query(
          `UPDATE ${t.applications} SET rev = $2, applicant_id = $3, status = $4, created_at = $5, doc = $6::jsonb
           WHERE id = $1 AND rev = $2 - 1`,
          params,
        );
  if (result.rowCount === 1) return;
  const { rows } = await client.query<{ rev: number }>(`SELECT rev FROM ${t.applications} WHERE id = $1`, [app.id]);
  throw new ConflictError(app.id, app.rev - 1, rows[0]?.rev ?? 0);
}

// The same optimistic concurrency as applications, keyed by (kind, id).
async function writeRecord(client: pg.PoolClient, t: Tables, record: StoredRecord): Promise<void> {
  requireRecord(record);
  const tags = record.tags === undefined ? null : json(record.tags);
  const params = [record.kind, record.id, record.rev, json(record.data), tags, record.updatedAt];
  const result =
    record.rev === 1
      ? await client.query(
          `INSERT INTO ${t.records} (kind, id, rev, data, tags, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6)
           ON CONFLICT (kind, id) DO NOTHING`,
          params,
        )
      : await client.query(
          `UPDATE ${t.records} SET rev = $3, data = $4::jsonb, tags = $5::jsonb, updated_at = $6
           WHERE kind = $1 AND id = $2 AND rev = $3 - 1`,
          params,
        );
  if (result.rowCount === 1) return;
  const { rows } = await client.query<{ rev: number }>(`SELECT rev FROM ${t.records} WHERE kind = $1 AND id = $2`, [
    record.kind,
    record.id,
  ]);
  throw new ConflictError(recordName(record.kind, record.id), record.rev - 1, rows[0]?.rev ?? 0);
}

async function putDialog(client: pg.PoolClient, t: Tables, dialog: DialogRecord): Promise<void> {
  const key = requireText(dialog.key, 'dialog key');
  await client.query(
    `INSERT INTO ${t.dialogs} (key, doc, expires_at, subject) VALUES ($1, $2::jsonb, $3, $4)
     ON CONFLICT (key) DO UPDATE SET doc = EXCLUDED.doc, expires_at = EXCLUDED.expires_at, subject = EXCLUDED.subject`,
    [key, json({ ...dialog, key }), dialog.expiresAt, dialog.subject ?? null],
  );
}

// Rewriting a job (a retry's new attempt count and due time) ends its lease.
async function putJob(client: pg.PoolClient, t: Tables, job: OutboxJob): Promise<void> {
  await client.query(
    `INSERT INTO ${t.jobs} (id, kind, next_at, created_at, grp, doc) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, next_at = EXCLUDED.next_at, created_at = EXCLUDED.created_at,
       grp = EXCLUDED.grp, doc = EXCLUDED.doc, lease_owner = NULL, lease_until = NULL`,
    [job.id, job.kind, job.nextAt, job.createdAt, job.group ?? null, json(job)],
  );
}

// The finishing instance must still hold every lease it names. FOR UPDATE keeps another instance from
// leasing them (its SKIP LOCKED passes them by) until this transaction ends.
async function checkLease(client: pg.PoolClient, t: Tables, lease: { owner: string; jobs: string[] }): Promise<void> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT id FROM ${t.jobs} WHERE id = ANY($1::text[]) AND lease_owner = $2 FOR UPDATE`,
    [lease.jobs, requireText(lease.owner, 'lease owner')],
  );
  const held = new Set(rows.map((row) => row.id));
  const lost = lease.jobs.filter((id) => !held.has(id));
  if (lost.length > 0) throw new LeaseLostError(lease.owner, lost);
}

// Documents travel as JSON text cast to jsonb: pg would turn a bare JavaScript array into a PostgreSQL array.
function json(value: unknown): string {
  return JSON.stringify(value);
}

function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${what} must be a non-empty string`);
  return value;
}
