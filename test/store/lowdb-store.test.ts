import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { createStore } from '../../src/store/create-store.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import type { WalRecord } from '../../src/store/lowdb-wal.js';
import type { Store } from '../../src/store/store.js';
import { sampleApplication, sampleJob, sampleRecord, storeConformance, type StoreHarness } from '../support/store-conformance.js';

let dataDir = '';

async function makeStore(): Promise<StoreHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'yiciban-lowdb-'));
  dataDir = dir;
  let current = new LowdbStore({ dataDir: dir });
  await current.open();
  const harness: StoreHarness = {
    store: current,
    reopen: async () => {
      await current.close();
      current = new LowdbStore({ dataDir: dir });
      await current.open();
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

const it = storeConformance('lowdb store', makeStore);
const DAY_MS = 24 * 60 * 60 * 1000;
const number = (seq: number) => `YC20261128-${String(seq).padStart(4, '0')}`;

async function items(file: string): Promise<Record<string, unknown>> {
  return (JSON.parse(await readFile(file, 'utf8')) as { items: Record<string, unknown> }).items;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

const checkpoint = (store: Store) => (store as LowdbStore).checkpoint();

it('files applications in buckets of 100 per day, and an update rewrites only its own bucket', async ({ h }) => {
  const apps = Array.from({ length: 250 }, (_, i) => sampleApplication(number(i + 1)));
  await h.store.commit({ applications: apps });
  await checkpoint(h.store);
  const bucketDir = join(dataDir, 'applications');
  assert.equal((await readdir(bucketDir)).sort(), ['20261128-000.json', '20261128-001.json', '20261128-002.json', 'summaries']);
  // Each bucket's summary: the plain fields the index needs, and the bucket's size as written.
  assert.equal((await readdir(join(bucketDir, 'summaries'))).sort(), ['20261128-000.json', '20261128-001.json', '20261128-002.json']);
  // A row per application: id, rev, status, … and last the place of its document in the bucket (offset, length).
  type Row = [string, number, string, ...unknown[]];
  const summaryOf = async (name: string) =>
    JSON.parse(await readFile(join(bucketDir, 'summaries', name), 'utf8')) as { bytes: number; rows: Row[] };
  const summary = await summaryOf('20261128-001.json');
  const bucketText = await readFile(join(bucketDir, '20261128-001.json'));
  assert.is(summary.bytes, bucketText.length);
  assert.equal(
    summary.rows.map((row) => row[0]),
    apps.slice(100, 200).map((a) => a.id),
  );
  const [id, rev, status, createdAt, matter, version, applicant, departments, submittedAt, , , , offset, length] = summary.rows[0]!;
  assert.equal(
    [id, rev, status, createdAt, matter, version, applicant, departments, submittedAt],
    [apps[100]!.id, 1, 'submitted', apps[100]!.createdAt, 'business-licence', 1, 'user-1', [['amr', 'pending']], apps[100]!.submittedAt],
  );
  assert.equal(JSON.parse(bucketText.subarray(offset as number, (offset as number) + (length as number)).toString('utf8')), apps[100]);
  assert.equal(
    Object.keys(await items(join(bucketDir, '20261128-001.json'))).sort(),
    apps.slice(100, 200).map((a) => a.id),
  );
  assert.is(Object.keys(await items(join(bucketDir, '20261128-002.json'))).length, 50);

  const mtime = async (name: string) => (await stat(join(bucketDir, name), { bigint: true })).mtimeNs;
  const before = await Promise.all(['20261128-000.json', '20261128-001.json', '20261128-002.json'].map(mtime));
  await new Promise((resolve) => setTimeout(resolve, 5)); // real time: the file system's mtime must tick between the two writes
  await h.store.commit({ applications: [{ ...apps[149]!, rev: 2, status: 'accepted' }], jobs: { put: [sampleJob('notify')] } });
  await checkpoint(h.store);
  const after = await Promise.all(['20261128-000.json', '20261128-001.json', '20261128-002.json'].map(mtime));
  assert.is(after[0], before[0]);
  assert.is((await summaryOf('20261128-001.json')).rows.find((row) => row[0] === apps[149]!.id)?.[2], 'accepted');
  assert.ok(after[1]! > before[1]!, 'the bucket of the updated application is rewritten');
  assert.is(after[2], before[2]);
  assert.is(await exists(join(dataDir, 'wal.log')), false, 'the log is emptied once the files are written');
});

it('makes a commit durable with one append to wal.log; the files follow at the checkpoint', async ({ h }) => {
  const app = sampleApplication(number(1));
  await h.store.commit({ inbox: ['msg-1'], applications: [app], jobs: { put: [sampleJob('job-1')] } });
  await h.store.commit({ jobs: { remove: ['job-1'] } });
  const lines = (await readFile(join(dataDir, 'wal.log'), 'utf8')).split('\n');
  assert.is(lines.length, 3, 'two batches, each a whole line');
  assert.is(lines[2], '');
  assert.is(await exists(join(dataDir, 'applications', '20261128-000.json')), false, 'not yet in the data files');
  await checkpoint(h.store);
  assert.equal(await items(join(dataDir, 'applications', '20261128-000.json')), { [app.id]: app });
  assert.equal(await items(join(dataDir, 'outbox', 'pending.json')), {}, 'a job added and done between two checkpoints');
  assert.is(await exists(join(dataDir, 'wal.log')), false);
});

it('writes each wal.log line as JSON.stringify would, documents serialised once and reused', async ({ h }) => {
  const app = { ...sampleApplication(number(1)), fields: { 名称: '引号 " 反斜杠 \\ 换行 \n', empty: '' } };
  await h.store.commit({ inbox: ['msg-1'], applications: [app], jobs: { put: [sampleJob('job-1'), sampleJob('job-2')] } });
  await h.store.commit({ jobs: { remove: ['job-1'] }, meta: { 'store.note': { a: [1, null] } } });
  const lines = (await readFile(join(dataDir, 'wal.log'), 'utf8')).split('\n').slice(0, -1);
  assert.is(lines.length, 2);
  for (const line of lines) assert.is(line, JSON.stringify(JSON.parse(line) as WalRecord));
  const first = JSON.parse(lines[0]!) as WalRecord;
  assert.equal(
    first.ops.map((op) => op.op),
    ['inbox', 'app', 'job', 'job'],
  );
  assert.equal((first.ops[1] as { doc: unknown }).doc, app);
});

it('replays wal.log at open and drops a last line cut short by a kill (its commit was never acknowledged)', async () => {
  const dir = join(dataDir, 'torn');
  await mkdir(dir, { recursive: true });
  const app = sampleApplication(number(3));
  const batches: WalRecord[] = [
    {
      version: 1,
      at: 1,
      ops: [
        { op: 'app', doc: app },
        { op: 'job', doc: sampleJob('job-3') },
        { op: 'counter', day: '20261128', seq: 3 },
      ],
    },
    {
      version: 1,
      at: 2,
      ops: [
        { op: 'inbox', id: 'msg-3', at: Date.now() },
        { op: 'job.remove', id: 'job-3' },
      ],
    },
  ];
  const torn = JSON.stringify({ version: 1, at: 3, ops: [{ op: 'app', doc: { ...app, rev: 2 } }] }).slice(0, 50);
  await writeFile(join(dir, 'wal.log'), `${batches.map((b) => JSON.stringify(b)).join('\n')}\n${torn}`);
  const store = new LowdbStore({ dataDir: dir });
  await store.open();
  try {
    assert.is((await store.getApplication(app.id))?.rev, 1);
    assert.is(await store.getJob('job-3'), undefined);
    assert.is(await store.hasProcessed('msg-3'), true);
    assert.is(await exists(join(dir, 'wal.log')), false, 'replayed into the files and emptied at open');
    assert.equal(await items(join(dir, 'applications', '20261128-000.json')), { [app.id]: app });
    assert.is(await store.nextApplicationId('20261128'), number(4));
  } finally {
    await store.close();
  }
});

it('files records per kind in 64 small files by id hash; an update of one rewrites only its own file', async ({ h }) => {
  // A notice with 10,000 recipients among 500 small ones: updating a small one (in another bucket) rewrites
  // its own bucket only, never the big one's nor any other.
  const big = sampleRecord('big', { data: { recipients: Array.from({ length: 10_000 }, (_, i) => `user-${i}`) } });
  const small = Array.from({ length: 500 }, (_, i) => sampleRecord(`n-${i}`, { updatedAt: i }));
  await h.store.commit({ records: { put: [big, ...small] } });
  await checkpoint(h.store);
  const kindDir = join(dataDir, 'records', 'notice');
  const files = (await readdir(kindDir)).sort();
  assert.is(files.length, 64);
  assert.ok(
    files.every((name) => /^[0-9a-f]{2}\.json$/.test(name)),
    files.join(' '),
  );
  const owner = async (id: string) => {
    for (const name of files) if (id in (await items(join(kindDir, name)))) return name;
    throw new Error(`${id} is in no file`);
  };
  const bigFile = await owner('big');
  let other = small[0]!;
  let otherFile = '';
  for (const record of small) {
    otherFile = await owner(record.id);
    other = record;
    if (otherFile !== bigFile) break;
  }
  const mtimes = async () => Promise.all(files.map(async (name) => (await stat(join(kindDir, name), { bigint: true })).mtimeNs));
  const before = await mtimes();
  await new Promise((resolve) => setTimeout(resolve, 5)); // real time: the file system's mtime must tick between the two writes
  await h.store.commit({ records: { put: [{ ...other, rev: 2, updatedAt: 9_999 }] } });
  await checkpoint(h.store);
  const after = await mtimes();
  const rewritten = files.filter((_, i) => after[i] !== before[i]);
  assert.equal(rewritten, [otherFile], "only the updated record's file");
  assert.ok((await stat(join(kindDir, otherFile))).size < (await stat(join(kindDir, bigFile))).size / 10, 'and it is small');
  assert.equal(
    (await h.store.findRecords('notice', { limit: 1 })).items.map((r) => r.id),
    [other.id],
  );
});

it('leaves a folder under records/ that is not a record kind alone', async ({ h }) => {
  await h.store.commit({ records: { put: [sampleRecord('n-1')] } });
  await mkdir(join(dataDir, 'records', 'Not A Kind'));
  await writeFile(join(dataDir, 'records', 'Not A Kind', 'x.json'), 'not json');
  const store = await h.reopen();
  assert.equal((await store.findRecords('notice')).total, 1);
  assert.is(await readFile(join(dataDir, 'records', 'Not A Kind', 'x.json'), 'utf8'), 'not json');
});

it('replays a commit left in wal.json (the log of earlier versions) by a crash in the middle of writing its files', async () => {
  const dir = join(dataDir, 'crashed');
  const app = sampleApplication(number(7));
  // The application's bucket was renamed into place; the outbox, inbox and counter files were not.
  await mkdir(join(dir, 'applications'), { recursive: true });
  await writeFile(join(dir, 'applications', '20261128-000.json'), JSON.stringify({ items: { [app.id]: app } }));
  const record: WalRecord = {
    version: 1,
    at: Date.now(),
    ops: [
      { op: 'inbox', id: 'msg-7', at: Date.now() },
      { op: 'app', doc: app },
      { op: 'job', doc: sampleJob('job-7') },
      { op: 'counter', day: '20261128', seq: 7 },
    ],
  };
  await writeFile(join(dir, 'wal.json'), JSON.stringify(record));
  const store = new LowdbStore({ dataDir: dir });
  await store.open();
  try {
    assert.equal(await store.getApplication(app.id), app);
    assert.equal(await store.getJob('job-7'), sampleJob('job-7'));
    assert.is(await store.hasProcessed('msg-7'), true);
    assert.is(await store.nextApplicationId('20261128'), number(8));
    assert.is(await exists(join(dir, 'wal.json')), false);
    assert.equal(await items(join(dir, 'applications', '20261128-000.json')), { [app.id]: app });
  } finally {
    await store.close();
  }
});

it('replays a log whose files were already written without changing anything', async ({ h }) => {
  const app = sampleApplication(number(1));
  const dead = { ...sampleJob('job-1'), failedAt: 5, reason: 'HTTP 400' };
  await h.store.commit({ applications: [app], jobs: { put: [sampleJob('job-1')] } });
  await h.store.commit({ applications: [{ ...app, rev: 2 }], jobs: { dead: [dead] } });
  await h.store.close();
  const record: WalRecord = {
    version: 1,
    at: 5,
    ops: [
      { op: 'app', doc: { ...app, rev: 2 } },
      { op: 'dead', doc: dead },
    ],
  };
  await writeFile(join(dataDir, 'wal.json'), JSON.stringify(record));
  const store = await h.reopen();
  assert.is((await store.getApplication(app.id))?.rev, 2);
  assert.is(await store.getJob('job-1'), undefined);
  assert.equal(await store.deadJobs(), [dead]);
  assert.is((await store.findApplications({})).total, 1);
});

it('fails a commit whose log cannot be written and leaves memory unchanged', async ({ h }) => {
  await mkdir(join(dataDir, 'wal.log')); // a directory where the log file goes: the append fails
  const error = await h.store.commit({ inbox: ['msg-1'], applications: [sampleApplication(number(1))] }).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  assert.instance(error, Error);
  assert.match((error as Error).message, 'wal.log');
  assert.is(await h.store.getApplication(number(1)), undefined);
  assert.is(await h.store.hasProcessed('msg-1'), false);
  await rm(join(dataDir, 'wal.log'), { recursive: true });
  await h.store.commit({ applications: [sampleApplication(number(1))] });
  assert.is((await h.store.getApplication(number(1)))?.rev, 1);
});

it('remembers processed ids for seven days, then forgets them at open and while running', async () => {
  const dir = join(dataDir, 'inbox');
  let clock = Date.UTC(2026, 10, 28, 9, 30);
  const open = async () => {
    const store = new LowdbStore({ dataDir: dir, now: () => clock });
    await store.open();
    return store;
  };
  // A log of ten minutes (09:30–09:39), and files earlier versions wrote: a whole hour, and ten minutes as JSON.
  await mkdir(join(dir, 'inbox'), { recursive: true });
  await writeFile(join(dir, 'inbox', '20261128-08.json'), JSON.stringify({ items: { 'msg-older': clock - 3_600_000 } }));
  await writeFile(join(dir, 'inbox', '20261128-09-2.json'), JSON.stringify({ items: { 'msg-json': clock - 60_000 } }));
  let store = await open();
  await store.commit({ inbox: ['msg-old'] });
  clock += 6 * DAY_MS;
  await store.commit({ inbox: ['msg-recent'] });
  await store.close();
  assert.is(await readFile(join(dir, 'inbox', '20261128-09-3.log'), 'utf8'), `["msg-old",${Date.UTC(2026, 10, 28, 9, 30)}]\n`);
  store = await open();
  assert.is(await store.hasProcessed('msg-old'), true);
  assert.is(await store.hasProcessed('msg-older'), true);
  assert.is(await store.hasProcessed('msg-json'), true);
  clock += 2 * DAY_MS;
  await store.close();
  store = await open();
  assert.is(await store.hasProcessed('msg-old'), false);
  assert.is(await store.hasProcessed('msg-older'), false);
  assert.is(await store.hasProcessed('msg-json'), false);
  assert.is(await store.hasProcessed('msg-recent'), true);
  assert.is(await exists(join(dir, 'inbox', '20261128-09-3.log')), false);
  assert.is(await exists(join(dir, 'inbox', '20261128-09-2.json')), false);
  assert.is(await exists(join(dir, 'inbox', '20261128-08.json')), false);
  clock += 6 * DAY_MS;
  await store.commit({ inbox: ['msg-new'] });
  assert.is(await store.hasProcessed('msg-recent'), false, 'pruned by a commit after the retention period');
  assert.is(await store.hasProcessed('msg-new'), true);
  await store.close();
});

it('fails ping when DATA_DIR has gone', async ({ h }) => {
  await h.store.ping();
  await rm(dataDir, { recursive: true, force: true });
  const error = await h.store.ping().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  assert.match((error as Error).message, 'not writable');
});

it('creates the lowdb store from the configuration unless DATABASE_URL is set', async () => {
  const store = createStore({ dataDir: join(dataDir, 'created') });
  assert.is(store.kind, 'lowdb');
  await store.open();
  await store.ping();
  await store.close();
  assert.is(createStore({ dataDir, databaseUrl: 'postgres://localhost/yiciban' }).kind, 'postgres');
});

it.run();
