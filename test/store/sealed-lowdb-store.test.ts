// The store conformance suite through the encryption wrapper (SealedStore) over the lowdb store: sealing
// must change nothing the Store contract promises.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../src/store/create-store.js';
import { DataCipher } from '../../src/store/data-cipher.js';
import type { Store } from '../../src/store/store.js';
import { TEST_DATA_KEY } from '../support/harness.js';
import { readdir, readFile } from 'node:fs/promises';
import * as assert from 'uvu/assert';
import { isSealed } from '../../src/store/data-cipher.js';
import type { LowdbStore } from '../../src/store/lowdb-store.js';
import { RecordCodec, type SealedStore } from '../../src/store/sealed-store.js';
import { sampleJob, sampleRecord, storeConformance, type StoreHarness } from '../support/store-conformance.js';

async function open(dataDir: string): Promise<Store> {
  // No catalogue: every field of every application is sealed (the fail-safe path).
  const store = createStore({ dataDir }, { cipher: new DataCipher({ current: TEST_DATA_KEY }) });
  await store.open();
  return store;
}

let dataDir = '';

async function makeStore(): Promise<StoreHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'yiciban-sealed-lowdb-'));
  dataDir = dir;
  let current = await open(dir);
  const harness: StoreHarness = {
    store: current,
    reopen: async () => {
      await current.close();
      current = await open(dir);
      harness.store = current;
      return current;
    },
    cleanup: async () => {
      await current.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

const it = storeConformance('lowdb store, sealed', makeStore);

it("a record's whole data is sealed in its file; kind, tags and times stay plain for the queries", async ({ h }) => {
  const record = sampleRecord('n-1', { tags: { status: 'open' } });
  await h.store.commit({ records: { put: [record] } });
  const raw = await (h.store as SealedStore).inner.getRecord('notice', 'n-1');
  assert.ok(isSealed(raw!.data));
  assert.equal({ ...raw, data: record.data }, record);
  const log = await readFile(join(dataDir, 'wal.log'), 'utf8');
  assert.not.match(log, '13800138000', 'sealed in the commit log too');
  await ((h.store as SealedStore).inner as LowdbStore).checkpoint();
  const folder = join(dataDir, 'records', 'notice');
  const text = (await Promise.all((await readdir(folder)).map((name) => readFile(join(folder, name), 'utf8')))).join('');
  assert.match(text, '"status":"open"');
  assert.not.match(text, '13800138000');
  assert.not.match(text, '社保缴费提醒');
  assert.equal((await h.store.findRecords('notice', { tags: { status: 'open' } })).items, [record]);
});

it("meta values are sealed (a verified identity, a company's agents); the store's own store.* keys stay plain", async ({ h }) => {
  const identity = { fingerprint: 'f'.repeat(64), name: '张三', verifiedAt: 1 };
  await h.store.commit({ meta: { 'identity:citizen-zhang': identity } });
  assert.equal(await h.store.getMeta('identity:citizen-zhang'), identity);
  const raw = await (h.store as SealedStore).inner.getMeta('identity:citizen-zhang');
  assert.ok(isSealed(raw));
  assert.ok(Array.isArray(await (h.store as SealedStore).inner.getMeta('store.dataKeyIds')), 'the key list stays readable');
  await ((h.store as SealedStore).inner as LowdbStore).checkpoint();
  const text = await readFile(join(dataDir, 'state', 'meta.json'), 'utf8');
  assert.not.match(text, 'f'.repeat(64));
  assert.not.match(text, '张三');
  assert.equal(await (await h.reopen()).getMeta('identity:citizen-zhang'), identity);
});

it('a job leased right after its commit comes back as put; one rewritten underneath since is opened from the store', async ({ h }) => {
  const sealed = h.store as SealedStore;
  const job = sampleJob('job-1', { payload: { phone: '13800138000', text: '您的办件已受理' } });
  await sealed.commit({ jobs: { put: [job] } });
  const raw = await sealed.inner.getJob('job-1');
  assert.ok(isSealed(raw!.payload), 'sealed in the store all the same');
  assert.equal(await sealed.getJob('job-1'), job);
  // Another writer (a retry, a tool) puts the job again under the same id: its payload is opened, not remembered.
  const rewritten = { ...job, payload: { phone: '13900139000' }, attempts: 1, lastError: '超时' };
  await sealed.inner.commit({ jobs: { put: [new RecordCodec(new DataCipher({ current: TEST_DATA_KEY })).sealJob(rewritten)] } });
  assert.equal(await sealed.getJob('job-1'), rewritten);
  const leased = await sealed.leaseJobs(5_000, 10, { owner: 'me', leaseMs: 1_000 });
  assert.equal(leased, [rewritten]);
  await sealed.commit({ jobs: { remove: ['job-1'] }, lease: { owner: 'me', jobs: ['job-1'] } });
  assert.is(await sealed.getJob('job-1'), undefined);
});

it.run();
