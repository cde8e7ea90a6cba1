import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startSandbox } from '../../src/sandbox/start.js';
import { createStore } from '../../src/store/create-store.js';
import { DataCipher, resolveDataKeys, SANDBOX_KEY_FILE, SealError } from '../../src/store/data-cipher.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { resealLowdb, resealPostgres } from '../../src/store/reseal.js';
import { RecordCodec, SealedStore } from '../../src/store/sealed-store.js';
import type { Store } from '../../src/store/store.js';
import { ZHANG_ID_CARD } from '../support/apply-flow.js';
import { TEST_DATA_KEY } from '../support/harness.js';
import { sampleApplication, sampleJob, sampleRecord } from '../support/store-conformance.js';

const it = suite('data keys: sandbox key, rotation, re-sealing, file modes');

const PHONE = '13800000001';
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function filesUnder(dir: string): Promise<{ path: string; isDir: boolean }[]> {
  const found: { path: string; isDir: boolean }[] = [{ path: dir, isDir: true }];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    else found.push({ path, isDir: false });
  }
  return found;
}

const KEY_A = Buffer.alloc(32, 0xa).toString('base64');
const KEY_B = Buffer.alloc(32, 0xb).toString('base64');

async function openLowdb(dataDir: string, current: string, previous?: string): Promise<Store> {
  const store = createStore({ dataDir }, { cipher: new DataCipher({ current, previous }) });
  await store.open();
  return store;
}

it('rotation: data sealed under key A reads with DATA_KEY=B and DATA_KEY_PREVIOUS=A; with only B the start fails clearly', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-rotate-'));
  try {
    let store = await openLowdb(dataDir, KEY_A);
    const app = sampleApplication('YC20261128-0001', { fields: { idNumber: ZHANG_ID_CARD } });
    await store.commit({ applications: [app], jobs: { put: [sampleJob('job-1', { payload: { phone: PHONE } })] } });
    await store.close();

    store = await openLowdb(dataDir, KEY_B, KEY_A);
    assert.is((await store.getApplication(app.id))?.fields.idNumber, ZHANG_ID_CARD);
    assert.equal((await store.getJob('job-1'))?.payload, { phone: PHONE });
    // New writes use B; the A-sealed job is still there.
    await store.commit({ applications: [{ ...app, rev: 2 }] });
    await store.close();

    const message = await openLowdb(dataDir, KEY_B).then(
      () => 'opened',
      (error: Error) => `${error.name}: ${error.message}`,
    );
    assert.match(message, 'SealError');
    assert.match(message, new DataCipher({ current: KEY_A }).currentKeyId);
    assert.match(message, 'DATA_KEY_PREVIOUS');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

const idA = new DataCipher({ current: KEY_A }).currentKeyId;

it('data:reseal (lowdb) rewrites every value under the new key, after which DATA_KEY_PREVIOUS can go', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-reseal-'));
  try {
    let store = await openLowdb(dataDir, KEY_A);
    const app = sampleApplication('YC20261128-0001', { fields: { idNumber: ZHANG_ID_CARD } });
    const dialog = { key: 'cid:user', dialog: 'apply', version: 1, step: 'field', data: { phone: PHONE }, updatedAt: 1, expiresAt: 2 };
    await store.commit({
      applications: [app],
      dialogs: { put: [dialog] },
      jobs: { put: [sampleJob('job-1')], dead: [{ ...sampleJob('job-2'), failedAt: 1, reason: 'x' }] },
    });
    await store.commit({ records: { put: [sampleRecord('n-1'), sampleRecord('b-1', { kind: 'notice.batch' })] } });
    await store.close();
    const report = await resealLowdb(dataDir, new DataCipher({ current: KEY_B, previous: KEY_A }));
    assert.ok(report.records > 0);
    for (const entry of await filesUnder(dataDir)) {
      if (!entry.isDir) assert.not.match(await readFile(entry.path, 'utf8'), `$sealed:v1:${idA}:`, entry.path);
    }
    store = await openLowdb(dataDir, KEY_B);
    assert.is((await store.getApplication(app.id))?.fields.idNumber, ZHANG_ID_CARD);
    assert.equal((await store.getDialog('cid:user'))?.data, { phone: PHONE });
    assert.is((await store.deadJobs())[0]?.reason, 'x');
    assert.equal((await store.getRecord('notice', 'n-1'))?.data, sampleRecord('n-1').data);
    assert.equal((await store.findRecords('notice.batch')).items, [sampleRecord('b-1', { kind: 'notice.batch' })]);
    await store.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('data:reseal (PostgreSQL) rewrites every document under the new key', async () => {
  const schema = `yiciban_reseal_${randomBytes(5).toString('hex')}`;
  const open = async (current: string, previous?: string) => {
    const store = new SealedStore(
      new PostgresStore({ connectionString: DATABASE_URL, schema }),
      new RecordCodec(new DataCipher({ current, previous })),
    );
    await store.open();
    return store;
  };
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    let store = await open(KEY_A);
    const app = sampleApplication('YC20261128-0001', { fields: { idNumber: ZHANG_ID_CARD } });
    await store.commit({ applications: [app], jobs: { put: [sampleJob('job-1', { payload: { phone: PHONE } })] } });
    await store.commit({ records: { put: [sampleRecord('n-1')] } });
    await store.close();
    assert.ok((await resealPostgres(DATABASE_URL, new DataCipher({ current: KEY_B, previous: KEY_A }), schema)).records > 0);
    store = await open(KEY_B);
    assert.is((await store.getApplication(app.id))?.fields.idNumber, ZHANG_ID_CARD);
    assert.equal((await store.getJob('job-1'))?.payload, { phone: PHONE });
    assert.equal(await store.getRecord('notice', 'n-1'), sampleRecord('n-1'));
    await store.close();
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await admin.end();
  }
});

it('a sealed value under an unknown key or tampered with is refused with a clear error', () => {
  const a = new DataCipher({ current: KEY_A });
  const sealed = a.seal(ZHANG_ID_CARD);
  assert.not.match(sealed, ZHANG_ID_CARD);
  assert.is(a.open(sealed), ZHANG_ID_CARD);
  assert.throws(
    () => new DataCipher({ current: KEY_B }).open(sealed),
    (error: Error) => error instanceof SealError && /neither DATA_KEY nor DATA_KEY_PREVIOUS/.test(error.message),
  );
  const body = Buffer.from(sealed.slice(sealed.lastIndexOf(':') + 1), 'base64');
  body[body.length - 20]! ^= 1;
  const tampered = `${sealed.slice(0, sealed.lastIndexOf(':') + 1)}${body.toString('base64')}`;
  assert.throws(() => a.open(tampered), /does not authenticate/);
});

it('the sandbox makes its key once and keeps it in DATA_DIR (0600); production without DATA_KEY refuses', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-sandbox-key-'));
  try {
    const first = await resolveDataKeys({ sandbox: true, dataDir });
    const again = await resolveDataKeys({ sandbox: true, dataDir });
    assert.equal(again, first);
    assert.is(Buffer.from(first.current, 'base64').length, 32);
    assert.is(((await stat(join(dataDir, SANDBOX_KEY_FILE))).mode & 0o777).toString(8), '600');
    assert.equal(await resolveDataKeys({ sandbox: false, dataDir, dataKeys: { current: TEST_DATA_KEY } }), { current: TEST_DATA_KEY });
    await resolveDataKeys({ sandbox: false, dataDir }).then(
      () => assert.unreachable('production needs DATA_KEY'),
      (error: Error) => assert.match(error.message, 'openssl rand -base64 32'),
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('an existing DATA_DIR and files written before modes were enforced are closed to other users on open', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-modes-'));
  try {
    await chmod(dataDir, 0o755);
    await mkdir(join(dataDir, 'applications'), { mode: 0o755 });
    const old = JSON.stringify({ items: { 'YC20261128-0001': sampleApplication('YC20261128-0001') } });
    await writeFile(join(dataDir, 'applications/20261128-000.json'), old, { mode: 0o644 });
    // Temp files a crash left (never renamed into place): removed, so every later temp file is created 0600.
    await writeFile(join(dataDir, 'applications/.20261128-000.json.tmp'), old, { mode: 0o644 });
    await writeFile(join(dataDir, '.wal.json.tmp'), '{}', { mode: 0o644 });
    const store = await openLowdb(dataDir, KEY_A);
    await store.close();
    assert.equal(
      (await filesUnder(dataDir)).filter((e) => e.path.endsWith('.tmp')),
      [],
    );
    assert.is(((await stat(dataDir)).mode & 0o777).toString(8), '700');
    assert.is(((await stat(join(dataDir, 'applications'))).mode & 0o777).toString(8), '700');
    assert.is(((await stat(join(dataDir, 'applications/20261128-000.json'))).mode & 0o777).toString(8), '600');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('the sandbox start makes its data key in DATA_DIR and encrypts with it', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-sandbox-start-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', SANDBOX_REVIEW_DELAY_MS: '0' });
  const sandbox = await startSandbox({ config, logger: createLogger('silent') });
  try {
    assert.is(((await stat(join(dataDir, SANDBOX_KEY_FILE))).mode & 0o777).toString(8), '600');
    await sandbox.app.store.commit({ applications: [sampleApplication('YC20261128-0001', { fields: { idNumber: ZHANG_ID_CARD } })] });
    // Every file, the commit log (where the commit is until its checkpoint) included.
    const files = (await filesUnder(dataDir)).filter((entry) => !entry.isDir);
    assert.ok(
      files.some((entry) => entry.path.endsWith('wal.log') || entry.path.endsWith('20261128-000.json')),
      'the commit is on disk',
    );
    for (const { path } of files) assert.not.match(await readFile(path, 'utf8'), ZHANG_ID_CARD, path);
  } finally {
    await sandbox.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('never seals two values with the same IV, across refills of the IV pool', () => {
  const cipher = new DataCipher({ current: KEY_A });
  const ivs = new Set<string>();
  for (let i = 0; i < 1_000; i++) {
    const sealed = cipher.seal(PHONE);
    const body = Buffer.from(sealed.slice(sealed.lastIndexOf(':') + 1), 'base64');
    ivs.add(body.subarray(0, 12).toString('hex'));
    assert.is(cipher.open(sealed), PHONE);
  }
  assert.is(ivs.size, 1_000);
});

it.run();
