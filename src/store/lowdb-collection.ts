// A keyed collection held in memory and persisted as several small lowdb files (shards).
// Only the shards touched since the last flush are rewritten, each by an atomic temp-file + rename.
// Every shard is checked against the collection's schema as it loads (src/store/lowdb-file.ts).
import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { DIR_MODE, removeLeftoverTemps, StoreFile } from './lowdb-file.js';

// Shard files read at once when a collection loads.
const PARALLEL_READS = 4;

/** On-disk shape of one shard file. */
export interface ShardFile<T> {
  items: Record<string, T>;
}

export interface CollectionOptions<T> {
  /** Directory under DATA_DIR holding this collection's shard files. */
  dir: string;
  /** Shard (file name without `.json`) a record belongs in. */
  shardOf: (key: string, value: T) => string;
  /** Fixed shard names to load; when absent every `*.json` in `dir` belongs to the collection. */
  shards?: string[];
  /** Schema of one record; a shard holding anything else stops the load, naming the file. */
  item: z.ZodType<T>;
}

/** In-memory map of records, persisted shard by shard with lowdb's JSONFile. */
export class LowdbCollection<T> {
  readonly #root: string;
  readonly #options: CollectionOptions<T>;
  readonly #shards = new Map<string, Map<string, T>>();
  readonly #shardOfKey = new Map<string, string>();
  readonly #dirty = new Set<string>();
  readonly #dropped = new Set<string>();
  readonly #files = new Map<string, Low<ShardFile<T>>>();
  readonly #dataDir: string;
  readonly #schema: z.ZodType<ShardFile<T>>;

  constructor(dataDir: string, options: CollectionOptions<T>) {
    this.#dataDir = dataDir;
    this.#root = join(dataDir, options.dir);
    this.#options = options;
    this.#schema = z.strictObject({ items: z.record(z.string(), options.item) }) as unknown as z.ZodType<ShardFile<T>>;
  }

  /** Reads every shard file of the collection into memory. */
  async load(): Promise<void> {
    await mkdir(this.#root, { recursive: true, mode: DIR_MODE });
    await chmod(this.#root, DIR_MODE);
    await removeLeftoverTemps(this.#root);
    const names =
      this.#options.shards ?? (await readdir(this.#root)).filter((file) => /^[^.].*\.json$/.test(file)).map((file) => file.slice(0, -5));
    // A few files at a time, so reading one overlaps checking another; filled in name order all the same.
    const lows = names.map((name) => this.#file(name));
    let next = 0;
    const reader = async () => {
      while (next < lows.length) await lows[next++]!.read();
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, lows.length) }, reader));
    names.forEach((name, i) => {
      const shard = this.#shard(name);
      for (const [key, value] of Object.entries(lows[i]!.data.items ?? {})) {
        shard.set(key, value);
        this.#shardOfKey.set(key, name);
      }
      lows[i]!.data = { items: {} }; // memory holds the records once, in the shard maps
    });
  }

  get size(): number {
    return this.#shardOfKey.size;
  }

  get(key: string): T | undefined {
    const name = this.#shardOfKey.get(key);
    return name === undefined ? undefined : this.#shards.get(name)?.get(key);
  }

  has(key: string): boolean {
    return this.#shardOfKey.has(key);
  }

  *values(): IterableIterator<T> {
    for (const shard of this.#shards.values()) yield* shard.values();
  }

  /** Every key with its value, shard by shard. */
  *entries(): IterableIterator<[string, T]> {
    for (const shard of this.#shards.values()) yield* shard.entries();
  }

  shardNames(): string[] {
    return [...this.#shards.keys()];
  }

  /** Inserts or replaces; a record whose shard changed moves files. Returns the previous value. */
  put(key: string, value: T): T | undefined {
    const previous = this.delete(key);
    const name = this.#options.shardOf(key, value);
    this.#shard(name).set(key, value);
    this.#shardOfKey.set(key, name);
    this.#dirty.add(name);
    this.#dropped.delete(name);
    return previous;
  }

  delete(key: string): T | undefined {
    const name = this.#shardOfKey.get(key);
    if (name === undefined) return undefined;
    const shard = this.#shards.get(name);
    const previous = shard?.get(key);
    shard?.delete(key);
    this.#shardOfKey.delete(key);
    this.#dirty.add(name);
    return previous;
  }

  /** Forgets a whole shard; its file is removed at the next flush. Returns how many records went. */
  dropShard(name: string): number {
    const shard = this.#shards.get(name);
    if (!shard) return 0;
    for (const key of shard.keys()) this.#shardOfKey.delete(key);
    this.#shards.delete(name);
    this.#dirty.delete(name);
    this.#dropped.add(name);
    return shard.size;
  }

  /** Whether there are changes not yet written. */
  get dirty(): boolean {
    return this.#dirty.size > 0 || this.#dropped.size > 0;
  }

  /** Writes every touched shard (in parallel, each atomically) and removes dropped ones. */
  async flush(): Promise<void> {
    const dirty = [...this.#dirty];
    const dropped = [...this.#dropped];
    this.#dirty.clear();
    this.#dropped.clear();
    try {
      await Promise.all([
        ...dirty.map((name) => {
          const low = this.#file(name);
          low.data = { items: Object.fromEntries(this.#shard(name)) };
          return low.write();
        }),
        ...dropped.map(async (name) => {
          this.#files.delete(name);
          await rm(join(this.#root, `${name}.json`), { force: true });
        }),
      ]);
    } catch (error) {
      // Keep them marked so a later flush (or the WAL replay at the next open) still writes them.
      for (const name of dirty) this.#dirty.add(name);
      for (const name of dropped) this.#dropped.add(name);
      throw error;
    }
  }

  #shard(name: string): Map<string, T> {
    let shard = this.#shards.get(name);
    if (!shard) {
      shard = new Map();
      this.#shards.set(name, shard);
    }
    return shard;
  }

  // One Low per file, kept for the collection's life: steno's writer serialises writes to one path.
  #file(name: string): Low<ShardFile<T>> {
    let low = this.#files.get(name);
    if (!low) {
      low = new Low<ShardFile<T>>(new StoreFile(this.#dataDir, join(this.#options.dir, `${name}.json`), this.#schema), { items: {} });
      this.#files.set(name, low);
    }
    return low;
  }
}
