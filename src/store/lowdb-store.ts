// The embedded Store: all data in memory, persisted as small lowdb JSON files under DATA_DIR.
// Commits are serialised and grouped: one batch = one line appended to wal.log, acknowledged once it is written.
// The touched files are written at a checkpoint (every second or so, and at close), then the log is emptied.
import { constants } from 'node:fs';
import { access, chmod, mkdir } from 'node:fs/promises';
import { formatApplicationId } from '../domain/application-id.js';
import type { ApplicationFacts } from '../domain/application-facts.js';
import type { Application } from '../domain/types.js';
import { JobLeases } from './job-leases.js';
import { Checkpoints } from './lowdb-checkpoints.js';
import { DIR_MODE, removeLeftoverTemps } from './lowdb-file.js';
import { normalizeDay } from './lowdb-layout.js';
import { Overlay, planCommit, planCounter, storedDialogRev, type Op, type View } from './lowdb-ops.js';
import { LowdbState } from './lowdb-state.js';
import { WriteAheadLog } from './lowdb-wal.js';
import { requireKind } from './record-rules.js';
import type {
  FactsQuery,
  ApplicationQuery,
  Commit,
  DeadJob,
  DialogRecord,
  JobKind,
  JobRef,
  LeaseOptions,
  OutboxJob,
  RecordQuery,
  Store,
  StoredRecord,
} from './store.js';

export interface LowdbStoreOptions {
  /** Directory of the store's files (DATA_DIR); created when missing. */
  dataDir: string;
  /** Clock for inbox times, revived jobs and pruning; defaults to Date.now. */
  now?: () => number;
  /** Most commits written together in one batch (group commit). */
  maxBatch?: number;
  /** Longest time a logged batch waits for its checkpoint (default 1 s; 0 = a checkpoint after every batch). */
  checkpointMs?: number;
  /** A checkpoint also comes once the log holds this many bytes (default 8 MB). */
  checkpointBytes?: number;
  /** Application documents kept in memory once read (default 2,000; lowdb-applications.ts). */
  cachedApplications?: number;
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
  readonly #checkpoints: Checkpoints;
  readonly #cachedApplications: number | undefined;

  constructor(options: LowdbStoreOptions) {
    this.dataDir = options.dataDir;
    this.#now = options.now ?? Date.now;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#checkpoints = new Checkpoints(options.checkpointMs ?? 1_000, options.checkpointBytes ?? 8 * 1024 * 1024, () => {
      if (this.#status === 'open') this.#draining ??= this.#drain();
    });
    this.#wal = new WriteAheadLog(options.dataDir);
    this.#cachedApplications = options.cachedApplications;
  }

  /** Loads every file (applications: their summaries), replays a commit interrupted by a crash, and prunes old inbox ids. */
  async open(): Promise<void> {
    if (this.#status !== 'new') throw new Error('a LowdbStore opens once; create a new one to open the files again');
    this.#status = 'opening';
    try {
      await mkdir(this.dataDir, { recursive: true, mode: DIR_MODE });
      await chmod(this.dataDir, DIR_MODE);
      await removeLeftoverTemps(this.dataDir);
      const state = new LowdbState(this.dataDir, this.#cachedApplications);
      await state.load();
      // A torn last line (tornBytes) was an append cut short by a kill: never acknowledged, so dropped.
      const { records } = await this.#wal.read();
      for (const record of records) state.apply(record.ops);
      state.verify();
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
    // The last checkpoint: a cleanly closed store leaves no log behind.
    if (!this.#failure) await this.#checkpoint();
    this.#checkpoints.stop();
    await this.#wal.close();
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

  /** Writes the data files of every logged commit now and empties the log (tests and tools; it also runs by itself). */
  checkpoint(): Promise<void> {
    if (this.#status !== 'open') return Promise.reject(new Error(`the store is ${this.#status}`));
    const done = this.#checkpoints.ask();
    this.#draining ??= this.#drain();
    return done.then(() => {
      if (this.#failure) throw new Error('the store stopped after a failed write; restart to replay its log', { cause: this.#failure });
    });
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
    return clone(await this.#read().applications.get(id));
  }

  async findApplications(query: ApplicationQuery): Promise<{ total: number; items: Application[] }> {
    const { applications } = this.#read();
    const { total, ids } = applications.index.query(query);
    return { total, items: (await applications.getMany(ids)).map((app) => clone(app)) };
  }

  async findApplicationIds(query: ApplicationQuery): Promise<{ total: number; ids: string[] }> {
    return this.#read().applications.index.query(query);
  }

  // From the index's summaries: no document is read.
  async applicationFacts(query: FactsQuery): Promise<ApplicationFacts[]> {
    return this.#read().applications.index.facts(query);
  }

  async getDialog(key: string): Promise<DialogRecord | undefined> {
    const dialog = this.#read().dialogs.get(key);
    return dialog && { ...clone(dialog), rev: storedDialogRev(dialog) };
  }

  // Open dialogs are few (one per person filling something in, for a day at most): a scan is enough.
  async findDialogs(subject: string): Promise<DialogRecord[]> {
    const found = [...this.#read().dialogs.values()].filter((dialog) => dialog.subject === subject);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((dialog) => clone(dialog));
  }

  async getRecord<T>(kind: string, id: string): Promise<StoredRecord<T> | undefined> {
    return clone(this.#read().records.get(requireKind(kind), id) as StoredRecord<T> | undefined);
  }

  async findRecords<T>(kind: string, query: RecordQuery = {}): Promise<{ total: number; items: StoredRecord<T>[] }> {
    const { total, items } = this.#read().records.find(requireKind(kind), query);
    return { total, items: items.map((record) => clone(record as StoredRecord<T>)) };
  }

  async dueJobs(now: number, limit: number): Promise<OutboxJob[]> {
    const state = this.#read();
    return state.queue.due(now, Math.max(0, limit)).map((ref) => clone(state.jobs.get(ref.id)!));
  }

  async dueJobRefs(now: number, limit: number, kinds?: readonly JobKind[]): Promise<JobRef[]> {
    return this.#read().queue.due(now, Math.max(0, limit), kinds);
  }

  async leaseJobs(now: number, limit: number, options: LeaseOptions): Promise<OutboxJob[]> {
    const state = this.#read();
    return this.#leases.lease(state.queue, now, limit, options).map((ref) => clone(state.jobs.get(ref.id)!));
  }

  async renewLeases(owner: string, jobIds: readonly string[], until: number): Promise<string[]> {
    this.#read();
    return this.#leases.renew(owner, jobIds, until);
  }

  async nextJobAt(): Promise<number | undefined> {
    return this.#read().queue.nextAt();
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
      // Commits made in the same turn of the event loop (an ACKed event and the jobs that finished with it)
      // share one append instead of the first going alone.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.#queue.length > 0 || this.#checkpoints.wanted) {
        if (this.#queue.length > 0) await this.#run(this.#queue.splice(0, this.#maxBatch));
        if (this.#checkpoints.due(this.#wal.bytes)) await this.#checkpoint();
      }
    } finally {
      this.#draining = undefined;
    }
  }

  // One batch: plan each task against the batch so far (a conflicting one fails alone), append all of them to
  // the log in one write, apply them to memory and acknowledge. The data files wait for the next checkpoint.
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
        await this.#wal.append({ version: 1, at: now, ops });
      } catch (error) {
        // A log that could not even be cut back to its last whole line takes no more commits.
        if ((error as { broken?: boolean }).broken) this.#failure = error;
        const failed = new Error('could not append the commit to the log (wal.log); nothing was changed', { cause: error });
        for (const task of accepted) task.reject(failed);
        return;
      }
      state.apply(ops);
      this.#checkpoints.logged();
    }
    this.#prune(state);
    for (const task of accepted) task.resolve();
  }

  // Writes every touched file, then empties the log. A failed write leaves the log whole (it replays at the
  // next open, so the acknowledged commits are safe) and stops the store, so nothing is written out of order.
  async #checkpoint(): Promise<void> {
    const waiters = this.#checkpoints.begin();
    try {
      if (!this.#failure) {
        await this.#state!.flush();
        await this.#wal.clear();
      }
    } catch (error) {
      this.#failure = error;
    } finally {
      for (const resolve of waiters) resolve();
    }
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
