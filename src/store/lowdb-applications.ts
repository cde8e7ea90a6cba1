// The applications of the lowdb store. Documents live in buckets of 100 (applications/<day>-<block>.json), and
// each bucket has a summary (applications/summaries/<bucket>.json): the size of the bucket file as written and,
// per application, the plain fields the index needs (memory-index.ts ApplicationSummary) and where its document
// lies in the bucket file (byte offset and length). A start reads only the summaries. A document is read when it
// is asked for — its own bytes of the bucket, checked against its schema and its summary — and the most recently
// read ones are kept (a bounded number). A checkpoint rewrites a changed bucket from the bytes of its unchanged
// documents and the new ones, without parsing the rest.
// Damage still stops the start where it can be seen without reading the documents: a bucket whose size is not the
// one its summary recorded (cut short, emptied, edited) is named at open, and so is a damaged summary; a bucket
// without a summary (a store of an earlier version, or a summary removed on purpose) is read whole at open and
// given its summary; a document its schema or summary refuses is an error naming the file when it is read.
import { chmod, mkdir, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { APPLICATION_STATUSES, type Application, type DeliveryMode, type DepartmentStatus } from '../domain/types.js';
import { DIR_MODE, FILE_MODE, removeLeftoverTemps, StoreFile } from './lowdb-file.js';
import { applicationShard } from './lowdb-layout.js';
import { ApplicationIndex, summarize, type ApplicationSummary } from './memory-index.js';
import { applicationRecord, DamagedRecordError, describeIssues } from './record-schemas.js';

/** Documents kept in memory once read, by default. */
export const CACHED_APPLICATIONS = 2_000;
/** From this many documents of one bucket at once, the whole file is read rather than each document's bytes. */
const WHOLE_BUCKET_READ = 4;

const DIR = 'applications';
const SUMMARIES = 'summaries';
/** Values in a summary row of this version (an earlier version's rows have one less: no facts). */
const ROW_LENGTH = 15;
// Files read or inspected at once when the store opens.
const PARALLEL = 8;

interface BucketFile {
  items: Record<string, Application>;
}

/** Byte offset and length of a document in its bucket file. */
type Span = [number, number];

/**
 * One application in a summary file, as a row (half the size of an object, and checked ten times faster than one
 * by a schema): id, rev, status, createdAt, matter id, matter version, applicant, departments as [id, status]
 * pairs, submittedAt, acceptedAt, deadline, decidedAt (null when absent), then the document's byte offset and length,
 * then the light facts of the figures (FactsCell). A row of an earlier version has no facts (14 values): its bucket is
 * summarised again at open, once.
 */
type SummaryRow = [
  string,
  number,
  ApplicationSummary['status'],
  string,
  string,
  number,
  string,
  [string, string][],
  string | null,
  string | null,
  string | null,
  string | null,
  number,
  number,
  FactsCell,
];

/** Matter name, department names (in the departments' order), delivery, rating, 补正 pauses as [from, to] (null: none). */
type FactsCell = [string, string[], DeliveryMode | null, number | null, [string, string | null][]];

interface SummaryFile {
  /** Length in bytes of the bucket file this summary was written with. */
  bytes: number;
  rows: SummaryRow[];
}

/** Why a bucket's summary could not be trusted at open; settled by the log's replay, or an error. */
interface Suspect {
  reason: string;
  /** The ids its summary listed. */
  ids: string[];
}

/** Applications by id: summaries in memory, documents read one by one when needed. */
export class LowdbApplications {
  readonly index = new ApplicationIndex();
  readonly #dataDir: string;
  readonly #cached: number;
  readonly #bucketSchema: z.ZodType<BucketFile>;
  readonly #summarySchema: z.ZodType<SummaryFile>;
  readonly #files = new Map<string, StoreFile<BucketFile>>();
  readonly #summaryFiles = new Map<string, StoreFile<SummaryFile>>();
  /** Ids of each bucket, in file order (new ones last). */
  readonly #members = new Map<string, string[]>();
  /** Where each written document lies in its bucket file. */
  readonly #spans = new Map<string, Span>();
  /** Documents put since their bucket was last written, by bucket (the buckets a checkpoint rewrites). */
  readonly #pending = new Map<string, Map<string, Application>>();
  /** Documents read (or written) lately, least recently used first. */
  readonly #cache = new Map<string, Application>();
  /** Per bucket: odd while its file is being replaced, bumped again once its spans are the new file's. */
  readonly #generation = new Map<string, number>();
  readonly #writes = new Map<string, Promise<void>>();
  readonly #suspects = new Map<string, Suspect>();
  #all: Map<string, Application> | undefined;

  constructor(dataDir: string, cachedApplications = CACHED_APPLICATIONS) {
    this.#dataDir = dataDir;
    this.#cached = Math.max(0, cachedApplications);
    // Casts: the record schemas are loose (unknown keys kept), so their output is wider than the domain types.
    this.#bucketSchema = z.strictObject({ items: z.record(z.string(), applicationRecord) }) as unknown as z.ZodType<BucketFile>;
    // The rows are checked by hand (checkRow): 100,000 of them through a zod schema took most of a second.
    this.#summarySchema = z.strictObject({ bytes: z.number().int().min(0), rows: z.array(z.unknown()) }).superRefine((file, ctx) => {
      for (let i = 0; i < file.rows.length; i++) {
        const problem = checkRow(file.rows[i], file.bytes);
        if (problem) {
          ctx.addIssue({ code: 'custom', path: ['rows', i], message: problem });
          return;
        }
      }
    }) as unknown as z.ZodType<SummaryFile>;
  }

  /** Reads every summary and the size of every bucket; buckets without a summary are read whole and given one. */
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
    const withSummary = new Set(await jsonNames(summaries));
    const names = [...new Set([...(await jsonNames(root)), ...withSummary])].sort();
    const found = new Map<string, { bytes?: number; summary?: SummaryFile }>();
    await inParallel(names, async (name) => {
      const path = this.#file(name).path;
      const bytes = await stat(path).then(
        async (s) => {
          // A bucket written before modes were enforced is closed to other users now, not when first read.
          if ((s.mode & 0o777) !== FILE_MODE) await chmod(path, FILE_MODE);
          return s.size;
        },
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined;
          throw new DamagedRecordError(this.#file(name).name, `cannot be read (${error.message})`, { cause: error });
        },
      );
      const summary = withSummary.has(name) ? ((await this.#summaryFile(name).read()) ?? undefined) : undefined;
      found.set(name, { bytes, summary });
    });
    const unsummarised: string[] = [];
    for (const name of names) {
      const { bytes, summary } = found.get(name)!;
      // A summary of an earlier version (rows without the facts) is rebuilt from its bucket, as a missing one.
      if (!summary || (bytes !== undefined && summary.rows.some((row) => row.length < ROW_LENGTH))) {
        unsummarised.push(name);
        continue;
      }
      const ids = summary.rows.map((row) => row[0]);
      const stray = ids.find((id) => applicationShard(id) !== name);
      if (stray) throw new DamagedRecordError(this.#summaryFile(name).name, `lists ${stray}, which belongs in another bucket`);
      for (const row of summary.rows) this.index.put(fromRow(row));
      this.#members.set(name, ids);
      if (bytes === summary.bytes) {
        for (const row of summary.rows) this.#spans.set(row[0], [row[12], row[13]]);
      } else {
        const reason =
          bytes === undefined
            ? `is missing, but its summary (${this.#summaryFile(name).name}) lists ${ids.length} applications`
            : `holds ${bytes} bytes, but was written with ${summary.bytes} (${this.#summaryFile(name).name}): cut short or changed outside the store`;
        this.#suspects.set(name, { reason, ids });
      }
    }
    // Read whole and checked now, and given a summary at once, a few at a time: a store of an earlier version
    // never holds all its documents in memory.
    await inParallel(unsummarised, (name) => this.#summarise(name));
  }

  /**
   * Throws for a bucket whose summary did not match it at open, unless the log's replay rewrites it (a crash
   * between writing a bucket and its summary): called after the replay, before anything is written.
   */
  verify(): void {
    for (const [name, suspect] of this.#suspects) {
      if (!this.#pending.has(name)) throw new DamagedRecordError(this.#file(name).name, suspect.reason);
    }
  }

  get size(): number {
    return this.index.size;
  }

  has(id: string): boolean {
    return this.index.get(id) !== undefined;
  }

  /** The stored revision (0 when absent), from the summary: nothing is read. */
  rev(id: string): number {
    return this.index.get(id)?.rev ?? 0;
  }

  /** The stored document (the store's own object: clone it before handing it out). */
  async get(id: string): Promise<Application | undefined> {
    if (!this.has(id)) return undefined;
    return (await this.getMany([id]))[0];
  }

  /** Stored documents of known ids, in the order asked (the store's own objects: clone them before handing them out). */
  async getMany(ids: string[]): Promise<Application[]> {
    const docs = new Array<Application>(ids.length);
    const toRead = new Map<string, number[]>(); // bucket → positions in `ids`
    ids.forEach((id, i) => {
      const name = applicationShard(id);
      const known = this.#pending.get(name)?.get(id) ?? this.#all?.get(id) ?? this.#cache.get(id);
      if (known) {
        docs[i] = known;
        if (this.#cache.delete(id)) this.#cache.set(id, known);
        return;
      }
      if (!this.has(id)) throw new Error(`no application ${id} is stored`);
      const positions = toRead.get(name);
      if (positions) positions.push(i);
      else toRead.set(name, [i]);
    });
    for (const [name, positions] of toRead) {
      const read = await this.#readDocs(
        name,
        positions.map((i) => ids[i]!),
      );
      positions.forEach((i, k) => {
        // A put may have come while it was read: the newer document wins, and is not cached here.
        const newer = this.#pending.get(name)?.get(ids[i]!);
        docs[i] = newer ?? read[k]!;
        if (!newer) this.#remember(ids[i]!, read[k]!);
      });
    }
    return docs;
  }

  /** Stores a version; its bucket is written at the next flush. */
  put(doc: Application): void {
    const name = applicationShard(doc.id);
    let pending = this.#pending.get(name);
    if (!pending) {
      pending = new Map();
      this.#pending.set(name, pending);
    }
    pending.set(doc.id, doc);
    this.#cache.delete(doc.id);
    this.#all?.set(doc.id, doc);
    if (!this.has(doc.id)) {
      const members = this.#members.get(name);
      if (members) members.push(doc.id);
      else this.#members.set(name, [doc.id]);
    }
    this.index.put(summarize(doc));
  }

  /** Reads every document and keeps them all (tools that copy the whole store); values() needs it. */
  async loadAll(): Promise<void> {
    const all = new Map<string, Application>();
    await inParallel([...this.#members.keys()], async (name) => {
      const file = (await this.#file(name).read())?.items ?? {};
      for (const id of this.#members.get(name)!) {
        const doc = this.#pending.get(name)?.get(id) ?? file[id];
        if (!doc) throw new DamagedRecordError(this.#file(name).name, `does not hold ${id}, which its summary lists`);
        all.set(id, doc);
      }
    });
    this.#all = all;
  }

  *values(): IterableIterator<Application> {
    for (const [, doc] of this.entries()) yield doc;
  }

  /** Every id with its document; needs loadAll() first. */
  *entries(): IterableIterator<[string, Application]> {
    if (!this.#all) throw new Error('every application must be read first (loadAll)');
    yield* this.#all.entries();
  }

  get dirty(): boolean {
    return this.#pending.size > 0;
  }

  /** Writes every changed bucket and then its summary, each atomically. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending.keys()].map((name) => this.#write(name)));
  }

  async #write(name: string): Promise<void> {
    this.#generation.set(name, (this.#generation.get(name) ?? 0) + 1);
    const done = this.#rewrite(name).finally(() => {
      this.#generation.set(name, this.#generation.get(name)! + 1);
      this.#writes.delete(name);
    });
    this.#writes.set(name, done);
    await done;
  }

  // The bucket's new text: the unchanged documents' bytes as they are, the changed ones serialised.
  async #rewrite(name: string): Promise<void> {
    if (this.#suspects.has(name)) await this.#readWhole(name);
    let old = this.#members.get(name)!.every((id) => this.#pending.get(name)!.has(id)) ? undefined : await this.#readBytes(name);
    // The unchanged documents' bytes are copied only where the file holds them under their own key; otherwise
    // (a bucket written by a checkpoint a crash cut short before its summary, and of the same size) it is read whole.
    if (old && !this.#members.get(name)!.every((id) => this.#pending.get(name)!.has(id) || spanFits(old!, id, this.#spans.get(id)!))) {
      await this.#readWhole(name);
      old = undefined;
    }
    const members = this.#members.get(name)!;
    // From here to the write nothing waits: these are the documents the new file holds.
    const pending = new Map(this.#pending.get(name));
    const parts: Buffer[] = [Buffer.from('{"items":{')];
    let offset = parts[0]!.length;
    const spans: Record<string, Span> = {};
    members.forEach((id, i) => {
      const doc = pending.get(id);
      const span = this.#spans.get(id)!;
      const bytes = doc ? Buffer.from(JSON.stringify(doc)) : old!.subarray(span[0], span[0] + span[1]);
      const key = Buffer.from(`${i > 0 ? ',' : ''}${JSON.stringify(id)}:`);
      parts.push(key, bytes);
      offset += key.length;
      spans[id] = [offset, bytes.length];
      offset += bytes.length;
    });
    parts.push(Buffer.from('}}'));
    const text = Buffer.concat(parts);
    await this.#file(name).writeText(text);
    const rows = members.map((id) => toRow(this.index.get(id)!, spans[id]!));
    await this.#summaryFile(name).write({ bytes: text.length, rows });
    for (const [id, span] of Object.entries(spans)) this.#spans.set(id, span);
    this.#suspects.delete(name);
    // Done with the puts written (a put during the write stays pending for the next flush); the written ones are
    // the latest documents, so they are kept as read.
    const left = this.#pending.get(name);
    for (const [id, doc] of pending) {
      if (left?.get(id) !== doc) continue;
      left.delete(id);
      this.#remember(id, doc);
    }
    if (left?.size === 0) this.#pending.delete(name);
  }

  // Documents of one bucket from their bytes in its file, checked; read again if the bucket was rewritten meanwhile.
  // A few are read by their own bytes, more at once with one read of the whole file.
  async #readDocs(name: string, ids: string[]): Promise<Application[]> {
    const file = this.#file(name);
    for (;;) {
      const writing = this.#writes.get(name);
      if (writing) await writing.catch(() => undefined);
      const generation = this.#generation.get(name) ?? 0;
      const spans = ids.map((id) => {
        const span = this.#spans.get(id);
        if (!span) throw new DamagedRecordError(file.name, `has no place recorded for ${id}`);
        return span;
      });
      let chunks: Buffer[];
      if (ids.length < WHOLE_BUCKET_READ) {
        chunks = [];
        for (const span of spans) chunks.push(await readSpan(file, span));
      } else {
        const whole = await this.#readBytes(name);
        chunks = spans.map(([offset, length]) => whole.subarray(offset, offset + length));
      }
      if (generation !== (this.#generation.get(name) ?? 0)) continue;
      return ids.map((id, i) => this.#decode(name, id, spans[i]!, chunks[i]!));
    }
  }

  #decode(name: string, id: string, span: Span, bytes: Buffer): Application {
    const file = this.#file(name);
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new DamagedRecordError(file.name, `${id} at byte ${span[0]} is not valid JSON (${(error as Error).message})`, { cause: error });
    }
    const parsed = applicationRecord.safeParse(json);
    if (!parsed.success) throw new DamagedRecordError(file.name, `${id}: ${describeIssues(parsed.error)}`);
    const doc = json as Application;
    const summary = this.index.get(id)!;
    if (doc.id !== id || !sameSummary(summary, summarize(doc))) {
      throw new DamagedRecordError(
        file.name,
        `holds ${doc.id} at rev ${doc.rev} (${doc.status}) where its summary has ${id} at rev ${summary.rev} (${summary.status}) (${this.#summaryFile(name).name}); ` +
          'if the bucket is the right one, remove that summary and it is rebuilt from the bucket at the next start',
      );
    }
    return doc;
  }

  async #readBytes(name: string): Promise<Buffer> {
    const file = this.#file(name);
    const handle = await open(file.path, 'r');
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  // The whole bucket, checked against its schema: the documents not put since become pending too (written again
  // at the next flush), and the index follows the file (its summary was missing or did not match).
  async #readWhole(name: string): Promise<void> {
    const items = (await this.#file(name).read())?.items ?? {};
    const pending = this.#pending.get(name) ?? new Map<string, Application>();
    this.#pending.set(name, pending);
    const members = new Set(Object.keys(items));
    for (const [id, doc] of Object.entries(items)) {
      if (applicationShard(id) !== name || doc.id !== id)
        throw new DamagedRecordError(this.#file(name).name, `holds ${doc.id} under ${id}`);
      if (pending.has(id)) continue;
      pending.set(id, doc);
      this.index.put(summarize(doc));
    }
    for (const id of pending.keys()) members.add(id);
    for (const id of this.#suspects.get(name)?.ids ?? []) if (!members.has(id)) this.index.remove(id);
    this.#members.set(name, [...members]);
  }

  // A bucket without a summary: checked whole, indexed, and its summary written (the bucket too, unless it already
  // holds its documents as this version writes them, which a bucket of an earlier version does).
  async #summarise(name: string): Promise<void> {
    const file = this.#file(name);
    const items = Object.entries((await file.read())?.items ?? {});
    const old = await this.#readBytes(name);
    const parts: Buffer[] = [Buffer.from('{"items":{')];
    let offset = parts[0]!.length;
    const spans: Span[] = [];
    items.forEach(([id, doc], i) => {
      if (applicationShard(id) !== name || doc.id !== id) throw new DamagedRecordError(file.name, `holds ${doc.id} under ${id}`);
      const key = Buffer.from(`${i > 0 ? ',' : ''}${JSON.stringify(id)}:`);
      const bytes = Buffer.from(JSON.stringify(doc));
      parts.push(key, bytes);
      offset += key.length;
      spans.push([offset, bytes.length]);
      offset += bytes.length;
    });
    parts.push(Buffer.from('}}'));
    const text = Buffer.concat(parts);
    if (!text.equals(old)) await file.writeText(text);
    const summaries = items.map(([, doc]) => summarize(doc));
    await this.#summaryFile(name).write({ bytes: text.length, rows: summaries.map((summary, i) => toRow(summary, spans[i]!)) });
    for (const summary of summaries) this.index.put(summary);
    items.forEach(([id], i) => this.#spans.set(id, spans[i]!));
    this.#members.set(
      name,
      items.map(([id]) => id),
    );
  }

  #remember(id: string, doc: Application): void {
    if (this.#cached === 0) return;
    this.#cache.delete(id);
    this.#cache.set(id, doc);
    if (this.#cache.size > this.#cached) this.#cache.delete(this.#cache.keys().next().value!);
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

/** Whether `bucket` holds a document at `span` under the key `id` (`"<id>":{…}` followed by `,` or `}`). */
function spanFits(bucket: Buffer, id: string, [offset, length]: Span): boolean {
  const key = Buffer.from(`${JSON.stringify(id)}:`);
  const end = offset + length;
  return (
    offset >= key.length &&
    end < bucket.length &&
    bucket.compare(key, 0, key.length, offset - key.length, offset) === 0 &&
    bucket[offset] === 0x7b && // {
    bucket[end - 1] === 0x7d && // }
    (bucket[end] === 0x2c || bucket[end] === 0x7d) // , or }
  );
}

async function readSpan(file: StoreFile<BucketFile>, [offset, length]: Span): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file.path, 'r');
  } catch (error) {
    throw new DamagedRecordError(file.name, `cannot be read (${(error as Error).message})`, { cause: error });
  }
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    if (bytesRead !== length) throw new DamagedRecordError(file.name, `ends before byte ${offset + length}: cut short`);
    return buffer;
  } finally {
    await handle.close();
  }
}

// Summaries are plain JSON built by summarize() in one key order; a summary read back may carry unknown keys
// of a later version, which a comparison of what this version writes ignores.
function sameSummary(stored: ApplicationSummary, actual: ApplicationSummary): boolean {
  return JSON.stringify(toRow(stored, [0, 0])) === JSON.stringify(toRow(actual, [0, 0]));
}

function toRow(s: ApplicationSummary, [offset, length]: Span): SummaryRow {
  const departments = s.departments.map((d): [string, string] => [d.id, d.status]);
  return [
    s.id,
    s.rev,
    s.status,
    s.createdAt,
    s.matter.id,
    s.matter.version,
    s.applicant.userId,
    departments,
    s.submittedAt ?? null,
    s.acceptedAt ?? null,
    s.deadline ?? null,
    s.decidedAt ?? null,
    offset,
    length,
    [
      s.matter.name,
      s.departments.map((d) => d.name),
      s.delivery ?? null,
      s.rating ?? null,
      (s.pauses ?? []).map((p): [string, string | null] => [p.from, p.to ?? null]),
    ],
  ];
}

function fromRow(row: SummaryRow): ApplicationSummary {
  const [id, rev, status, createdAt, matterId, matterVersion, userId, departments, submittedAt, acceptedAt, deadline, decidedAt] = row;
  // A row of an earlier version (its bucket missing or changed: the log's replay or an error settles it) has no
  // facts; the ids stand in for the names until then.
  const [matterName, names, delivery, rating, pauses] = row[14] ?? [matterId, [], null, null, []];
  const summary: ApplicationSummary = {
    id,
    rev,
    status,
    createdAt,
    matter: { id: matterId, version: matterVersion, name: matterName },
    applicant: { userId },
    departments: [],
  };
  departments.forEach(([depId, depStatus], i) =>
    summary.departments.push({ id: depId, status: depStatus as DepartmentStatus, name: names[i] ?? depId }),
  );
  if (submittedAt !== null) summary.submittedAt = submittedAt;
  if (acceptedAt !== null) summary.acceptedAt = acceptedAt;
  if (deadline !== null) summary.deadline = deadline;
  if (decidedAt !== null) summary.decidedAt = decidedAt;
  if (delivery !== null) summary.delivery = delivery;
  if (rating !== null) summary.rating = rating;
  if (pauses.length > 0) summary.pauses = pauses.map(([from, to]) => (to === null ? { from } : { from, to }));
  return summary;
}

const STATUSES = new Set<string>(APPLICATION_STATUSES);

/** What is wrong with a summary row (see SummaryRow), or undefined. Runs 100,000 times at open: no closures. */
function checkRow(row: unknown, bytes: number): string | undefined {
  if (!Array.isArray(row) || (row.length !== ROW_LENGTH && row.length !== ROW_LENGTH - 1)) return `expected a row of ${ROW_LENGTH} values`;
  if (typeof row[0] !== 'string' || row[0] === '') return 'the id must be a non-empty string';
  if (!isWhole(row[1], 1)) return 'rev must be a whole number ≥ 1';
  if (!STATUSES.has(row[2] as string)) return `unknown status ${JSON.stringify(row[2])}`;
  if (typeof row[3] !== 'string' || typeof row[4] !== 'string' || !isWhole(row[5], 0) || typeof row[6] !== 'string')
    return 'createdAt, the matter and the applicant must be given';
  const departments = row[7] as unknown;
  if (!Array.isArray(departments)) return 'departments must be [id, status] pairs';
  for (const d of departments) {
    if (!Array.isArray(d) || d.length !== 2 || typeof d[0] !== 'string' || typeof d[1] !== 'string')
      return 'departments must be [id, status] pairs';
  }
  for (let i = 8; i <= 11; i++) if (row[i] !== null && typeof row[i] !== 'string') return 'the dates must be strings or null';
  if (!isWhole(row[12], 0) || !isWhole(row[13], 1) || (row[12] as number) + (row[13] as number) > bytes)
    return 'the place of the document must lie in the bucket';
  return row.length === ROW_LENGTH ? checkFacts(row[14], departments.length) : undefined;
}

const DELIVERY_MODES = new Set<unknown>(['elicence', 'mail', 'window']);

/** What is wrong with a row's facts (see FactsCell), or undefined. */
function checkFacts(cell: unknown, departments: number): string | undefined {
  const problem = 'the facts must be [matter name, department names, delivery, rating, pauses]';
  if (!Array.isArray(cell) || cell.length !== 5 || typeof cell[0] !== 'string') return problem;
  const [, names, delivery, rating, pauses] = cell as unknown[];
  if (!Array.isArray(names) || names.length !== departments || names.some((n) => typeof n !== 'string')) return problem;
  if (delivery !== null && !DELIVERY_MODES.has(delivery)) return problem;
  if (rating !== null && !(isWhole(rating, 1) && (rating as number) <= 5)) return problem;
  if (!Array.isArray(pauses)) return problem;
  for (const p of pauses) {
    if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string' || (p[1] !== null && typeof p[1] !== 'string')) return problem;
  }
  return undefined;
}

function isWhole(value: unknown, min: number): boolean {
  return Number.isInteger(value) && (value as number) >= min;
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}
