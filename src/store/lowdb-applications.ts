// The applications of the lowdb store. Documents live in buckets of 100 (applications/<day>-<block>.json), and
// each bucket has a summary (applications/summaries/<bucket>.json: the size of the bucket file as written and, per
// application, the plain fields the index needs — memory-index.ts ApplicationSummary). A start reads only the
// summaries; a bucket is read, checked against its schema and kept in memory when one of its applications is first
// read, and the least recently used buckets are let go again (a bucket with changes not yet written never is).
// Damage still stops the start where it can be seen without reading the documents: a bucket whose size is not the
// one its summary recorded (cut short, emptied, edited) is named at open; a bucket without a summary (a store of an
// earlier version, or a summary removed on purpose) is read whole at open and its summary written; anything else a
// bucket holds that its schema or summary refuses is an error naming the file at its first read.
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Application } from '../domain/types.js';
import { DIR_MODE, FILE_MODE, removeLeftoverTemps, StoreFile } from './lowdb-file.js';
import { applicationShard } from './lowdb-layout.js';
import { ApplicationIndex, summarize, type ApplicationSummary } from './memory-index.js';
import { applicationRecord, applicationSummaryRecord, DamagedRecordError } from './record-schemas.js';

/** Buckets kept in memory by default once read (100 applications each). */
export const CACHED_BUCKETS = 64;

const DIR = 'applications';
const SUMMARIES = 'summaries';
// Files read or inspected at once when the store opens.
const PARALLEL = 8;

interface BucketFile {
  items: Record<string, Application>;
}

interface SummaryFile {
  /** Length in bytes of the bucket file this summary was written with. */
  bytes: number;
  items: Record<string, ApplicationSummary>;
}

interface Bucket {
  /** Its documents: those of the file once read, and every one put since the store opened. */
  items: Map<string, Application>;
  loaded: boolean;
  reading?: Promise<void>;
  /** Bumped by every put: a flush marks the bucket clean only if none came while it wrote. */
  version: number;
}

/** Why a bucket's summary could not be trusted at open; settled by the log's replay, or an error. */
interface Suspect {
  reason: string;
  /** The ids its summary listed. */
  ids: string[];
}

/** Applications by id, summaries in memory, documents read by bucket when needed. */
export class LowdbApplications {
  readonly index = new ApplicationIndex();
  readonly #dataDir: string;
  readonly #cached: number;
  readonly #buckets = new Map<string, Bucket>(); // least recently used first
  readonly #bucketSchema: z.ZodType<BucketFile>;
  readonly #summarySchema: z.ZodType<SummaryFile>;
  readonly #files = new Map<string, StoreFile<BucketFile>>();
  readonly #summaryFiles = new Map<string, StoreFile<SummaryFile>>();
  /** Bucket size and item count its summary recorded, for the buckets whose summary matched at open. */
  readonly #recorded = new Map<string, { bytes: number; count: number }>();
  readonly #suspects = new Map<string, Suspect>();
  readonly #dirty = new Set<string>();
  /** Buckets read whole at open for want of a summary: only the summary needs writing. */
  readonly #summaryOnly = new Set<string>();
  #keepAll = false;

  constructor(dataDir: string, cachedBuckets = CACHED_BUCKETS) {
    this.#dataDir = dataDir;
    this.#cached = Math.max(1, cachedBuckets);
    // Casts: the record schemas are loose (unknown keys kept), so their output is wider than the domain types.
    this.#bucketSchema = z.strictObject({ items: z.record(z.string(), applicationRecord) }) as unknown as z.ZodType<BucketFile>;
    this.#summarySchema = z.strictObject({
      bytes: z.number().int().min(0),
      items: z.record(z.string(), applicationSummaryRecord),
    }) as unknown as z.ZodType<SummaryFile>;
  }

  /** Reads every summary and the size of every bucket; buckets without a summary are read whole. */
  async load(): Promise<void> {
    const root = join(this.#dataDir, DIR);
    const summaries = join(root, SUMMARIES);
    await mkdir(summaries, { recursive: true, mode: DIR_MODE });
    await chmod(root, DIR_MODE);
    await chmod(summaries, DIR_MODE);
    await removeLeftoverTemps(root);
    await removeLeftoverTemps(summaries);
    const jsonNames = async (dir: string) =>
      (await readdir(dir)).filter((file) => /^[^.].*\.json$/.test(file)).map((file) => file.slice(0, -5));
    const buckets = await jsonNames(root);
    const withSummary = new Set(await jsonNames(summaries));
    const names = [...new Set([...buckets, ...withSummary])].sort();
    const found = new Map<string, { bytes?: number; summary?: SummaryFile }>();
    await inParallel(names, async (name) => {
      const path = join(root, `${name}.json`);
      const bytes = await stat(path).then(
        async (s) => {
          // A bucket written before modes were enforced is closed to other users now, not when first read.
          if ((s.mode & 0o777) !== FILE_MODE) await chmod(path, FILE_MODE);
          return s.size;
        },
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined;
          throw new DamagedRecordError(`${DIR}/${name}.json`, `cannot be read (${error.message})`, { cause: error });
        },
      );
      const summary = withSummary.has(name) ? ((await this.#summaryFile(name).read()) ?? undefined) : undefined;
      found.set(name, { bytes, summary });
    });
    const unsummarised: string[] = [];
    for (const name of names) {
      const { bytes, summary } = found.get(name)!;
      if (!summary) {
        unsummarised.push(name);
        continue;
      }
      for (const item of Object.values(summary.items)) this.index.put(item);
      const count = Object.keys(summary.items).length;
      if (bytes === summary.bytes) this.#recorded.set(name, { bytes, count });
      else {
        const reason =
          bytes === undefined
            ? `is missing, but its summary (${this.#summaryFile(name).name}) lists ${count} applications`
            : `holds ${bytes} bytes, but was written with ${summary.bytes} (${this.#summaryFile(name).name}): cut short or changed outside the store`;
        this.#suspects.set(name, { reason, ids: Object.keys(summary.items) });
      }
    }
    await inParallel(unsummarised, async (name) => {
      this.#summaryOnly.add(name); // kept in memory until its summary is written
      await this.#bucket(name);
    });
  }

  /**
   * Throws for a bucket whose summary did not match it at open, unless the log's replay rewrites it (a crash
   * between writing a bucket and its summary): called after the replay, before anything is written.
   */
  verify(): void {
    for (const [name, suspect] of this.#suspects) {
      if (!this.#dirty.has(name)) throw new DamagedRecordError(this.#file(name).name, suspect.reason);
    }
  }

  get size(): number {
    return this.index.size;
  }

  has(id: string): boolean {
    return this.index.get(id) !== undefined;
  }

  /** The stored revision (0 when absent), from the summary: no bucket is read. */
  rev(id: string): number {
    return this.index.get(id)?.rev ?? 0;
  }

  /** The stored document (the store's own object: clone it before handing it out). */
  async get(id: string): Promise<Application | undefined> {
    if (!this.has(id)) return undefined;
    return (await this.#bucket(applicationShard(id))).items.get(id);
  }

  /** Stores a version; its bucket is written at the next flush. */
  put(doc: Application): void {
    const name = applicationShard(doc.id);
    const bucket = this.#buckets.get(name) ?? this.#newBucket(name);
    bucket.items.set(doc.id, doc);
    bucket.version += 1;
    this.index.put(summarize(doc));
    this.#dirty.add(name);
  }

  /** Reads every bucket and keeps them all (tools that copy the whole store); values() needs it. */
  async loadAll(): Promise<void> {
    this.#keepAll = true;
    const names = new Set<string>();
    for (const summary of this.index.values()) names.add(applicationShard(summary.id));
    await inParallel([...names], (name) => this.#bucket(name).then(() => undefined));
  }

  *values(): IterableIterator<Application> {
    for (const [, doc] of this.entries()) yield doc;
  }

  /** Every id with its document; needs loadAll() first. */
  *entries(): IterableIterator<[string, Application]> {
    if (!this.#keepAll) throw new Error('every application bucket must be read first (loadAll)');
    for (const bucket of this.#buckets.values()) yield* bucket.items.entries();
  }

  get dirty(): boolean {
    return this.#dirty.size > 0 || this.#summaryOnly.size > 0;
  }

  /** Writes every changed bucket and then its summary (its size as written), each atomically. */
  async flush(): Promise<void> {
    const summaryOnly = [...this.#summaryOnly].filter((name) => !this.#dirty.has(name));
    try {
      await Promise.all([
        ...[...this.#dirty].map((name) => this.#write(name)),
        ...summaryOnly.map(async (name) => {
          const bytes = (await stat(this.#file(name).path)).size;
          await this.#writeSummary(name, bytes);
          this.#recorded.set(name, { bytes, count: this.#buckets.get(name)!.items.size });
          this.#summaryOnly.delete(name);
        }),
      ]);
    } finally {
      this.#evict();
    }
  }

  async #write(name: string): Promise<void> {
    const bucket = await this.#bucket(name);
    const version = bucket.version;
    const bytes = await this.#file(name).writeCounted({ items: Object.fromEntries(bucket.items) });
    await this.#writeSummary(name, bytes);
    this.#suspects.delete(name);
    this.#recorded.set(name, { bytes, count: bucket.items.size });
    this.#summaryOnly.delete(name);
    if (bucket.version === version) this.#dirty.delete(name);
  }

  async #writeSummary(name: string, bytes: number): Promise<void> {
    const bucket = this.#buckets.get(name)!;
    const items = Object.fromEntries([...bucket.items.keys()].map((id) => [id, this.index.get(id)!]));
    await this.#summaryFile(name).write({ bytes, items });
  }

  // The bucket, read from its file first if it was not; most recently used from now on.
  async #bucket(name: string): Promise<Bucket> {
    const bucket = this.#buckets.get(name) ?? this.#newBucket(name);
    this.#buckets.delete(name);
    this.#buckets.set(name, bucket);
    if (!bucket.loaded) {
      bucket.reading ??= this.#read(name, bucket).finally(() => {
        bucket.reading = undefined;
      });
      await bucket.reading;
      this.#evict();
    }
    return bucket;
  }

  // Adds the file's documents under those put since the store opened (which are newer), checked against the
  // schema and against the summary the index was built from.
  async #read(name: string, bucket: Bucket): Promise<void> {
    const file = this.#file(name);
    const items = Object.entries((await file.read())?.items ?? {});
    const suspect = this.#suspects.get(name);
    const recorded = this.#recorded.get(name);
    if (recorded && items.length !== recorded.count) {
      throw new DamagedRecordError(
        file.name,
        `holds ${items.length} applications, but its summary lists ${recorded.count}${rebuildHint(this.#summaryFile(name))}`,
      );
    }
    for (const [id, doc] of items) {
      if (bucket.items.has(id)) continue;
      const summary = this.index.get(id);
      const actual = summarize(doc);
      if (suspect || !recorded) this.index.put(actual);
      else if (!summary || !sameSummary(summary, actual) || applicationShard(id) !== name) {
        throw new DamagedRecordError(
          file.name,
          `holds ${id} at rev ${doc.rev} (${doc.status}), but its summary says ${summary ? `rev ${summary.rev} (${summary.status})` : 'nothing of it'}${rebuildHint(this.#summaryFile(name))}`,
        );
      }
      bucket.items.set(id, doc);
    }
    // A summary that did not match its bucket (the log replayed since): the bucket's file and the log decide.
    for (const id of suspect?.ids ?? []) if (!bucket.items.has(id)) this.index.remove(id);
    bucket.loaded = true;
  }

  #newBucket(name: string): Bucket {
    const bucket: Bucket = { items: new Map(), loaded: false, version: 0 };
    this.#buckets.set(name, bucket);
    return bucket;
  }

  // Lets go of the least recently used buckets beyond the bound: only read ones with nothing left to write.
  #evict(): void {
    if (this.#keepAll) return;
    let loaded = 0;
    for (const bucket of this.#buckets.values()) if (bucket.loaded) loaded += 1;
    for (const [name, bucket] of this.#buckets) {
      if (loaded <= this.#cached) return;
      if (!bucket.loaded || bucket.reading || this.#dirty.has(name) || this.#summaryOnly.has(name)) continue;
      this.#buckets.delete(name);
      loaded -= 1;
    }
  }

  #file(name: string): StoreFile<BucketFile> {
    let file = this.#files.get(name);
    if (!file) {
      file = new StoreFile(this.#dataDir, join(DIR, `${name}.json`), this.#bucketSchema);
      this.#files.set(name, file);
    }
    return file;
  }

  #summaryFile(name: string): StoreFile<SummaryFile> {
    let file = this.#summaryFiles.get(name);
    if (!file) {
      file = new StoreFile(this.#dataDir, join(DIR, SUMMARIES, `${name}.json`), this.#summarySchema);
      this.#summaryFiles.set(name, file);
    }
    return file;
  }
}

// Summaries are plain JSON built by summarize() in one key order; a summary read back may carry unknown keys
// of a later version, which a comparison of what this version writes ignores.
function sameSummary(stored: ApplicationSummary, actual: ApplicationSummary): boolean {
  return JSON.stringify(summarize(stored as Application)) === JSON.stringify(actual);
}

function rebuildHint(summary: StoreFile<SummaryFile>): string {
  return ` (${summary.name}); if the bucket is the right one, remove that summary and it is rebuilt from the bucket at the next start`;
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}
