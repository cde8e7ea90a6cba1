// A decision's staged feature records: saves and removals held in memory, with reads that see them on top of
// the store (so a handler reads what it just wrote), until the bot commits them with the decision.
import { matchesTags, newestFirst, recordName } from '../store/record-rules.js';
import type { RecordQuery, Store, StoredRecord } from '../store/store.js';

interface Change {
  kind: string;
  id: string;
  /** The record to put, or null to remove it. */
  record: StoredRecord | null;
}

/** Staged record changes over a store; the last change of a `kind:id` wins. */
export class StagedRecords {
  readonly #changes = new Map<string, Change>();

  constructor(private readonly store: Store) {}

  /** Stages a put (its rev must be the stored rev + 1; 1 for a new record). */
  save(record: StoredRecord): void {
    this.#changes.set(recordName(record.kind, record.id), { kind: record.kind, id: record.id, record });
  }

  /** Stages a removal. */
  remove(kind: string, id: string): void {
    this.#changes.set(recordName(kind, id), { kind, id, record: null });
  }

  /** The record as it will be after the commit: staged first, then the store. */
  async get<T>(kind: string, id: string): Promise<StoredRecord<T> | undefined> {
    const staged = this.#changes.get(recordName(kind, id));
    if (staged) return (staged.record ?? undefined) as StoredRecord<T> | undefined;
    return this.store.getRecord<T>(kind, id);
  }

  /** The store's answer to findRecords with the staged changes of `kind` applied (same order, total and page). */
  async find<T>(kind: string, query: RecordQuery = {}): Promise<{ total: number; items: StoredRecord<T>[] }> {
    const staged = [...this.#changes.values()].filter((change) => change.kind === kind);
    if (staged.length === 0) return this.store.findRecords<T>(kind, query);
    const offset = Math.max(0, query.offset ?? 0);
    const limit = query.limit === undefined ? undefined : Math.max(0, query.limit);
    // Enough stored matches to fill the page even if every staged record was among them.
    const window = limit === undefined ? undefined : offset + limit + staged.length;
    const stored = await this.store.findRecords<T>(kind, { tags: query.tags, limit: window });
    // The total: stored matches, less the staged ones that were stored matches, plus the staged puts that match.
    let total = stored.total;
    for (const change of staged) {
      const before = await this.store.getRecord(kind, change.id);
      if (before && matchesTags(before, query.tags)) total -= 1;
      if (change.record && matchesTags(change.record, query.tags)) total += 1;
    }
    const puts = staged.flatMap((change) =>
      change.record && matchesTags(change.record, query.tags) ? [change.record as StoredRecord<T>] : [],
    );
    const unchanged = stored.items.filter((record) => !this.#changes.has(recordName(kind, record.id)));
    const merged = [...unchanged, ...puts].sort(newestFirst);
    return { total, items: merged.slice(offset, limit === undefined ? undefined : offset + limit) };
  }

  /** The staged changes as a Commit's `records`. */
  commit(): { put: StoredRecord[]; remove: { kind: string; id: string }[] } {
    const changes = [...this.#changes.values()];
    return {
      put: changes.flatMap((change) => (change.record ? [change.record] : [])),
      remove: changes.filter((change) => change.record === null).map(({ kind, id }) => ({ kind, id })),
    };
  }
}
