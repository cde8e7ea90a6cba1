// Outbox leases on PostgreSQL: every instance leases due jobs with FOR UPDATE SKIP LOCKED, so two instances
// never lease the same job at once, and a lease that expires (its instance died) is taken over.
import type pg from 'pg';
import type { Tables } from './postgres-schema.js';
import type { LeaseOptions } from './store.js';

/** SQL condition on a job row `j`: no older job of its group is pending (jobs without a group always pass). */
export function groupHead(t: Tables): string {
  return `(j.grp IS NULL OR NOT EXISTS (SELECT 1 FROM ${t.jobs} o WHERE o.grp = j.grp AND (o.created_at, o.id) < (j.created_at, j.id)))`;
}

/**
 * Leases up to `limit` due jobs to `options.owner` and returns their rows (documents unchecked), oldest
 * first. One statement: lock due, unleased candidates (skipping rows another instance is locking), cut them
 * to each kind's capacity, and write the lease. A job whose group has an older pending job is never a
 * candidate, whether that older job is leased, backing off or waiting for its turn.
 */
export async function leaseJobRows(
  pool: pg.Pool,
  t: Tables,
  now: number,
  limit: number,
  options: LeaseOptions,
): Promise<{ id: string; doc: unknown }[]> {
  if (!options.owner) throw new Error('a lease needs an owner');
  const capacity =
    options.capacity === undefined ? null : Object.fromEntries(Object.entries(options.capacity).filter(([, n]) => (n ?? 0) > 0));
  if (limit <= 0 || (capacity !== null && Object.keys(capacity).length === 0)) return [];
  const { rows } = await pool.query<{ id: string; doc: unknown; next_at: string; created_at: string }>(
    `WITH picked AS (
       SELECT j.id, j.kind, j.next_at, j.created_at FROM ${t.jobs} j
       WHERE j.next_at <= $1 AND (j.lease_until IS NULL OR j.lease_until <= $1)
         AND ($5::jsonb IS NULL OR $5::jsonb ? j.kind)
         AND ${groupHead(t)}
       ORDER BY j.next_at, j.created_at, j.id
       LIMIT $2
       FOR UPDATE OF j SKIP LOCKED),
     ranked AS (
       SELECT id, kind, row_number() OVER (PARTITION BY kind ORDER BY next_at, created_at, id) AS n FROM picked)
     UPDATE ${t.jobs} SET lease_owner = $3, lease_until = $4
     FROM ranked
     WHERE ${t.jobs}.id = ranked.id AND ($5::jsonb IS NULL OR ranked.n <= ($5::jsonb ->> ranked.kind)::int)
     RETURNING ${t.jobs}.id, ${t.jobs}.doc, ${t.jobs}.next_at, ${t.jobs}.created_at`,
    [now, limit, options.owner, now + Math.max(1, options.leaseMs), capacity === null ? null : JSON.stringify(capacity)],
  );
  // RETURNING has no order of its own.
  return rows.sort(
    (a, b) =>
      Number(a.next_at) - Number(b.next_at) || Number(a.created_at) - Number(b.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Epoch ms at which some pending job can next be leased (a group head's due time or lease end), if any. */
export async function earliestLeasable(pool: pg.Pool, t: Tables): Promise<number | undefined> {
  const { rows } = await pool.query<{ at: string | null }>(
    `SELECT min(greatest(next_at, coalesce(lease_until, 0))) AS at FROM ${t.jobs} j WHERE ${groupHead(t)}`,
  );
  // bigint comes back as text from pg; epoch milliseconds fit a double exactly.
  const at = rows[0]?.at;
  return at === null || at === undefined ? undefined : Number(at);
}
