import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { createStore } from '../../src/store/create-store.js';
import { PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres-store.js';
import { ConflictError } from '../../src/store/store.js';
import { sampleApplication, sampleJob, sampleRecord, storeConformance, type StoreHarness } from '../support/store-conformance.js';

// CI starts PostgreSQL on this machine; an unreachable database fails this file instead of skipping it.
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DAY_MS = 24 * 60 * 60 * 1000;

const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2, connectionTimeoutMillis: 5_000 });
admin.on('error', () => undefined);
const unreachable = await admin.query('SELECT 1').then(
  () => undefined,
  (error: Error) => error,
);

const freshSchema = () => `yiciban_test_${randomBytes(6).toString('hex')}`;
const dropSchema = (schema: string) => admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);

async function openStore(schema: string, options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> {
  const store = new PostgresStore({ connectionString: DATABASE_URL, schema, ...options });
  await store.open();
  return store;
}

// Each store gets its own schema, dropped at cleanup; `reopen` is a new instance on the same schema.
async function makeStore(): Promise<StoreHarness> {
  const schema = freshSchema();
  let current = await openStore(schema);
  const harness: StoreHarness = {
    store: current,
    reopen: async () => {
      await current.close();
      current = await openStore(schema);
      harness.store = current;
      return current;
    },
    cleanup: async () => {
      await current.close();
      await dropSchema(schema);
    },
  };
  return harness;
}

// A second bot instance on the same database and schema as the harness's store.
async function withSecondInstance(h: StoreHarness, run: (other: PostgresStore) => Promise<void>): Promise<void> {
  const other = await openStore((h.store as PostgresStore).schema);
  try {
    await run(other);
  } finally {
    await other.close();
  }
}

const number = (seq: number) => `YC20261128-${String(seq).padStart(4, '0')}`;

if (unreachable) {
  await admin.end();
  const it = suite('postgres store');
  it('reaches the PostgreSQL test database', () => {
    const where = new URL(DATABASE_URL).host;
    throw new Error(
      `PostgreSQL is not reachable at ${where} (${unreachable.message}). Start it with ` +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or point TEST_DATABASE_URL at a test database.',
    );
  });
  it.run();
} else {
  const it = storeConformance('postgres store', makeStore);
  it.after(async () => {
    await admin.end();
  });

  it('rolls back a commit that fails at its last statement, after the inbox, application, dialog and job writes', async ({ h }) => {
    // jsonb refuses the NUL character, so the meta write (the last step of a commit) fails inside the database.
    const error = await h.store
      .commit({
        inbox: ['msg-1'],
        applications: [sampleApplication(number(1))],
        dialogs: { put: [{ key: 'd-1', dialog: 'apply', version: 1, step: 'field', data: {}, updatedAt: 1, expiresAt: 2 }] },
        jobs: { put: [sampleJob('job-1')] },
        meta: { broken: 'a\u0000b' },
      })
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    assert.instance(error, Error);
    assert.is(await h.store.hasProcessed('msg-1'), false);
    assert.is(await h.store.getApplication(number(1)), undefined);
    assert.is(await h.store.getDialog('d-1'), undefined);
    assert.is(await h.store.getJob('job-1'), undefined);
    await h.store.commit({ inbox: ['msg-1'], applications: [sampleApplication(number(1))] });
    assert.is((await h.store.getApplication(number(1)))?.rev, 1);
  });

  it('numbers applications uniquely when two instances allocate concurrently', async ({ h }) => {
    await withSecondInstance(h, async (other) => {
      const ids = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? h.store : other).nextApplicationId('2026-11-28')));
      assert.equal(
        [...ids].sort(),
        Array.from({ length: 60 }, (_, i) => number(i + 1)),
      );
      assert.is(await other.nextApplicationId('20261128'), number(61));
    });
  });

  it('lets exactly one of two instances win each concurrent update of the same application', async ({ h }) => {
    await withSecondInstance(h, async (other) => {
      let app = sampleApplication(number(1));
      await h.store.commit({ applications: [app] });
      for (let round = 0; round < 10; round++) {
        const next = { ...app, rev: app.rev + 1 };
        const results = await Promise.allSettled([
          h.store.commit({ applications: [{ ...next, status: 'accepted' }], jobs: { put: [sampleJob(`a-${round}`)] } }),
          other.commit({ applications: [{ ...next, status: 'withdrawn' }], jobs: { put: [sampleJob(`b-${round}`)] } }),
        ]);
        const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
        assert.ok(lost, `round ${round}: one commit must lose`);
        assert.ok(
          results.some((r) => r.status === 'fulfilled'),
          `round ${round}: one commit must win`,
        );
        assert.instance(lost.reason, ConflictError);
        assert.is((lost.reason as ConflictError).actualRev, next.rev);
        const [winner, loser] = results[0].status === 'fulfilled' ? ['a', 'b'] : ['b', 'a'];
        assert.ok(await other.getJob(`${winner}-${round}`));
        assert.is(await h.store.getJob(`${loser}-${round}`), undefined);
        app = (await other.getApplication(app.id))!;
        assert.is(app.rev, next.rev);
      }
    });
  });

  it('shows one instance the inbox ids, jobs and applications the other committed', async ({ h }) => {
    await withSecondInstance(h, async (other) => {
      await h.store.commit({ inbox: ['stream-msg-1'], applications: [sampleApplication(number(1))], jobs: { put: [sampleJob('job-1')] } });
      assert.is(await other.hasProcessed('stream-msg-1'), true);
      assert.equal(
        (await other.dueJobs(1_000, 10)).map((job) => job.id),
        ['job-1'],
      );
      assert.is((await other.findApplications({ applicantId: 'user-1' })).total, 1);
      // A redelivery of the same id through the other instance is accepted and changes nothing.
      await other.commit({ inbox: ['stream-msg-1'] });
      assert.is(await h.store.hasProcessed('stream-msg-1'), true);
    });
  });

  it('forgets processed ids after seven days, at open and with the periodic prune', async ({ h }) => {
    const schema = (h.store as PostgresStore).schema;
    let clock = Date.UTC(2026, 10, 28, 9, 30);
    let store = await openStore(schema, { now: () => clock });
    await store.commit({ inbox: ['msg-old'] });
    clock += 6 * DAY_MS;
    await store.commit({ inbox: ['msg-recent'] });
    await store.close();
    clock += 2 * DAY_MS;
    store = await openStore(schema, { now: () => clock, pruneEveryMs: 10 });
    try {
      assert.is(await store.hasProcessed('msg-old'), false, 'pruned at open');
      assert.is(await store.hasProcessed('msg-recent'), true);
      clock += 6 * DAY_MS;
      for (let waited = 0; waited < 2_000 && (await store.hasProcessed('msg-recent')); waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20)); // poll interval: the store's prune timer runs on real time
      }
      assert.is(await store.hasProcessed('msg-recent'), false, 'pruned by the timer while running');
    } finally {
      await store.close();
    }
  });

  it('creates the tables once when several instances open a new schema together', async () => {
    const schema = freshSchema();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openStore(schema)));
      await Promise.all(stores.map((store) => store.close()));
      const { rows } = await admin.query(`SELECT version FROM ${pg.escapeIdentifier(schema)}.schema_migrations ORDER BY version`);
      assert.equal(rows, [{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }]);
    } finally {
      await dropSchema(schema);
    }
  });

  it('migrates a schema of before the records table (version 1): data kept, records usable', async () => {
    const schema = freshSchema();
    const q = (table: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
    try {
      const first = await openStore(schema);
      await first.commit({ applications: [sampleApplication(number(1))] });
      await first.close();
      // What a deployment of before migration 2 holds.
      await admin.query(`DROP TABLE ${q('records')}`);
      await admin.query(`DELETE FROM ${q('schema_migrations')} WHERE version = 2`);
      const store = await openStore(schema);
      try {
        assert.ok(await store.getApplication(number(1)));
        await store.commit({ records: { put: [sampleRecord('n-1')] } });
        assert.equal(await store.getRecord('notice', 'n-1'), sampleRecord('n-1'));
        const { rows } = await admin.query(
          `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'records' ORDER BY indexname`,
          [schema],
        );
        assert.equal(
          rows.map((row: { indexname: string }) => row.indexname),
          ['records_kind_updated', 'records_pkey', 'records_tags'],
        );
      } finally {
        await store.close();
      }
    } finally {
      await dropSchema(schema);
    }
  });

  it('fails to open an unreachable database with a message that names it but not its password', async () => {
    const store = new PostgresStore({ connectionString: 'postgres://yiciban:s3cret@127.0.0.1:1/yiciban' });
    const error = await store.open().then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    assert.instance(error, Error);
    assert.match(error!.message, 'cannot open the PostgreSQL store at postgres://yiciban@127.0.0.1:1/yiciban');
    assert.not.match(error!.message, 's3cret');
    const ping = await store.ping().then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    assert.match(ping!.message, 'the store is closed');
    await store.close();
  });

  it('is the store createStore builds when DATABASE_URL is set', async () => {
    const store = createStore({ dataDir: '/nonexistent', databaseUrl: DATABASE_URL });
    assert.is(store.kind, 'postgres');
    await store.close();
    await store.ping().then(
      () => assert.unreachable('a closed store must refuse ping'),
      (error: Error) => assert.match(error.message, 'closed'),
    );
  });

  it.run();
}
