// The PostgreSQL store's tables and their migrations. Each migration runs once per schema, in order,
// inside one transaction that holds an advisory lock, so instances starting together do not race.
import pg from 'pg';

/** Fully qualified, quoted table names inside one schema. */
export interface Tables {
  applications: string;
  dialogs: string;
  inbox: string;
  jobs: string;
  dead: string;
  meta: string;
  counters: string;
  records: string;
  migrations: string;
}

/** The quoted names of the store's tables in `schema`. */
export function tableNames(schema: string): Tables {
  const q = (table: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
  return {
    applications: q('applications'),
    dialogs: q('dialogs'),
    inbox: q('inbox'),
    jobs: q('outbox_jobs'),
    dead: q('dead_jobs'),
    meta: q('meta'),
    counters: q('counters'),
    records: q('records'),
    migrations: q('schema_migrations'),
  };
}

// Ids and ISO timestamps use the "C" collation so that ordering is by code point, exactly as the lowdb
// store (and JavaScript string comparison) orders them; the database's locale collation would not.
// Epoch-millisecond times are bigint; whole records are jsonb documents, with the columns the queries need
// copied out beside them.
const MIGRATIONS: ReadonlyArray<(t: Tables) => string[]> = [
  (t) => [
    `CREATE TABLE ${t.applications} (
       id text COLLATE "C" PRIMARY KEY,
       rev integer NOT NULL,
       applicant_id text COLLATE "C" NOT NULL,
       status text NOT NULL,
       created_at text COLLATE "C" NOT NULL,
       doc jsonb NOT NULL)`,
    `CREATE INDEX applications_applicant_created ON ${t.applications} (applicant_id, created_at DESC, id DESC)`,
    `CREATE INDEX applications_created ON ${t.applications} (created_at DESC, id DESC)`,
    `CREATE TABLE ${t.dialogs} (key text PRIMARY KEY, doc jsonb NOT NULL, expires_at bigint NOT NULL)`,
    `CREATE TABLE ${t.inbox} (id text PRIMARY KEY, at bigint NOT NULL)`,
    `CREATE INDEX inbox_at ON ${t.inbox} (at)`,
    `CREATE TABLE ${t.jobs} (
       id text COLLATE "C" PRIMARY KEY,
       kind text NOT NULL,
       next_at bigint NOT NULL,
       created_at bigint NOT NULL,
       doc jsonb NOT NULL)`,
    `CREATE INDEX outbox_jobs_next_at ON ${t.jobs} (next_at, created_at, id)`,
    `CREATE TABLE ${t.dead} (id text COLLATE "C" PRIMARY KEY, failed_at bigint NOT NULL, doc jsonb NOT NULL)`,
    `CREATE TABLE ${t.meta} (key text PRIMARY KEY, value jsonb NOT NULL)`,
    `CREATE TABLE ${t.counters} (day text PRIMARY KEY, seq integer NOT NULL)`,
  ],
  // 2: feature records (StoredRecord). Listing a kind newest first walks (kind, updated_at); a tag filter is
  // `tags @> '{"status":"open"}'`, which the GIN index answers. Absent tags are NULL (match no filter).
  (t) => [
    `CREATE TABLE ${t.records} (
       kind text COLLATE "C" NOT NULL,
       id text COLLATE "C" NOT NULL,
       rev integer NOT NULL,
       data jsonb NOT NULL,
       tags jsonb,
       updated_at bigint NOT NULL,
       PRIMARY KEY (kind, id))`,
    `CREATE INDEX records_kind_updated ON ${t.records} (kind, updated_at DESC, id DESC)`,
    `CREATE INDEX records_tags ON ${t.records} USING gin (tags jsonb_path_ops)`,
  ],
  // 3: outbox leases for several instances. `grp` is the job's group copied out of the document, so that
  // "no older job of its group is pending" is an index lookup; a lease is an owner and an expiry time.
  (t) => [
    `ALTER TABLE ${t.jobs} ADD COLUMN grp text COLLATE "C", ADD COLUMN lease_owner text, ADD COLUMN lease_until bigint`,
    `UPDATE ${t.jobs} SET grp = doc->>'group'`,
    `CREATE INDEX outbox_jobs_group ON ${t.jobs} (grp, created_at, id) WHERE grp IS NOT NULL`,
  ],
  // 4: what a dialog is about (DialogRecord.subject, plain), so the drafts of a matter are found when it changes;
  // the applications of a matter, newest first, for the admin list's most common filter.
  (t) => [
    `ALTER TABLE ${t.dialogs} ADD COLUMN subject text COLLATE "C"`,
    `UPDATE ${t.dialogs} SET subject = doc->>'subject'`,
    `CREATE INDEX dialogs_subject ON ${t.dialogs} (subject) WHERE subject IS NOT NULL`,
    `CREATE INDEX applications_matter_created ON ${t.applications} ((doc->'matter'->>'id'), created_at DESC, id DESC)`,
  ],
];

// First key of the two-part advisory lock: "YC" in ASCII, shifted; the second is the schema's hash.
const LOCK_SPACE = 0x5943_0001;

/** Creates the schema and brings its tables to the latest version; safe to run from many instances at once. */
export async function migrate(client: pg.ClientBase, schema: string): Promise<void> {
  const t = tableNames(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${t.migrations}`);
    const applied = new Set(rows.map((row) => row.version));
    for (let version = 1; version <= MIGRATIONS.length; version++) {
      if (applied.has(version)) continue;
      for (const statement of MIGRATIONS[version - 1]!(t)) await client.query(statement);
      await client.query(`INSERT INTO ${t.migrations} (version) VALUES ($1)`, [version]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
