// Picks the Store implementation from the configuration (DESIGN.md: DATABASE_URL selects PostgreSQL).
import type { DataCipher } from './data-cipher.js';
import { LowdbStore } from './lowdb-store.js';
import { PostgresStore } from './postgres-store.js';
import { RecordCodec, SealedStore, type SensitiveFields } from './sealed-store.js';
import type { Store } from './store.js';

export interface StoreConfig {
  dataDir: string;
  databaseUrl?: string;
}

export interface CreateStoreOptions {
  /** Clock for the store's own timestamps (inbox times, revived jobs); defaults to Date.now. */
  now?: () => number;
  /** Encrypts personal data at rest (DATA_KEY); the bot always passes one, some store-level tests do not. */
  cipher?: DataCipher;
  /** Which application fields are sensitive, from the matter catalogue; unknown matters have all fields sealed. */
  sensitive?: SensitiveFields;
}

/** Builds the configured store, not yet opened: call `open()` before use and `close()` at shutdown. */
export function createStore(config: StoreConfig, options: CreateStoreOptions = {}): Store {
  const store = config.databaseUrl
    ? new PostgresStore({ connectionString: config.databaseUrl, now: options.now })
    : new LowdbStore({ dataDir: config.dataDir, now: options.now });
  return options.cipher ? new SealedStore(store, new RecordCodec(options.cipher, options.sensitive)) : store;
}
