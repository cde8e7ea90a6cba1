// Picks the Store implementation from the configuration (DESIGN.md: DATABASE_URL selects PostgreSQL).
import { LowdbStore } from './lowdb-store.js';
import { PostgresStore } from './postgres-store.js';
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
  if (config.databaseUrl) return new PostgresStore({ connectionString: config.databaseUrl, now: options.now });
  return new LowdbStore({ dataDir: config.dataDir, now: options.now });
}
