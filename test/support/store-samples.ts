// Sample documents for the store tests (conformance suite, damage, crash, reseal).
import type { Application } from '../../src/domain/types.js';
import type { DialogRecord, OutboxJob, StoredRecord } from '../../src/store/store.js';

/** A stored-looking application (rev 1 unless overridden). */
export function sampleApplication(id: string, overrides: Partial<Application> = {}): Application {
  return {
    id,
    rev: 1,
    matter: { id: 'business-licence', version: 1, name: '个体工商户设立登记' },
    applicant: { userId: 'user-1', name: '张三' },
    channel: { conversationId: 'cid-1', conversationType: 'single' },
    fields: { name: '张三便利店', address: '杭州市西湖区文三路 1 号' },
    materials: [{ id: 'idcard', name: '身份证', source: 'elicence', ref: '330106199001011234', origin: '浙江省电子证照库' }],
    departments: [{ id: 'amr', name: '市场监管局', status: 'pending' }],
    status: 'submitted',
    createdAt: '2026-11-28T02:00:00.000Z',
    submittedAt: '2026-11-28T02:00:00.000Z',
    history: [
      {
        at: '2026-11-28T02:00:00.000Z',
        actor: { type: 'applicant', id: 'user-1', name: '张三' },
        action: 'submit',
        from: 'draft',
        to: 'submitted',
      },
    ],
    ...overrides,
  };
}

/** A pending outbox job. */
export function sampleJob(id: string, overrides: Partial<OutboxJob> = {}): OutboxJob {
  return {
    id,
    kind: 'backoffice.submit',
    key: id,
    payload: { applicationId: id },
    attempts: 0,
    nextAt: 1_000,
    createdAt: 1_000,
    ...overrides,
  };
}

/** A feature record at rev 1 (a notice whose data holds personal numbers, as real ones do). */
export function sampleRecord(id: string, overrides: Partial<StoredRecord> = {}): StoredRecord {
  const record: StoredRecord = {
    kind: 'notice',
    id,
    rev: 1,
    data: { title: '社保缴费提醒', recipients: [{ userId: 'user-1', phone: '13800138000' }], sent: 0 },
    updatedAt: 1_000,
    tags: { status: 'draft', department: 'rsj' },
    ...overrides,
  };
  // `tags: undefined` means a record without tags, as a store hands it back.
  if (record.tags === undefined) delete record.tags;
  return record;
}

/** A dialog record. */
export function sampleDialog(key: string, overrides: Partial<DialogRecord> = {}): DialogRecord {
  return { key, dialog: 'apply', version: 1, step: 'field', data: { answers: { name: '张三' } }, updatedAt: 1, expiresAt: 2, ...overrides };
}

/** The next revision of an application. */
export const revised = (app: Application, changes: Partial<Application> = {}): Application => ({ ...app, ...changes, rev: app.rev + 1 });

/** The rejection of a promise that must reject. */
export async function rejects(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
