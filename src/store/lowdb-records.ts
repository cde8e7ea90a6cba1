// Feature records in the lowdb store: one folder per kind (records/<kind>/), each record in one of a few
// small files by a hash of its id (records/notice/2a.json), so a commit rewrites one small file however
// many records a kind holds. An in-memory index per kind answers findRecords newest first.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { DIR_MODE } from './lowdb-file.js';
import { LowdbCollection } from './lowdb-collection.js';
import { recordShard } from './lowdb-layout.js';
import { newestFirst, RECORD_KIND } from './record-rules.js';
import { featureRecordOf } from './record-schemas.js';
import type { RecordQuery, StoredRecord } from './store.js';

// The index holds each record's tags too, so a tag filter never looks the record up.
type Entry = Pick<StoredRecord, 'updatedAt' | 'id' | 'tags'>;

// Oldest first, so the usual update (now the newest) is an append.
const oldestFirst = (a: Entry, b: Entry) => newestFirst(b, a);

/** The records of one kind, ordered by (updatedAt, id). */
class KindIndex {
  readonly #entries: Entry[] = [];

  put(previous: StoredRecord | undefined, next: StoredRecord): void {
    if (previous) this.remove(previous);
    const entry = { updatedAt: next.updatedAt, id: next.id, tags: next.tags };
    const last = this.#entries[this.#entries.length - 1];
    if (!last || oldestFirst(last, entry) < 0) this.#entries.push(entry);
    else this.#entries.splice(this.#search(entry), 0, entry);
  }

  remove(record: StoredRecord): void {
    const at = this.#search(record);
    const found = this.#entries[at];
    if (found && oldestFirst(found, record) === 0) this.#entries.splice(at, 1);
  }

  /** Ids newest first, tag-filtered, with the total before paging. */
  query(query: RecordQuery): { total: number; ids: string[] } {
    const offset = Math.max(0, query.offset ?? 0);
    const limit = query.limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, query.limit);
    const ids: string[] = [];
    let total = 0;
    const tags = query.tags && Object.entries(query.tags);
    if (!tags || tags.length === 0) {
      const end = this.#entries.length - offset;
      for (let i = end - 1; i >= 0 && ids.length < limit; i--) ids.push(this.#entries[i]!.id);
      return { total: this.#entries.length, ids };
    }
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i]!;
      if (!tags.every(([key, value]) => entry.tags?.[key] === value)) continue;
      if (total >= offset && ids.length < limit) ids.push(entry.id);
      total++;
    }
    return { total, ids };
  }

  // First position whose entry is not older than `entry`.
  #search(entry: Entry): number {
    let low = 0;
    let high = this.#entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (oldestFirst(this.#entries[mid]!, entry) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

interface Kind {
  collection: LowdbCollection<StoredRecord>;
  index: KindIndex;
}

/** Every kind's records, loaded from records/<kind>/*.json and written back shard by shard. */
export class LowdbRecords {
  readonly #dataDir: string;
  readonly #kinds = new Map<string, Kind>();
  /** Kinds first written since the load: their folder is made before their first file. */
  readonly #newFolders = new Set<string>();

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  /** Reads every kind's folder; a folder whose name is not a record kind is not ours and stays untouched. */
  async load(): Promise<void> {
    const root = join(this.#dataDir, 'records');
    await mkdir(root, { recursive: true, mode: DIR_MODE });
    const entries = await readdir(root, { withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isDirectory() || !RECORD_KIND.test(entry.name)) continue;
      const kind = this.#kind(entry.name);
      this.#newFolders.delete(entry.name);
      await kind.collection.load();
      for (const record of kind.collection.values()) kind.index.put(undefined, record);
    }
  }

  /** The stored record (not a copy), if any. */
  get(kind: string, id: string): StoredRecord | undefined {
    return this.#kinds.get(kind)?.collection.get(id);
  }

  /** Every stored record of every kind (not copies). */
  *all(): IterableIterator<StoredRecord> {
    for (const kind of this.#kinds.values()) yield* kind.collection.values();
  }

  /** Records of `kind` matching the query, newest first, with the total before paging (not copies). */
  find(kind: string, query: RecordQuery): { total: number; items: StoredRecord[] } {
    const found = this.#kinds.get(kind);
    if (!found) return { total: 0, items: [] };
    const { total, ids } = found.index.query(query);
    return { total, items: ids.map((id) => found.collection.get(id)!) };
  }

  /** Inserts or replaces a record (already checked by planning). */
  put(record: StoredRecord): void {
    const kind = this.#kind(record.kind);
    kind.index.put(kind.collection.put(record.id, record), record);
  }

  /** Forgets a record; an absent one is no change. */
  remove(kind: string, id: string): void {
    const found = this.#kinds.get(kind);
    const previous = found?.collection.delete(id);
    if (previous) found!.index.remove(previous);
  }

  /** Whether some kind has changes not yet written. */
  get dirty(): boolean {
    return [...this.#kinds.values()].some((kind) => kind.collection.dirty);
  }

  /** Writes every touched file of every kind. */
  async flush(): Promise<void> {
    for (const name of this.#newFolders) {
      await mkdir(join(this.#dataDir, 'records', name), { recursive: true, mode: DIR_MODE });
      this.#newFolders.delete(name);
    }
    await Promise.all([...this.#kinds.values()].map((kind) => kind.collection.flush()));
  }

  #kind(name: string): Kind {
    let kind = this.#kinds.get(name);
    if (!kind) {
      const item = featureRecordOf(name) as unknown as z.ZodType<StoredRecord>;
      const collection = new LowdbCollection<StoredRecord>(this.#dataDir, {
        dir: join('records', name),
        shardOf: (id) => recordShard(id),
        item,
      });
      kind = { collection, index: new KindIndex() };
      this.#kinds.set(name, kind);
      this.#newFolders.add(name);
    }
    return kind;
  }
}
