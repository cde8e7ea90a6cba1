// A lowdb adapter for the store's files: each read is checked against the file's schema (a damaged file
// names itself, relative to DATA_DIR, and never loads as empty), each write is an atomic replace of a file
// only its owner can read (mode 0600; temp file in the same folder, then rename, as steno does).
import { open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import type { z } from 'zod';
import { DamagedRecordError, describeIssues } from './record-schemas.js';

/** Mode of every file the lowdb store writes. */
export const FILE_MODE = 0o600;
/** Mode of every folder the lowdb store creates. */
export const DIR_MODE = 0o700;

/** One JSON file of the store, validated on read, written owner-only. */
export class StoreFile<T> implements Adapter<T> {
  readonly path: string;
  /** The path under DATA_DIR, as error messages name it. */
  readonly name: string;
  readonly #schema: z.ZodType<T>;
  readonly #temp: string;
  #writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string, relative: string, schema: z.ZodType<T>) {
    this.path = path.join(dataDir, relative);
    this.name = relative.split(path.sep).join('/');
    this.#schema = schema;
    this.#temp = path.join(path.dirname(this.path), `.${path.basename(this.path)}.tmp`);
  }

  /** The file's data, or null when the file does not exist; throws DamagedRecordError for anything else wrong. */
  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readClosed(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new DamagedRecordError(this.name, `cannot be read (${(error as Error).message})`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new DamagedRecordError(this.name, `is not valid JSON, perhaps truncated (${(error as Error).message})`, { cause: error });
    }
    const parsed = this.#schema.safeParse(json);
    if (!parsed.success) throw new DamagedRecordError(this.name, describeIssues(parsed.error));
    // The record schemas neither transform nor default anything, so the checked JSON is kept as it is: zod's
    // output would be a copy of the same data, and keeping it would double what a large store's start allocates.
    return json as T;
  }

  /** Atomic replace: writes are queued per file so two never share the temp file. */
  write(data: T): Promise<void> {
    return this.writeText(JSON.stringify(data));
  }

  /** Atomic replace with text the caller made (it must read back as this file's schema). */
  writeText(text: string | Buffer): Promise<void> {
    const next = this.#writing.then(() => this.#replace(text));
    this.#writing = next.catch(() => undefined);
    return next;
  }

  // A temp file is always new here (the store removes leftovers when it opens), so `mode` applies to it.
  async #replace(text: string | Buffer): Promise<void> {
    await writeFile(this.#temp, text, { encoding: 'utf8', mode: FILE_MODE });
    await rename(this.#temp, this.path);
  }
}

/** The file's text; a file written before modes were enforced is closed to other users as it is read. */
export async function readClosed(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    if (((await handle.stat()).mode & 0o777) !== FILE_MODE) await handle.chmod(FILE_MODE);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Removes temp files a crash left in `dir` (never renamed into place, so never committed). */
export async function removeLeftoverTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((name) => /^\..*\.tmp$/.test(name)).map((name) => rm(path.join(dir, name), { force: true })));
}
