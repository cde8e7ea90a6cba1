// The Store contract (src/store/store.ts, DESIGN.md "Store guarantees"), tested only through the
// interface so that every implementation runs the same suite.
import { suite } from './suite.js';
import * as assert from 'uvu/assert';
import { factsOf } from '../../src/domain/application-facts.js';
import type { Application } from '../../src/domain/types.js';
import { type ApplicationQuery, ConflictError, type DeadJob, type Store } from '../../src/store/store.js';
import { leaseConformance } from './store-conformance-leases.js';
import { recordConformance } from './store-conformance-records.js';
import { rejects, revised, sampleApplication, sampleDialog, sampleJob } from './store-samples.js';

export { sampleApplication, sampleJob, sampleRecord } from './store-samples.js';

/** A fresh, opened store; `reopen` closes the latest store and opens a new one on the same data. */
export interface StoreHarness {
  store: Store;
  reopen: () => Promise<Store>;
  cleanup: () => Promise<void>;
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
    const winner =
      results[0]?.status === 'fulfilled' ? { status: 'accepted', job: 'a', lost: 'b' } : { status: 'withdrawn', job: 'b', lost: 'a' };
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
    // The ids alone, as every message asks for a sender's open 补正: the same order and total, no document read.
    assert.equal(await h.store.findApplicationIds({ applicantId: 'user-1', status: ['accepted', 'submitted'], limit: 2 }), {
      total: 3,
      ids: ['YC20261128-0002', 'YC20261128-0001'],
    });
    assert.equal(await h.store.findApplicationIds({ applicantId: 'nobody' }), { total: 0, ids: [] });

    await h.store.commit({ applications: [revised(apps[1]!, { status: 'delivered' })] });
    assert.equal(ids(await h.store.findApplications({ status: ['delivered'] })), ['YC20261128-0001', 'YC20261126-0001']);
  });

  it('gives the light facts of the matching applications, by id, as the documents have them', async ({ h }) => {
    const actor = { type: 'department' as const, id: 'amr' };
    const paused = sampleApplication('YC20261120-0001', {
      status: 'in_review',
      submittedAt: '2026-11-19T17:00:00.000Z',
      acceptedAt: '2026-11-20T02:00:00.000Z',
      deadline: '2026-12-04',
      departments: [
        { id: 'amr', name: '市场监管局', status: 'reviewing' },
        { id: 'fire', name: '消防救援大队', status: 'pending' },
      ],
      history: [
        { at: '2026-11-19T17:00:00.000Z', actor, action: 'submit', from: 'draft', to: 'submitted' },
        { at: '2026-11-20T02:00:00.000Z', actor, action: 'accept', from: 'submitted', to: 'accepted' },
        {
          at: '2026-11-21T02:00:00.000Z',
          actor,
          action: 'ask',
          from: 'accepted',
          to: 'supplement_required',
          note: '请补充身份证 330106199001011234',
        },
        { at: '2026-11-24T02:00:00.000Z', actor, action: 'answer', from: 'supplement_required', to: 'in_review' },
        { at: '2026-11-25T02:00:00.000Z', actor, action: 'ask', from: 'in_review', to: 'supplement_required' },
        { at: '2026-11-26T02:00:00.000Z', actor, action: 'answer', from: 'supplement_required', to: 'in_review' },
      ],
    });
    const rated = sampleApplication('YC20261125-0001', {
      status: 'evaluated',
      submittedAt: '2026-11-25T02:00:00.000Z',
      acceptedAt: '2026-11-25T03:00:00.000Z',
      deadline: '2026-11-30',
      decidedAt: '2026-11-26T03:00:00.000Z',
      result: { type: 'mail', trackingNo: 'SF123' },
      evaluation: { level: 5, comment: '很快', at: '2026-11-27T03:00:00.000Z' },
    });
    const fresh = sampleApplication('YC20261128-0001', { matter: { id: 'housing-fund', version: 2, name: '住房公积金提取' } });
    await h.store.commit({ applications: [fresh, paused, rated] });
    const facts = (...apps: Application[]) => apps.map(factsOf);

    const all = await h.store.applicationFacts({});
    assert.equal(
      all,
      facts(rated, paused, fresh).sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    assert.equal(all.find((f) => f.id === paused.id)?.pauses, [
      { from: '2026-11-21T02:00:00.000Z', to: '2026-11-24T02:00:00.000Z' },
      { from: '2026-11-25T02:00:00.000Z', to: '2026-11-26T02:00:00.000Z' },
    ]);
    assert.equal(
      all.find((f) => f.id === rated.id),
      {
        id: rated.id,
        status: 'evaluated',
        matter: { id: 'business-licence', name: '个体工商户设立登记' },
        departments: [{ id: 'amr', name: '市场监管局', status: 'pending' }],
        submittedAt: '2026-11-25T02:00:00.000Z',
        acceptedAt: '2026-11-25T03:00:00.000Z',
        deadline: '2026-11-30',
        decidedAt: '2026-11-26T03:00:00.000Z',
        delivery: 'mail',
        rating: 5,
      },
    );
    assert.equal(await h.store.applicationFacts({ submittedFrom: '2026-11-20', submittedTo: '2026-11-27' }), facts(rated));
    assert.equal(await h.store.applicationFacts({ submittedTo: '2026-11-27' }), facts(paused, rated));
    assert.equal(await h.store.applicationFacts({ status: ['accepted', 'in_review'] }), facts(paused));
    assert.equal(await h.store.applicationFacts({ departmentId: 'fire' }), facts(paused));
    assert.equal(await h.store.applicationFacts({ matterId: 'housing-fund' }), facts(fresh));
    assert.equal(await h.store.applicationFacts({ ids: [fresh.id, 'YC20260101-0001', paused.id, fresh.id] }), facts(paused, fresh));
    assert.equal(await h.store.applicationFacts({ ids: [fresh.id], status: ['evaluated'] }), []);

    // A later version is what the facts show.
    await h.store.commit({ applications: [revised(fresh, { status: 'withdrawn' })] });
    assert.equal((await h.store.applicationFacts({ ids: [fresh.id] }))[0]?.status, 'withdrawn');
  });

  it('filters applications by matter, department, submission day and overdue, pages them, and counts every match', async ({ h }) => {
    const fund = { id: 'housing-fund', version: 2, name: '住房公积金提取' };
    const app = (id: string, day: string, overrides: Partial<Application> = {}) =>
      sampleApplication(id, { createdAt: `${day}T01:00:00.000Z`, submittedAt: `${day}T01:00:00.000Z`, ...overrides });
    await h.store.commit({
      applications: [
        app('YC20261120-0001', '2026-11-20', { status: 'accepted', deadline: '2026-11-25' }),
        app('YC20261121-0001', '2026-11-21', { matter: fund, departments: [{ id: 'gjj', name: '公积金中心', status: 'pending' }] }),
        app('YC20261122-0001', '2026-11-22', { status: 'in_review', deadline: '2026-11-30' }),
        app('YC20261123-0001', '2026-11-23', { status: 'approved', deadline: '2026-11-24' }),
        app('YC20261124-0001', '2026-11-24', {
          matter: fund,
          departments: [
            { id: 'amr', name: '市场监管局', status: 'approved' },
            { id: 'gjj', name: '公积金中心', status: 'pending' },
          ],
          status: 'supplement_required',
          deadline: '2026-11-26',
        }),
      ],
    });
    const ids = async (query: ApplicationQuery) => {
      const page = await h.store.findApplications(query);
      const found = { total: page.total, ids: page.items.map((a) => a.id) };
      assert.equal(await h.store.findApplicationIds(query), found, 'findApplicationIds lists what findApplications does');
      return found;
    };
    assert.equal(await ids({ matterId: 'housing-fund' }), { total: 2, ids: ['YC20261124-0001', 'YC20261121-0001'] });
    assert.equal(await ids({ departmentId: 'gjj', limit: 1 }), { total: 2, ids: ['YC20261124-0001'] });
    assert.equal(await ids({ departmentId: 'amr', offset: 1, limit: 2 }), {
      total: 4,
      ids: ['YC20261123-0001', 'YC20261122-0001'],
    });
    assert.equal(await ids({ submittedFrom: '2026-11-21', submittedTo: '2026-11-23' }), {
      total: 3,
      ids: ['YC20261123-0001', 'YC20261122-0001', 'YC20261121-0001'],
    });
    // On 11-27: 11-20 (accepted, 11-25) and 11-24 (supplement, 11-26) are overdue; a decided or undated one never is.
    assert.equal(await ids({ overdue: { today: '2026-11-27', value: true } }), { total: 2, ids: ['YC20261124-0001', 'YC20261120-0001'] });
    assert.equal(await ids({ overdue: { today: '2026-11-26', value: true } }), { total: 1, ids: ['YC20261120-0001'] });
    assert.equal(await ids({ overdue: { today: '2026-11-27', value: false } }), {
      total: 3,
      ids: ['YC20261123-0001', 'YC20261122-0001', 'YC20261121-0001'],
    });
    assert.equal(await ids({ matterId: 'housing-fund', status: ['submitted'], submittedTo: '2026-11-21' }), {
      total: 1,
      ids: ['YC20261121-0001'],
    });
    assert.equal(await ids({ matterId: 'nothing' }), { total: 0, ids: [] });
    assert.equal(await ids({ applicantId: 'user-1', departmentId: 'gjj', overdue: { today: '2026-12-01', value: true } }), {
      total: 1,
      ids: ['YC20261124-0001'],
    });
  });

  it('gives due jobs oldest first, leaves future ones, and tells when the next one is due', async ({ h }) => {
    assert.is(await h.store.nextJobAt(), undefined);
    await h.store.commit({
      jobs: {
        put: [
          sampleJob('late', { nextAt: 300 }),
          sampleJob('early', { nextAt: 100 }),
          sampleJob('mid', { nextAt: 200 }),
          sampleJob('future', { nextAt: 5_000 }),
        ],
      },
    });
    assert.equal(
      (await h.store.dueJobs(1_000, 10)).map((j) => j.id),
      ['early', 'mid', 'late'],
    );
    assert.equal(
      (await h.store.dueJobs(1_000, 2)).map((j) => j.id),
      ['early', 'mid'],
    );
    assert.equal(
      (await h.store.dueJobs(200, 10)).map((j) => j.id),
      ['early', 'mid'],
    );
    assert.is(await h.store.nextJobAt(), 100);
  });

  it('gives due job refs in due order, of the asked kinds only, with their group and without payload', async ({ h }) => {
    await h.store.commit({
      jobs: {
        put: [
          sampleJob('b', { kind: 'dingtalk.message', nextAt: 100, createdAt: 50, group: 'user:1' }),
          sampleJob('a', { kind: 'dingtalk.message', nextAt: 100, createdAt: 50 }),
          sampleJob('submit', { nextAt: 90, createdAt: 90, group: 'YC20261128-0001' }),
          sampleJob('older', { kind: 'timer', nextAt: 100, createdAt: 10 }),
          sampleJob('later', { kind: 'dingtalk.message', nextAt: 2_000 }),
        ],
      },
    });
    assert.equal(await h.store.dueJobRefs(1_000, 10), [
      { id: 'submit', kind: 'backoffice.submit', nextAt: 90, createdAt: 90, group: 'YC20261128-0001' },
      { id: 'older', kind: 'timer', nextAt: 100, createdAt: 10 },
      { id: 'a', kind: 'dingtalk.message', nextAt: 100, createdAt: 50 },
      { id: 'b', kind: 'dingtalk.message', nextAt: 100, createdAt: 50, group: 'user:1' },
    ]);
    assert.equal(
      (await h.store.dueJobRefs(1_000, 10, ['dingtalk.message', 'timer'])).map((r) => r.id),
      ['older', 'a', 'b'],
    );
    assert.equal(
      (await h.store.dueJobRefs(1_000, 1, ['dingtalk.message'])).map((r) => r.id),
      ['a'],
    );
    assert.equal(await h.store.dueJobRefs(1_000, 10, []), []);
    await h.store.commit({
      jobs: { put: [sampleJob('a', { kind: 'dingtalk.message', nextAt: 3_000, createdAt: 50 })], remove: ['submit'] },
    });
    assert.equal(
      (await h.store.dueJobRefs(5_000, 10)).map((r) => r.id),
      ['older', 'b', 'later', 'a'],
    );
    await h.reopen();
    assert.equal(
      (await h.store.dueJobRefs(5_000, 10)).map((r) => r.id),
      ['older', 'b', 'later', 'a'],
      'the same order after a reopen',
    );
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
    assert.equal(
      (await h.store.dueJobs(Date.now(), 10)).map((j) => j.id),
      ['j1'],
    );
  });

  it('keeps, replaces and removes dialog records', async ({ h }) => {
    await h.store.commit({ dialogs: { put: [sampleDialog('cid-1:user-1'), sampleDialog('cid-1:user-2')] } });
    await h.store.commit({ dialogs: { put: [sampleDialog('cid-1:user-1', { step: 'review' })], remove: ['cid-1:user-2'] } });
    assert.equal(await h.store.getDialog('cid-1:user-1'), sampleDialog('cid-1:user-1', { step: 'review', rev: 2 }));
    assert.is(await h.store.getDialog('cid-1:user-2'), undefined);
  });

  it('lists the dialogs about a subject, and forgets one that moves on or is removed', async ({ h }) => {
    const about = (key: string, subject: string) => sampleDialog(key, { subject, rev: 1 });
    await h.store.commit({
      dialogs: {
        put: [about('user:b', 'matter:fund'), about('user:a', 'matter:fund'), about('user:c', 'matter:shop'), sampleDialog('user:d')],
      },
    });
    assert.equal(await h.store.findDialogs('matter:fund'), [about('user:a', 'matter:fund'), about('user:b', 'matter:fund')]);
    await h.store.commit({ dialogs: { put: [sampleDialog('user:a', { subject: 'matter:shop', rev: 2 })], remove: ['user:b'] } });
    assert.equal(await h.store.findDialogs('matter:fund'), []);
    assert.equal(
      (await h.store.findDialogs('matter:shop')).map((d) => d.key),
      ['user:a', 'user:c'],
    );
    assert.equal(await h.store.findDialogs('nothing'), []);
  });

  it('checks dialog revisions: a put at the stored rev + 1 wins once, a stale put or read fails and writes nothing', async ({ h }) => {
    await h.store.commit({ dialogs: { put: [sampleDialog('u-1', { rev: 1 })] } });
    await h.store.commit({ dialogs: { put: [sampleDialog('u-1', { step: 'amount', rev: 2 })] } });
    const stalePut = await rejects(
      h.store.commit({ inbox: ['m-stale'], dialogs: { put: [sampleDialog('u-1', { step: 'phone', rev: 2 })] } }),
    );
    assert.instance(stalePut, ConflictError);
    assert.is((stalePut as ConflictError).applicationId, 'dialog:u-1');
    assert.is((stalePut as ConflictError).actualRev, 2);
    const staleNew = await rejects(h.store.commit({ dialogs: { put: [sampleDialog('u-1', { rev: 1 })] } }));
    assert.instance(staleNew, ConflictError, 'rev 1 is only for a dialog not stored');
    // A decision that read u-1 at rev 1 (and u-2 absent) must not land, even if it writes only u-2.
    const staleRead = await rejects(
      h.store.commit({ inbox: ['m-read'], dialogs: { put: [sampleDialog('u-2', { rev: 1 })], expect: { 'u-1': 1 } } }),
    );
    assert.instance(staleRead, ConflictError);
    assert.is(await h.store.getDialog('u-2'), undefined);
    assert.is(await h.store.hasProcessed('m-read'), false);
    assert.is(await h.store.hasProcessed('m-stale'), false);
    await h.store.commit({ dialogs: { put: [sampleDialog('u-2', { rev: 1 })], remove: ['u-1'], expect: { 'u-1': 2 } } });
    const removed = await rejects(h.store.commit({ dialogs: { put: [sampleDialog('u-2', { rev: 2 })], expect: { 'u-1': 2 } } }));
    assert.instance(removed, ConflictError, 'a removed dialog counts as rev 0');
    await h.store.commit({ dialogs: { expect: { 'u-1': 0 }, put: [sampleDialog('u-1', { step: 'again', rev: 1 })] } });
    assert.is((await h.store.getDialog('u-1'))?.step, 'again');
    // A put without a rev replaces whatever is stored and counts the revision on.
    await h.store.commit({ dialogs: { put: [sampleDialog('u-2', { step: 'forced' })] } });
    assert.equal(await h.store.getDialog('u-2'), sampleDialog('u-2', { step: 'forced', rev: 2 }));
  });

  it('an inbox id already stored refuses the commit (the event was decided already) and writes nothing of it', async ({ h }) => {
    await h.store.commit({ inbox: ['msg-1'] });
    const twice = await rejects(h.store.commit({ inbox: ['msg-2', 'msg-1'], jobs: { put: [sampleJob('job-1')] } }));
    assert.instance(twice, ConflictError);
    assert.is((twice as ConflictError).applicationId, 'inbox:msg-1');
    assert.is(await h.store.getJob('job-1'), undefined);
    assert.is(await h.store.hasProcessed('msg-2'), false);
  });

  it('of two concurrent commits of one dialog revision exactly one lands', async ({ h }) => {
    await h.store.commit({ dialogs: { put: [sampleDialog('u-1', { rev: 1 })] } });
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((step) =>
        h.store.commit({ inbox: [`m-${step}`], orderKey: 'single:u-1', dialogs: { put: [sampleDialog('u-1', { step, rev: 2 })] } }),
      ),
    );
    const landed = results.flatMap((result, i) => (result.status === 'fulfilled' ? [['a', 'b', 'c', 'd'][i]] : []));
    assert.is(landed.length, 1, 'one winner');
    for (const result of results) if (result.status === 'rejected') assert.instance(result.reason, ConflictError);
    assert.equal(await h.store.getDialog('u-1'), sampleDialog('u-1', { step: landed[0], rev: 2 }));
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
    assert.equal(
      [...ids].sort(),
      Array.from({ length: 50 }, (_, i) => `YC20261128-${String(i + 1).padStart(4, '0')}`),
    );
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
    assert.equal(await store.getDialog('d-1'), sampleDialog('d-1', { rev: 1 }));
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

  it('refuses a first version that is not rev 1', async ({ h }) => {
    await rejects(h.store.commit({ applications: [sampleApplication('YC20261128-0001', { rev: 0 })] }));
    await rejects(h.store.commit({ applications: [sampleApplication('YC20261128-0001', { rev: 2 })] }));
    assert.is(await h.store.getApplication('YC20261128-0001'), undefined);
  });

  recordConformance(it);
  leaseConformance(it);
  return it;
}
