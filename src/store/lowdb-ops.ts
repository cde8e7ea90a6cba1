// A Commit turned into the operations the lowdb store logs and applies. Every operation is an
// idempotent put or delete of a whole record, so replaying a write-ahead log twice is harmless.
import type { Application } from '../domain/types.js';
import { recordName, requireKind, requireRecord } from './record-rules.js';
import { ConflictError, type Commit, type DeadJob, type DialogRecord, type OutboxJob, type StoredRecord } from './store.js';

/** One logged change; `meta` with value null deletes the key. */
export type Op =
  | { op: 'app'; doc: Application }
  | { op: 'dialog'; doc: DialogRecord }
  | { op: 'dialog.remove'; key: string }
  | { op: 'job'; doc: OutboxJob }
  | { op: 'job.remove'; id: string }
  | { op: 'dead'; doc: DeadJob }
  | { op: 'dead.remove'; id: string }
  | { op: 'record'; doc: StoredRecord }
  | { op: 'record.remove'; kind: string; id: string }
  | { op: 'inbox'; id: string; at: number }
  | { op: 'meta'; key: string; value: unknown }
  | { op: 'counter'; day: string; seq: number };

/** What planning needs to read: stored revisions, dead jobs (to revive) and counters. */
export interface View {
  appRev(id: string): number;
  recordRev(kind: string, id: string): number;
  dialogRev(key: string): number;
  hasInbox(id: string): boolean;
  deadJob(id: string): DeadJob | undefined;
  counter(day: string): number;
}

/** A view with not-yet-applied operations layered on top (the commits earlier in the same batch). */
export class Overlay implements View {
  readonly #base: View;
  // Made on the first operation of their kind: most commits touch one or two kinds, and two overlays are made
  // per commit (the batch's and the commit's own).
  #revs: Map<string, number> | undefined;
  #recordRevs: Map<string, number> | undefined;
  #dialogRevs: Map<string, number> | undefined;
  #inbox: Set<string> | undefined;
  #dead: Map<string, DeadJob | null> | undefined;
  #counters: Map<string, number> | undefined;

  constructor(base: View) {
    this.#base = base;
  }

  appRev(id: string): number {
    return this.#revs?.get(id) ?? this.#base.appRev(id);
  }

  recordRev(kind: string, id: string): number {
    return this.#recordRevs?.get(recordName(kind, id)) ?? this.#base.recordRev(kind, id);
  }

  dialogRev(key: string): number {
    return this.#dialogRevs?.get(key) ?? this.#base.dialogRev(key);
  }

  hasInbox(id: string): boolean {
    return this.#inbox?.has(id) === true || this.#base.hasInbox(id);
  }

  deadJob(id: string): DeadJob | undefined {
    const dead = this.#dead?.get(id);
    return dead === null ? undefined : (dead ?? this.#base.deadJob(id));
  }

  counter(day: string): number {
    return this.#counters?.get(day) ?? this.#base.counter(day);
  }

  record(op: Op): void {
    switch (op.op) {
      case 'app':
        (this.#revs ??= new Map()).set(op.doc.id, op.doc.rev);
        break;
      case 'record':
        (this.#recordRevs ??= new Map()).set(recordName(op.doc.kind, op.doc.id), op.doc.rev);
        break;
      case 'record.remove':
        (this.#recordRevs ??= new Map()).set(recordName(op.kind, op.id), 0);
        break;
      case 'inbox':
        (this.#inbox ??= new Set()).add(op.id);
        break;
      case 'dialog':
        (this.#dialogRevs ??= new Map()).set(op.doc.key, storedDialogRev(op.doc));
        break;
      case 'dialog.remove':
        (this.#dialogRevs ??= new Map()).set(op.key, 0);
        break;
      case 'dead':
        (this.#dead ??= new Map()).set(op.doc.id, op.doc);
        break;
      case 'dead.remove':
        (this.#dead ??= new Map()).set(op.id, null);
        break;
      case 'counter':
        (this.#counters ??= new Map()).set(op.day, op.seq);
        break;
      default:
        break;
    }
  }
}

/** The revision of a stored dialog (0 when none); dialogs written before revisions count as 1. */
export function storedDialogRev(dialog: DialogRecord | undefined): number {
  return dialog === undefined ? 0 : (dialog.rev ?? 1);
}

// The JSON text each planned document was cloned from, so its log line is built from it instead of serialising the
// document a second time (src/store/lowdb-wal.ts). Each text is taken once, when its line is written; weak, so a
// document planned but never logged (its commit was refused) takes its text with it.
const documentText = new WeakMap<object, string>();

// Stored documents are JSON: cloning through JSON makes memory hold exactly what a reopen would read.
function json<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** json() of a document that becomes an op's `doc`, keeping its text for opJson. */
function documentOf<T extends object>(value: T): T {
  const text = JSON.stringify(value);
  const copy = JSON.parse(text) as T;
  documentText.set(copy, text);
  return copy;
}

/** `JSON.stringify(op)`, reusing the text its document was planned from (the same bytes, serialised once). */
export function opJson(op: Op): string {
  if ('doc' in op && Object.keys(op).length === 2) {
    const text = documentText.get(op.doc);
    if (text !== undefined) {
      // Taken once: a document the store keeps in memory must not keep its text alive with it.
      documentText.delete(op.doc);
      return `{"op":${JSON.stringify(op.op)},"doc":${text}}`;
    }
  }
  return JSON.stringify(op);
}

function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${what} must be a non-empty string`);
  return value;
}

/**
 * Checks a commit against `view` and turns it into operations, in this order: inbox, applications,
 * records (put, remove), dialogs (expect, put, remove), jobs (put, remove, dead, revive), meta. Throws ConflictError on a
 * stale revision.
 */
export function planCommit(change: Commit, view: View, now: number): Op[] {
  const local = new Overlay(view);
  const ops: Op[] = [];
  const push = (op: Op) => {
    ops.push(op);
    local.record(op);
  };
  for (const id of change.inbox ?? []) {
    // Another decision of the same event landed first (a redelivery decided at the same time): this one must not.
    if (local.hasInbox(requireText(id, 'inbox id'))) throw new ConflictError(`inbox:${id}`, 0, 1);
    push({ op: 'inbox', id, at: now });
  }
  for (const app of change.applications ?? []) {
    requireText(app.id, 'application id');
    // A new application is stored as rev 1 (the stored revision of an absent one counts as 0).
    if (!Number.isInteger(app.rev) || app.rev < 1) {
      throw new Error(`application ${app.id} has rev ${app.rev}; a stored version needs rev ≥ 1 (new ones are committed with rev 1)`);
    }
    const stored = local.appRev(app.id);
    if (app.rev !== stored + 1) throw new ConflictError(app.id, app.rev - 1, stored);
    push({ op: 'app', doc: documentOf(app) });
  }
  for (const record of change.records?.put ?? []) {
    requireRecord(record);
    const stored = local.recordRev(record.kind, record.id);
    if (record.rev !== stored + 1) throw new ConflictError(recordName(record.kind, record.id), record.rev - 1, stored);
    push({ op: 'record', doc: documentOf(record) });
  }
  for (const { kind, id } of change.records?.remove ?? []) {
    push({ op: 'record.remove', kind: requireKind(kind), id: requireText(id, 'record id') });
  }
  for (const [key, rev] of Object.entries(change.dialogs?.expect ?? {})) {
    const stored = local.dialogRev(key);
    if (stored !== rev) throw new ConflictError(`dialog:${key}`, rev, stored);
  }
  for (const dialog of change.dialogs?.put ?? []) {
    const key = requireText(dialog.key, 'dialog key');
    const stored = local.dialogRev(key);
    if (dialog.rev !== undefined && dialog.rev !== stored + 1) throw new ConflictError(`dialog:${key}`, dialog.rev - 1, stored);
    push({ op: 'dialog', doc: documentOf({ ...dialog, key, rev: stored + 1 }) });
  }
  for (const key of change.dialogs?.remove ?? []) push({ op: 'dialog.remove', key });
  for (const job of change.jobs?.put ?? []) push({ op: 'job', doc: documentOf({ ...job, id: requireText(job.id, 'job id') }) });
  for (const id of change.jobs?.remove ?? []) push({ op: 'job.remove', id });
  for (const dead of change.jobs?.dead ?? []) push({ op: 'dead', doc: documentOf({ ...dead, id: requireText(dead.id, 'dead job id') }) });
  for (const id of change.jobs?.revive ?? []) {
    const dead = local.deadJob(id);
    if (!dead) continue; // already revived or never dead: reviving is idempotent
    const { failedAt: _failedAt, reason: _reason, ...job } = dead;
    push({ op: 'job', doc: { ...job, attempts: 0, nextAt: now } });
    push({ op: 'dead.remove', id });
  }
  for (const [key, value] of Object.entries(change.meta ?? {})) {
    if (value !== undefined) push({ op: 'meta', key, value: json(value) });
  }
  return ops;
}

/** Allocates the next sequence number of `day` (already normalised to YYYYMMDD). */
export function planCounter(day: string, view: View): Op & { op: 'counter' } {
  return { op: 'counter', day, seq: view.counter(day) + 1 };
}
