// `npm run migrate`: creates or upgrades the PostgreSQL store's tables (DATABASE_URL) and exits. Every instance
// also migrates at start, under an advisory lock, so running this first is optional: it lets a rolling upgrade
// change the schema once, before the first new instance starts. Safe to run while instances are running.
import pg from 'pg';
import { ConfigError, loadConfig } from '../config.js';
import { migrate, tableNames } from './postgres-schema.js';

try {
  const config = loadConfig(process.env);
  if (!config.databaseUrl)
    throw new ConfigError([
      'DATABASE_URL: npm run migrate needs a postgres:// connection string (the embedded store has no schema to migrate)',
    ]);
  const client = new pg.Client({ connectionString: config.databaseUrl, application_name: 'yiciban-migrate' });
  await client.connect();
  try {
    await migrate(client, 'public');
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${tableNames('public').migrations} ORDER BY version`);
    console.log(`PostgreSQL store is at schema version ${rows.at(-1)?.version} (applied: ${rows.map((row) => row.version).join(', ')})`);
  } finally {
    await client.end();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `migrate failed: ${(error as Error).message}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
