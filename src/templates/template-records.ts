// How matter templates live in the store's generic records (RECORDS.md): a head per matter ('matter': status,
// current published version, the open draft), every published version ('matter.version', id `<id>@<version>`,
// never changed again) and the change log ('audit': who, when, what).
import type { Actor, Matter } from '../domain/types.js';
import type { RecordQuery, StoredRecord } from '../store/store.js';
import type { MatterStatus } from './live-catalogue.js';

export const MATTER_KIND = 'matter';
export const VERSION_KIND = 'matter.version';
export const AUDIT_KIND = 'audit';

/** A matter's head: the one mutable document per matter. */
export interface MatterHead {
  id: string;
  name: string;
  status: MatterStatus;
  /** Current published version (absent until the first publish). */
  current?: number;
  /** Every published version, oldest first. */
  versions: number[];
  /** The edited, not yet published next version (its `version` is the one it will get). */
  draft?: Matter;
  /** Position in the catalogue (seed order; new matters go last). */
  order: number;
}

/** One published version, as filed applications see it forever. */
export interface MatterVersion {
  matter: Matter;
  publishedAt: string;
  publishedBy: Actor;
}

/** What an audit entry says happened. */
export type AuditAction = 'seed' | 'import' | 'create' | 'draft' | 'publish' | 'retire';

/** One entry of the change log. */
export interface AuditEntry {
  at: string;
  actor: Actor;
  action: AuditAction;
  matterId: string;
  version?: number;
  /** Readable lines of what changed (templateChanges). */
  summary: string[];
}

/** What both the store and a bot decision context read records with. */
export interface RecordReader {
  getRecord<T>(kind: string, id: string): Promise<StoredRecord<T> | undefined>;
  findRecords<T>(kind: string, query?: RecordQuery): Promise<{ total: number; items: StoredRecord<T>[] }>;
}

/** The next revision of a record (or its first). */
export function nextRecord<T>(
  kind: string,
  id: string,
  stored: StoredRecord<T> | undefined,
  data: T,
  now: number,
  tags: Record<string, string>,
): StoredRecord<T> {
  return { kind, id, rev: (stored?.rev ?? 0) + 1, data, updatedAt: now, tags };
}

/** The head record of a matter. */
export function headRecord(stored: StoredRecord<MatterHead> | undefined, head: MatterHead, now: number): StoredRecord<MatterHead> {
  return nextRecord(MATTER_KIND, head.id, stored, head, now, { status: head.status });
}

/** The record of a newly published version. */
export function versionRecord(version: MatterVersion, now: number): StoredRecord<MatterVersion> {
  const { id, version: number } = version.matter;
  return nextRecord(VERSION_KIND, `${id}@${number}`, undefined, version, now, { matter: id });
}

/** An audit record; `id` must be unique (the caller's clock and counter). */
export function auditRecord(id: string, entry: AuditEntry, now: number): StoredRecord<AuditEntry> {
  return nextRecord(AUDIT_KIND, id, undefined, entry, now, { matter: entry.matterId, action: entry.action });
}

/** Every record of a kind (the catalogue is small: all heads and versions are read at once). */
export async function allRecords<T>(reader: RecordReader, kind: string, tags?: Record<string, string>): Promise<StoredRecord<T>[]> {
  const items: StoredRecord<T>[] = [];
  for (;;) {
    const page = await reader.findRecords<T>(kind, { ...(tags ? { tags } : {}), offset: items.length, limit: 500 });
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}
