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

// Creation order, which decides a group's head: createdAt, then id.
function created(a: JobRef, b: JobRef): boolean {
  return a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);
}

/** Pending jobs by kind in due order, and by group; updated with every put and removal of a job. */
export class JobQueue {
  readonly #lists = new Map<JobKind, DueList>();
  readonly #refs = new Map<string, JobRef>();
  readonly #groups = new Map<string, Set<JobRef>>();

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
    if (ref.group !== undefined) {
      let members = this.#groups.get(ref.group);
      if (!members) this.#groups.set(ref.group, (members = new Set()));
      members.add(ref);
    }
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
    if (ref.group === undefined) return;
    const members = this.#groups.get(ref.group);
    members?.delete(ref);
    if (members?.size === 0) this.#groups.delete(ref.group);
  }

  /** Whether no older job of its group is pending (a job without a group always heads itself). */
  isGroupHead(ref: JobRef): boolean {
    if (ref.group === undefined) return true;
    for (const other of this.#groups.get(ref.group) ?? []) if (created(other, ref)) return false;
    return true;
  }

  /** Up to `limit` refs due at or before `now`, in due order, of the given kinds (all when absent); copies. */
  due(now: number, limit: number, kinds?: readonly JobKind[]): JobRef[] {
    const result: JobRef[] = [];
    for (const ref of this.dueRefs(now, kinds)) {
      if (result.length >= limit) break;
      result.push({ ...ref });
    }
    return result;
  }

  /** The refs due at or before `now`, in due order, of the given kinds (all when absent); read while iterating. */
  *dueRefs(now: number, kinds?: readonly JobKind[]): Generator<JobRef> {
    const lists = [...this.#lists].filter(([kind]) => !kinds || kinds.includes(kind)).map(([, list]) => list.items);
    const positions = lists.map(() => 0);
    // A merge of the sorted lists (there are only as many as there are job kinds).
    for (;;) {
      let pick = -1;
      for (let i = 0; i < lists.length; i++) {
        const ref = lists[i]![positions[i]!];
        if (ref && ref.nextAt <= now && (pick < 0 || before(ref, lists[pick]![positions[pick]!]!))) pick = i;
      }
      if (pick < 0) return;
      const ref = lists[pick]![positions[pick]!]!;
      positions[pick] = positions[pick]! + 1;
      yield ref;
    }
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
