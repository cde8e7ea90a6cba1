// Re-seals every value in a store under the current DATA_KEY, so that DATA_KEY_PREVIOUS can be removed after a
// rotation. Values are rewritten one record at a time: an interrupted run leaves every value readable (with
// both keys configured) and running it again finishes the job. `npm run data:reseal` (src/store/reseal-main.ts).
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { isSealed, type DataCipher } from './data-cipher.js';
import { StoreFile } from './lowdb-file.js';
import { LowdbStore } from './lowdb-store.js';
import { PostgresStore } from './postgres-store.js';
import { tableNames } from './postgres-schema.js';
import { SEALING_KEYS_META } from './sealed-store.js';

/** How many records were rewritten. */
export interface ResealReport {
  records: number;
}

/** Every sealed string inside `value` sealed under the current key; `changed` counts the ones that were not. */
export function resealDeep(value: unknown, cipher: DataCipher, changed: { count: number }): unknown {
  if (isSealed(value)) {
    const next = cipher.reseal(value);
    if (next !== value) changed.count += 1;
    return next;
  }
  if (Array.isArray(value)) return value.map((item) => resealDeep(item, cipher, changed));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resealDeep(item, cipher, changed)]));
  }
  return value;
}

/** The lowdb store in `dataDir` (the bot must be stopped): every file rewritten under the current key. */
export async function resealLowdb(dataDir: string, cipher: DataCipher): Promise<ResealReport> {
  // Opening replays an interrupted commit and checks every file against its schema before anything is touched.
  const check = new LowdbStore({ dataDir });
  await check.open();
  await check.close();
  let records = 0;
  const kinds = await readdir(path.join(dataDir, 'records'), { withFileTypes: true }).catch(() => []);
  const recordDirs = kinds.filter((entry) => entry.isDirectory()).map((entry) => path.join('records', entry.name));
  for (const dir of ['applications', 'dialogs', 'outbox', 'state', ...recordDirs]) {
    const names = await readdir(path.join(dataDir, dir)).catch(() => [] as string[]);
    for (const name of names.filter((file) => /^[^.].*\.json$/.test(file))) {
      const file = new StoreFile<unknown>(dataDir, path.join(dir, name), z.unknown());
      const changed = { count: 0 };
      const next = resealDeep(JSON.parse(await readFile(file.path, 'utf8')), cipher, changed);
      if (changed.count === 0) continue;
      await file.write(next);
      // A bucket's summary records where each document lies: gone, it is rebuilt from the bucket when the store opens.
      if (dir === 'applications') await rm(path.join(dataDir, dir, 'summaries', name), { force: true });
      records += changed.count;
    }
  }
  const store = new LowdbStore({ dataDir });
  await store.open();
  await store.commit({ meta: { [SEALING_KEYS_META]: [cipher.currentKeyId] } });
  await store.close();
  return { records };
}

/** The PostgreSQL store at `connectionString`: every document rewritten under the current key, row by row. */
export async function resealPostgres(connectionString: string, cipher: DataCipher, schema = 'public'): Promise<ResealReport> {
  const migrated = new PostgresStore({ connectionString, schema });
  await migrated.open();
  await migrated.close();
  const t = tableNames(schema);
  const client = new pg.Client({ connectionString });
  await client.connect();
  let records = 0;
  try {
    // Each table with the columns naming a row and the document column that holds sealed values.
    const tables = [
      { table: t.applications, keys: ['id'], doc: 'doc' },
      { table: t.dialogs, keys: ['key'], doc: 'doc' },
      { table: t.jobs, keys: ['id'], doc: 'doc' },
      { table: t.dead, keys: ['id'], doc: 'doc' },
      { table: t.records, keys: ['kind', 'id'], doc: 'data' },
      { table: t.meta, keys: ['key'], doc: 'value' },
    ];
    for (const { table, keys, doc } of tables) {
      const where = keys.map((key, i) => `${key} = $${i + 1}`).join(' AND ');
      const { rows } = await client.query<Record<string, string>>(`SELECT ${keys.join(', ')} FROM ${table}`);
      for (const row of rows) {
        const key = keys.map((name) => row[name]);
        // One short transaction per row, its lock held from read to write, so a running bot is never overwritten.
        await client.query('BEGIN');
        try {
          const { rows: found } = await client.query<{ doc: unknown }>(`SELECT ${doc} AS doc FROM ${table} WHERE ${where} FOR UPDATE`, key);
          const changed = { count: 0 };
          const next = found[0] ? resealDeep(found[0].doc, cipher, changed) : undefined;
          if (changed.count > 0)
            await client.query(`UPDATE ${table} SET ${doc} = $${keys.length + 1}::jsonb WHERE ${where}`, [...key, JSON.stringify(next)]);
          await client.query('COMMIT');
          records += changed.count;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }
    }
    await client.query(`INSERT INTO ${t.meta} (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
      SEALING_KEYS_META,
      JSON.stringify([cipher.currentKeyId]),
    ]);
  } finally {
    await client.end();
  }
  return { records };
}
