// 工作通知 end to end: asyncsend_v2 one call per 20 departments, the report read from DingTalk's send results,
// the daily limit of sends to everyone enforced before calling, and the channel step of the compose dialog.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { FAST_TUNING, startHarness, waitFor, type Harness } from '../support/harness.js';
import { api, noticeOrg, titled } from '../support/notice-org.js';
import { SimPlayer } from '../support/sim-player.js';

const work = suite<{ h: Harness }>('e2e: work notifications');
const ORG = noticeOrg();
const SEND = '/topapi/message/corpconversation/asyncsend_v2';

work.before.each(async (ctx) => {
  ctx.h = await startHarness({
    sim: { org: ORG },
    env: { BROADCASTER_USER_IDS: 'broadcaster-sun', DINGTALK_AGENT_ID: '4001' },
    tuning: { ...FAST_TUNING, broadcast: { flowRetryMs: 50, cardEveryMs: 0 } },
  });
});
work.after.each(async (ctx) => {
  await ctx.h.close();
});

async function finished(h: Harness, id: string): Promise<any> {
  let view: any;
  await waitFor(async () => ['completed', 'cancelled'].includes((view = (await api(h, 'GET', `/api/notices/${id}`)).body).status), {
    timeoutMs: 15_000,
    what: `notice ${id} finished`,
  });
  return view;
}

work('a work notice to departments goes out in one call per 20 departments and reports what DingTalk says it did', async ({ h }) => {
  const deptIds = [...ORG.departments.map((d) => d.dept_id).filter((id) => id !== 1), 9991, 9992, 9993, 9994, 9995];
  assert.is(deptIds.length, 21 + 1);
  const posted = await api(h, 'POST', '/api/notices', {
    title: '部门工作通知',
    body: '正文',
    audience: { kind: 'departments', deptIds, includeSub: true },
    channel: 'work',
  });
  assert.is(posted.status, 201, JSON.stringify(posted.body));
  const view = await finished(h, posted.body.id);
  const sends = h.dingtalk.calls.filter((c) => c.path === SEND);
  assert.equal(
    sends.map((c) => String((c.body as { dept_id_list: string }).dept_id_list).split(',').length).sort((a, b) => a - b),
    [2, 20],
  );
  const results = h.dingtalk.calls.filter((c) => c.path.endsWith('/getsendresult')).map((c) => (c.response as any).send_result);
  const sum = (key: string) => results.reduce((n, r) => n + r[key].length, 0);
  const counts = h.dingtalk.deliveryCounts(titled('部门工作通知'), 'workNotice');
  assert.is(view.report.sent, sum('unread_user_id_list') + sum('read_user_id_list'));
  assert.is(view.report.sent, counts.size);
  assert.ok(
    [...counts.values()].every((n) => n === 1),
    'each person once, though in several departments',
  );
  assert.is(view.report.invalid, sum('invalid_user_id_list'));
  assert.is(counts.get('left-1'), undefined);
});

work('the same content reaches a person once a day: a repeat is reported as refused, not delivered twice', async ({ h }) => {
  const body = { title: '重复内容', body: '正文', audience: { kind: 'users', userIds: ['citizen-zhang', 'citizen-li'] }, channel: 'work' };
  await finished(h, (await api(h, 'POST', '/api/notices', body)).body.id);
  const again = await finished(h, (await api(h, 'POST', '/api/notices', body)).body.id);
  assert.equal([again.report.sent, again.report.flowControlled], [0, 2]);
  assert.equal([...h.dingtalk.deliveryCounts(titled('重复内容'), 'workNotice').values()], [1, 1]);
});

work('sends to everyone are refused after three a day, before calling DingTalk, with the reason', async ({ h }) => {
  for (let i = 1; i <= 3; i++) {
    const posted = await api(h, 'POST', '/api/notices', {
      title: `全员通知${i}`,
      body: `第${i}次`,
      audience: { kind: 'all' },
      channel: 'work',
    });
    await finished(h, posted.body.id);
  }
  const calls = h.dingtalk.calls.filter((c) => c.path === SEND).length;
  const fourth = await api(h, 'POST', '/api/notices', { title: '全员通知4', body: '第4次', audience: { kind: 'all' }, channel: 'work' });
  assert.is(fourth.status, 400);
  assert.match(fourth.body.error.message, '钉钉每天最多 3 次');
  assert.is(h.dingtalk.calls.filter((c) => c.path === SEND).length, calls);
});

work('the compose dialog offers 工作通知 with its limits, and the notice goes that way', async ({ h }) => {
  const sun = new SimPlayer(h, 'broadcaster-sun');
  await sun.say('发布通知 对话工作通知');
  await sun.say('正文');
  await sun.say('人员 citizen-zhang');
  await sun.click('跳过');
  await sun.click('立即发送');
  assert.match(sun.card().text, '每天最多 3 次');
  await sun.click('工作通知');
  assert.match(sun.card().text, '工作通知');
  await sun.click('确认发布');
  await waitFor(() => h.dingtalk.deliveryCounts(titled('对话工作通知'), 'workNotice').get('citizen-zhang') === 1, {
    what: 'the work notice',
  });
  assert.is(h.dingtalk.deliveryCounts(titled('对话工作通知')).size, 0, 'no robot message besides');
});

work.run();
