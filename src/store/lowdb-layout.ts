// Where each record of the lowdb store lives on disk. Files are bounded in size so that one write
// rewrites one small file, however much data the store holds (the write path must not grow with N).
import { join } from 'node:path';

/** Applications per bucket file: an update rewrites at most this many documents. */
export const APPLICATION_BUCKET_SIZE = 100;
/** Dialog records are spread over this many files by a hash of their key. */
export const DIALOG_SHARDS = 16;
/** Records of one kind are spread over this many files by a hash of their id (records/<kind>/<2 hex>.json). */
export const RECORD_SHARDS = 64;
/** Processed inbound ids are kept at least this long (DESIGN.md "Store guarantees"). */
export const INBOX_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

// The folders of the collections (lowdb-state.ts), the commit log (lowdb-wal.ts), the log of earlier versions and
// its temp file (`.<name>.tmp` beside the target). test/sandbox/local.test.ts checks nothing else appears.
const OWNED = ['applications', 'dialogs', 'inbox', 'outbox', 'records', 'state', 'wal.log', 'wal.json', '.wal.json.tmp'];

/** Paths under DATA_DIR that the lowdb store owns; a reset removes these and leaves every other file alone. */
export function lowdbOwnedPaths(dataDir: string): string[] {
  return OWNED.map((name) => join(dataDir, name));
}

const HOUR_MS = 60 * 60 * 1000;
// Any prefix (APPLICATION_ID_PREFIX); lazy, so a prefix ending in a digit leaves the day its eight digits.
const APPLICATION_ID = /^[A-Z][A-Z0-9]{0,7}?(\d{8})-(\d{4,})$/;

/** `20261128` or `2026-11-28` → `20261128`; anything else (or no such date) is a programming error. */
export function normalizeDay(day: string): string {
  const compact = day.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$1$2$3');
  const date = /^\d{8}$/.test(compact)
    ? new Date(Date.UTC(Number(compact.slice(0, 4)), Number(compact.slice(4, 6)) - 1, Number(compact.slice(6, 8))))
    : undefined;
  if (!date || date.toISOString().slice(0, 10).replaceAll('-', '') !== compact) {
    throw new RangeError(`day must be a date as YYYYMMDD or YYYY-MM-DD, got "${day}"`);
  }
  return compact;
}

/** Bucket of an application: its day and block of 100 numbers (`20261128-000` holds -0001…-0100). */
export function applicationShard(id: string): string {
  const match = APPLICATION_ID.exec(id);
  if (!match) return `other-${(hash(id) % 32).toString(16).padStart(2, '0')}`;
  const block = Math.floor((Number(match[2]) - 1) / APPLICATION_BUCKET_SIZE);
  return `${match[1]}-${String(block).padStart(3, '0')}`;
}

/** Shard of a dialog record, by a stable hash of its key. */
export function dialogShard(key: string): string {
  return (hash(key) % DIALOG_SHARDS).toString(16).padStart(2, '0');
}

/** Shard of a feature record within its kind's folder, by a stable hash of its id. */
export function recordShard(id: string): string {
  return (hash(id) % RECORD_SHARDS).toString(16).padStart(2, '0');
}

/** Minutes of processed inbound ids per inbox file. */
export const INBOX_SLOT_MINUTES = 10;

/**
 * Inbox ids are filed by the UTC ten minutes they were processed in (`20261128-14-3` holds 14:30–14:39), so old
 * ones drop as whole files (lowdb-inbox.ts appends to them).
 */
export function inboxShard(at: number): string {
  const iso = new Date(at).toISOString();
  const slot = Math.floor(Number(iso.slice(14, 16)) / INBOX_SLOT_MINUTES);
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}-${slot}`;
}

/** Epoch ms at which an inbox file's time ends (whole hours: files of earlier versions), or undefined for another name. */
export function inboxShardEnd(shard: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})-(\d{2})(?:-([0-5]))?$/.exec(shard);
  if (!match) return undefined;
  const [, y, m, d, h, slot] = match;
  const hour = Date.UTC(Number(y), Number(m) - 1, Number(d), Number(h));
  return slot === undefined ? hour + HOUR_MS : hour + (Number(slot) + 1) * INBOX_SLOT_MINUTES * 60_000;
}

// FNV-1a, 32 bit: stable across processes, unlike anything keyed on object identity.
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
