import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import * as assert from 'uvu/assert';
import { copyLowdbToPostgres } from '../../src/store/lowdb-to-pg.js';
import { BotHarness, cardText, lastCard, Player, submitIndividualBusiness, USERS } from '../support/bot-harness.js';
import { TEST_DATA_KEY } from '../support/harness.js';
import { suite } from '../support/suite.js';

// CI starts PostgreSQL on this machine; each test copies into a throwaway database, dropped at the end.
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = promisify(execFile);

const test = suite('store: npm run migrate:lowdb-to-pg');

const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2, connectionTimeoutMillis: 5_000 });
admin.on('error', () => undefined);
let h: BotHarness;
let database: string;
let target: string;

test.before.each(async () => {
  database = `yiciban_l2p_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${database}`;
  target = url.toString();
  h = await BotHarness.create();
});
test.after.each(async () => {
  await h.close();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
});
test.after(async () => {
  await admin.end();
});

// The command as an operator runs it, with the bot's environment.
async function command(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, DATA_DIR: h.dataDir, DATABASE_URL: target, DATA_KEY: TEST_DATA_KEY };
  return run('node', ['--import', 'tsx', 'src/store/lowdb-to-pg-main.ts', ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

// Every file under `dir` with its content, to see that a dry run leaves DATA_DIR as it was.
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files = await readdir(dir, { recursive: true, withFileTypes: true });
  const found: Record<string, string> = {};
  for (const file of files.filter((entry) => entry.isFile())) {
    const name = join(file.parentPath, file.name);
    found[name] = await readFile(name, 'utf8');
  }
  return found;
}

async function tableCounts(): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    const counts: Record<string, number> = {};
    for (const { table_name } of rows) {
      counts[table_name] = Number((await client.query(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(table_name)}`)).rows[0].n);
    }
    return counts;
  } finally {
    await client.end();
  }
}

test('a dry run counts and writes nothing; --apply copies it all; the bot carries on on PostgreSQL', async () => {
  // The bot on lowdb: a filed application (with its pending outbox jobs) and li's application half typed in.
  const id = await submitIndividualBusiness(h, 'zhang');
  const li = new Player(h, 'li');
  await li.say('我要办 个体工商户设立登记');
  await li.click('不同意，自己填写上传');
  await li.say(USERS.li.name);
  const pending = (await h.rawStore.dueJobs(Number.MAX_SAFE_INTEGER, 1000)).length;
  assert.ok(pending > 0, 'the submission left pending jobs');
  await h.rawStore.close();

  const before = await snapshot(h.dataDir);
  const dry = await command();
  assert.is(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^applications: 1$/m);
  assert.match(dry.stdout, /^dialogs: 1$/m);
  assert.match(dry.stdout, new RegExp(`^pending jobs: ${pending}$`, 'm'));
  assert.match(dry.stdout, /^dead jobs: 0$/m);
  assert.match(dry.stdout, /^counters: 1$/m);
  assert.match(dry.stdout, /^ {2}matter: \d+$/m, 'records by kind');
  assert.match(dry.stdout, /dry run: would write \d+ rows into PostgreSQL \(nothing written\)/);
  assert.equal(await tableCounts(), {}, 'a dry run does not even create the tables');
  assert.equal(await snapshot(h.dataDir), before, 'nor does it touch DATA_DIR');

  const applied = await command('--apply');
  assert.is(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /copied \d+ rows into PostgreSQL; every count checked again and matches/);
  const copied = await tableCounts();
  assert.is(copied.applications, 1);
  assert.is(copied.dialogs, 1);
  assert.is(copied.outbox_jobs, pending);
  assert.ok(copied.records! > 0 && copied.inbox! > 0 && copied.meta! > 0, JSON.stringify(copied));

  const again = await command('--apply');
  assert.is(again.code, 1);
  assert.match(again.stderr, /the PostgreSQL store is not empty .*--into-non-empty/);

  // The same DATA_KEY on PostgreSQL: the application is found, a status event applies, li's dialog continues.
  await h.restartOn(target);
  const shown = lastCard(await h.say('zhang', `查询 ${id}`));
  assert.match(`${shown.card.title}\n${cardText(shown.card)}`, id);
  assert.is(
    (await h.backoffice({ eventId: 'ev-after-copy', applicationId: id, status: 'accepted', at: h.now.toISOString() })).status,
    'applied',
  );
  assert.is((await h.store.getApplication(id))?.status, 'accepted');
  await li.say(USERS.li.idCard);
  await li.click('跳过');
  for (const answer of ['小吃服务', '杭州市西湖区文三路100号', '13800000002']) await li.say(answer);
  await li.upload('身份证.jpg');
  await li.upload('租赁合同.pdf');
  await li.click('提交');
  const second = /^办件 (YC\d{8}-\d{4})$/.exec(li.card.title)?.[1];
  assert.ok(second, `li's dialog went on to a submission; last card: ${li.card.title}`);
  assert.is.not(second, id, 'the day counter carried over: no number is handed out twice');
});

test('--apply refuses a target with data unless --into-non-empty, and then copies over it', async () => {
  await submitIndividualBusiness(h, 'zhang');
  await h.rawStore.close();
  const dataDir = await mkdtemp(join(tmpdir(), 'yc-l2p-'));
  try {
    await cp(h.dataDir, dataDir, { recursive: true });
    const first = await copyLowdbToPostgres({ dataDir, connectionString: target, apply: true });
    assert.is(first.target?.applications, 1);
    try {
      await copyLowdbToPostgres({ dataDir, connectionString: target, apply: true });
      assert.unreachable('a non-empty target is refused');
    } catch (error) {
      assert.match((error as Error).message, 'not empty');
    }
    const forced = await copyLowdbToPostgres({ dataDir, connectionString: target, apply: true, intoNonEmpty: true });
    assert.equal(forced.target, forced.source);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await h.restart();
  }
});

test.run();
