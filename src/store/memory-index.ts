// In-memory indexes over applications so listing one applicant's applications, newest first,
// does not scan (or sort) every application the store holds.
import type { Application } from '../domain/types.js';
import { applicationFilter } from './application-filter.js';
import type { ApplicationQuery } from './store.js';

interface Entry {
  createdAt: string;
  id: string;
}

// Ascending by (createdAt, id); the newest entry is last.
function compare(a: Entry, b: Entry): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A list of entries kept sorted by (createdAt, id); appending the newest is O(1). */
class SortedEntries {
  readonly items: Entry[] = [];

  insert(entry: Entry): void {
    const last = this.items[this.items.length - 1];
    if (!last || compare(last, entry) < 0) {
      this.items.push(entry);
      return;
    }
    this.items.splice(this.#search(entry), 0, entry);
  }

  remove(entry: Entry): void {
    const at = this.#search(entry);
    const found = this.items[at];
    if (found && compare(found, entry) === 0) this.items.splice(at, 1);
  }

  // First position whose entry is not less than `entry`.
  #search(entry: Entry): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(this.items[mid]!, entry) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** Applications ordered newest first, overall and per applicant. */
export class ApplicationIndex {
  readonly #all = new SortedEntries();
  readonly #byApplicant = new Map<string, SortedEntries>();

  /** Records a stored version, replacing the previous one of the same application. */
  put(previous: Application | undefined, next: Application): void {
    if (previous) {
      if (previous.createdAt === next.createdAt && previous.applicant.userId === next.applicant.userId) return;
      this.remove(previous);
    }
    const entry = { createdAt: next.createdAt, id: next.id };
    this.#all.insert(entry);
    this.#applicant(next.applicant.userId).insert(entry);
  }

  remove(application: Application): void {
    const entry = { createdAt: application.createdAt, id: application.id };
    this.#all.remove(entry);
    const list = this.#byApplicant.get(application.applicant.userId);
    list?.remove(entry);
    if (list && list.items.length === 0) this.#byApplicant.delete(application.applicant.userId);
  }

  /** Ids matching the query, newest first (createdAt, then id, descending), with the total before paging. */
  query(query: ApplicationQuery, get: (id: string) => Application | undefined): { total: number; ids: string[] } {
    const list = query.applicantId === undefined ? this.#all : this.#byApplicant.get(query.applicantId);
    if (!list) return { total: 0, ids: [] };
    const keep = applicationFilter(query);
    const offset = Math.max(0, query.offset ?? 0);
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    const ids: string[] = [];
    if (!keep) {
      const end = list.items.length - offset;
      for (let i = end - 1; i >= 0 && i >= end - limit; i--) ids.push(list.items[i]!.id);
      return { total: list.items.length, ids };
    }
    let total = 0;
    for (let i = list.items.length - 1; i >= 0; i--) {
      const id = list.items[i]!.id;
      const app = get(id);
      if (!app || !keep(app)) continue;
      if (total >= offset && ids.length < limit) ids.push(id);
      total++;
    }
    return { total, ids };
  }

  #applicant(userId: string): SortedEntries {
    let list = this.#byApplicant.get(userId);
    if (!list) {
      list = new SortedEntries();
      this.#byApplicant.set(userId, list);
    }
    return list;
  }
}
