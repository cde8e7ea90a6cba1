// The lowdb store's due-queue: every pending job's reference, per kind, kept sorted by when it is due, so that
// picking the next jobs reads a few entries off the front instead of filtering and sorting every pending job.
import type { JobKind, JobRef, OutboxJob } from './store.js';

// Due order, the same as dueJobs: nextAt, then createdAt, then id (code point order).
function before(a: JobRef, b: JobRef): boolean {
  if (a.nextAt !== b.nextAt) return a.nextAt < b.nextAt;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.id < b.id;
}

/** A list of refs in due order; jobs are mostly added due now (the end) and removed when done (the front). */
class DueList {
  readonly items: JobRef[] = [];

  insert(ref: JobRef): void {
    const last = this.items[this.items.length - 1];
    if (!last || before(last, ref)) this.items.push(ref);
    else this.items.splice(this.#search(ref), 0, ref);
  }

  remove(ref: JobRef): void {
    const at = this.items[0] === ref ? 0 : this.#search(ref);
    if (this.items[at] === ref) this.items.splice(at, 1);
  }

  // First position whose ref is not before `ref`.
  #search(ref: JobRef): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (before(this.items[mid]!, ref)) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** Pending jobs by kind in due order; updated with every put and removal of a job. */
export class JobQueue {
  readonly #lists = new Map<JobKind, DueList>();
  readonly #refs = new Map<string, JobRef>();

  /** Records a job (replacing its previous version, which may have had another due time). */
  put(job: OutboxJob): void {
    this.remove(job.id);
    const ref: JobRef = {
      id: job.id,
      kind: job.kind,
      nextAt: job.nextAt,
      createdAt: job.createdAt,
      ...(job.group === undefined ? {} : { group: job.group }),
    };
    this.#refs.set(job.id, ref);
    let list = this.#lists.get(job.kind);
    if (!list) {
      list = new DueList();
      this.#lists.set(job.kind, list);
    }
    list.insert(ref);
  }

  remove(id: string): void {
    const ref = this.#refs.get(id);
    if (!ref) return;
    this.#refs.delete(id);
    this.#lists.get(ref.kind)?.remove(ref);
  }

  /** Up to `limit` refs due at or before `now`, in due order, of the given kinds (all when absent). */
  due(now: number, limit: number, kinds?: readonly JobKind[]): JobRef[] {
    const lists = [...this.#lists].filter(([kind]) => !kinds || kinds.includes(kind)).map(([, list]) => list.items);
    const positions = lists.map(() => 0);
    const result: JobRef[] = [];
    // A merge of the sorted lists (there are only as many as there are job kinds).
    while (result.length < limit) {
      let pick = -1;
      for (let i = 0; i < lists.length; i++) {
        const ref = lists[i]![positions[i]!];
        if (ref && ref.nextAt <= now && (pick < 0 || before(ref, lists[pick]![positions[pick]!]!))) pick = i;
      }
      if (pick < 0) break;
      result.push({ ...lists[pick]![positions[pick]!]! });
      positions[pick] = positions[pick]! + 1;
    }
    return result;
  }

  /** The earliest due time of any pending job. */
  nextAt(): number | undefined {
    let earliest: number | undefined;
    for (const list of this.#lists.values()) {
      const head = list.items[0];
      if (head && (earliest === undefined || head.nextAt < earliest)) earliest = head.nextAt;
    }
    return earliest;
  }
}
