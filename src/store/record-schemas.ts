// The zod schemas of every record the stores keep. The lowdb store checks each file against them when it
// opens, the PostgreSQL store each document it reads: a damaged record stops the start (or the read) with
// the file or row and the reason, instead of loading as "nothing stored" and being overwritten.
import { APPLICATION_STATUSES } from '../domain/types.js';
import { z } from 'zod';
import { RECORD_KIND } from './record-rules.js';

const text = z.string();
const epochMs = z.number().finite();

/** An application document (the keys the bot relies on; optional ones may be absent). */
export const applicationRecord = z.looseObject({
  id: text.min(1),
  rev: z.number().int().min(1),
  matter: z.looseObject({ id: text, version: z.number().int(), name: text }),
  applicant: z.looseObject({ userId: text, name: text }),
  channel: z.looseObject({ conversationId: text, conversationType: z.enum(['single', 'group']) }),
  fields: z.record(z.string(), text),
  materials: z.array(z.looseObject({ id: text, name: text, source: text, ref: text })),
  departments: z.array(z.looseObject({ id: text, name: text, status: text })),
  status: z.enum(APPLICATION_STATUSES),
  createdAt: text,
  history: z.array(z.looseObject({ at: text, actor: z.looseObject({ type: text, id: text }), action: text })),
});

/** A dialog record. */
export const dialogRecord = z.looseObject({
  key: text.min(1),
  dialog: text,
  version: z.number(),
  step: text,
  data: z.unknown(),
  updatedAt: epochMs,
  expiresAt: epochMs,
  subject: text.optional(),
});

/** A pending outbox job. */
export const jobRecord = z.looseObject({
  id: text.min(1),
  kind: z.enum([
    'dingtalk.message',
    'dingtalk.card.update',
    'backoffice.submit',
    'backoffice.withdraw',
    'backoffice.supplement',
    'timer',
    'broadcast.resolve',
    'broadcast.batch',
    'broadcast.report',
  ]),
  key: text,
  payload: z.unknown(),
  attempts: z.number().int().min(0),
  nextAt: epochMs,
  createdAt: epochMs,
});

/** A dead (permanently failed) job. */
export const deadJobRecord = jobRecord.extend({ failedAt: epochMs, reason: text });

/** A feature record (StoredRecord); `data` may be any JSON but must be there. */
export const featureRecord = z.looseObject({
  kind: text.regex(RECORD_KIND, 'a lower-case dotted record kind'),
  id: text.min(1),
  rev: z.number().int().min(1),
  data: z.unknown().refine((value) => value !== undefined, 'a record needs data'),
  updatedAt: epochMs,
  tags: z.record(z.string(), text).optional(),
});

/** A feature record filed under the folder of `kind` (records/<kind>/): any other kind is damage. */
export function featureRecordOf(kind: string) {
  return featureRecord.refine((record) => record.kind === kind, `a record filed under kind ${kind} must have that kind`);
}

/** When an inbox id was processed (epoch ms). */
export const inboxRecord = epochMs;
/** Last number handed out on a day. */
export const counterRecord = z.number().int().min(0);
/** A meta value: any JSON but null (null deletes). */
export const metaRecord = z.unknown().refine((value) => value !== null && value !== undefined, 'a meta value cannot be null');

/** One operation of the lowdb write-ahead log (see lowdb-ops.ts `Op`). */
export const walOp = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('app'), doc: applicationRecord }),
  z.strictObject({ op: z.literal('dialog'), doc: dialogRecord }),
  z.strictObject({ op: z.literal('dialog.remove'), key: text }),
  z.strictObject({ op: z.literal('job'), doc: jobRecord }),
  z.strictObject({ op: z.literal('job.remove'), id: text }),
  z.strictObject({ op: z.literal('dead'), doc: deadJobRecord }),
  z.strictObject({ op: z.literal('dead.remove'), id: text }),
  z.strictObject({ op: z.literal('record'), doc: featureRecord }),
  z.strictObject({ op: z.literal('record.remove'), kind: text, id: text }),
  z.strictObject({ op: z.literal('inbox'), id: text, at: epochMs }),
  z.strictObject({ op: z.literal('meta'), key: text, value: z.unknown() }),
  z.strictObject({ op: z.literal('counter'), day: text, seq: z.number().int().min(0) }),
]);

/** One batch of the commit log: a line of wal.log (or the whole of an old wal.json). */
export const walRecord = z.strictObject({ version: z.literal(1), at: epochMs, ops: z.array(walOp) });

/** `items.YC20261128-0001.fields.phone: expected string, received number` — the first few problems. */
export function describeIssues(error: z.ZodError): string {
  const lines = error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(the whole file)'}: ${issue.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return lines.join('; ') + more;
}

/** A store file or row that does not hold what it should; the message names it and says why. */
export class DamagedRecordError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${where} is damaged: ${reason}`, options);
    this.name = 'DamagedRecordError';
  }
}
