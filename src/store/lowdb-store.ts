// The embedded Store: all data in memory, persisted as small lowdb JSON files under DATA_DIR.
// Commits are serialised and grouped: one batch = one wal.json write, then the touched files.
import { constants } from 'node:fs';
import { access, chmod, mkdir } from 'node:fs/promises';
import { formatApplicationId } from '../domain/application-id.js';
import type { Application } from '../domain/types.js';
import { JobLeases } from './job-leases.js';
import { DIR_MODE, removeLeftoverTemps } from './lowdb-file.js';
import { normalizeDay } from './lowdb-layout.js';
import { Overlay, planCommit, planCounter, type Op, type View } from './lowdb-ops.js';
import { LowdbState } from './lowdb-state.js';
import { WriteAheadLog } from './lowdb-wal.js';
import { requireKind } from './record-rules.js';
import type { ApplicationQuery, Commit, DeadJob, DialogRecord, LeaseOptions, OutboxJob, RecordQuery, Store, StoredRecord } from './store.js';

export interface LowdbStoreOptions {
  /** Directory of the store's files (DATA_DIR); created when missing. */
  dataDir: string;
  /** Clock for inbox times, revived jobs and pruning; defaults to Date.now. */
  now?: () => number;
  /** Most commits written together in one batch (group commit). */
  maxBatch?: number;
}

interface Task {
  plan: (view: View, now: number) => Op[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

const HOUR_MS = 60 * 60 * 1000;

/** Store on lowdb files with a write-ahead log; see DESIGN.md "Store guarantees". */
export class LowdbStore implements Store {
  readonly kind = 'lowdb' as const;
  readonly dataDir: string;
  readonly #now: () => number;
  readonly #maxBatch: number;
  readonly #wal: WriteAheadLog;
  #state: LowdbState | undefined;
  #status: 'new' | 'opening' | 'open' | 'closing' | 'closed' = 'new';
  #queue: Task[] = [];
  #draining: Promise<void> | undefined;
  #failure: unknown;
  #nextPruneAt = 0;
  readonly #leases = new JobLeases();

  constructor(options: LowdbStoreOptions) {
    this.dataDir = options.dataDir;
    this.#now = options.now ?? Date.now;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#wal = new WriteAheadLog(options.dataDir);
  }

  /** Loads every file, replays a commit interrupted by a crash, and prunes old inbox ids. */
  async open(): Promise<void> {
    if (this.#status !== 'new') throw new Error('a LowdbStore opens once; create a new one to open the files again');
    this.#status = 'opening';
    try {
      await mkdir(this.dataDir, { recursive: true, mode: DIR_MODE });
      await chmod(this.dataDir, DIR_MODE);
      await removeLeftoverTemps(this.dataDir);
      const state = new LowdbState(this.dataDir);
      await state.load();
      const pending = await this.#wal.read();
      if (pending) state.apply(pending.ops);
      this.#prune(state);
      await state.flush();
      await this.#wal.clear();
      this.#state = state;
      this.#status = 'open';
    } catch (error) {
      this.#status = 'closed';
      throw new Error(`cannot open the store in ${this.dataDir}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Stops taking commits and waits for those already queued to be written. */
  async close(): Promise<void> {
    if (this.#status !== 'open') {
      if (this.#status === 'new') this.#status = 'closed';
      return;
    }
    this.#status = 'closing';
    while (this.#draining) await this.#draining;
    this.#status = 'closed';
  }

  async ping(): Promise<void> {
    if (this.#status !== 'open') throw new Error(`the store is ${this.#status}`);
    if (this.#failure) throw new Error('the store stopped after a failed write; restart to replay its log', { cause: this.#failure });
    try {
      await access(this.dataDir, constants.W_OK);
    } catch (error) {
      throw new Error(`DATA_DIR ${this.dataDir} is not writable`, { cause: error });
    }
  }

  commit(change: Commit): Promise<void> {
    // The lease is checked in commit order; it ends once the write is applied (until then a reader still sees
    // the job as it was, and must not lease it again).
    return this.#enqueue((view, now) => {
      this.#leases.check(change);
      return planCommit(change, view, now);
    }).then(() => this.#leases.release(change));
  }

  async nextApplicationId(day: string): Promise<string> {
    const compact = normalizeDay(day);
    let seq = 0;
    await this.#enqueue((view) => {
      const op = planCounter(compact, view);
      seq = op.seq;
      return [op];
    });
    return formatApplicationId(compact, seq);
  }

  async hasProcessed(inboxId: string): Promise<boolean> {
    return this.#read().inbox.has(inboxId);
  }

  async getApplication(id: string): Promise<Application | undefined> {
    return clone(this.#read().applications.get(id));
  }

  async findApplications(query: ApplicationQuery): Promise<{ total: number; items: Application[] }> {
    const state = this.#read();
    const { total, ids } = state.index.query(query, (id) => state.applications.get(id));
    return { total, items: ids.map((id) => clone(state.applications.get(id)!)) };
  }

  async getDialog(key: string): Promise<DialogRecord | undefined> {
    return clone(this.#read().dialogs.get(key));
  }

  async getRecord<T>(kind: string, id: string): Promise<StoredRecord<T> | undefined> {
    return clone(this.#read().records.get(requireKind(kind), id) as StoredRecord<T> | undefined);
  }

  async findRecords<T>(kind: string, query: RecordQuery = {}): Promise<{ total: number; items: StoredRecord<T>[] }> {
    const { total, items } = this.#read().records.find(requireKind(kind), query);
    return { total, items: items.map((record) => clone(record as StoredRecord<T>)) };
  }

  async dueJobs(now: number, limit: number): Promise<OutboxJob[]> {
    const due = [...this.#read().jobs.values()].filter((job) => job.nextAt <= now);
    due.sort((a, b) => a.nextAt - b.nextAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return due.slice(0, Math.max(0, limit)).map(clone);
  }

  async leaseJobs(now: number, limit: number, options: LeaseOptions): Promise<OutboxJob[]> {
    return this.#leases.lease(this.#read().jobs.values(), now, limit, options).map(clone);
  }

  async nextJobAt(): Promise<number | undefined> {
    let earliest: number | undefined;
    for (const job of this.#read().jobs.values()) if (earliest === undefined || job.nextAt < earliest) earliest = job.nextAt;
    return earliest;
  }

  async getJob(id: string): Promise<OutboxJob | undefined> {
    return clone(this.#read().jobs.get(id));
  }

  /** Dead jobs, earliest failure first. */
  async deadJobs(): Promise<DeadJob[]> {
    return [...this.#read().dead.values()].sort((a, b) => a.failedAt - b.failedAt).map(clone);
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return clone(this.#read().meta.get(key) as T | undefined);
  }

  #read(): LowdbState {
    if (!this.#state || (this.#status !== 'open' && this.#status !== 'closing')) throw new Error(`the store is ${this.#status}`);
    return this.#state;
  }

  #enqueue(plan: Task['plan']): Promise<void> {
    if (this.#status !== 'open') return Promise.reject(new Error(`the store is ${this.#status}`));
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ plan, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.#run(this.#queue.splice(0, this.#maxBatch));
    } finally {
      this.#draining = undefined;
    }
  }

  // One batch: plan each task against the batch so far (a conflicting one fails alone), log all of
  // them in one WAL write, apply to memory, write the touched files, clear the log, acknowledge.
  async #run(batch: Task[]): Promise<void> {
    const state = this.#state!;
    if (this.#failure) {
      const error = new Error('the store stopped after a failed write; restart to replay its log', { cause: this.#failure });
      for (const task of batch) task.reject(error);
      return;
    }
    const now = this.#now();
    const overlay = new Overlay(state);
    const accepted: Task[] = [];
    const ops: Op[] = [];
    for (const task of batch) {
      try {
        const planned = task.plan(overlay, now);
        for (const op of planned) overlay.record(op);
        ops.push(...planned);
        accepted.push(task);
      } catch (error) {
        task.reject(error);
      }
    }
    if (ops.length > 0) {
      try {
        await this.#wal.write({ version: 1, at: now, ops });
      } catch (error) {
        const failed = new Error('could not write the commit log (wal.json); nothing was changed', { cause: error });
        for (const task of accepted) task.reject(failed);
        return;
      }
      state.apply(ops);
    }
    this.#prune(state);
    try {
      await state.flush();
      if (ops.length > 0) await this.#wal.clear();
    } catch (error) {
      // The batch is durable in wal.json and replays at the next open, so its commits still succeed;
      // the store stops taking commits so nothing is written out of order.
      this.#failure = error;
    }
    for (const task of accepted) task.resolve();
  }

  #prune(state: LowdbState): void {
    const now = this.#now();
    if (now < this.#nextPruneAt) return;
    state.pruneInbox(now);
    this.#nextPruneAt = now + HOUR_MS;
  }
}

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
