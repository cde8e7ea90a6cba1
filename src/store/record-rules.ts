// Rules every store applies to feature records (StoredRecord): what a valid one is, how they are ordered and
// filtered. Shared by the lowdb store, the PostgreSQL store and the bot's staged reads, so all three agree.
import type { StoredRecord } from './store.js';

/** A record kind: lower-case words joined by dots (`notice`, `notice.batch`); also a safe folder name. */
export const RECORD_KIND = /^[a-z][a-z0-9_-]{0,39}(?:\.[a-z][a-z0-9_-]{0,39}){0,3}$/;

/** Throws (a programming error, not a conflict) when `kind` is not a record kind. */
export function requireKind(kind: unknown): string {
  if (typeof kind !== 'string' || !RECORD_KIND.test(kind)) {
    throw new Error(`record kind must be lower-case dotted words like "notice.batch", got ${JSON.stringify(kind)}`);
  }
  return kind;
}

/** Throws when a record to be put is malformed; returns it. */
export function requireRecord<T extends StoredRecord>(record: T): T {
  requireKind(record.kind);
  if (typeof record.id !== 'string' || record.id === '') throw new Error(`a ${record.kind} record needs a non-empty string id`);
  const name = recordName(record.kind, record.id);
  if (!Number.isInteger(record.rev) || record.rev < 1) {
    throw new Error(`record ${name} has rev ${record.rev}; a stored version needs rev ≥ 1 (new ones are committed with rev 1)`);
  }
  if (record.data === undefined) throw new Error(`record ${name} has no data`);
  if (typeof record.updatedAt !== 'number' || !Number.isFinite(record.updatedAt))
    throw new Error(`record ${name} needs updatedAt (epoch ms)`);
  if (record.tags !== undefined) {
    const tags = record.tags as unknown;
    const plain =
      tags !== null && typeof tags === 'object' && !Array.isArray(tags) && Object.values(tags).every((value) => typeof value === 'string');
    if (!plain) throw new Error(`record ${name}: tags must map names to strings`);
  }
  return record;
}

/** `notice:n-1`: how a record is named in errors and in ConflictError.applicationId. */
export function recordName(kind: string, id: string): string {
  return `${kind}:${id}`;
}

/** True when every tag of the query is equal on the record. */
export function matchesTags(record: Pick<StoredRecord, 'tags'>, tags: Record<string, string> | undefined): boolean {
  if (!tags) return true;
  return Object.entries(tags).every(([key, value]) => record.tags?.[key] === value);
}

/** Newest first: `updatedAt` descending, then id descending by code point (as PostgreSQL's "C" collation). */
export function newestFirst(a: Pick<StoredRecord, 'updatedAt' | 'id'>, b: Pick<StoredRecord, 'updatedAt' | 'id'>): number {
  if (a.updatedAt !== b.updatedAt) return b.updatedAt - a.updatedAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
