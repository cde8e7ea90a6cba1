// The redo log that makes a commit durable with one append: each batch of operations is one newline-terminated
// JSON line of wal.log, appended before the batch is acknowledged. The data files are written later, at a
// checkpoint, and the log is emptied once they all are (src/store/lowdb-store.ts), so a commit costs one write
// however large the files it touches. A kill -9 during an append leaves a last line without its newline: that
// batch was never acknowledged and is dropped. A complete line that does not read as a batch is damage and stops
// the start, naming the file. wal.json (one batch, written whole) is the log of earlier versions, replayed first.
import { open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { z } from 'zod';
import { FILE_MODE, StoreFile } from './lowdb-file.js';
import { opJson, type Op } from './lowdb-ops.js';
import { DamagedRecordError, describeIssues, walRecord } from './record-schemas.js';

/** One logged batch: a line of wal.log (or the whole of an old wal.json). */
export interface WalRecord {
  version: 1;
  /** Epoch ms when the batch was logged. */
  at: number;
  ops: Op[];
}

/** What a read of the log found. */
export interface WalContents {
  records: WalRecord[];
  /** Bytes of an interrupted last append (never acknowledged), dropped. */
  tornBytes: number;
}

const LOG = 'wal.log';

/** wal.log in DATA_DIR: appended before a batch is acknowledged, emptied after a checkpoint. */
export class WriteAheadLog {
  readonly path: string;
  readonly #legacy: Low<WalRecord | null>;
  readonly #legacyPath: string;
  #handle: FileHandle | undefined;
  #bytes = 0;

  constructor(dataDir: string) {
    this.path = join(dataDir, LOG);
    const legacy = new StoreFile<WalRecord | null>(dataDir, 'wal.json', walRecord as unknown as z.ZodType<WalRecord>);
    this.#legacyPath = legacy.path;
    this.#legacy = new Low<WalRecord | null>(legacy, null);
  }

  /** Bytes appended since the log was last emptied. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Durable (against kill -9) when it resolves. A failed append is cut off again so the next one starts on a
   * fresh line; if even that fails the log is unusable and this throws an error with `broken` set.
   */
  async append(record: WalRecord): Promise<void> {
    // The same text as JSON.stringify(record), with each document's text reused from its planning.
    const text = `{"version":${JSON.stringify(record.version)},"at":${JSON.stringify(record.at)},"ops":[${record.ops.map(opJson).join(',')}]}\n`;
    this.#handle ??= await open(this.path, 'a', FILE_MODE);
    try {
      await this.#handle.appendFile(text, 'utf8');
    } catch (error) {
      await this.#handle.truncate(this.#bytes).catch((repair: unknown) => {
        throw Object.assign(new Error(`${LOG} could not be cut back after a failed append`, { cause: repair }), { broken: true });
      });
      throw error;
    }
    this.#bytes += Buffer.byteLength(text);
  }

  /** Every batch still logged, oldest first (an old wal.json before wal.log). */
  async read(): Promise<WalContents> {
    const records: WalRecord[] = [];
    this.#legacy.data = null;
    try {
      await this.#legacy.read();
    } catch (error) {
      throw new Error(`${(error as Error).message}; move it away only if you accept losing its last commit`, { cause: error });
    }
    if (this.#legacy.data) records.push(this.#legacy.data);
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records, tornBytes: 0 };
      throw new DamagedRecordError(LOG, `cannot be read (${(error as Error).message})`, { cause: error });
    }
    const lines = text.split('\n');
    const torn = lines.pop() ?? '';
    lines.forEach((line, index) => records.push(parseLine(line, index + 1)));
    return { records, tornBytes: Buffer.byteLength(torn) };
  }

  /** Empties the log: every batch in it is in the data files now. */
  async clear(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    this.#bytes = 0;
    await handle?.close();
    await rm(this.path, { force: true });
    await rm(this.#legacyPath, { force: true });
  }

  /** Closes the file (the log stays for the next open to replay). */
  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }
}

function parseLine(line: string, number: number): WalRecord {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw new DamagedRecordError(
      LOG,
      `line ${number} is not valid JSON (${(error as Error).message}); move it away only if you accept losing its commits`,
      { cause: error },
    );
  }
  const parsed = walRecord.safeParse(json);
  if (!parsed.success) throw new DamagedRecordError(LOG, `line ${number}: ${describeIssues(parsed.error)}`);
  return parsed.data as unknown as WalRecord;
}
