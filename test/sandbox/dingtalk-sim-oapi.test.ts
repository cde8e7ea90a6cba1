import { systemClock } from '../../src/clock.js';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { startDingTalkSimulator, type DingTalkSimulator, type SimOptions } from '../../src/sandbox/dingtalk/index.js';
import { call } from '../support/stream-peer.js';

interface Ctx {
  sim?: DingTalkSimulator;
  token: string;
}

const test = suite<Ctx>('dingtalk simulator: oapi contacts and login codes', { token: '' });

async function start(ctx: Ctx, options: SimOptions = {}) {
  ctx.sim = await startDingTalkSimulator({ pingIntervalMs: 0, ...options });
  const { body } = await call(ctx.sim.baseUrl, 'GET', `/gettoken?appkey=${ctx.sim.clientId}&appsecret=${ctx.sim.clientSecret}`);
  ctx.token = body.access_token;
  return ctx.sim;
}

test.after.each(async (ctx) => {
  await ctx.sim?.close();
  ctx.sim = undefined;
});

const oapi = (ctx: Ctx, path: string, body: unknown) =>
  call((ctx.sim as DingTalkSimulator).baseUrl, 'POST', `${path}?access_token=${ctx.token}`, body);

test('lists sub-departments by id and with names', async (ctx) => {
  await start(ctx);
  const ids = await oapi(ctx, '/topapi/v2/department/listsubid', { dept_id: 1 });
  assert.is(ids.body.errcode, 0);
  assert.ok(ids.body.result.dept_id_list.includes(101));
  const subs = await oapi(ctx, '/topapi/v2/department/listsub', { dept_id: 1, language: 'zh_CN' });
  const scjg = subs.body.result.find((d: { dept_id: number }) => d.dept_id === 101);
  assert.equal(scjg, { dept_id: 101, name: '市场监督管理局', parent_id: 1, create_dept_group: true, auto_add_user: true });
  const missing = await oapi(ctx, '/topapi/v2/department/listsubid', { dept_id: 999 });
  assert.is(missing.body.errcode, 60003);
});

test('pages users of a department with has_more and next_cursor, and refuses size over 100', async (ctx) => {
  await start(ctx);
  const ids = await oapi(ctx, '/topapi/user/listid', { dept_id: 201 });
  assert.equal(ids.body.result.userid_list, ['citizen-zhang', 'citizen-li', 'citizen-wang']);
  const collected: string[] = [];
  let cursor = 0;
  let pages = 0;
  for (;;) {
    const page = await oapi(ctx, '/topapi/v2/user/list', { dept_id: 201, cursor, size: 2, order_field: 'custom', language: 'zh_CN' });
    pages += 1;
    collected.push(...page.body.result.list.map((u: { userid: string }) => u.userid));
    if (!page.body.result.has_more) {
      assert.is(page.body.result.next_cursor, undefined);
      break;
    }
    cursor = page.body.result.next_cursor;
  }
  assert.equal([pages, collected], [2, ['citizen-zhang', 'citizen-li', 'citizen-wang']]);
  const tooBig = await oapi(ctx, '/topapi/v2/user/list', { dept_id: 201, cursor: 0, size: 101 });
  assert.is(tooBig.body.errcode, 40035);
  const first = (await oapi(ctx, '/topapi/v2/user/list', { dept_id: 201, cursor: 0, size: 1 })).body.result.list[0];
  assert.equal([first.name, first.dept_id_list, first.active], ['张三', [201], true]);
  assert.type(first.unionid, 'string');
});

test('gets one user and answers errcode 60121 for an unknown one', async (ctx) => {
  await start(ctx);
  const user = await oapi(ctx, '/topapi/v2/user/get', { userid: 'admin-liu', language: 'zh_CN' });
  assert.equal([user.body.result.name, user.body.result.admin], ['刘主任', true]);
  assert.is((await oapi(ctx, '/topapi/v2/user/get', { userid: 'ghost' })).body.errcode, 60121);
});

test('exchanges a minted login code once within five minutes', async (ctx) => {
  let now = 1_750_000_000_000;
  const sim = await start(ctx, { clock: { ...systemClock, now: () => now }, tokenTtlSec: 100_000 });
  const code = sim.mintAuthCode('admin-liu');
  const info = await oapi(ctx, '/topapi/v2/user/getuserinfo', { code });
  assert.equal(
    [info.body.errcode, info.body.result.userid, info.body.result.name, info.body.result.sys, info.body.result.sys_level],
    [0, 'admin-liu', '刘主任', true, 1],
  );
  assert.is((await oapi(ctx, '/topapi/v2/user/getuserinfo', { code })).body.errcode, 40078, 'a code works once');
  const late = sim.mintAuthCode('citizen-zhang');
  now += 5 * 60_000;
  assert.is((await oapi(ctx, '/topapi/v2/user/getuserinfo', { code: late })).body.errcode, 40078, 'a code expires after 5 minutes');
});

test('old-API auth errors are HTTP 200 with errcode 88 and the documented sub_codes', async (ctx) => {
  const sim = await start(ctx);
  const blank = await call(sim.baseUrl, 'POST', '/topapi/v2/user/get', { userid: 'admin-liu' });
  assert.equal([blank.status, blank.body.errcode, blank.body.sub_code], [200, 88, '40000']);
  const bad = await call(sim.baseUrl, 'POST', '/topapi/v2/user/get?access_token=nope', { userid: 'admin-liu' });
  assert.equal([bad.body.errcode, bad.body.sub_code, bad.body.sub_msg], [88, '40014', '不合法的access_token']);
  const malformed = await call(sim.baseUrl, 'POST', `/topapi/v2/user/get?access_token=${ctx.token}`, '{');
  assert.equal([malformed.status, malformed.body.errcode], [200, 40035]);
});

test('contacts calls share the per-path QPS limit and answer errcode 90018', async (ctx) => {
  await start(ctx, { qps: 2 });
  const results = await Promise.all([1, 2, 3].map(() => oapi(ctx, '/topapi/v2/user/get', { userid: 'admin-liu' })));
  assert.equal(results.map((r) => r.body.errcode).sort(), [0, 0, 90018]);
});

test.run();
