// Notices end to end: the compose dialog in the simulator's chat, the resolve and batch jobs against the
// simulator's contacts and batchSend, and exactly-once delivery counted per person by the simulator.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../src/fake-clock.js';
import { FAST_TUNING, startHarness, waitFor, type Harness, type HarnessOptions } from '../support/harness.js';
import { api, expectedRecipients, noticeOrg, titled } from '../support/notice-org.js';
import { SimPlayer } from '../support/sim-player.js';

const notices = suite<{ h: Harness }>('e2e: notices');
const ORG = noticeOrg();

async function start(ctx: { h: Harness }, options: HarnessOptions = {}): Promise<Harness> {
  ctx.h = await startHarness({
    sim: { org: ORG, ...options.sim },
    env: { BROADCASTER_USER_IDS: 'broadcaster-sun', ...options.env },
    tuning: { ...FAST_TUNING, broadcast: { flowRetryMs: 50, cardEveryMs: 0 }, ...options.tuning },
  });
  return ctx.h;
}

notices.after.each(async (ctx) => {
  await ctx.h?.close();
});

/** Composes a notice in the chat up to the preview card. */
async function compose(sun: SimPlayer, title: string, audience: string, time?: string): Promise<void> {
  await sun.say(`发布通知 ${title}`);
  await sun.say('元旦期间大厅 **9:00–12:00** 开放。');
  await sun.say(audience);
  await sun.click('跳过');
  if (time) await sun.say(time);
  else await sun.click('立即发送');
}

async function noticeOf(h: Harness, title: string): Promise<any> {
  const list = await api(h, 'GET', '/api/notices');
  return list.body.items.find((n: { title: string }) => n.title === title);
}

async function finished(h: Harness, title: string): Promise<any> {
  let view: any;
  await waitFor(async () => ['completed', 'cancelled'].includes((view = await noticeOf(h, title))?.status), {
    timeoutMs: 20_000,
    what: `notice ${title} finished`,
  });
  return view;
}

notices('a notice to two departments with sub-departments reaches each person exactly once, not the author nor who left', async (ctx) => {
  const h = await start(ctx);
  const sun = new SimPlayer(h, 'broadcaster-sun');
  await compose(sun, '元旦假期大厅安排', '部门 300 400 含下级');
  assert.match(sun.card().title, '通知预览');
  await sun.click('确认发布');
  const view = await finished(h, '元旦假期大厅安排');
  const counts = h.dingtalk.deliveryCounts(titled('元旦假期大厅安排'));
  const expected = expectedRecipients(ORG);
  assert.is(expected.length, 71);
  for (const userId of expected) assert.is(counts.get(userId), 1, userId);
  assert.is(counts.size, 71);
  assert.is(counts.get('broadcaster-sun'), undefined);
  assert.is(counts.get('left-1'), undefined);
  assert.equal([view.status, view.report.total, view.report.sent, view.report.failed], ['completed', 71, 71, 0]);
  const sends = h.dingtalk.calls.filter((c) => c.path === '/v1.0/robot/oToMessages/batchSend' && c.status === 200);
  assert.ok(sends.every((c) => (c.body as { userIds: string[] }).userIds.length <= 20));
  await waitFor(() => /送达报告/.test(sun.card().title) && /71 \/ 71/.test(sun.card().text), { what: 'the report card' });
});

notices('the simulator throttles at a low QPS and every person still gets the notice once', async (ctx) => {
  const h = await start(ctx, { sim: { qps: 2 } });
  const sun = new SimPlayer(h, 'broadcaster-sun');
  h.dingtalk.setQps(1_000);
  await compose(sun, '限流测试', '部门 300 400 含下级');
  h.dingtalk.setQps(2);
  await sun.click('确认发布');
  const view = await finished(h, '限流测试');
  const counts = h.dingtalk.deliveryCounts(titled('限流测试'));
  for (const userId of expectedRecipients(ORG)) assert.is(counts.get(userId), 1, userId);
  assert.ok(
    h.dingtalk.calls.some((c) => c.status === 403),
    'DingTalk throttled some calls',
  );
  assert.equal([view.report.sent, view.report.failed], [71, 0]);
});

notices('people DingTalk reports invalid are reported, flow-controlled ones retried later', async (ctx) => {
  const h = await start(ctx);
  const sun = new SimPlayer(h, 'broadcaster-sun');
  h.dingtalk.flowControl(['citizen-li'], 1);
  await compose(sun, '人员通知', '人员 citizen-zhang citizen-li nobody-x left-1');
  await sun.click('确认发布');
  const view = await finished(h, '人员通知');
  const counts = h.dingtalk.deliveryCounts(titled('人员通知'));
  assert.equal([counts.get('citizen-zhang'), counts.get('citizen-li')], [1, 1]);
  assert.equal([view.report.total, view.report.sent, view.report.invalid, view.report.failed], [4, 2, 2, 2]);
  await waitFor(() => /无效人员：2/.test(sun.card().text), { what: 'invalid people on the report' });
});

notices('a citizen cannot publish: 发布通知 gets the ordinary help', async (ctx) => {
  const h = await start(ctx);
  const zhang = new SimPlayer(h, 'citizen-zhang');
  await zhang.say('发布通知 元旦假期大厅安排');
  assert.match(zhang.card().title, /帮助|一次办|您可以/);
  assert.not.match(zhang.card().title, '发布通知');
  assert.is((await api(h, 'GET', '/api/notices')).body.total, 0);
});

notices('cancelled mid-way, a notice stops at its next batch and no one gets it twice', async (ctx) => {
  const h = await start(ctx, { sim: { qps: 1_000 }, env: { BROADCASTER_USER_IDS: 'broadcaster-sun', DINGTALK_QPS: '2' } });
  const sun = new SimPlayer(h, 'broadcaster-sun');
  await compose(sun, '取消测试', '部门 300 400 含下级');
  const preview = sun.card();
  const confirm = preview.buttons.find((b) => b.text === '确认发布')!;
  await h.dingtalk.clickCard({ outTrackId: preview.id, userId: 'broadcaster-sun', params: confirm.params });
  await waitFor(() => h.dingtalk.deliveryCounts(titled('取消测试')).size >= 20, { timeoutMs: 10_000, what: 'a first batch' });
  const { id } = await noticeOf(h, '取消测试');
  assert.is((await api(h, 'POST', `/api/notices/${id}/cancel`)).status, 200);
  const view = await finished(h, '取消测试');
  const counts = h.dingtalk.deliveryCounts(titled('取消测试'));
  assert.is(view.status, 'cancelled');
  assert.ok(view.report.cancelled > 0 && view.report.sent < 71, JSON.stringify(view.report));
  assert.is(view.report.sent + view.report.cancelled, 71);
  assert.ok([...counts.values()].every((n) => n === 1));
  assert.is(counts.size, view.report.sent);
});

notices('a scheduled notice goes out at its time on the injected clock, not before', async (ctx) => {
  const clock = new FakeClock(Date.UTC(2026, 11, 30, 1, 0));
  const h = await start(ctx, { tuning: { ...FAST_TUNING, clock, broadcast: { flowRetryMs: 50, cardEveryMs: 0 } } });
  const sun = new SimPlayer(h, 'broadcaster-sun');
  await compose(sun, '定时通知', '人员 citizen-zhang citizen-wang', '2026-12-31 09:00');
  assert.match(sun.card().text, '2026-12-31 09:00');
  await sun.click('确认发布');
  await clock.advance(23 * 3_600_000);
  await h.app.outbox.drain(5_000);
  assert.is(h.dingtalk.deliveryCounts(titled('定时通知')).size, 0);
  await clock.advance(3_600_000);
  await finished(h, '定时通知');
  assert.equal([...h.dingtalk.deliveryCounts(titled('定时通知')).values()], [1, 1]);
});

notices('POST /api/notices reports every problem at once, and publishes a valid notice', async (ctx) => {
  const h = await start(ctx);
  const bad = await api(h, 'POST', '/api/notices', {
    title: '',
    body: '',
    audience: { kind: 'departments', deptIds: [] },
    channel: 'work',
  });
  assert.is(bad.status, 400);
  assert.equal(bad.body.error.problems, [
    '标题不能为空',
    '正文不能为空',
    '请至少选择一个部门',
    '未配置 DINGTALK_AGENT_ID，不能发工作通知，请使用机器人消息',
  ]);
  const ok = await api(h, 'POST', '/api/notices', {
    title: '接口通知',
    body: '正文',
    audience: { kind: 'users', userIds: ['citizen-zhang'] },
  });
  assert.is(ok.status, 201);
  const view = await finished(h, '接口通知');
  assert.equal((await api(h, 'GET', `/api/notices/${ok.body.id}`)).body.report, view.report);
  assert.is(h.dingtalk.deliveryCounts(titled('接口通知')).get('citizen-zhang'), 1);
});

notices('a notice to a group the bot is in goes as one group message', async (ctx) => {
  const h = await start(ctx);
  const posted = await api(h, 'POST', '/api/notices', {
    title: '群通知',
    body: '正文',
    audience: { kind: 'groups', conversationIds: ['cid-group-qyfw'] },
  });
  assert.is(posted.status, 201);
  const view = await finished(h, '群通知');
  const sends = h.dingtalk.calls.filter((c) => c.path === '/v1.0/robot/groupMessages/send' && c.status === 200);
  assert.is(sends.length, 1);
  assert.is((sends[0]!.body as { openConversationId: string }).openConversationId, 'cid-group-qyfw');
  assert.match(String((sends[0]!.body as { msgParam: string }).msgParam), '群通知');
  assert.equal([view.report.total, view.report.sent], [1, 1]);
});

notices.run();
