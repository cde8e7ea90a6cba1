// The lowdb store's applications: summaries read at open, documents read (and checked) when first needed, a bounded
// number kept in memory, and damage named either at open or at the first read of a damaged document.
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import { summarize } from '../../src/store/memory-index.js';
import { sampleApplication } from '../support/store-conformance.js';
import { suite } from '../support/suite.js';

const it = suite('lowdb store: application documents read when needed');

const NOW = Date.parse('2026-11-28T02:00:00.000Z');
const number = (seq: number) => `YC20261128-${String(seq).padStart(4, '0')}`;
const BUCKET = 'applications/20261128-000.json';
const SUMMARY = 'applications/summaries/20261128-000.json';

async function withDir(work: (dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-lowdb-apps-'));
  try {
    await work(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function opened(dataDir: string, cachedApplications?: number): Promise<LowdbStore> {
  const store = new LowdbStore({ dataDir, now: () => NOW, cachedApplications });
  await store.open();
  return store;
}

// 250 applications of two applicants in three buckets, written and closed.
async function filled(dataDir: string): Promise<void> {
  const store = await opened(dataDir);
  const apps = Array.from({ length: 250 }, (_, i) =>
    sampleApplication(number(i + 1), {
      applicant: { userId: `user-${i % 2}`, name: '张三' },
      createdAt: new Date(NOW + i * 1000).toISOString(),
    }),
  );
  await store.commit({ applications: apps });
  await store.close();
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error.message,
  );
}

it('with ten documents kept in memory: reads, listings across buckets, updates and a reopen all see every application', async () => {
  await withDir(async (dataDir) => {
    await filled(dataDir);
    let store = await opened(dataDir, 10);
    const listed = await store.findApplications({ applicantId: 'user-1' });
    assert.is(listed.total, 125);
    assert.equal(
      listed.items.map((a) => a.id),
      Array.from({ length: 125 }, (_, i) => number(250 - 2 * i)),
    );
    // Updates in two buckets while only one stays read: both are written at the checkpoint.
    const first = (await store.getApplication(number(1)))!;
    const last = (await store.getApplication(number(250)))!;
    await store.commit({
      applications: [
        { ...first, rev: 2, status: 'accepted' },
        { ...last, rev: 2, status: 'withdrawn' },
      ],
    });
    await store.checkpoint();
    assert.is((await store.getApplication(number(1)))?.status, 'accepted');
    assert.equal(
      (await store.findApplications({ status: ['withdrawn', 'accepted'] })).items.map((a) => a.id),
      [number(250), number(1)],
    );
    await store.close();
    store = await opened(dataDir, 10);
    assert.is((await store.getApplication(number(250)))?.status, 'withdrawn');
    assert.is((await store.getApplication(number(150)))?.rev, 1);
    assert.is((await store.findApplications({})).total, 250);
    await store.close();
  });
});

it('a store without summaries (an earlier version, or one removed on purpose) reads its buckets at open and writes them', async () => {
  await withDir(async (dataDir) => {
    await filled(dataDir);
    await rm(join(dataDir, 'applications/summaries'), { recursive: true });
    const store = await opened(dataDir);
    assert.equal((await readdir(join(dataDir, 'applications/summaries'))).sort(), [
      '20261128-000.json',
      '20261128-001.json',
      '20261128-002.json',
    ]);
    const summary = JSON.parse(await readFile(join(dataDir, SUMMARY), 'utf8')) as { rows: [string, number, string][] };
    assert.equal(summary.rows[6]!.slice(0, 3), [number(7), 1, 'submitted']);
    assert.equal(
      (await store.findApplications({ status: ['submitted'] })).items.map(summarize),
      (await store.findApplications({})).items.map(summarize),
    );
    assert.is((await store.findApplications({ applicantId: 'user-0' })).total, 125);
    await store.close();
  });
});

it('summaries of the previous version (rows without the facts) are rebuilt from their buckets at open, once', async () => {
  await withDir(async (dataDir) => {
    const store = await opened(dataDir);
    const rated = sampleApplication(number(1), {
      status: 'evaluated',
      submittedAt: '2026-11-28T01:00:00.000Z',
      acceptedAt: '2026-11-28T01:30:00.000Z',
      decidedAt: '2026-11-28T03:00:00.000Z',
      result: { type: 'window', pickupAddress: '市民中心 3 楼' },
      evaluation: { level: 2, comment: '排队太久', at: '2026-11-28T04:00:00.000Z' },
    });
    await store.commit({ applications: [rated, sampleApplication(number(2))] });
    const facts = await store.applicationFacts({});
    await store.close();
    assert.equal(
      facts.map(({ id, delivery, rating }) => ({ id, delivery, rating })),
      [
        { id: number(1), delivery: 'window', rating: 2 },
        { id: number(2), delivery: undefined, rating: undefined },
      ],
    );
    // As the previous version wrote it: 14 values a row.
    const summary = JSON.parse(await readFile(join(dataDir, SUMMARY), 'utf8')) as { bytes: number; rows: unknown[][] };
    await writeFile(join(dataDir, SUMMARY), JSON.stringify({ ...summary, rows: summary.rows.map((row) => row.slice(0, 14)) }));
    const again = await opened(dataDir);
    assert.equal(await again.applicationFacts({}), facts);
    await again.close();
    const rebuilt = JSON.parse(await readFile(join(dataDir, SUMMARY), 'utf8')) as { rows: unknown[][] };
    assert.equal(
      rebuilt.rows.map((row) => row.length),
      [15, 15],
    );
  });
});

it('a bucket cut short or edited to another size stops the start, naming it', async () => {
  await withDir(async (dataDir) => {
    await filled(dataDir);
    const text = await readFile(join(dataDir, BUCKET), 'utf8');
    await writeFile(join(dataDir, BUCKET), text.slice(0, 1000));
    const message = await rejection(opened(dataDir));
    assert.match(message, `${BUCKET} is damaged`);
    assert.match(message, 'cut short or changed outside the store');
    assert.is(await readFile(join(dataDir, BUCKET), 'utf8'), text.slice(0, 1000), 'left as it was');
  });
});

it('a bucket without a summary is checked whole at open', async () => {
  await withDir(async (dataDir) => {
    await filled(dataDir);
    await rm(join(dataDir, SUMMARY));
    await writeFile(join(dataDir, BUCKET), '{"items":null}');
    assert.match(await rejection(opened(dataDir)), `${BUCKET} is damaged`);
  });
});

it('a damaged summary stops the start, naming it', async () => {
  await withDir(async (dataDir) => {
    await filled(dataDir);
    const text = await readFile(join(dataDir, SUMMARY), 'utf8');
    const summary = JSON.parse(text) as { bytes: number; rows: unknown[][] };
    const damages: [string, string | RegExp][] = [
      [text.slice(0, 100), 'is not valid JSON'],
      ['{"bytes":12,"items":{"x":{"id":"x"}}}', 'rows'],
      [JSON.stringify({ ...summary, rows: [summary.rows[0]!.slice(0, 5)] }), 'rows.0: expected a row of 15 values'],
      [
        JSON.stringify({ ...summary, rows: [summary.rows[0]!.with(14, ['事项', [], 'courier', null, []])] }),
        'rows.0: the facts must be [matter name, department names, delivery, rating, pauses]',
      ],
      [JSON.stringify({ ...summary, rows: [summary.rows[0]!.with(2, 'lost')] }), 'rows.0: unknown status "lost"'],
      [
        JSON.stringify({ ...summary, rows: [summary.rows[0]!.with(12, summary.bytes)] }),
        'rows.0: the place of the document must lie in the bucket',
      ],
    ];
    for (const [damaged, reason] of damages) {
      await writeFile(join(dataDir, SUMMARY), damaged);
      const message = await rejection(opened(dataDir));
      assert.match(message, `${SUMMARY} is damaged`);
      assert.match(message, reason);
    }
  });
});

it('damage of the same size: the first read of the document fails naming its bucket, every other document still reads', async () => {
  await withDir(async (dataDir) => {
    await filled(dataDir);
    const text = await readFile(join(dataDir, BUCKET), 'utf8');
    // A revision the schema refuses, and a status the summary does not know: each keeps the file's size.
    for (const [damaged, reason] of [
      [text.replace('"rev":1', '"rev":0'), /YC20261128-0001: rev/],
      [
        text.replace('"status":"submitted"', '"status":"withdrawn"'),
        /holds YC20261128-0001 at rev 1 \(withdrawn\) where its summary has YC20261128-0001 at rev 1 \(submitted\)/,
      ],
    ] as const) {
      assert.is(damaged.length, text.length);
      await writeFile(join(dataDir, BUCKET), damaged);
      const store = await opened(dataDir);
      try {
        const message = await rejection(store.getApplication(number(1)));
        assert.match(message, `${BUCKET} is damaged`);
        assert.match(message, reason);
        assert.is((await store.getApplication(number(150)))?.id, number(150));
        assert.match(await rejection(store.findApplications({ applicantId: 'user-0' })), `${BUCKET} is damaged`);
      } finally {
        await store.close();
      }
      assert.is(await readFile(join(dataDir, BUCKET), 'utf8'), damaged, 'left as it was');
    }
  });
});

it('a crash between writing a bucket and its summary: the log replays, the bucket is trusted and the summary rewritten', async () => {
  await withDir(async (dataDir) => {
    await filled(dataDir);
    const store = await opened(dataDir);
    const app = (await store.getApplication(number(2)))!;
    await store.commit({ applications: [{ ...app, rev: 2, status: 'accepted' }, sampleApplication(number(251))] });
    // The files as a kill would leave them after the log's append: copied while the store is open.
    const crashed = await mkdtemp(join(tmpdir(), 'yiciban-lowdb-crashed-'));
    try {
      await cp(dataDir, crashed, { recursive: true });
      await store.checkpoint();
      // The checkpoint had written the bucket of the update but not its summary, nor the new bucket's summary.
      await cp(join(dataDir, BUCKET), join(crashed, BUCKET));
      await cp(join(dataDir, 'applications/20261128-002.json'), join(crashed, 'applications/20261128-002.json'));
      const reopened = await opened(crashed);
      assert.is((await reopened.getApplication(number(2)))?.status, 'accepted');
      assert.is((await reopened.getApplication(number(251)))?.rev, 1);
      assert.is((await reopened.findApplications({})).total, 251);
      await reopened.close();
      const summaryIn = async (dir: string) => JSON.parse(await readFile(join(dir, SUMMARY), 'utf8')) as unknown;
      assert.equal(await summaryIn(crashed), await summaryIn(dataDir));
    } finally {
      await store.close();
      await rm(crashed, { recursive: true, force: true });
    }
  });
});

it('the same crash when the new bucket has the size of the old one: its documents moved, so it is read whole', async () => {
  await withDir(async (dataDir) => {
    await filled(dataDir);
    const store = await opened(dataDir);
    const [first, third] = [(await store.getApplication(number(1)))!, (await store.getApplication(number(3)))!];
    // Five bytes more in the first document and five fewer in the third: the second one moves, the size does not.
    await store.commit({
      applications: [
        { ...first, rev: 2, fields: { ...first.fields, name: `${first.fields.name}ABCDE` } },
        { ...third, rev: 2, fields: { ...third.fields, name: 'abcdefghij' } },
      ],
    });
    const crashed = await mkdtemp(join(tmpdir(), 'yiciban-lowdb-crashed-'));
    try {
      await cp(dataDir, crashed, { recursive: true });
      await store.checkpoint();
      const bucket = await readFile(join(dataDir, BUCKET));
      assert.is(bucket.length, (await readFile(join(crashed, BUCKET))).length);
      await writeFile(join(crashed, BUCKET), bucket);
      const reopened = await opened(crashed);
      for (let i = 1; i <= 100; i++) assert.equal(await reopened.getApplication(number(i)), await store.getApplication(number(i)));
      await reopened.close();
      assert.equal(JSON.parse(await readFile(join(crashed, BUCKET), 'utf8')), JSON.parse(bucket.toString('utf8')));
    } finally {
      await store.close();
      await rm(crashed, { recursive: true, force: true });
    }
  });
});

it.run();
