// Seeding and importing the template files (config/matters/*.json) into the store: the seed runs once, on
// the first start with an empty catalogue, so a later edit of the files never overwrites what admins changed;
// `npm run matters:import` imports on purpose and says what changes.
import { templateChanges } from '../domain/template-diff.js';
import type { Matter } from '../domain/types.js';
import type { StoredRecord } from '../store/store.js';
import { LiveCatalogue } from './live-catalogue.js';
import { type ChangeContext, matterHeads, matterVersions, publishedVersion } from './matter-admin.js';
import {
  auditRecord,
  headRecord,
  MATTER_KIND,
  type AuditAction,
  type MatterHead,
  type RecordReader,
  versionRecord,
} from './template-records.js';

/** What importing one file does. */
export interface ImportLine {
  id: string;
  name: string;
  change: 'new' | 'changed' | 'unchanged';
  version: number;
  summary: string[];
}

/** Records that seed an empty catalogue with the files (none when any matter is already stored). */
export async function seedRecords(reader: RecordReader, files: readonly Matter[], change: ChangeContext): Promise<StoredRecord[]> {
  if ((await reader.findRecords(MATTER_KIND, { limit: 1 })).total > 0) return [];
  return files.flatMap((matter, order) => newMatter(matter, order, 'seed', change));
}

/** What importing the files would change, and the records that do it (a dry run commits nothing). */
export async function importPlan(
  reader: RecordReader,
  files: readonly Matter[],
  change: ChangeContext,
): Promise<{ lines: ImportLine[]; records: StoredRecord[] }> {
  const lines: ImportLine[] = [];
  const records: StoredRecord[] = [];
  let order = (await reader.findRecords(MATTER_KIND, { limit: 1 })).total;
  for (const file of files) {
    const stored = await reader.getRecord<MatterHead>(MATTER_KIND, file.id);
    if (!stored) {
      records.push(...newMatter(file, order++, 'import', change));
      lines.push({ id: file.id, name: file.name, change: 'new', version: file.version, summary: templateChanges(undefined, file) });
      continue;
    }
    const current = await publishedVersion(reader, stored.data);
    const version = Math.max(0, ...stored.data.versions, stored.data.draft?.version ?? 0) + 1;
    const matter = { ...file, version };
    const summary = templateChanges(current, matter);
    if (current && sameTemplate(current, file)) {
      lines.push({ id: file.id, name: file.name, change: 'unchanged', version: current.version, summary });
      continue;
    }
    if (summary.length === 0) summary.push('其他内容有修改（别名、关键词、窗口信息等）');
    const head: MatterHead = { ...stored.data, name: file.name, current: version, versions: [...stored.data.versions, version] };
    records.push(
      headRecord(stored, head, change.now),
      versionRecord(published(matter, change), change.now),
      audit(matter, 'import', summary, change),
    );
    lines.push({ id: file.id, name: file.name, change: 'changed', version, summary });
  }
  return { lines, records };
}

/** The live catalogue as stored: every published version, each matter at its current one with its status. */
export async function loadCatalogue(reader: RecordReader): Promise<LiveCatalogue> {
  const catalogue = new LiveCatalogue();
  for (const matter of await matterVersions(reader)) catalogue.remember(matter);
  for (const { data: head } of await matterHeads(reader)) {
    if (head.current !== undefined) catalogue.setHead(head.id, { current: head.current, status: head.status });
  }
  return catalogue;
}

/** Brings the catalogue up to date with committed template records (after a publish, retire or import). */
export function applyRecords(catalogue: LiveCatalogue, records: readonly StoredRecord[]): void {
  for (const record of records) if (record.kind === 'matter.version') catalogue.remember((record.data as { matter: Matter }).matter);
  for (const record of records) {
    const head = record.data as MatterHead;
    if (record.kind === MATTER_KIND && head.current !== undefined)
      catalogue.setHead(head.id, { current: head.current, status: head.status });
  }
}

function newMatter(matter: Matter, order: number, action: AuditAction, change: ChangeContext): StoredRecord[] {
  const head: MatterHead = {
    id: matter.id,
    name: matter.name,
    status: 'active',
    current: matter.version,
    versions: [matter.version],
    order,
  };
  return [
    headRecord(undefined, head, change.now),
    versionRecord(published(matter, change), change.now),
    audit(matter, action, templateChanges(undefined, matter), change),
  ];
}

function published(matter: Matter, change: ChangeContext) {
  return { matter, publishedAt: new Date(change.now).toISOString(), publishedBy: change.actor };
}

function audit(matter: Matter, action: AuditAction, summary: string[], change: ChangeContext): StoredRecord {
  return auditRecord(
    change.newId(),
    { at: new Date(change.now).toISOString(), actor: change.actor, action, matterId: matter.id, version: matter.version, summary },
    change.now,
  );
}

// Equal apart from the version number (templateChanges does not look at aliases, keywords, window…).
function sameTemplate(a: Matter, b: Matter): boolean {
  return JSON.stringify({ ...a, version: 0 }) === JSON.stringify({ ...b, version: 0 });
}
