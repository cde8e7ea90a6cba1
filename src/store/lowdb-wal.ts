// The redo log that makes a multi-file commit all-or-nothing: the whole batch of operations is written
// to wal.json (atomic temp file + rename) before any data file is touched, and removed once they all are.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { Op } from './lowdb-ops.js';

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
    this.path = join(dataDir, 'wal.json');
    this.#low = new Low<WalRecord | null>(new JSONFile(this.path), null);
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
      throw new Error(`${this.path} is unreadable; move it away only if you accept losing its last commit`, { cause: error });
    }
    const record = this.#low.data as WalRecord | null;
    if (record === null) return undefined;
    if (record.version !== 1 || !Array.isArray(record.ops)) throw new Error(`${this.path} has an unknown format (version ${String(record.version)})`);
    return record;
  }

  async clear(): Promise<void> {
    this.#low.data = null;
    await rm(this.path, { force: true });
  }
}
