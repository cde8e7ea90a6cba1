// Picks the Store implementation from the configuration (DESIGN.md: DATABASE_URL selects PostgreSQL).
import { LowdbStore } from './lowdb-store.js';
import type { Store } from './store.js';

export interface StoreConfig {
  dataDir: string;
  databaseUrl?: string;
}

export interface CreateStoreOptions {
  /** Clock for the store's own timestamps (inbox times, revived jobs); defaults to Date.now. */
  now?: () => number;
}

/** Builds the configured store, not yet opened: call `open()` before use and `close()` at shutdown. */
export function createStore(config: StoreConfig, options: CreateStoreOptions = {}): Store {
  if (config.databaseUrl) {
    throw new Error(
      'DATABASE_URL is set, but this build has no PostgreSQL store yet; unset DATABASE_URL to use the embedded lowdb store in DATA_DIR',
    );
  }
  return new LowdbStore({ dataDir: config.dataDir, now: options.now });
}
