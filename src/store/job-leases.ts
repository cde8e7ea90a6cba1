// In-process job leases for the embedded store: one process holds the lowdb files, so the leases live in
// memory beside them (a restart forgets them, which is right: nobody is delivering after a restart).
import { LeaseLostError, type Commit, type LeaseOptions, type OutboxJob } from './store.js';

interface Lease {
  owner: string;
  until: number;
}

/** Creation order; jobs written by one commit share createdAt and fall back to id order. */
function older(a: OutboxJob, b: OutboxJob): boolean {
  return a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);
}

/** Leases of pending jobs to outbox instances of this process, with the same rules as PostgreSQL's. */
export class JobLeases {
  readonly #leases = new Map<string, Lease>();

  /** Picks and leases due jobs among `pending` (see Store.leaseJobs); returns them oldest first. */
  lease(pending: Iterable<OutboxJob>, now: number, limit: number, options: LeaseOptions): OutboxJob[] {
    const all = [...pending];
    const heads = new Map<string, OutboxJob>();
    for (const job of all) {
      if (job.group === undefined) continue;
      const head = heads.get(job.group);
      if (!head || older(job, head)) heads.set(job.group, job);
    }
    const capOf = (job: OutboxJob) => (options.capacity === undefined ? Number.POSITIVE_INFINITY : (options.capacity[job.kind] ?? 0));
    // As in PostgreSQL: the `limit` oldest candidates of the kinds asked for, then each kind cut to its capacity.
    const due = all.filter(
      (job) => job.nextAt <= now && capOf(job) > 0 && !this.#held(job.id, now) && (job.group === undefined || heads.get(job.group) === job),
    );
    due.sort((a, b) => a.nextAt - b.nextAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const taken = new Map<string, number>();
    const leased: OutboxJob[] = [];
    for (const job of due.slice(0, Math.max(0, limit))) {
      const cap = capOf(job);
      const count = taken.get(job.kind) ?? 0;
      if (count >= cap) continue;
      taken.set(job.kind, count + 1);
      this.#leases.set(job.id, { owner: options.owner, until: now + options.leaseMs });
      leased.push(job);
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
