// `npm run migrate:lowdb-to-pg`: copies the embedded store in DATA_DIR into the PostgreSQL store at DATABASE_URL.
// A dry run by default (counts, writes nothing); `-- --apply` copies, `--into-non-empty` allows a target that
// already holds data. Stop the bot first; keep the same DATA_KEY: the values are copied still sealed.
import { ConfigError, loadConfig } from '../config.js';
import { copyLowdbToPostgres, describeCopy } from './lowdb-to-pg.js';

const args = process.argv.slice(2);
try {
  const config = loadConfig(process.env);
  if (!config.databaseUrl)
    throw new ConfigError(['DATABASE_URL: npm run migrate:lowdb-to-pg needs the postgres:// connection string of the target']);
  const unknown = args.filter((arg) => arg !== '--apply' && arg !== '--into-non-empty');
  if (unknown.length > 0) throw new ConfigError([`unknown arguments ${unknown.join(' ')} (known: --apply, --into-non-empty)`]);
  const apply = args.includes('--apply');
  const report = await copyLowdbToPostgres({
    dataDir: config.dataDir,
    connectionString: config.databaseUrl,
    apply,
    intoNonEmpty: args.includes('--into-non-empty'),
  });
  console.log(`lowdb store in ${config.dataDir}:`);
  for (const line of describeCopy(report, apply)) console.log(line);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `migrate:lowdb-to-pg failed: ${(error as Error).message}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
