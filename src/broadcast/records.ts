// Notice documents in the shape of the generic records collection (/work/wt/RECORDS.md): kind, id, rev,
// data. Until that collection is on main they live in the store's `meta` documents, one key per record
// (`rec:<kind>:<id>`), written in the same commit as the jobs they cause; revisions are checked here, under
// one lock per process (the sender is the only writer of batches and progress; the bot and the admin API
// write only the notice when it is created and the separate cancel mark).
import { ConflictError, type Commit, type Store } from '../store/store.js';

/** A feature document kept by kind and id (RECORDS.md). */
export interface StoredRecord<T = unknown> {
  kind: string;
  id: string;
  rev: number;
  data: T;
  updatedAt: number;
}

/** The meta key of a record. */
export function recordKey(kind: string, id: string): string {
  return `rec:${kind}:${id}`;
}

/** The meta key listing the ids of every notice, oldest first. */
export const NOTICE_INDEX_KEY = 'rec-index:notice';

/** Reads and writes records through a Store, revisions checked. */
export class RecordBook {
  #lock: Promise<unknown> = Promise.resolve();

  constructor(readonly store: Store) {}

  async get<T>(kind: string, id: string): Promise<StoredRecord<T> | undefined> {
    return this.store.getMeta<StoredRecord<T>>(recordKey(kind, id));
  }

  /** Writes `records` (each at stored rev + 1) together with `change`; ConflictError when one moved. */
  commit(records: StoredRecord[], change: Commit = {}): Promise<void> {
    const run = this.#lock.then(async () => {
      for (const record of records) {
        const stored = await this.get(record.kind, record.id);
        if ((stored?.rev ?? 0) + 1 !== record.rev) throw new ConflictError(`${record.kind}:${record.id}`, record.rev, stored?.rev ?? 0);
      }
      const meta = { ...change.meta, ...Object.fromEntries(records.map((r) => [recordKey(r.kind, r.id), r])) };
      await this.store.commit({ ...change, meta });
    });
    this.#lock = run.catch(() => undefined);
    return run;
  }
}

/** The next revision of a record (or the first one) holding `data`. */
export function nextRecord<T>(kind: string, id: string, stored: StoredRecord<T> | undefined, data: T, now: number): StoredRecord<T> {
  return { kind, id, rev: (stored?.rev ?? 0) + 1, data, updatedAt: now };
}
