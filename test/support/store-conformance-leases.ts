// The Store contract for outbox leases (Store.leaseJobs, Commit.lease), part of the conformance suite every
// store passes. Two owners stand for two outbox instances; on PostgreSQL they may be two processes.
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { LeaseLostError } from '../../src/store/store.js';
import type { StoreHarness } from './store-conformance.js';
import { rejects, sampleJob } from './store-samples.js';

const A = { owner: 'instance-a', leaseMs: 1_000 };
const B = { owner: 'instance-b', leaseMs: 1_000 };
const ids = (jobs: { id: string }[]) => jobs.map((job) => job.id);

/** Registers the lease tests on the conformance suite. */
export function leaseConformance(it: Test<{ h: StoreHarness }>): void {
  it('leases: a due job is leased to one owner at a time, oldest first, and to another once the lease ran out', async ({ h }) => {
    await h.store.commit({
      jobs: { put: [sampleJob('late', { nextAt: 300 }), sampleJob('early', { nextAt: 100 }), sampleJob('future', { nextAt: 5_000 })] },
    });
    assert.equal(ids(await h.store.leaseJobs(1_000, 10, A)), ['early', 'late']);
    assert.equal(await h.store.leaseJobs(1_000, 10, B), [], 'leased jobs are nobody else’s');
    assert.equal(await h.store.leaseJobs(1_999, 10, A), [], 'not even the same owner’s twice');
    assert.equal(ids(await h.store.leaseJobs(2_000, 10, B)), ['early', 'late'], 'an expired lease is taken over');
    assert.equal(await h.store.leaseJobs(2_999, 10, A), []);
    assert.equal(ids(await h.store.leaseJobs(5_000, 2, A)), ['early', 'late'], 'limit: the oldest due first');
  });

  it('leases: the owner renews its leases (a heartbeat); another owner cannot, and a taken-over job is not renewed', async ({ h }) => {
    await h.store.commit({ jobs: { put: [sampleJob('slow', { nextAt: 100 }), sampleJob('other', { nextAt: 100 })] } });
    assert.equal(ids(await h.store.leaseJobs(1_000, 10, A)), ['other', 'slow']);
    assert.equal(await h.store.renewLeases(B.owner, ['slow'], 3_000), [], 'only the owner renews');
    assert.equal(await h.store.renewLeases(A.owner, ['slow', 'gone'], 3_000), ['slow']);
    assert.equal(ids(await h.store.leaseJobs(2_000, 10, B)), ['other'], 'the renewed lease holds past its first end');
    assert.equal(await h.store.renewLeases(A.owner, ['other'], 9_000), [], 'a job taken over stays with its new owner');
    assert.equal(ids(await h.store.leaseJobs(3_000, 10, B)), ['other', 'slow'], 'a lease nobody renews runs out');
    const lost = await rejects(h.store.commit({ jobs: { remove: ['slow'] }, lease: { owner: A.owner, jobs: ['slow'] } }));
    assert.instance(lost, LeaseLostError);
  });

  it('leases: per-kind capacity, and a kind left out is not leased', async ({ h }) => {
    const put = [
      sampleJob('m1', { kind: 'dingtalk.message', nextAt: 1 }),
      sampleJob('m2', { kind: 'dingtalk.message', nextAt: 2 }),
      sampleJob('m3', { kind: 'dingtalk.message', nextAt: 3 }),
      sampleJob('s1', { nextAt: 4 }),
      sampleJob('t1', { kind: 'timer', nextAt: 5 }),
    ];
    await h.store.commit({ jobs: { put } });
    assert.equal(
      ids(await h.store.leaseJobs(1_000, 1, { ...A, leaseMs: 1, capacity: { timer: 1 } })),
      ['t1'],
      'older jobs of other kinds do not use up the limit',
    );
    assert.equal(ids(await h.store.leaseJobs(1_001, 10, { ...A, capacity: { 'dingtalk.message': 2, 'backoffice.submit': 1 } })), [
      'm1',
      'm2',
      's1',
    ]);
    assert.equal(ids(await h.store.leaseJobs(1_001, 10, { ...B, capacity: { 'dingtalk.message': 0, timer: 3 } })), ['t1']);
    assert.equal(ids(await h.store.leaseJobs(1_001, 10, B)), ['m3']);
  });

  it('leases: never a job while an older job of its group is pending, leased or backing off', async ({ h }) => {
    const card = (id: string, createdAt: number, nextAt = createdAt) =>
      sampleJob(id, { kind: 'dingtalk.card.update', group: 'card-1', createdAt, nextAt });
    await h.store.commit({ jobs: { put: [card('u1', 10), card('u2', 20), card('u3', 20), sampleJob('other', { nextAt: 30 })] } });
    const cards = { capacity: { 'dingtalk.card.update': 4 } };
    assert.equal(ids(await h.store.leaseJobs(1_000, 10, A)), ['u1', 'other'], 'only the head of the group');
    assert.equal(await h.store.leaseJobs(1_000, 10, { ...B, ...cards }), [], 'the head is leased: the rest of its group waits');
    // u1 fails and backs off until 5 000: its group waits with it, whoever looks.
    await h.store.commit({ jobs: { put: [card('u1', 10, 5_000)] }, lease: { owner: A.owner, jobs: ['u1'] } });
    assert.equal(await h.store.leaseJobs(2_000, 10, { ...B, ...cards }), []);
    assert.equal(ids(await h.store.leaseJobs(5_000, 10, { ...B, ...cards })), ['u1']);
    await h.store.commit({ jobs: { remove: ['u1'] }, lease: { owner: B.owner, jobs: ['u1'] } });
    assert.equal(ids(await h.store.leaseJobs(5_000, 10, { ...A, ...cards })), ['u2'], 'same createdAt: id order');
    await h.store.commit({ jobs: { remove: ['u2'] }, lease: { owner: A.owner, jobs: ['u2'] } });
    assert.equal(ids(await h.store.leaseJobs(5_000, 10, { ...B, ...cards })), ['u3']);
  });

  it('leases: finishing needs the lease; a job taken over cannot be finished by its old owner', async ({ h }) => {
    await h.store.commit({ jobs: { put: [sampleJob('j1'), sampleJob('j2')] } });
    assert.instance(
      await rejects(h.store.commit({ jobs: { remove: ['j1'] }, lease: { owner: A.owner, jobs: ['j1'] } })),
      LeaseLostError,
      'never leased',
    );
    await h.store.leaseJobs(1_000, 10, A);
    await h.store.leaseJobs(5_000, 1, B); // j1's lease ran out and B took it over
    const error = await rejects(
      h.store.commit({ inbox: ['late-outcome'], jobs: { remove: ['j1', 'j2'] }, lease: { owner: A.owner, jobs: ['j1', 'j2'] } }),
    );
    assert.instance(error, LeaseLostError);
    assert.equal((error as LeaseLostError).jobIds, ['j1']);
    assert.ok(await h.store.getJob('j1'), 'nothing of the refused commit was written');
    assert.ok(await h.store.getJob('j2'));
    assert.is(await h.store.hasProcessed('late-outcome'), false);
    // An expired lease nobody took over still lets its owner finish.
    await h.store.commit({ jobs: { remove: ['j2'] }, lease: { owner: A.owner, jobs: ['j2'] } });
    await h.store.commit({
      jobs: { dead: [{ ...sampleJob('j1', { attempts: 1 }), failedAt: 5_100, reason: 'HTTP 422' }] },
      lease: { owner: B.owner, jobs: ['j1'] },
    });
    assert.equal(ids(await h.store.deadJobs()), ['j1']);
    assert.is(await h.store.getJob('j1'), undefined);
  });

  it('leases: a retried job is free again once due, and a revived dead job can be leased', async ({ h }) => {
    await h.store.commit({ jobs: { put: [sampleJob('j1')] } });
    const [leased] = await h.store.leaseJobs(1_000, 10, A);
    await h.store.commit({ jobs: { put: [{ ...leased!, attempts: 1, nextAt: 1_200 }] }, lease: { owner: A.owner, jobs: ['j1'] } });
    assert.equal(ids(await h.store.leaseJobs(1_200, 10, B)), ['j1'], 'the retry ended the lease');
    await h.store.commit({
      jobs: { dead: [{ ...sampleJob('j1', { attempts: 2 }), failedAt: 1_300, reason: '后台拒绝' }] },
      lease: { owner: B.owner, jobs: ['j1'] },
    });
    await h.store.commit({ jobs: { revive: ['j1'] } });
    const revived = await h.store.getJob('j1');
    assert.ok(revived);
    assert.equal(ids(await h.store.leaseJobs(revived.nextAt, 10, A)), ['j1']);
  });
}
