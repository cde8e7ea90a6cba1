// The Store contract (src/store/store.ts, DESIGN.md "Store guarantees"), tested only through the
// interface so that every implementation runs the same suite.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Application } from '../../src/domain/types.js';
import { ConflictError, type DeadJob, type DialogRecord, type OutboxJob, type Store, type StoredRecord } from '../../src/store/store.js';

/** A fresh, opened store; `reopen` closes the latest store and opens a new one on the same data. */
export interface StoreHarness {
  store: Store;
  reopen: () => Promise<Store>;
  cleanup: () => Promise<void>;
}

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
    history: [{ at: '2026-11-28T02:00:00.000Z', actor: { type: 'applicant', id: 'user-1', name: '张三' }, action: 'submit', from: 'draft', to: 'submitted' }],
    ...overrides,
  };
}

/** A pending outbox job. */
export function sampleJob(id: string, overrides: Partial<OutboxJob> = {}): OutboxJob {
  return { id, kind: 'backoffice.submit', key: id, payload: { applicationId: id }, attempts: 0, nextAt: 1_000, createdAt: 1_000, ...overrides };
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

function sampleDialog(key: string, overrides: Partial<DialogRecord> = {}): DialogRecord {
  return { key, dialog: 'apply', version: 1, step: 'field', data: { answers: { name: '张三' } }, updatedAt: 1, expiresAt: 2, ...overrides };
}

const revised = (app: Application, changes: Partial<Application> = {}): Application => ({ ...app, ...changes, rev: app.rev + 1 });

async function rejects(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/**
 * Registers the conformance tests on a uvu suite and returns it; add implementation-specific
 * tests if needed, then call `.run()`.
 */
export function storeConformance(name: string, makeStore: () => Promise<StoreHarness>) {
  const it = suite<{ h: StoreHarness }>(name, { h: undefined as unknown as StoreHarness });
  it.before.each(async (context) => {
    context.h = await makeStore();
  });
  it.after.each(async (context) => {
    await context.h.cleanup();
  });

  it('stores a new application at rev 1 together with its job and inbox id', async ({ h }) => {
    const app = sampleApplication('YC20261128-0001');
    await h.store.commit({ inbox: ['msg-1'], applications: [app], jobs: { put: [sampleJob('job-1')] } });
    assert.equal(await h.store.getApplication(app.id), app);
    assert.equal(await h.store.getJob('job-1'), sampleJob('job-1'));
    assert.is(await h.store.hasProcessed('msg-1'), true);
    assert.is(await h.store.hasProcessed('msg-2'), false);
    assert.is(await h.store.getApplication('YC20261128-0002'), undefined);
  });

  it('accepts an update whose rev is one more than the stored one', async ({ h }) => {
    const app = sampleApplication('YC20261128-0001');
    await h.store.commit({ applications: [app] });
    const next = revised(app, { status: 'accepted', acceptedAt: '2026-11-28T03:00:00.000Z' });
    await h.store.commit({ applications: [next] });
    assert.equal(await h.store.getApplication(app.id), next);
  });

  it('rejects a stale revision with a ConflictError and writes nothing of that commit', async ({ h }) => {
    const app = sampleApplication('YC20261128-0001');
    await h.store.commit({ applications: [app] });
    await h.store.commit({ applications: [revised(app)] });
    const stale = revised(app, { status: 'withdrawn' });
    const error = await rejects(
      h.store.commit({
        inbox: ['msg-stale'],
        applications: [sampleApplication('YC20261128-0002'), stale],
        dialogs: { put: [sampleDialog('d-1')] },
        jobs: { put: [sampleJob('job-stale')] },
        meta: { touched: true },
      }),
    );
    assert.instance(error, ConflictError);
    assert.is((error as ConflictError).applicationId, app.id);
    assert.is((error as ConflictError).expectedRev, 1);
    assert.is((error as ConflictError).actualRev, 2);
    assert.is((await h.store.getApplication(app.id))?.rev, 2);
    assert.is(await h.store.getApplication('YC20261128-0002'), undefined);
    assert.is(await h.store.hasProcessed('msg-stale'), false);
    assert.is(await h.store.getDialog('d-1'), undefined);
    assert.is(await h.store.getJob('job-stale'), undefined);
    assert.is(await h.store.getMeta('touched'), undefined);
  });

  it('rejects a second "new" application with the same number', async ({ h }) => {
    await h.store.commit({ applications: [sampleApplication('YC20261128-0001')] });
    const error = await rejects(h.store.commit({ applications: [sampleApplication('YC20261128-0001', { fields: {} })] }));
    assert.instance(error, ConflictError);
    assert.is((await h.store.getApplication('YC20261128-0001'))?.fields.name, '张三便利店');
  });

  it('lets exactly one of two racing updates of the same revision win, without disturbing others', async ({ h }) => {
    const app = sampleApplication('YC20261128-0001');
    await h.store.commit({ applications: [app] });
    const results = await Promise.allSettled([
      h.store.commit({ applications: [revised(app, { status: 'accepted' })], jobs: { put: [sampleJob('a')] } }),
      h.store.commit({ applications: [revised(app, { status: 'withdrawn' })], jobs: { put: [sampleJob('b')] } }),
      h.store.commit({ applications: [sampleApplication('YC20261128-0002')] }),
    ]);
    assert.equal(results.map((r) => r.status).sort(), ['fulfilled', 'fulfilled', 'rejected']);
    assert.is(results[2]?.status, 'fulfilled');
    const winner = results[0]?.status === 'fulfilled' ? { status: 'accepted', job: 'a', lost: 'b' } : { status: 'withdrawn', job: 'b', lost: 'a' };
    assert.instance((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason, ConflictError);
    assert.is((await h.store.getApplication(app.id))?.status, winner.status);
    assert.ok(await h.store.getJob(winner.job));
    assert.is(await h.store.getJob(winner.lost), undefined);
    assert.ok(await h.store.getApplication('YC20261128-0002'));
  });

  it('hands out copies: changing a returned or committed object does not change the store', async ({ h }) => {
    const app = sampleApplication('YC20261128-0001');
    await h.store.commit({ applications: [app] });
    app.status = 'withdrawn';
    const read = await h.store.getApplication(app.id);
    read!.history.push({ at: 'x', actor: { type: 'system', id: 's' }, action: 'tamper' });
    const again = await h.store.getApplication(app.id);
    assert.is(again?.status, 'submitted');
    assert.is(again?.history.length, 1);
  });

  it('lists applications newest first, by applicant and status, with the total before paging', async ({ h }) => {
    const apps = [
      sampleApplication('YC20261127-0001', { createdAt: '2026-11-27T01:00:00.000Z' }),
      sampleApplication('YC20261128-0001', { createdAt: '2026-11-28T01:00:00.000Z', status: 'accepted' }),
      sampleApplication('YC20261128-0002', { createdAt: '2026-11-28T01:00:00.000Z' }),
      sampleApplication('YC20261128-0003', { createdAt: '2026-11-28T02:00:00.000Z', applicant: { userId: 'user-2', name: '李四' } }),
      sampleApplication('YC20261126-0001', { createdAt: '2026-11-26T01:00:00.000Z', status: 'delivered' }),
    ];
    await h.store.commit({ applications: apps });
    const ids = (result: { items: Application[] }) => result.items.map((a) => a.id);

    const mine = await h.store.findApplications({ applicantId: 'user-1' });
    assert.is(mine.total, 4);
    assert.equal(ids(mine), ['YC20261128-0002', 'YC20261128-0001', 'YC20261127-0001', 'YC20261126-0001']);
    const page = await h.store.findApplications({ applicantId: 'user-1', offset: 1, limit: 2 });
    assert.is(page.total, 4);
    assert.equal(ids(page), ['YC20261128-0001', 'YC20261127-0001']);
    const open = await h.store.findApplications({ status: ['submitted', 'accepted'], limit: 10 });
    assert.is(open.total, 4);
    assert.equal(ids(open), ['YC20261128-0003', 'YC20261128-0002', 'YC20261128-0001', 'YC20261127-0001']);
    const all = await h.store.findApplications({ limit: 1 });
    assert.is(all.total, 5);
    assert.equal(ids(all), ['YC20261128-0003']);
    assert.equal(await h.store.findApplications({ applicantId: 'nobody' }), { total: 0, items: [] });

    await h.store.commit({ applications: [revised(apps[1]!, { status: 'delivered' })] });
    assert.equal(ids(await h.store.findApplications({ status: ['delivered'] })), ['YC20261128-0001', 'YC20261126-0001']);
  });

  it('gives due jobs oldest first, leaves future ones, and tells when the next one is due', async ({ h }) => {
    assert.is(await h.store.nextJobAt(), undefined);
    await h.store.commit({
      jobs: { put: [sampleJob('late', { nextAt: 300 }), sampleJob('early', { nextAt: 100 }), sampleJob('mid', { nextAt: 200 }), sampleJob('future', { nextAt: 5_000 })] },
    });
    assert.equal((await h.store.dueJobs(1_000, 10)).map((j) => j.id), ['early', 'mid', 'late']);
    assert.equal((await h.store.dueJobs(1_000, 2)).map((j) => j.id), ['early', 'mid']);
    assert.equal((await h.store.dueJobs(200, 10)).map((j) => j.id), ['early', 'mid']);
    assert.is(await h.store.nextJobAt(), 100);
  });

  it('replaces a job by id, removes it, and moves a failed one to the dead list and back', async ({ h }) => {
    await h.store.commit({ jobs: { put: [sampleJob('j1'), sampleJob('j2')] } });
    await h.store.commit({ jobs: { put: [sampleJob('j1', { attempts: 3, nextAt: 9_000, lastError: '后台暂时不可用' })], remove: ['j2'] } });
    assert.equal(await h.store.getJob('j1'), sampleJob('j1', { attempts: 3, nextAt: 9_000, lastError: '后台暂时不可用' }));
    assert.is(await h.store.getJob('j2'), undefined);
    assert.is(await h.store.nextJobAt(), 9_000);

    const dead: DeadJob = { ...sampleJob('j1', { attempts: 3 }), failedAt: 9_500, reason: 'HTTP 422' };
    await h.store.commit({ jobs: { dead: [dead] } });
    assert.is(await h.store.getJob('j1'), undefined);
    assert.is(await h.store.nextJobAt(), undefined);
    assert.equal(await h.store.deadJobs(), [dead]);

    const before = Date.now();
    await h.store.commit({ jobs: { revive: ['j1'] } });
    const revived = await h.store.getJob('j1');
    assert.is(revived?.attempts, 0);
    assert.ok(revived!.nextAt >= before && revived!.nextAt <= Date.now(), 'a revived job is due now');
    assert.is(revived?.key, 'j1');
    assert.equal(await h.store.deadJobs(), []);
    assert.equal((await h.store.dueJobs(Date.now(), 10)).map((j) => j.id), ['j1']);
  });

  it('keeps, replaces and removes dialog records', async ({ h }) => {
    await h.store.commit({ dialogs: { put: [sampleDialog('cid-1:user-1'), sampleDialog('cid-1:user-2')] } });
    await h.store.commit({ dialogs: { put: [sampleDialog('cid-1:user-1', { step: 'review' })], remove: ['cid-1:user-2'] } });
    assert.equal(await h.store.getDialog('cid-1:user-1'), sampleDialog('cid-1:user-1', { step: 'review' }));
    assert.is(await h.store.getDialog('cid-1:user-2'), undefined);
  });

  it('keeps meta values as JSON and deletes a key set to null', async ({ h }) => {
    await h.store.commit({ meta: { settings: { quietHours: [22, 7], label: '一次办' }, counter: 3 } });
    assert.equal(await h.store.getMeta('settings'), { quietHours: [22, 7], label: '一次办' });
    await h.store.commit({ meta: { counter: null } });
    assert.is(await h.store.getMeta('counter'), undefined);
    assert.equal(await h.store.getMeta('settings'), { quietHours: [22, 7], label: '一次办' });
  });

  it('numbers 50 concurrent applications of a day uniquely and in sequence, per day', async ({ h }) => {
    const ids = await Promise.all(Array.from({ length: 50 }, () => h.store.nextApplicationId('20261128')));
    assert.equal([...ids].sort(), Array.from({ length: 50 }, (_, i) => `YC20261128-${String(i + 1).padStart(4, '0')}`));
    assert.is(await h.store.nextApplicationId('20261129'), 'YC20261129-0001');
  });

  it('keeps everything across a restart, numbering included', async ({ h }) => {
    const app = sampleApplication('YC20261128-0001');
    const dead: DeadJob = { ...sampleJob('dead-1'), failedAt: 2_000, reason: 'HTTP 400' };
    await h.store.nextApplicationId('20261128');
    await h.store.commit({
      inbox: ['msg-1'],
      applications: [app],
      dialogs: { put: [sampleDialog('d-1')] },
      jobs: { put: [sampleJob('job-1'), dead] },
    });
    await h.store.commit({ jobs: { dead: [dead] }, meta: { settings: { on: true } } });
    const store = await h.reopen();
    assert.equal(await store.getApplication(app.id), app);
    assert.equal(await store.getJob('job-1'), sampleJob('job-1'));
    assert.equal(await store.deadJobs(), [dead]);
    assert.equal(await store.getDialog('d-1'), sampleDialog('d-1'));
    assert.is(await store.hasProcessed('msg-1'), true);
    assert.equal(await store.getMeta('settings'), { on: true });
    assert.is(await store.nextApplicationId('2026-11-28'), 'YC20261128-0002');
    assert.is((await store.findApplications({ applicantId: 'user-1' })).total, 1);
  });

  it('finishes commits already in flight when closed', async ({ h }) => {
    const pending = Array.from({ length: 20 }, (_, i) =>
      h.store.commit({ applications: [sampleApplication(`YC20261128-${String(i + 1).padStart(4, '0')}`)] }),
    );
    await h.store.close();
    await Promise.all(pending);
    const store = await h.reopen();
    assert.is((await store.findApplications({})).total, 20);
  });

  it('answers ping while open and refuses work once closed', async ({ h }) => {
    await h.store.ping();
    await h.store.close();
    await rejects(h.store.ping());
    await rejects(h.store.commit({ inbox: ['late'] }));
  });

  it('records: stores a new one at rev 1, accepts the next rev, keeps a record without tags as it is', async ({ h }) => {
    const notice = sampleRecord('n-1');
    await h.store.commit({ records: { put: [notice] } });
    assert.equal(await h.store.getRecord('notice', 'n-1'), notice);
    const sent = { ...notice, rev: 2, data: { ...(notice.data as object), sent: 10_000 }, updatedAt: 2_000, tags: { status: 'sent', department: 'rsj' } };
    await h.store.commit({ records: { put: [sent] } });
    assert.equal(await h.store.getRecord('notice', 'n-1'), sent);
    const untagged = sampleRecord('t-1', { kind: 'matter', tags: undefined, data: ['a', 1, null] });
    await h.store.commit({ records: { put: [untagged] } });
    assert.equal(await h.store.getRecord('matter', 't-1'), untagged);
    assert.is(await h.store.getRecord('matter', 'n-1'), undefined, 'kinds are separate');
    assert.is(await h.store.getRecord('notice', 'n-2'), undefined);
    const read = await h.store.getRecord<{ sent: number }>('notice', 'n-1');
    read!.data.sent = -1;
    assert.is((await h.store.getRecord<{ sent: number }>('notice', 'n-1'))!.data.sent, 10_000, 'hands out copies');
  });

  it('records: a stale rev fails the whole commit with a ConflictError naming kind:id', async ({ h }) => {
    await h.store.commit({ records: { put: [sampleRecord('n-1')] } });
    await h.store.commit({ records: { put: [sampleRecord('n-1', { rev: 2 })] } });
    const error = await rejects(
      h.store.commit({
        inbox: ['msg-stale'],
        applications: [sampleApplication('YC20261128-0001')],
        records: { put: [sampleRecord('n-2'), sampleRecord('n-1', { rev: 2, tags: { status: 'sent' } })], remove: [{ kind: 'notice', id: 'n-1' }] },
        jobs: { put: [sampleJob('job-stale')] },
        meta: { touched: true },
      }),
    );
    assert.instance(error, ConflictError);
    assert.is((error as ConflictError).applicationId, 'notice:n-1');
    assert.is((error as ConflictError).expectedRev, 1);
    assert.is((error as ConflictError).actualRev, 2);
    assert.equal(await h.store.getRecord('notice', 'n-1'), sampleRecord('n-1', { rev: 2 }));
    assert.is(await h.store.getRecord('notice', 'n-2'), undefined);
    assert.is(await h.store.getApplication('YC20261128-0001'), undefined);
    assert.is(await h.store.getJob('job-stale'), undefined);
    assert.is(await h.store.hasProcessed('msg-stale'), false);
    assert.is(await h.store.getMeta('touched'), undefined);
    // A second "new" record with the same kind and id, and a first version that is not rev 1, conflict too.
    assert.instance(await rejects(h.store.commit({ records: { put: [sampleRecord('n-1')] } })), ConflictError);
    assert.instance(await rejects(h.store.commit({ records: { put: [sampleRecord('n-3', { rev: 2 })] } })), ConflictError);
    assert.is(await h.store.getRecord('notice', 'n-3'), undefined);
  });

  it('records: refuses malformed ones (rev 0, a kind that is not lower-case dotted, no data)', async ({ h }) => {
    await rejects(h.store.commit({ records: { put: [sampleRecord('n-1', { rev: 0 })] } }));
    await rejects(h.store.commit({ records: { put: [sampleRecord('n-1', { kind: '../notice' })] } }));
    await rejects(h.store.commit({ records: { put: [sampleRecord('n-1', { kind: 'Notice' })] } }));
    await rejects(h.store.commit({ records: { put: [sampleRecord('n-1', { data: undefined })] } }));
    await rejects(h.store.commit({ records: { put: [sampleRecord('', {})] } }));
    assert.equal(await h.store.findRecords('notice'), { total: 0, items: [] });
  });

  it('records: two racing puts of the same rev, exactly one wins', async ({ h }) => {
    await h.store.commit({ records: { put: [sampleRecord('n-1')] } });
    const results = await Promise.allSettled([
      h.store.commit({ records: { put: [sampleRecord('n-1', { rev: 2, tags: { status: 'a' } })] }, jobs: { put: [sampleJob('a')] } }),
      h.store.commit({ records: { put: [sampleRecord('n-1', { rev: 2, tags: { status: 'b' } })] }, jobs: { put: [sampleJob('b')] } }),
    ]);
    assert.equal(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const won = results[0]?.status === 'fulfilled' ? 'a' : 'b';
    assert.instance((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason, ConflictError);
    assert.is((await h.store.getRecord('notice', 'n-1'))?.tags?.status, won);
    assert.ok(await h.store.getJob(won));
    assert.is(await h.store.getJob(won === 'a' ? 'b' : 'a'), undefined);
  });

  it('records: removes one; a removed record can be created again at rev 1', async ({ h }) => {
    await h.store.commit({ records: { put: [sampleRecord('n-1'), sampleRecord('n-2')] } });
    await h.store.commit({ records: { remove: [{ kind: 'notice', id: 'n-1' }, { kind: 'notice', id: 'never-stored' }] } });
    assert.is(await h.store.getRecord('notice', 'n-1'), undefined);
    assert.ok(await h.store.getRecord('notice', 'n-2'));
    assert.equal((await h.store.findRecords('notice')).items.map((r) => r.id), ['n-2']);
    await h.store.commit({ records: { put: [sampleRecord('n-1', { updatedAt: 5_000 })] } });
    assert.is((await h.store.getRecord('notice', 'n-1'))?.rev, 1);
    assert.equal((await h.store.findRecords('notice')).items.map((r) => r.id), ['n-1', 'n-2']);
  });

  it('records: findRecords lists one kind newest first, filters on every tag, pages with the total before paging', async ({ h }) => {
    const put = [
      sampleRecord('a', { updatedAt: 100, tags: { status: 'open', department: 'gjj' } }),
      sampleRecord('b', { updatedAt: 300, tags: { status: 'open', department: 'rsj' } }),
      sampleRecord('c', { updatedAt: 200, tags: { status: 'closed', department: 'gjj' } }),
      sampleRecord('d', { updatedAt: 300, tags: { status: 'open', department: 'gjj' } }),
      sampleRecord('e', { updatedAt: 50 }),
      sampleRecord('f', { updatedAt: 400, tags: undefined }),
      sampleRecord('x', { kind: 'notice.batch', updatedAt: 999, tags: { status: 'open' } }),
    ];
    await h.store.commit({ records: { put } });
    const ids = (result: { items: StoredRecord[] }) => result.items.map((r) => r.id);
    const all = await h.store.findRecords('notice');
    assert.is(all.total, 6);
    // Equal updatedAt: the larger id first.
    assert.equal(ids(all), ['f', 'd', 'b', 'c', 'a', 'e']);
    const open = await h.store.findRecords('notice', { tags: { status: 'open' } });
    assert.equal([open.total, ids(open)], [3, ['d', 'b', 'a']]);
    const openGjj = await h.store.findRecords('notice', { tags: { status: 'open', department: 'gjj' } });
    assert.equal([openGjj.total, ids(openGjj)], [2, ['d', 'a']]);
    const page = await h.store.findRecords('notice', { offset: 1, limit: 2 });
    assert.equal([page.total, ids(page)], [6, ['d', 'b']]);
    const openPage = await h.store.findRecords('notice', { tags: { status: 'open' }, offset: 2, limit: 5 });
    assert.equal([openPage.total, ids(openPage)], [3, ['a']]);
    assert.equal(await h.store.findRecords('notice', { tags: { status: 'nobody' } }), { total: 0, items: [] });
    assert.equal(await h.store.findRecords('complaint'), { total: 0, items: [] });
    assert.equal(ids(await h.store.findRecords('notice.batch')), ['x']);
    assert.equal((await h.store.findRecords('notice', { limit: 1 })).items, [put[5]]);

    // An update moves a record to the front and out of the tags it no longer has.
    await h.store.commit({ records: { put: [{ ...put[0]!, rev: 2, updatedAt: 500, tags: { status: 'closed', department: 'gjj' } }] } });
    assert.equal(ids(await h.store.findRecords('notice')), ['a', 'f', 'd', 'b', 'c', 'e']);
    assert.equal(ids(await h.store.findRecords('notice', { tags: { status: 'open' } })), ['d', 'b']);
    assert.equal(ids(await h.store.findRecords('notice', { tags: { status: 'closed' } })), ['a', 'c']);
  });

  it('records: written in one commit with applications and jobs, and kept across a restart', async ({ h }) => {
    const app = sampleApplication('YC20261128-0001');
    await h.store.commit({
      inbox: ['msg-1'],
      applications: [app],
      records: { put: [sampleRecord('n-1', { updatedAt: 2_000 }), sampleRecord('n-2'), sampleRecord('gone')] },
      jobs: { put: [sampleJob('job-1')] },
    });
    await h.store.commit({ records: { put: [sampleRecord('n-2', { rev: 2, updatedAt: 3_000, tags: { status: 'sent' } })], remove: [{ kind: 'notice', id: 'gone' }] } });
    const store = await h.reopen();
    assert.equal(await store.getApplication(app.id), app);
    assert.ok(await store.getJob('job-1'));
    assert.equal(await store.getRecord('notice', 'n-1'), sampleRecord('n-1', { updatedAt: 2_000 }));
    assert.equal(await store.getRecord('notice', 'n-2'), sampleRecord('n-2', { rev: 2, updatedAt: 3_000, tags: { status: 'sent' } }));
    assert.is(await store.getRecord('notice', 'gone'), undefined);
    const listed = await store.findRecords('notice');
    assert.equal([listed.total, listed.items.map((r) => r.id)], [2, ['n-2', 'n-1']]);
    assert.equal((await store.findRecords('notice', { tags: { status: 'sent' } })).items.map((r) => r.id), ['n-2']);
    await store.commit({ records: { put: [sampleRecord('n-2', { rev: 3 })] } });
    assert.instance(await rejects(store.commit({ records: { put: [sampleRecord('n-1', { rev: 3 })] } })), ConflictError);
  });

  it('refuses a first version that is not rev 1', async ({ h }) => {
    await rejects(h.store.commit({ applications: [sampleApplication('YC20261128-0001', { rev: 0 })] }));
    await rejects(h.store.commit({ applications: [sampleApplication('YC20261128-0001', { rev: 2 })] }));
    assert.is(await h.store.getApplication('YC20261128-0001'), undefined);
  });

  return it;
}
