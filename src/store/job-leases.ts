// In-process job leases for the embedded store: one process holds the lowdb files, so the leases live in
// memory beside them (a restart forgets them, which is right: nobody is delivering after a restart).
import type { JobQueue } from './job-queue.js';
import { LeaseLostError, type Commit, type JobKind, type JobRef, type LeaseOptions } from './store.js';

interface Lease {
  owner: string;
  until: number;
}

/** Leases of pending jobs to outbox instances of this process, with the same rules as PostgreSQL's. */
export class JobLeases {
  readonly #leases = new Map<string, Lease>();

  /**
   * Picks and leases due jobs of `queue` (see Store.leaseJobs); returns their refs oldest first. It walks the
   * due-queue from its front, so a lease costs what it takes, not the number of pending jobs.
   */
  lease(queue: JobQueue, now: number, limit: number, options: LeaseOptions): JobRef[] {
    const capacity = options.capacity;
    const kinds = capacity && (Object.keys(capacity) as JobKind[]).filter((kind) => (capacity[kind] ?? 0) > 0);
    if (limit <= 0 || kinds?.length === 0) return [];
    // As in PostgreSQL: the `limit` oldest candidates of the kinds asked for, then each kind cut to its capacity.
    const due: JobRef[] = [];
    for (const ref of queue.dueRefs(now, kinds)) {
      if (due.length >= limit) break;
      if (!this.#held(ref.id, now) && queue.isGroupHead(ref)) due.push(ref);
    }
    const taken = new Map<string, number>();
    const leased: JobRef[] = [];
    for (const ref of due) {
      const cap = capacity === undefined ? Number.POSITIVE_INFINITY : (capacity[ref.kind] ?? 0);
      const count = taken.get(ref.kind) ?? 0;
      if (count >= cap) continue;
      taken.set(ref.kind, count + 1);
      this.#leases.set(ref.id, { owner: options.owner, until: now + options.leaseMs });
      leased.push(ref);
    }
    return leased;
  }

  /** Extends `owner`'s leases on `ids` to `until`; returns the ids it still held. */
  renew(owner: string, ids: readonly string[], until: number): string[] {
    const renewed: string[] = [];
    for (const id of ids) {
      const lease = this.#leases.get(id);
      if (lease?.owner !== owner) continue;
      lease.until = until;
      renewed.push(id);
    }
    return renewed;
  }

  /** Throws LeaseLostError unless every job the commit names in `lease` is leased to its owner. */
  check(change: Commit): void {
    if (!change.lease) return;
    const lost = change.lease.jobs.filter((id) => this.#leases.get(id)?.owner !== change.lease!.owner);
    if (lost.length > 0) throw new LeaseLostError(change.lease.owner, lost);
  }

  /** A committed change rewrote or removed these jobs: their leases end (only its own, when it names an owner). */
  release(change: Commit): void {
    const ids = [
      ...(change.jobs?.put ?? []).map((job) => job.id),
      ...(change.jobs?.remove ?? []),
      ...(change.jobs?.dead ?? []).map((dead) => dead.id),
    ];
    for (const id of ids) if (!change.lease || this.#leases.get(id)?.owner === change.lease.owner) this.#leases.delete(id);
  }

  #held(id: string, now: number): boolean {
    const lease = this.#leases.get(id);
    return lease !== undefined && lease.until > now;
  }
}
