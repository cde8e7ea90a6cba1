// Ordering within a job group (e.g. the updates of one card, the back-office calls of one application):
// one job at a time, in creation order, even while the oldest one waits out its backoff or after a restart.
import type { JobRef } from '../store/store.js';

interface Hold {
  id: string;
  createdAt: number;
  nextAt: number;
}

type Ordered = Pick<JobRef, 'id' | 'createdAt'>;

/** Creation order; jobs written by one commit share createdAt and fall back to id order. */
export function older(a: Ordered, b: Ordered): boolean {
  return a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);
}

/** Tracks running groups and "holds": a group's oldest unfinished job, which younger ones must wait for. */
export class GroupOrder {
  readonly #busy = new Set<string>();
  readonly #holds = new Map<string, Hold>();

  /** Rebuilds the holds from every pending job (at start-up). */
  load(pending: JobRef[]): void {
    for (const job of pending) {
      if (job.group === undefined) continue;
      const hold = this.#holds.get(job.group);
      if (!hold || older(job, hold)) this.#holds.set(job.group, { id: job.id, createdAt: job.createdAt, nextAt: job.nextAt });
    }
  }

  /** The oldest job of each group in a batch of due jobs. */
  heads(batch: JobRef[]): Map<string, string> {
    const heads = new Map<string, JobRef>();
    for (const job of batch) {
      if (job.group === undefined) continue;
      const head = heads.get(job.group);
      if (!head || older(job, head)) heads.set(job.group, job);
    }
    return new Map([...heads].map(([group, job]) => [group, job.id]));
  }

  /** No job of its group is running, and it is the oldest of its group in the batch. */
  isNext(job: JobRef, heads: Map<string, string>): boolean {
    return job.group === undefined || (!this.#busy.has(job.group) && heads.get(job.group) === job.id);
  }

  /** The id of an older job of the same group that must finish first, if any. */
  blocker(job: JobRef): string | undefined {
    const hold = job.group === undefined ? undefined : this.#holds.get(job.group);
    return !hold || hold.id === job.id || older(job, hold) ? undefined : hold.id;
  }

  /** Forgets a hold whose job left the store some other way (an admin, another process). */
  forget(group: string): void {
    this.#holds.delete(group);
  }

  started(job: JobRef): void {
    if (job.group !== undefined) this.#busy.add(job.group);
  }

  finished(job: JobRef): void {
    if (job.group !== undefined) this.#busy.delete(job.group);
  }

  /** The job failed and waits until `nextAt`: its group waits with it. */
  backingOff(job: JobRef, nextAt: number): void {
    if (job.group !== undefined) this.#holds.set(job.group, { id: job.id, createdAt: job.createdAt, nextAt });
  }

  /** The job left the queue (delivered or dead): its group moves on. */
  settled(job: JobRef): void {
    if (job.group !== undefined && this.#holds.get(job.group)?.id === job.id) this.#holds.delete(job.group);
  }

  /** The earliest moment after `now` a held group can move. */
  nextWakeAfter(now: number): number | undefined {
    let next: number | undefined;
    for (const hold of this.#holds.values()) if (hold.nextAt > now && (next === undefined || hold.nextAt < next)) next = hold.nextAt;
    return next;
  }
}
