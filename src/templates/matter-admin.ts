// What admins do to matter templates, as records to put: create, edit the draft, publish, retire, seed and
// import. The same code serves the REST API (which commits with store.commit) and the chat commands (which
// stage through the decision context); reads go through a RecordReader, nothing here writes.
import { checkSchema, parseMatter, type MatterLoadError } from '../domain/matter.js';
import { templateChanges } from '../domain/template-diff.js';
import type { Actor, Matter } from '../domain/types.js';
import type { Effect } from '../bot/effects.js';
import type { StoredRecord } from '../store/store.js';
import {
  allRecords,
  AUDIT_KIND,
  auditRecord,
  headRecord,
  MATTER_KIND,
  versionRecord,
  VERSION_KIND,
  type AuditAction,
  type MatterHead,
  type MatterVersion,
  type RecordReader,
} from './template-records.js';

/** When, who, and how to name audit entries uniquely. */
export interface ChangeContext {
  now: number;
  actor: Actor;
  newId: () => string;
}

/** The timer that tells the people filling in a matter's form that it was published anew or retired (handlers/apply). */
export const MATTER_CHANGED_TIMER = 'matter.changed';

/** A timer effect, committed with the change that schedules it. */
export type TimerEffect = Extract<Effect, { type: 'timer' }>;

/**
 * A change to commit (records, and with a publish or a retire the `matter.changed` timer, due at once), what it
 * says, and the template it concerns.
 */
export type AdminChange =
  | { status: 'ok'; records: StoredRecord[]; summary: string[]; matter: Matter; head: MatterHead; timer?: TimerEffect }
  | { status: 'invalid'; errors: MatterLoadError[] }
  | { status: 'not_found' | 'no_draft' | 'exists' | 'retired'; message: string };

/** A head with the published version it points at. */
export interface MatterView {
  head: MatterHead;
  rev: number;
  current?: Matter;
}

/** Every matter head in catalogue order. */
export async function matterHeads(reader: RecordReader): Promise<StoredRecord<MatterHead>[]> {
  const heads = await allRecords<MatterHead>(reader, MATTER_KIND);
  return heads.sort((a, b) => a.data.order - b.data.order || a.id.localeCompare(b.id));
}

/** Every published version. */
export async function matterVersions(reader: RecordReader): Promise<Matter[]> {
  return (await allRecords<MatterVersion>(reader, VERSION_KIND)).map((r) => r.data.matter);
}

/** Checks a body against the template schema only (a draft may still fail the publish checks). */
export function draftErrors(body: unknown): MatterLoadError[] {
  const checked = checkSchema(body, 'body');
  return checked.ok ? [] : checked.errors;
}

/** Creates a matter from a template body: a head with the body as its first draft (version 1). */
export async function createMatter(reader: RecordReader, body: unknown, change: ChangeContext): Promise<AdminChange> {
  const errors = draftErrors(withVersion(body, 1));
  if (errors.length > 0) return { status: 'invalid', errors };
  const matter = { ...(body as Matter), version: 1 };
  if (await reader.getRecord(MATTER_KIND, matter.id))
    return { status: 'exists', message: `事项编号“${matter.id}”已存在，请修改草稿（PUT /api/matters/${matter.id}/draft）` };
  const order = (await reader.findRecords(MATTER_KIND, { limit: 1 })).total;
  const head: MatterHead = { id: matter.id, name: matter.name, status: 'active', versions: [], draft: matter, order };
  return done(head, undefined, matter, 'create', templateChanges(undefined, matter), change, []);
}

/** Replaces the draft of a matter (its version becomes current + 1). */
export async function saveDraft(reader: RecordReader, id: string, body: unknown, change: ChangeContext): Promise<AdminChange> {
  const stored = await reader.getRecord<MatterHead>(MATTER_KIND, id);
  if (!stored) return notFound(id);
  const version = Math.max(0, ...stored.data.versions) + 1;
  const errors = draftErrors(withVersion(body, version));
  if (errors.length > 0) return { status: 'invalid', errors };
  if ((body as Matter).id !== id)
    return {
      status: 'invalid',
      errors: [{ file: 'body', path: 'id', reason: `草稿的事项编号应为“${id}”`, en: `The draft's id must be "${id}"` }],
    };
  const matter = { ...(body as Matter), version };
  const current = await publishedVersion(reader, stored.data);
  const head: MatterHead = { ...stored.data, draft: matter };
  return done(head, stored, matter, 'draft', templateChanges(current, matter), change, []);
}

/** Publishes the draft: every publish check at once, then it is the current version for new applications. */
export async function publishDraft(reader: RecordReader, id: string, change: ChangeContext): Promise<AdminChange> {
  const stored = await reader.getRecord<MatterHead>(MATTER_KIND, id);
  if (!stored) return notFound(id);
  const draft = stored.data.draft;
  if (!draft) return { status: 'no_draft', message: `事项“${stored.data.name}”没有待发布的草稿，请先修改草稿` };
  const parsed = parseMatter(draft, `${id}@${draft.version}`);
  if (!parsed.ok) return { status: 'invalid', errors: parsed.errors };
  const previous = await publishedVersion(reader, stored.data);
  const matter = parsed.matter;
  const { draft: _published, ...rest } = stored.data;
  const head: MatterHead = {
    ...rest,
    name: matter.name,
    status: 'active',
    current: matter.version,
    versions: [...rest.versions, matter.version],
  };
  const version = versionRecord({ matter, publishedAt: new Date(change.now).toISOString(), publishedBy: change.actor }, change.now);
  const published = done(head, stored, matter, 'publish', templateChanges(previous, matter), change, [version]);
  return { ...published, timer: changedTimer(id, `${matter.version}`, change.now) };
}

/** Stops new applications for a matter; open applications keep their version. */
export async function retireMatter(reader: RecordReader, id: string, change: ChangeContext): Promise<AdminChange> {
  const stored = await reader.getRecord<MatterHead>(MATTER_KIND, id);
  if (!stored) return notFound(id);
  if (stored.data.status === 'retired') return { status: 'retired', message: `事项“${stored.data.name}”已经停用` };
  const current = await publishedVersion(reader, stored.data);
  const head: MatterHead = { ...stored.data, status: 'retired' };
  const matter = current ?? stored.data.draft!;
  const retired = done(head, stored, matter, 'retire', ['停止受理新的申请（已受理和办理中的办件不受影响）'], change, []);
  return { ...retired, timer: changedTimer(id, `${matter.version}-retired`, change.now) };
}

/** A matter by id with its current published version. */
export async function matterView(reader: RecordReader, id: string): Promise<MatterView | undefined> {
  const stored = await reader.getRecord<MatterHead>(MATTER_KIND, id);
  if (!stored) return undefined;
  const current = await publishedVersion(reader, stored.data);
  return { head: stored.data, rev: stored.rev, ...(current ? { current } : {}) };
}

/** The published version a head points at. */
export async function publishedVersion(reader: RecordReader, head: MatterHead): Promise<Matter | undefined> {
  if (head.current === undefined) return undefined;
  return (await reader.getRecord<MatterVersion>(VERSION_KIND, `${head.id}@${head.current}`))?.data.matter;
}

/** The change log, newest first, optionally of one matter. */
export async function auditLog(reader: RecordReader, query: { matterId?: string; offset?: number; limit?: number }) {
  return reader.findRecords(AUDIT_KIND, {
    ...(query.matterId ? { tags: { matter: query.matterId } } : {}),
    offset: query.offset ?? 0,
    limit: query.limit ?? 20,
  });
}

function done(
  head: MatterHead,
  stored: StoredRecord<MatterHead> | undefined,
  matter: Matter,
  action: AuditAction,
  summary: string[],
  change: ChangeContext,
  extra: StoredRecord[],
): Extract<AdminChange, { status: 'ok' }> {
  const at = new Date(change.now).toISOString();
  const audit = auditRecord(
    change.newId(),
    { at, actor: change.actor, action, matterId: head.id, version: matter.version, summary },
    change.now,
  );
  return { status: 'ok', records: [headRecord(stored, head, change.now), ...extra, audit], summary, matter, head };
}

// One per matter and version (or retirement): the timer's event id dedupes a second run.
function changedTimer(matterId: string, what: string, now: number): TimerEffect {
  return { type: 'timer', name: MATTER_CHANGED_TIMER, key: `matter:${matterId}@${what}`, at: now, payload: { matterId } };
}

// The version is the store's to give: a body may leave it out or carry any number.
function withVersion(body: unknown, version: number): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, version } : body;
}

function notFound(id: string): AdminChange {
  return { status: 'not_found', message: `没有编号为“${id}”的事项` };
}
