// The notice target picker's API against the DingTalk simulator's contacts (the notice tests' organisation):
// the departments with their parents, people found by name, and a notice's per-person delivery report.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { FAST_TUNING, startHarness, waitFor, type Harness } from '../support/harness.js';
import { api, noticeOrg } from '../support/notice-org.js';

const test = suite<{ h: Harness }>('admin: organisation and notice deliveries');

test.before(async (context) => {
  context.h = await startHarness({ sim: { org: noticeOrg() }, tuning: { ...FAST_TUNING, broadcast: { flowRetryMs: 50, cardEveryMs: 0 } } });
});
test.after(async ({ h }) => {
  await h?.close();
});

test('lists every department once with its parent', async ({ h }) => {
  const { status, body } = await api(h, 'GET', '/api/org/departments');
  assert.is(status, 200);
  const byId = new Map(body.items.map((d: any) => [d.id, d]));
  assert.equal(byId.get(300), { id: 300, name: '甲局', parentId: 1 });
  assert.equal(byId.get(301), { id: 301, name: '甲局一科', parentId: 300 });
  assert.equal(byId.get(401), { id: 401, name: '乙局一科', parentId: 400 });
  assert.is(new Set(body.items.map((d: any) => d.id)).size, body.total);
  const sandboxDepartments = noticeOrg().departments.filter((d) => d.dept_id !== 1);
  assert.is(body.total, sandboxDepartments.length);
  // Kept for five minutes: DingTalk failing meanwhile changes nothing.
  h.dingtalk.failNext(20, { status: 500, pathPrefix: '/topapi/v2/department/listsub' });
  const again = await api(h, 'GET', '/api/org/departments');
  assert.equal([again.status, again.body.total], [200, body.total]);
});

test('finds people by name or id with their departments, active ones only, at most 20', async ({ h }) => {
  const both = await api(h, 'GET', `/api/org/users?q=${encodeURIComponent('both-1')}`);
  assert.equal(both.body.items, [
    {
      userId: 'both-1',
      name: 'both-1',
      departments: [
        { id: 301, name: '甲局一科' },
        { id: 400, name: '乙局' },
      ],
    },
  ]);
  assert.is((await api(h, 'GET', '/api/org/users?q=left-1')).body.total, 0, 'who left is not offered');
  const many = await api(h, 'GET', '/api/org/users?q=jia');
  assert.equal([many.body.total, many.body.items.length], [35, 20]);
  for (const q of ['', '%20', 'x'.repeat(33)]) {
    const refused = await api(h, 'GET', `/api/org/users?q=${q}`);
    assert.is(refused.status, 400, q);
    assert.match(refused.body.error.message, 'q 应为');
  }
});

test('a notice’s deliveries name each person reached and each one missed with the reason', async ({ h }) => {
  // jia-3 stays flow-controlled through every round (five).
  h.dingtalk.flowControl(['jia-3'], 10);
  const created = await api(h, 'POST', '/api/notices', {
    title: '送达明细',
    body: '正文',
    audience: { kind: 'users', userIds: ['jia-1', 'jia-2', 'jia-3', 'nobody-here'] },
  });
  assert.is(created.status, 201);
  const id = created.body.id;
  await waitFor(async () => (await api(h, 'GET', `/api/notices/${id}`)).body.status === 'completed', {
    timeoutMs: 20_000,
    what: 'notice completed',
  });
  const { status, body } = await api(h, 'GET', `/api/notices/${id}/deliveries`);
  assert.is(status, 200);
  assert.equal(body.delivered.sort(), ['jia-1', 'jia-2']);
  assert.equal(
    body.failed.sort((a: any, b: any) => a.userId.localeCompare(b.userId)),
    [
      { userId: 'jia-3', reason: 'flow_controlled', text: '限流未送达' },
      { userId: 'nobody-here', reason: 'invalid', text: '无效人员（钉钉不认识）' },
    ],
  );
  assert.is(body.pending, 0);
  assert.is((await api(h, 'GET', '/api/notices/no-such/deliveries')).status, 404);
});

test.run();
