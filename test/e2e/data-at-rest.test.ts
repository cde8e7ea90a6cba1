import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { fileHousingFund, ZHANG_ID_CARD } from '../support/apply-flow.js';
import { ADMIN_TOKEN, startHarness, waitFor, type Harness } from '../support/harness.js';
import { SimPlayer } from '../support/sim-player.js';

const it = suite('personal data at rest: no known number anywhere after a whole journey');

const PHONE = '13800000001';
const BANK_CARD = '6222021234567890128';
const SECRETS = [ZHANG_ID_CARD, PHONE, BANK_CARD];
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// 住房公积金提取 with an ID number, a phone and a bank card: refused once for good (a dead job), retried
// by an admin, accepted, approved and delivered. Leaves nothing pending in the outbox.
async function wholeJourney(h: Harness): Promise<string> {
  h.backoffice.failNext(1, 422);
  const id = await fileHousingFund(new SimPlayer(h, 'citizen-zhang'));
  await waitFor(async () => (await h.app.store.deadJobs()).length === 1, { what: 'the refused submission to die' });
  const [dead] = await h.app.store.deadJobs();
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  assert.is((await fetch(`${h.app.url}/api/outbox/dead/${dead!.id}/retry`, { method: 'POST', headers: auth })).status < 300, true);
  await waitFor(() => h.backoffice.submissions.has(id), { timeoutMs: 10_000, what: 'the submission' });
  // The back office still receives the full values over its signed call.
  const fields = h.backoffice.submissions.get(id)!.body.fields;
  assert.is(fields.applicantIdNumber, ZHANG_ID_CARD);
  assert.is(fields.bankCardNo, BANK_CARD);
  assert.is(fields.phone, PHONE);
  await h.backoffice.accept(id);
  await h.backoffice.decide(id, 'gjj', 'approved');
  await h.backoffice.deliver(id);
  await waitFor(async () => (await h.app.store.getApplication(id))?.status === 'delivered', { what: 'delivered' });
  await h.app.outbox.drain(10_000);
  // The bot still reads its own data in plain.
  assert.is((await h.app.store.getApplication(id))?.fields.applicantIdNumber, ZHANG_ID_CARD);
  return id;
}

async function filesUnder(dir: string): Promise<{ path: string; isDir: boolean }[]> {
  const found: { path: string; isDir: boolean }[] = [{ path: dir, isDir: true }];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    else found.push({ path, isDir: false });
  }
  return found;
}

it('after a whole journey no ID, phone or bank-card number appears in any file under DATA_DIR; files 0600, folders 0700', async () => {
  const h = await startHarness();
  try {
    const id = await wholeJourney(h);
    await h.app.stop();
    const entries = await filesUnder(h.dataDir);
    assert.ok(
      entries.some((e) => e.path.includes('applications')),
      'the store wrote its files',
    );
    for (const entry of entries) {
      const mode = (await stat(entry.path)).mode & 0o777;
      assert.is(mode.toString(8), entry.isDir ? '700' : '600', entry.path);
      if (entry.isDir) continue;
      const bytes = await readFile(entry.path);
      for (const secret of SECRETS) assert.is(bytes.includes(Buffer.from(secret)), false, `${secret} in ${entry.path}`);
    }
    await h.restart();
    assert.is((await h.app.store.getApplication(id))?.fields.bankCardNo, BANK_CARD, 'readable again after a restart');
  } finally {
    await h.close();
  }
});

it('after a whole journey on PostgreSQL no ID, phone or bank-card number appears in any table', async () => {
  const database = `yiciban_rest_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${database}`;
  const h = await startHarness({ env: { DATABASE_URL: url.toString() } });
  try {
    assert.is(h.app.store.kind, 'postgres');
    await wholeJourney(h);
    const reader = new pg.Client({ connectionString: url.toString() });
    await reader.connect();
    try {
      const { rows: tables } = await reader.query<{ schema: string; name: string }>(
        `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`,
      );
      assert.ok(
        tables.some((t) => t.name === 'applications'),
        'the store made its tables',
      );
      for (const table of tables) {
        const qualified = `${pg.escapeIdentifier(table.schema)}.${pg.escapeIdentifier(table.name)}`;
        const { rows } = await reader.query<{ row: string }>(`SELECT t::text AS row FROM ${qualified} t`);
        for (const { row } of rows) for (const secret of SECRETS) assert.not.match(row, secret, `${secret} in ${table.name}`);
      }
    } finally {
      await reader.end();
    }
  } finally {
    await h.close();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
    await admin.end();
  }
});

it.run();
