// The PostgreSQL store's query for the outbox's due-queue: the refs of due jobs (no document), oldest first.
import type pg from 'pg';
import type { JobKind, JobRef } from './store.js';

interface RefRow {
  id: string;
  kind: JobKind;
  next_at: string;
  created_at: string;
  grp: string | null;
}

/** Up to `limit` refs of jobs in `table` due at `now`, of `kinds` when given, in due order. */
export async function selectDueJobRefs(
  pool: pg.Pool,
  table: string,
  now: number,
  limit: number,
  kinds?: readonly JobKind[],
): Promise<JobRef[]> {
  const { rows } = await pool.query<RefRow>(
    `SELECT id, kind, next_at, created_at, doc->>'group' AS grp FROM ${table}
      WHERE next_at <= $1 AND ($3::text[] IS NULL OR kind = ANY($3)) ORDER BY next_at, created_at, id LIMIT $2`,
    [now, Math.max(0, limit), kinds ? [...kinds] : null],
  );
  // bigint comes back as text from pg; epoch milliseconds fit a double exactly.
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    nextAt: Number(row.next_at),
    createdAt: Number(row.created_at),
    ...(row.grp === null ? {} : { group: row.grp }),
  }));
}
