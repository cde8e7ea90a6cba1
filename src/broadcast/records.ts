// Notice documents in the generic records collection (src/store/store.ts StoredRecord): `notice`,
// `notice.batch`, `notice.progress`, `notice.cancel`. The jobs write through the store (revisions checked
// by it, batches and progress written in the same commit as the jobs they cause); the bot writes through
// its decision context. Tags are plain strings the store filters on, never personal data.
import type { Commit, Store, StoredRecord } from '../store/store.js';

export type { StoredRecord } from '../store/store.js';

/** Reads and writes notice records outside the bot (the jobs, the admin API). */
export class RecordBook {
  constructor(readonly store: Store) {}

  get<T>(kind: string, id: string): Promise<StoredRecord<T> | undefined> {
    return this.store.getRecord<T>(kind, id);
  }

  /** Writes `records` (each at stored rev + 1) together with `change`; ConflictError when one moved. */
  commit(records: StoredRecord[], change: Commit = {}): Promise<void> {
    return this.store.commit({ ...change, records: { put: [...(change.records?.put ?? []), ...records] } });
  }
}
