// The Store contract for feature records (StoredRecord), part of the conformance suite every store passes.
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConflictError, type StoredRecord } from '../../src/store/store.js';
import type { StoreHarness } from './store-conformance.js';
import { rejects, sampleApplication, sampleJob, sampleRecord } from './store-samples.js';

/** Registers the record tests on the conformance suite. */
export function recordConformance(it: Test<{ h: StoreHarness }>): void {
  it('records: stores a new one at rev 1, accepts the next rev, keeps a record without tags as it is', async ({ h }) => {
    const notice = sampleRecord('n-1');
    await h.store.commit({ records: { put: [notice] } });
    assert.equal(await h.store.getRecord('notice', 'n-1'), notice);
    const sent = {
      ...notice,
      rev: 2,
      data: { ...(notice.data as object), sent: 10_000 },
      updatedAt: 2_000,
      tags: { status: 'sent', department: 'rsj' },
    };
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
        records: {
          put: [sampleRecord('n-2'), sampleRecord('n-1', { rev: 2, tags: { status: 'sent' } })],
          remove: [{ kind: 'notice', id: 'n-1' }],
        },
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
    await h.store.commit({
      records: {
        remove: [
          { kind: 'notice', id: 'n-1' },
          { kind: 'notice', id: 'never-stored' },
        ],
      },
    });
    assert.is(await h.store.getRecord('notice', 'n-1'), undefined);
    assert.ok(await h.store.getRecord('notice', 'n-2'));
    assert.equal(
      (await h.store.findRecords('notice')).items.map((r) => r.id),
      ['n-2'],
    );
    await h.store.commit({ records: { put: [sampleRecord('n-1', { updatedAt: 5_000 })] } });
    assert.is((await h.store.getRecord('notice', 'n-1'))?.rev, 1);
    assert.equal(
      (await h.store.findRecords('notice')).items.map((r) => r.id),
      ['n-1', 'n-2'],
    );
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
    await h.store.commit({
      records: {
        put: [sampleRecord('n-2', { rev: 2, updatedAt: 3_000, tags: { status: 'sent' } })],
        remove: [{ kind: 'notice', id: 'gone' }],
      },
    });
    const store = await h.reopen();
    assert.equal(await store.getApplication(app.id), app);
    assert.ok(await store.getJob('job-1'));
    assert.equal(await store.getRecord('notice', 'n-1'), sampleRecord('n-1', { updatedAt: 2_000 }));
    assert.equal(await store.getRecord('notice', 'n-2'), sampleRecord('n-2', { rev: 2, updatedAt: 3_000, tags: { status: 'sent' } }));
    assert.is(await store.getRecord('notice', 'gone'), undefined);
    const listed = await store.findRecords('notice');
    assert.equal([listed.total, listed.items.map((r) => r.id)], [2, ['n-2', 'n-1']]);
    assert.equal(
      (await store.findRecords('notice', { tags: { status: 'sent' } })).items.map((r) => r.id),
      ['n-2'],
    );
    await store.commit({ records: { put: [sampleRecord('n-2', { rev: 3 })] } });
    assert.instance(await rejects(store.commit({ records: { put: [sampleRecord('n-1', { rev: 3 })] } })), ConflictError);
  });
}
