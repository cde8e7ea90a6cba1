// `npm run migrate` (issue 15): creates the PostgreSQL store's tables in an empty database, is a no-op the second
// time, and refuses to run without DATABASE_URL. A throwaway database per run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import * as assert from 'uvu/assert';
import { ROOT_DIR } from '../../src/app.js';
import { suite } from '../support/suite.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const test = suite('npm run migrate');

async function migrate(databaseUrl: string | undefined): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/store/migrate-main.ts'], {
    cwd: ROOT_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, out };
}

test('creates every table in an empty database, then finds nothing left to do; no DATABASE_URL is a usage error', async () => {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const name = `yiciban_migrate_${randomBytes(5).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  try {
    const first = await migrate(url.toString());
    assert.is(first.code, 0, first.out);
    assert.match(first.out, 'schema version 4 (applied: 1, 2, 3, 4)');
    const again = await migrate(url.toString());
    assert.is(again.code, 0, again.out);
    assert.match(again.out, 'schema version 4 (applied: 1, 2, 3, 4)');
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    const { rows } = await db.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'outbox_jobs' AND column_name LIKE 'lease%' ORDER BY 1`,
    );
    await db.end();
    assert.equal(
      rows.map((row: { column_name: string }) => row.column_name),
      ['lease_owner', 'lease_until'],
    );
    const missing = await migrate(undefined);
    assert.is(missing.code, 2);
    assert.match(missing.out, 'DATABASE_URL');
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.end();
  }
});

test.run();
