// The redo log that makes a multi-file commit all-or-nothing: the whole batch of operations is written
// to wal.json (atomic temp file + rename) before any data file is touched, and removed once they all are.
import { rm } from 'node:fs/promises';
import { Low } from 'lowdb';
import type { z } from 'zod';
import { StoreFile } from './lowdb-file.js';
import type { Op } from './lowdb-ops.js';
import { walRecord } from './record-schemas.js';

/** Contents of wal.json. */
export interface WalRecord {
  version: 1;
  /** Epoch ms when the batch was logged. */
  at: number;
  ops: Op[];
}

/** wal.json in DATA_DIR: written before a batch's data files, cleared after them. */
export class WriteAheadLog {
  readonly path: string;
  readonly #low: Low<WalRecord | null>;

  constructor(dataDir: string) {
    const file = new StoreFile<WalRecord | null>(dataDir, 'wal.json', walRecord as unknown as z.ZodType<WalRecord>);
    this.path = file.path;
    this.#low = new Low<WalRecord | null>(file, null);
  }

  /** Durable (against kill -9) when it resolves: the data files may now be written. */
  async write(record: WalRecord): Promise<void> {
    this.#low.data = record;
    await this.#low.write();
  }

  /** The pending record, or undefined when the last batch finished. */
  async read(): Promise<WalRecord | undefined> {
    this.#low.data = null;
    try {
      await this.#low.read();
    } catch (error) {
      throw new Error(`${(error as Error).message}; move it away only if you accept losing its last commit`, { cause: error });
    }
    return this.#low.data ?? undefined;
  }

  async clear(): Promise<void> {
    this.#low.data = null;
    await rm(this.path, { force: true });
  }
}
