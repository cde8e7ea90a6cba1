// In-memory indexes over applications so listing one applicant's applications, newest first,
// does not scan (or sort) every application the store holds. The index keeps each application's summary
// (the plain fields queries filter on), not the document: the documents stay in their bucket files until read.
import { type ApplicationFacts, factsOf } from '../domain/application-facts.js';
import type { Application, DepartmentReview } from '../domain/types.js';
import { applicationFilter } from './application-filter.js';
import type { ApplicationQuery, FactsQuery } from './store.js';

/**
 * What the index keeps of an application: the fields listing, filtering and revision checks read, and the light
 * facts the supervision figures read (application-facts.ts), none of them sealed or personal. Its plain fields
 * are a structural subset of Application, so a filter written for applications also runs on summaries.
 */
export type ApplicationSummary = Pick<
  Application,
  'id' | 'rev' | 'status' | 'createdAt' | 'submittedAt' | 'acceptedAt' | 'deadline' | 'decidedAt'
> & {
  matter: Pick<Application['matter'], 'id' | 'version' | 'name'>;
  applicant: Pick<Application['applicant'], 'userId'>;
  departments: Pick<DepartmentReview, 'id' | 'status' | 'name'>[];
} & Pick<ApplicationFacts, 'delivery' | 'rating' | 'pauses'>;

/** The summary of a stored application: its facts (application-facts.ts) and what listing and revisions read. */
export function summarize(app: Application): ApplicationSummary {
  const facts = factsOf(app);
  return {
    ...facts,
    rev: app.rev,
    createdAt: app.createdAt,
    matter: { ...facts.matter, version: app.matter.version },
    applicant: { userId: app.applicant.userId },
  };
}

/** The facts of a summary, as factsOf gives them for the document (copies: the index's own stay as they are). */
export function summaryFacts(summary: ApplicationSummary): ApplicationFacts {
  const { rev: _rev, createdAt: _createdAt, applicant: _applicant, matter, departments, pauses, ...rest } = summary;
  const facts: ApplicationFacts = {
    ...rest,
    matter: { id: matter.id, name: matter.name },
    departments: departments.map((d) => ({ id: d.id, name: d.name, status: d.status })),
  };
  if (pauses) facts.pauses = pauses.map((p) => ({ ...p }));
  return facts;
}

interface Entry {
  createdAt: string;
  id: string;
}

// Ascending by (createdAt, id); the newest entry is last.
function compare(a: Entry, b: Entry): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A list of entries kept sorted by (createdAt, id); appending the newest is O(1). */
class SortedEntries {
  readonly items: Entry[] = [];

  insert(entry: Entry): void {
    const last = this.items[this.items.length - 1];
    if (!last || compare(last, entry) < 0) {
      this.items.push(entry);
      return;
    }
    this.items.splice(this.#search(entry), 0, entry);
  }

  remove(entry: Entry): void {
    const at = this.#search(entry);
    const found = this.items[at];
    if (found && compare(found, entry) === 0) this.items.splice(at, 1);
  }

  // First position whose entry is not less than `entry`.
  #search(entry: Entry): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(this.items[mid]!, entry) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** Every application's summary, ordered newest first overall and per applicant. */
export class ApplicationIndex {
  readonly #summaries = new Map<string, ApplicationSummary>();
  readonly #all = new SortedEntries();
  readonly #byApplicant = new Map<string, SortedEntries>();

  get size(): number {
    return this.#summaries.size;
  }

  get(id: string): ApplicationSummary | undefined {
    return this.#summaries.get(id);
  }

  /** Every summary, in no particular order. */
  values(): IterableIterator<ApplicationSummary> {
    return this.#summaries.values();
  }

  /** Records a stored version, replacing the previous one of the same application. */
  put(next: ApplicationSummary): void {
    const previous = this.#summaries.get(next.id);
    this.#summaries.set(next.id, next);
    if (previous) {
      if (previous.createdAt === next.createdAt && previous.applicant.userId === next.applicant.userId) return;
      this.#unlist(previous);
    }
    const entry = { createdAt: next.createdAt, id: next.id };
    this.#all.insert(entry);
    this.#applicant(next.applicant.userId).insert(entry);
  }

  remove(id: string): void {
    const summary = this.#summaries.get(id);
    if (!summary) return;
    this.#summaries.delete(id);
    this.#unlist(summary);
  }

  /** Ids matching the query, newest first (createdAt, then id, descending), with the total before paging. */
  query(query: ApplicationQuery): { total: number; ids: string[] } {
    const list = query.applicantId === undefined ? this.#all : this.#byApplicant.get(query.applicantId);
    if (!list) return { total: 0, ids: [] };
    const keep = applicationFilter(query);
    const offset = Math.max(0, query.offset ?? 0);
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    const ids: string[] = [];
    if (!keep) {
      const end = list.items.length - offset;
      for (let i = end - 1; i >= 0 && i >= end - limit; i--) ids.push(list.items[i]!.id);
      return { total: list.items.length, ids };
    }
    let total = 0;
    for (let i = list.items.length - 1; i >= 0; i--) {
      const id = list.items[i]!.id;
      // The filters read only plain fields, all of them in the summary (application-filter.ts).
      if (!keep(this.#summaries.get(id)!)) continue;
      if (total >= offset && ids.length < limit) ids.push(id);
      total++;
    }
    return { total, ids };
  }

  /** The facts of the applications matching the query (ids: only those), ordered by id. Nothing is read. */
  facts(query: FactsQuery): ApplicationFacts[] {
    const keep = applicationFilter(query);
    const out: ApplicationFacts[] = [];
    const consider = (summary: ApplicationSummary | undefined) => {
      if (summary && (!keep || keep(summary))) out.push(summaryFacts(summary));
    };
    if (query.ids) for (const id of new Set(query.ids)) consider(this.#summaries.get(id));
    else for (const summary of this.#summaries.values()) consider(summary);
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  #unlist(summary: ApplicationSummary): void {
    const entry = { createdAt: summary.createdAt, id: summary.id };
    this.#all.remove(entry);
    const list = this.#byApplicant.get(summary.applicant.userId);
    list?.remove(entry);
    if (list && list.items.length === 0) this.#byApplicant.delete(summary.applicant.userId);
  }

  #applicant(userId: string): SortedEntries {
    let list = this.#byApplicant.get(userId);
    if (!list) {
      list = new SortedEntries();
      this.#byApplicant.set(userId, list);
    }
    return list;
  }
}
