// The store conformance suite through the encryption wrapper (SealedStore) over the PostgreSQL store.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataCipher } from '../../src/store/data-cipher.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { RecordCodec, SealedStore } from '../../src/store/sealed-store.js';
import type { Store } from '../../src/store/store.js';
import { TEST_DATA_KEY } from '../support/harness.js';
import * as assert from 'uvu/assert';
import { isSealed } from '../../src/store/data-cipher.js';
import { sampleRecord, storeConformance, type StoreHarness } from '../support/store-conformance.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2, connectionTimeoutMillis: 5_000 });
admin.on('error', () => undefined);

async function open(schema: string): Promise<Store> {
  // Only `idNumber` is sensitive here, so the predicate path (some fields sealed, some plain) is exercised.
  const codec = new RecordCodec(new DataCipher({ current: TEST_DATA_KEY }), () => new Set(['idNumber']));
  const store = new SealedStore(new PostgresStore({ connectionString: DATABASE_URL, schema }), codec);
  await store.open();
  return store;
}

async function makeStore(): Promise<StoreHarness> {
  const schema = `yiciban_sealed_${randomBytes(6).toString('hex')}`;
  let current = await open(schema);
  const harness: StoreHarness = {
    store: current,
    reopen: async () => {
      await current.close();
      current = await open(schema);
      harness.store = current;
      return current;
    },
    cleanup: async () => {
      await current.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    },
  };
  return harness;
}

const it = storeConformance('PostgreSQL store, sealed', makeStore);

it("a record's whole data is sealed in its row; kind, tags and times stay plain for the queries", async ({ h }) => {
  const record = sampleRecord('n-1', { tags: { status: 'open' } });
  await h.store.commit({ records: { put: [record] } });
  const raw = await (h.store as SealedStore).inner.getRecord('notice', 'n-1');
  assert.ok(isSealed(raw!.data));
  assert.not.match(JSON.stringify(raw), '13800138000');
  assert.equal({ ...raw, data: record.data }, record);
  assert.equal((await h.store.findRecords('notice', { tags: { status: 'open' } })).items, [record]);
});
it.after(async () => {
  await admin.end();
});
it.run();
