// Everything the lowdb store holds, in memory, with the files it is persisted in.
// Layout under DATA_DIR: applications/<day>-<block>.json (+ applications/summaries/), dialogs/<hash>.json, inbox/<day>-<hour>-<ten minutes>.log,
// outbox/pending.json, outbox/dead.json, records/<kind>/<2 hex>.json, state/meta.json, state/counters.json,
// and wal.log (the batches since the last checkpoint).
import type { z } from 'zod';
import { LowdbApplications } from './lowdb-applications.js';
import { LowdbCollection } from './lowdb-collection.js';
import { LowdbInbox } from './lowdb-inbox.js';
import { INBOX_RETENTION_MS, dialogShard, inboxShard, inboxShardEnd } from './lowdb-layout.js';
import { storedDialogRev, type Op, type View } from './lowdb-ops.js';
import { JobQueue } from './job-queue.js';
import { LowdbRecords } from './lowdb-records.js';
import type { ApplicationIndex } from './memory-index.js';
import { counterRecord, deadJobRecord, dialogRecord, jobRecord, metaRecord } from './record-schemas.js';
import type { DeadJob, DialogRecord, OutboxJob } from './store.js';

/** The in-memory data of a lowdb store and its sharded files. */
export class LowdbState implements View {
  readonly applications: LowdbApplications;
  readonly dialogs: LowdbCollection<DialogRecord>;
  readonly inbox: LowdbInbox;
  readonly jobs: LowdbCollection<OutboxJob>;
  readonly dead: LowdbCollection<DeadJob>;
  readonly meta: LowdbCollection<unknown>;
  readonly counters: LowdbCollection<number>;
  readonly records: LowdbRecords;
  /** The pending jobs in due order, per kind. */
  readonly queue = new JobQueue();
  readonly #all: Pick<LowdbCollection<unknown>, 'load' | 'flush' | 'dirty'>[];

  /** `cachedApplications`: application documents kept in memory once read (lowdb-applications.ts). */
  constructor(dataDir: string, cachedApplications?: number) {
    // Casts: the record schemas are loose (unknown keys kept), so their output is wider than the domain types.
    this.applications = new LowdbApplications(dataDir, cachedApplications);
    this.dialogs = new LowdbCollection(dataDir, {
      dir: 'dialogs',
      shardOf: (key) => dialogShard(key),
      item: dialogRecord as z.ZodType<DialogRecord>,
    });
    this.inbox = new LowdbInbox(dataDir, inboxShard);
    this.jobs = new LowdbCollection(dataDir, {
      dir: 'outbox',
      shardOf: () => 'pending',
      shards: ['pending'],
      item: jobRecord as unknown as z.ZodType<OutboxJob>,
    });
    this.dead = new LowdbCollection(dataDir, {
      dir: 'outbox',
      shardOf: () => 'dead',
      shards: ['dead'],
      item: deadJobRecord as unknown as z.ZodType<DeadJob>,
    });
    this.meta = new LowdbCollection(dataDir, {
      dir: 'state',
      shardOf: () => 'meta',
      shards: ['meta'],
      item: metaRecord as z.ZodType<unknown>,
    });
    this.counters = new LowdbCollection(dataDir, { dir: 'state', shardOf: () => 'counters', shards: ['counters'], item: counterRecord });
    this.records = new LowdbRecords(dataDir);
    this.#all = [this.applications, this.dialogs, this.inbox, this.jobs, this.dead, this.meta, this.counters, this.records];
  }

  /** Every application's summary, newest first overall and per applicant. */
  get index(): ApplicationIndex {
    return this.applications.index;
  }

  /** Reads every file (of applications, the summaries: their documents are read when needed) and builds the indexes. */
  async load(): Promise<void> {
    for (const collection of this.#all) await collection.load();
    for (const job of this.jobs.values()) this.queue.put(job);
  }

  /** After the log's replay: throws for damage seen at load that the replay did not repair (lowdb-applications.ts). */
  verify(): void {
    this.applications.verify();
  }

  /** Applies logged operations in order (idempotent: replaying them again changes nothing). */
  apply(ops: Op[]): void {
    for (const op of ops) {
      switch (op.op) {
        case 'app':
          this.applications.put(op.doc);
          break;
        case 'record':
          this.records.put(op.doc);
          break;
        case 'record.remove':
          this.records.remove(op.kind, op.id);
          break;
        case 'dialog':
          this.dialogs.put(op.doc.key, op.doc);
          break;
        case 'dialog.remove':
          this.dialogs.delete(op.key);
          break;
        case 'job':
          this.jobs.put(op.doc.id, op.doc);
          this.queue.put(op.doc);
          break;
        case 'job.remove':
          this.jobs.delete(op.id);
          this.queue.remove(op.id);
          break;
        case 'dead':
          this.dead.put(op.doc.id, op.doc);
          this.jobs.delete(op.doc.id);
          this.queue.remove(op.doc.id);
          break;
        case 'dead.remove':
          this.dead.delete(op.id);
          break;
        case 'inbox':
          this.inbox.put(op.id, op.at);
          break;
        case 'meta':
          if (op.value === null) this.meta.delete(op.key);
          else this.meta.put(op.key, op.value);
          break;
        case 'counter':
          // max(): a replayed allocation never moves a counter backwards.
          this.counters.put(op.day, Math.max(op.seq, this.counter(op.day)));
          break;
      }
    }
  }

  /** Forgets inbox hours that ended more than the retention period ago; returns how many ids went. */
  pruneInbox(now: number): number {
    let pruned = 0;
    for (const slot of this.inbox.slotNames()) {
      const end = inboxShardEnd(slot);
      if (end !== undefined && end + INBOX_RETENTION_MS <= now) pruned += this.inbox.dropSlot(slot);
    }
    return pruned;
  }

  get dirty(): boolean {
    return this.#all.some((collection) => collection.dirty);
  }

  /** Writes every file touched since the last flush. */
  async flush(): Promise<void> {
    await Promise.all(this.#all.map((collection) => collection.flush()));
  }

  appRev(id: string): number {
    return this.applications.rev(id);
  }

  recordRev(kind: string, id: string): number {
    return this.records.get(kind, id)?.rev ?? 0;
  }

  hasInbox(id: string): boolean {
    return this.inbox.has(id);
  }

  dialogRev(key: string): number {
    return storedDialogRev(this.dialogs.get(key));
  }

  deadJob(id: string): DeadJob | undefined {
    return this.dead.get(id);
  }

  counter(day: string): number {
    return this.counters.get(day) ?? 0;
  }
}
