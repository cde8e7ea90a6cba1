// Personal data encrypted at rest for every Store: a wrapper that seals what goes in and opens what comes out,
// so the lowdb and PostgreSQL stores stay plain record keepers and the bot never sees a sealed value.
// What is sealed: the values of sensitive application fields, every material reference (an e-licence's
// number is often the 身份证号) and every history note (a supplement's typed answers land there), each dialog's whole `data` (drafts hold answers), and each outbox job's
// and dead job's whole payload and error text (card payloads and back-office bodies hold the numbers), and each
// feature record's whole `data` (notices hold recipients, complaints what people wrote).
// What stays plain: what the stores query and order by (ids, applicant id, status, dates, job times, record
// kinds and tags — which is why tags never hold personal data).
import type { ApplicationFacts } from '../domain/application-facts.js';
import type { Application } from '../domain/types.js';
import { type DataCipher, isSealed, SealError } from './data-cipher.js';
import { JobTexts } from './job-texts.js';
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

/**
 * Keys of a matter version's sensitive fields, or undefined for a matter the catalogue does not know.
 * The composition root builds it from the matter catalogue (src/domain/sensitive-fields.ts): the template is
 * where a field's type and `sensitive` flag live, so applications, the bot and the domain stay unchanged.
 * An unknown matter (retired, or a test's own) has every field sealed: failing safe costs only some speed.
 */
export type SensitiveFields = (matter: { id: string; version: number }) => ReadonlySet<string> | undefined;

/** Meta key listing the ids of every data key that has sealed something in this store. */
export const SEALING_KEYS_META = 'store.dataKeyIds';

/** Seals and opens the records of a Store. */
export class RecordCodec {
  constructor(
    readonly cipher: DataCipher,
    readonly sensitive: SensitiveFields = () => undefined,
  ) {}

  sealApplication(app: Application): Application {
    const keys = this.sensitive(app.matter);
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(app.fields)) fields[key] = !keys || keys.has(key) ? this.#seal(value) : value;
    return {
      ...app,
      fields,
      materials: app.materials.map((m) => ({ ...m, ref: this.#seal(m.ref) })),
      history: app.history.map((entry) => (entry.note === undefined ? entry : { ...entry, note: this.#seal(entry.note) })),
    };
  }

  openApplication(app: Application): Application {
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(app.fields)) fields[key] = this.#open(value);
    return {
      ...app,
      fields,
      materials: app.materials.map((m) => ({ ...m, ref: this.#open(m.ref) })),
      history: app.history.map((entry) => (entry.note === undefined ? entry : { ...entry, note: this.#open(entry.note) })),
    };
  }

  sealDialog(dialog: DialogRecord): DialogRecord {
    return { ...dialog, data: this.#sealJson(dialog.data) };
  }

  openDialog(dialog: DialogRecord): DialogRecord {
    return { ...dialog, data: this.#openJson(dialog.data) };
  }

  /** A meta value sealed whole (it may hold a person's verified identity); the store's own `store.*` keys stay plain. */
  sealMeta(key: string, value: unknown): unknown {
    return value === null || key.startsWith('store.') ? value : this.#sealJson(value);
  }

  openMeta(value: unknown): unknown {
    return this.#openJson(value);
  }

  sealRecord(record: StoredRecord): StoredRecord {
    return { ...record, data: this.#sealJson(record.data) };
  }

  openRecord<T>(record: StoredRecord<T>): StoredRecord<T> {
    return { ...record, data: this.#openJson(record.data) as T };
  }

  sealJob<T extends OutboxJob | DeadJob>(job: T): T {
    const sealed: T = { ...job, payload: this.#sealJson(job.payload) };
    if (job.lastError !== undefined) sealed.lastError = this.#seal(job.lastError);
    if ('reason' in job) (sealed as DeadJob).reason = this.#seal(job.reason);
    return sealed;
  }

  openJob<T extends OutboxJob | DeadJob>(job: T): T {
    const opened: T = { ...job, payload: this.#openJson(job.payload) };
    if (job.lastError !== undefined) opened.lastError = this.#open(job.lastError);
    if ('reason' in job) (opened as DeadJob).reason = this.#open(job.reason);
    return opened;
  }

  #seal(value: string): string {
    return isSealed(value) ? value : this.cipher.seal(value);
  }

  // A value stored before encryption was introduced is read as it is and sealed when next written.
  #open(value: string): string {
    return isSealed(value) ? this.cipher.open(value) : value;
  }

  #sealJson(value: unknown): unknown {
    return value === undefined || isSealed(value) ? value : this.cipher.seal(JSON.stringify(value));
  }

  #openJson(value: unknown): unknown {
    return isSealed(value) ? (JSON.parse(this.cipher.open(value)) as unknown) : value;
  }
}

/** A Store that keeps personal data sealed in `inner`; see the file comment for what is sealed. */
export class SealedStore implements Store {
  readonly #inner: Store;
  readonly #codec: RecordCodec;
  readonly #jobTexts: JobTexts;
  #keyIds: string[] = [];

  constructor(inner: Store, codec: RecordCodec) {
    this.#inner = inner;
    this.#codec = codec;
    this.#jobTexts = new JobTexts((text) => codec.cipher.seal(text));
  }

  get kind(): Store['kind'] {
    return this.#inner.kind;
  }

  /** The wrapped store (for tests and tools that need implementation details). */
  get inner(): Store {
    return this.#inner;
  }

  /** Opens the inner store and refuses to start when data was sealed with a key that is not configured. */
  async open(): Promise<void> {
    await this.#inner.open();
    const ids = (await this.#inner.getMeta<string[]>(SEALING_KEYS_META)) ?? [];
    const missing = ids.filter((id) => !this.#codec.cipher.hasKey(id));
    if (missing.length > 0) {
      await this.#inner.close();
      throw new SealError(
        `data in the store was sealed with data key ${missing.join(', ')}, which is neither DATA_KEY nor DATA_KEY_PREVIOUS ` +
          `(configured: ${this.#codec.cipher.currentKeyId}); set DATA_KEY_PREVIOUS to the key in use before the rotation`,
      );
    }
    this.#keyIds = ids;
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  ping(): Promise<void> {
    return this.#inner.ping();
  }

  async commit(change: Commit): Promise<void> {
    const codec = this.#codec;
    const current = codec.cipher.currentKeyId;
    // The first write under a new key records it, so a later start without that key fails at once.
    const newKey = !this.#keyIds.includes(current);
    const sealedMeta =
      change.meta && Object.fromEntries(Object.entries(change.meta).map(([key, value]) => [key, codec.sealMeta(key, value)]));
    const meta = newKey ? { ...sealedMeta, [SEALING_KEYS_META]: [...this.#keyIds, current] } : sealedMeta;
    await this.#inner.commit({
      ...change,
      applications: change.applications?.map((app) => codec.sealApplication(app)),
      dialogs: change.dialogs && { ...change.dialogs, put: change.dialogs.put?.map((d) => codec.sealDialog(d)) },
      records: change.records && { ...change.records, put: change.records.put?.map((record) => codec.sealRecord(record)) },
      jobs: change.jobs && {
        ...change.jobs,
        put: change.jobs.put?.map((job) => this.#jobTexts.sealPayload(job) ?? codec.sealJob(job)),
        dead: change.jobs.dead?.map((job) => codec.sealJob(job)),
      },
      ...(meta ? { meta } : {}),
    });
    if (newKey) this.#keyIds = [...this.#keyIds, current];
    if (change.jobs?.remove) this.#jobTexts.forget(change.jobs.remove);
    if (change.jobs?.dead) this.#jobTexts.forget(change.jobs.dead.map((job) => job.id));
  }

  hasProcessed(inboxId: string): Promise<boolean> {
    return this.#inner.hasProcessed(inboxId);
  }

  nextApplicationId(day: string): Promise<string> {
    return this.#inner.nextApplicationId(day);
  }

  async getApplication(id: string): Promise<Application | undefined> {
    const app = await this.#inner.getApplication(id);
    return app && this.#codec.openApplication(app);
  }

  async findApplications(query: ApplicationQuery): Promise<{ total: number; items: Application[] }> {
    const { total, items } = await this.#inner.findApplications(query);
    return { total, items: items.map((app) => this.#codec.openApplication(app)) };
  }

  findApplicationIds(query: ApplicationQuery): Promise<{ total: number; ids: string[] }> {
    return this.#inner.findApplicationIds(query);
  }

  // Facts are never sealed (dates, statuses, names of matters and departments, delivery, rating, 补正 times).
  async applicationFacts(query: FactsQuery): Promise<ApplicationFacts[]> {
    return this.#inner.applicationFacts(query);
  }

  async getDialog(key: string): Promise<DialogRecord | undefined> {
    const dialog = await this.#inner.getDialog(key);
    return dialog && this.#codec.openDialog(dialog);
  }

  async findDialogs(subject: string): Promise<DialogRecord[]> {
    return (await this.#inner.findDialogs(subject)).map((dialog) => this.#codec.openDialog(dialog));
  }

  async getRecord<T>(kind: string, id: string): Promise<StoredRecord<T> | undefined> {
    const record = await this.#inner.getRecord<T>(kind, id);
    return record && this.#codec.openRecord(record);
  }

  async findRecords<T>(kind: string, query?: RecordQuery): Promise<{ total: number; items: StoredRecord<T>[] }> {
    const { total, items } = await this.#inner.findRecords<T>(kind, query);
    return { total, items: items.map((record) => this.#codec.openRecord(record)) };
  }

  #openJob(job: OutboxJob): OutboxJob {
    return this.#jobTexts.openPayload(job) ?? this.#codec.openJob(job);
  }

  async dueJobs(now: number, limit: number): Promise<OutboxJob[]> {
    return (await this.#inner.dueJobs(now, limit)).map((job) => this.#openJob(job));
  }

  async leaseJobs(now: number, limit: number, options: LeaseOptions): Promise<OutboxJob[]> {
    return (await this.#inner.leaseJobs(now, limit, options)).map((job) => this.#openJob(job));
  }

  renewLeases(owner: string, jobIds: readonly string[], until: number): Promise<string[]> {
    return this.#inner.renewLeases(owner, jobIds, until);
  }

  // Refs carry no payload: nothing to open.
  dueJobRefs(now: number, limit: number, kinds?: readonly JobKind[]): Promise<JobRef[]> {
    return this.#inner.dueJobRefs(now, limit, kinds);
  }

  nextJobAt(): Promise<number | undefined> {
    return this.#inner.nextJobAt();
  }

  async getJob(id: string): Promise<OutboxJob | undefined> {
    const job = await this.#inner.getJob(id);
    return job && this.#openJob(job);
  }

  async deadJobs(): Promise<DeadJob[]> {
    return (await this.#inner.deadJobs()).map((job) => this.#codec.openJob(job));
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return this.#codec.openMeta(await this.#inner.getMeta<unknown>(key)) as T | undefined;
  }
}
