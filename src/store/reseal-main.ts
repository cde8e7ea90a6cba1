// `npm run data:reseal`: after a DATA_KEY rotation, re-seals every stored value under the new DATA_KEY so that
// DATA_KEY_PREVIOUS can be removed. Run it with the same environment as the bot (DATA_KEY, DATA_KEY_PREVIOUS,
// DATA_DIR or DATABASE_URL); for the lowdb store stop the bot first.
import { ConfigError, loadConfig } from '../config.js';
import { DataCipher, resolveDataKeys } from './data-cipher.js';
import { resealLowdb, resealPostgres } from './reseal.js';

try {
  const config = loadConfig(process.env);
  const cipher = new DataCipher(await resolveDataKeys(config));
  const { records } = config.databaseUrl ? await resealPostgres(config.databaseUrl, cipher) : await resealLowdb(config.dataDir, cipher);
  console.log(`re-sealed ${records} values under data key ${cipher.currentKeyId}; DATA_KEY_PREVIOUS may now be removed`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `data:reseal failed: ${(error as Error).message}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
