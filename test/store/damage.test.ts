import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ROOT_DIR } from '../../src/app.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { TEST_DATA_KEY } from '../support/harness.js';
import { sampleApplication, sampleJob, sampleRecord } from '../support/store-conformance.js';

const it = suite('a damaged store stops the start, naming the file');

const DAY = '2026-11-28T02:00:00.000Z';
const NOW = Date.parse(DAY);

// A store holding one record of every collection, closed again; returns its folder.
async function filledStore(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-damage-'));
  const store = new LowdbStore({ dataDir, now: () => NOW });
  await store.open();
  await store.commit({
    inbox: ['msg-1'],
    applications: [sampleApplication('YC20261128-0001')],
    dialogs: {
      put: [{ key: 'cid-1:user-1', dialog: 'apply', version: 1, step: 'field', data: { answers: {} }, updatedAt: NOW, expiresAt: NOW + 1 }],
    },
    jobs: { put: [sampleJob('job-1')], dead: [{ ...sampleJob('job-2'), failedAt: NOW, reason: 'HTTP 422' }] },
    records: { put: [{ kind: 'notice', id: 'n-1', rev: 1, data: { title: '缴费提醒' }, updatedAt: NOW, tags: { status: 'open' } }] },
    meta: { 'some.setting': { on: true } },
  });
  await store.nextApplicationId('20261128');
  await store.close();
  return dataDir;
}

// Each collection's file, and how a record in it loses a required key or gets a wrong type.
const COLLECTIONS: { file: string; missing: (item: unknown) => unknown; wrong: (item: unknown) => unknown }[] = [
  { file: 'applications/20261128-000.json', missing: without('status'), wrong: set('rev', 'one') },
  { file: 'dialogs/*', missing: without('step'), wrong: set('expiresAt', 'tomorrow') },
  { file: 'outbox/pending.json', missing: without('kind'), wrong: set('attempts', -1) },
  { file: 'outbox/dead.json', missing: without('reason'), wrong: set('failedAt', 'then') },
  { file: 'records/notice/*', missing: without('rev'), wrong: set('tags', { status: 1 }) },
  { file: 'records/notice/*', missing: without('data'), wrong: set('kind', 'complaint') },
  { file: 'state/meta.json', missing: () => null, wrong: () => null },
  { file: 'state/counters.json', missing: () => null, wrong: () => 'four' },
];

function without(key: string) {
  return (item: unknown) => {
    const copy = { ...(item as Record<string, unknown>) };
    delete copy[key];
    return copy;
  };
}

function set(key: string, value: unknown) {
  return (item: unknown) => ({ ...(item as Record<string, unknown>), [key]: value });
}

async function resolveFile(dataDir: string, pattern: string): Promise<string> {
  if (!pattern.endsWith('*')) return pattern;
  const dir = pattern.slice(0, -2);
  const [first] = (await readdir(join(dataDir, dir))).filter((name) => name.endsWith('.json'));
  return `${dir}/${first}`;
}

type Damage = (text: string, change: { missing: (item: unknown) => unknown; wrong: (item: unknown) => unknown }) => string;

// Rewrites the first record of a shard file.
function firstItem(text: string, change: (item: unknown) => unknown): string {
  const file = JSON.parse(text) as { items: Record<string, unknown> };
  const [key] = Object.keys(file.items);
  return JSON.stringify({ items: { ...file.items, [key!]: change(file.items[key!]) } });
}

const DAMAGES: Record<string, Damage> = {
  'truncated JSON': (text) => text.slice(0, Math.floor(text.length / 2)),
  '{}': () => '{}',
  '[]': () => '[]',
  '{"items":null}': () => '{"items":null}',
  'a record missing a required key': (text, change) => firstItem(text, change.missing),
  'a record of the wrong type': (text, change) => firstItem(text, change.wrong),
};

async function openFails(dataDir: string): Promise<string> {
  const store = new LowdbStore({ dataDir, now: () => NOW });
  try {
    await store.open();
  } catch (error) {
    return (error as Error).message;
  }
  await store.close();
  throw new Error('expected open() to reject');
}

it('every collection, each kind of damage: open() rejects naming the file under DATA_DIR and the reason', async () => {
  const pristine = await filledStore();
  try {
    for (const collection of COLLECTIONS) {
      const file = await resolveFile(pristine, collection.file);
      const text = await readFile(join(pristine, file), 'utf8');
      for (const [kind, damage] of Object.entries(DAMAGES)) {
        const dataDir = await mkdtemp(join(tmpdir(), 'yiciban-damaged-'));
        try {
          await copyTree(pristine, dataDir);
          await writeFile(join(dataDir, file), damage(text, collection));
          const message = await openFails(dataDir);
          assert.match(message, `${file} is damaged`, `${file}, ${kind}: ${message}`);
          // The damaged file is left as it was, for someone to look at: nothing was overwritten.
          assert.is(await readFile(join(dataDir, file), 'utf8'), damage(text, collection), `${file}, ${kind}`);
        } finally {
          await rm(dataDir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await rm(pristine, { recursive: true, force: true });
  }
});

it('a damaged write-ahead log (wal.json) stops the start, naming it', async () => {
  const good = JSON.stringify({ version: 1, at: NOW, ops: [{ op: 'app', doc: sampleApplication('YC20261128-0002') }] });
  const change = { missing: () => ({ op: 'app' }), wrong: () => ({ op: 'counter', day: '20261128', seq: 'x' }) };
  const damages: Record<string, string> = {
    'truncated JSON': good.slice(0, 40),
    '{}': '{}',
    '[]': '[]',
    '{"items":null}': '{"items":null}',
    'an op missing its document': JSON.stringify({ version: 1, at: NOW, ops: [change.missing()] }),
    'an op of the wrong type': JSON.stringify({ version: 1, at: NOW, ops: [change.wrong()] }),
    'a record op without its data': JSON.stringify({
      version: 1,
      at: NOW,
      ops: [{ op: 'record', doc: { kind: 'notice', id: 'n-2', rev: 1, updatedAt: NOW } }],
    }),
  };
  for (const [kind, text] of Object.entries(damages)) {
    const dataDir = await filledStore();
    try {
      await writeFile(join(dataDir, 'wal.json'), text);
      assert.match(await openFails(dataDir), 'wal.json is damaged', kind);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
});

it('a damaged line of the commit log (wal.log) stops the start, naming the file and the line', async () => {
  const good = JSON.stringify({ version: 1, at: NOW, ops: [{ op: 'app', doc: sampleApplication('YC20261128-0002') }] });
  const damages: Record<string, string> = {
    'a whole line cut short': `${good.slice(0, 40)}\n${good}\n`,
    'a line that is not a batch': `${good}\n{"items":null}\n`,
    'an op of the wrong type': `${good}\n${JSON.stringify({ version: 1, at: NOW, ops: [{ op: 'counter', day: '20261128', seq: 'x' }] })}\n`,
  };
  for (const [kind, text] of Object.entries(damages)) {
    const dataDir = await filledStore();
    try {
      await writeFile(join(dataDir, 'wal.log'), text);
      assert.match(await openFails(dataDir), /wal\.log is damaged: line [12]/, kind);
      assert.is(await readFile(join(dataDir, 'wal.log'), 'utf8'), text, `${kind}: left as it was`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
});

it('a damaged line of an inbox log stops the start, naming the file and the line; a torn last line is cut off', async () => {
  const file = 'inbox/20261128-02-0.log';
  const good = `["msg-1",${NOW}]\n`;
  const damages: Record<string, string> = {
    'a whole line cut short': `["msg-0",\n${good}`,
    'a line that is not an id and a time': `${good}{"items":null}\n`,
    'a time of the wrong type': `${good}["msg-2","yesterday"]\n`,
    'an id without its time': `["msg-2"]\n${good}`,
  };
  for (const [kind, text] of Object.entries(damages)) {
    const dataDir = await filledStore();
    try {
      await writeFile(join(dataDir, file), text);
      assert.match(await openFails(dataDir), /inbox\/20261128-02-0\.log is damaged: line [12]/, kind);
      assert.is(await readFile(join(dataDir, file), 'utf8'), text, `${kind}: left as it was`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  // A file of an earlier version (JSON) is checked as before.
  const dataDir = await filledStore();
  try {
    await writeFile(join(dataDir, 'inbox/20261128-01-5.json'), '{"items":{"msg-0":"yesterday"}}');
    assert.match(await openFails(dataDir), 'inbox/20261128-01-5.json is damaged');
    await rm(join(dataDir, 'inbox/20261128-01-5.json'));
    // An append a kill cut short: never checkpointed, so dropped and cut off; the next append starts a clean line.
    await writeFile(join(dataDir, file), `${good}["msg-2",${NOW}`);
    const store = new LowdbStore({ dataDir, now: () => NOW });
    await store.open();
    assert.is(await store.hasProcessed('msg-1'), true);
    assert.is(await store.hasProcessed('msg-2'), false);
    await store.commit({ inbox: ['msg-3'] });
    await store.close();
    assert.is(await readFile(join(dataDir, file), 'utf8'), `${good}["msg-3",${NOW}]\n`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('the real bot on a damaged DATA_DIR exits non-zero and names the file', async () => {
  const dataDir = await filledStore();
  try {
    await writeFile(join(dataDir, 'applications/20261128-000.json'), '{"items":null}');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // Production settings pointing nowhere: the store opens before anything is contacted.
      DINGTALK_CLIENT_ID: 'ding-test',
      DINGTALK_CLIENT_SECRET: 'secret',
      DINGTALK_API_BASE: 'http://127.0.0.1:9',
      DINGTALK_OAPI_BASE: 'http://127.0.0.1:9',
      BACKOFFICE_URL: 'http://127.0.0.1:9',
      BACKOFFICE_SECRET: 'secret',
      DATA_KEY: TEST_DATA_KEY,
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
    // A bot that (wrongly) starts would run until stopped: a guard ends it so the test fails instead of hanging.
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(guard);
    assert.ok(code !== null && code !== 0, `exit code ${code}`);
    assert.match(output, 'applications/20261128-000.json is damaged');
    assert.not.match(output, 'Yiciban is listening');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('PostgreSQL: a damaged row is an error naming the table and the id', async () => {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `yiciban_damage_${randomBytes(5).toString('hex')}`;
  const store = new PostgresStore({ connectionString: url, schema });
  await store.open();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await store.commit({ applications: [sampleApplication('YC20261128-0001')], jobs: { put: [sampleJob('job-1')] } });
    const q = (table: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
    await admin.query(`UPDATE ${q('applications')} SET doc = doc - 'status'`);
    await admin.query(`UPDATE ${q('outbox_jobs')} SET doc = jsonb_set(doc, '{attempts}', '"many"')`);
    await store.commit({ records: { put: [sampleRecord('n-1')] } });
    await admin.query(`UPDATE ${q('records')} SET tags = '{"status": 1}'::jsonb`);
    const failure = async (run: () => Promise<unknown>) =>
      run().then(
        () => 'resolved',
        (error: Error) => error.message,
      );
    assert.match(
      await failure(() => store.getApplication('YC20261128-0001')),
      'row YC20261128-0001 of table applications is damaged: status',
    );
    assert.match(await failure(() => store.findApplications({})), 'row YC20261128-0001 of table applications is damaged');
    assert.match(await failure(() => store.dueJobs(Number.MAX_SAFE_INTEGER, 10)), 'row job-1 of table outbox_jobs is damaged: attempts');
    assert.match(await failure(() => store.getJob('job-1')), 'row job-1 of table outbox_jobs is damaged');
    assert.match(await failure(() => store.getRecord('notice', 'n-1')), 'row notice:n-1 of table records is damaged: tags.status');
    assert.match(await failure(() => store.findRecords('notice')), 'row notice:n-1 of table records is damaged');
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await admin.end();
  }
});

async function copyTree(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
}

it.run();
