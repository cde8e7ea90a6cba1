import { systemClock } from '../../src/clock.js';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { startDingTalkSimulator, type DingTalkSimulator, type SimOptions } from '../../src/sandbox/dingtalk/index.js';
import { authHeader, call, connectPeer } from '../support/stream-peer.js';

const test = suite<{ sim?: DingTalkSimulator }>('dingtalk simulator: tokens, robot sends, limits, faults');

async function start(ctx: { sim?: DingTalkSimulator }, options: SimOptions = {}) {
  ctx.sim = await startDingTalkSimulator({ pingIntervalMs: 0, ...options });
  return ctx.sim;
}

test.after.each(async (ctx) => {
  await ctx.sim?.close();
  ctx.sim = undefined;
});

const text = (content: string) => ({ msgKey: 'sampleText', msgParam: JSON.stringify({ content }) });

test('issues the same token from both token endpoints while it is valid and a new one after expiry', async (ctx) => {
  let now = 1_700_000_000_000;
  const sim = await start(ctx, { clock: { ...systemClock, now: () => now } });
  const fresh = await call(sim.baseUrl, 'POST', '/v1.0/oauth2/accessToken', { appKey: sim.clientId, appSecret: sim.clientSecret });
  assert.is(fresh.status, 200);
  assert.is(fresh.body.expireIn, 7200);
  const old = await call(sim.baseUrl, 'GET', `/gettoken?appkey=${sim.clientId}&appsecret=${sim.clientSecret}`);
  assert.equal([old.body.errcode, old.body.access_token, old.body.expires_in], [0, fresh.body.accessToken, 7200]);
  now += 7200 * 1000 + 1;
  const later = await call(sim.baseUrl, 'POST', '/v1.0/oauth2/accessToken', { appKey: sim.clientId, appSecret: sim.clientSecret });
  assert.is.not(later.body.accessToken, fresh.body.accessToken);
});

test('rejects bad app credentials with 400 invalidClientIdOrSecret and gettoken errcode 40096', async (ctx) => {
  const sim = await start(ctx);
  const bad = await call(sim.baseUrl, 'POST', '/v1.0/oauth2/accessToken', { appKey: sim.clientId, appSecret: 'x' });
  assert.is(bad.status, 400);
  assert.is(bad.body.code, 'invalidClientIdOrSecret');
  const old = await call(sim.baseUrl, 'GET', '/gettoken?appkey=x&appsecret=y');
  assert.is(old.status, 200);
  assert.is(old.body.errcode, 40096);
});

test('accepts the token only in x-acs-dingtalk-access-token and answers 400 for missing or invalid tokens', async (ctx) => {
  const sim = await start(ctx);
  const auth = await authHeader(sim.baseUrl);
  const body = { robotCode: sim.robotCode, userIds: ['citizen-zhang'], ...text('你好') };
  const inQuery = await call(
    sim.baseUrl,
    'POST',
    `/v1.0/robot/oToMessages/batchSend?access_token=${auth['x-acs-dingtalk-access-token']}`,
    body,
  );
  assert.is(inQuery.status, 400);
  assert.is(inQuery.body.code, 'AuthenticationFailed.MissingParameter');
  const bearer = await call(sim.baseUrl, 'POST', '/v1.0/robot/oToMessages/batchSend', body, { authorization: 'Bearer x' });
  assert.is(bearer.body.code, 'AuthenticationFailed.MissingParameter');
  const invalid = await call(sim.baseUrl, 'POST', '/v1.0/robot/oToMessages/batchSend', body, { 'x-acs-dingtalk-access-token': 'nope' });
  assert.equal([invalid.status, invalid.body.code, invalid.body.message], [400, 'InvalidAuthentication', '不合法的access_token']);
  assert.type(invalid.body.requestid, 'string');
  sim.expireTokens();
  const expired = await call(sim.baseUrl, 'POST', '/v1.0/robot/oToMessages/batchSend', body, auth);
  assert.is(expired.body.code, 'InvalidAuthentication');
});

test('batchSend delivers to known users and lists unknown and flow-controlled ones', async (ctx) => {
  const sim = await start(ctx);
  const auth = await authHeader(sim.baseUrl);
  sim.flowControl(['citizen-li'], 1);
  const res = await call(
    sim.baseUrl,
    'POST',
    '/v1.0/robot/oToMessages/batchSend',
    { robotCode: sim.robotCode, userIds: ['citizen-zhang', 'citizen-li', 'ghost'], ...text('办结通知') },
    auth,
  );
  assert.is(res.status, 200);
  assert.type(res.body.processQueryKey, 'string');
  assert.equal(res.body.invalidStaffIdList, ['ghost']);
  assert.equal(res.body.flowControlledStaffIdList, ['citizen-li']);
  assert.equal(res.body.filteredStaffIdList, []);
  const outputs = sim.botOutput();
  assert.is(outputs.length, 1);
  assert.equal(outputs[0]?.userIds, ['citizen-zhang']);
  assert.equal(outputs[0]?.content, { content: '办结通知' });
  assert.is(sim.botOutput({ userId: 'citizen-li' }).length, 0);
  const retry = await call(
    sim.baseUrl,
    'POST',
    '/v1.0/robot/oToMessages/batchSend',
    { robotCode: sim.robotCode, userIds: ['citizen-li'], ...text('办结通知') },
    auth,
  );
  assert.equal(retry.body.flowControlledStaffIdList, []);
  assert.is(sim.botOutput({ userId: 'citizen-li' }).length, 1);
});

test('batchSend refuses more than 20 users, an object msgParam, an unknown msgKey and a missing param', async (ctx) => {
  const sim = await start(ctx);
  const auth = await authHeader(sim.baseUrl);
  const send = (body: object) =>
    call(sim.baseUrl, 'POST', '/v1.0/robot/oToMessages/batchSend', { robotCode: sim.robotCode, ...body }, auth);
  const many = await send({ userIds: Array.from({ length: 21 }, (_, i) => `u${i}`), ...text('x') });
  assert.equal([many.status, many.body.code], [400, 'param.error']);
  const object = await send({ userIds: ['citizen-zhang'], msgKey: 'sampleText', msgParam: { content: 'x' } });
  assert.equal([object.status, object.body.code], [400, 'param.error']);
  const notJson = await send({ userIds: ['citizen-zhang'], msgKey: 'sampleText', msgParam: '{oops' });
  assert.is(notJson.body.code, 'param.isNotJson');
  const unknownKey = await send({ userIds: ['citizen-zhang'], msgKey: 'sampleActionCard1', msgParam: '{}' });
  assert.is(unknownKey.status, 400);
  const missing = await send({ userIds: ['citizen-zhang'], msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: 't' }) });
  assert.match(missing.body.message, /text/);
  const robot = await call(
    sim.baseUrl,
    'POST',
    '/v1.0/robot/oToMessages/batchSend',
    { robotCode: 'other', userIds: ['citizen-zhang'], ...text('x') },
    auth,
  );
  assert.is(robot.body.code, 'invalid.robotCode');
  assert.is(sim.botOutput().length, 0);
});

test('group send checks the conversation and the 15,000-byte msgParam limit, and read status follows markRead', async (ctx) => {
  const sim = await start(ctx);
  const auth = await authHeader(sim.baseUrl);
  const group = (body: object) => call(sim.baseUrl, 'POST', '/v1.0/robot/groupMessages/send', { robotCode: sim.robotCode, ...body }, auth);
  const big = await group({
    openConversationId: 'cid-group-qyfw',
    msgKey: 'sampleText',
    msgParam: JSON.stringify({ content: '字'.repeat(5000) }),
  });
  assert.equal([big.status, big.body.code], [400, 'param.error']);
  const unknown = await group({ openConversationId: 'cid-nowhere', ...text('x') });
  assert.is(unknown.body.code, 'invalid.openConversationId');
  const sent = await group({ openConversationId: 'cid-group-qyfw', ...text('今天下午三点政策宣讲') });
  assert.is(sent.status, 200);
  assert.is(sim.botOutput({ conversationId: 'cid-group-qyfw' }).length, 1);
  sim.markRead(sent.body.processQueryKey, ['clerk-chen']);
  const query = await call(
    sim.baseUrl,
    'POST',
    '/v1.0/robot/groupMessages/query',
    { openConversationId: 'cid-group-qyfw', robotCode: sim.robotCode, processQueryKey: sent.body.processQueryKey, maxResults: 200 },
    auth,
  );
  assert.equal(query.body.readUserIds, ['clerk-chen']);
  assert.equal([query.body.sendStatus, query.body.hasMore], ['SUCCESS', false]);

  const oto = await call(
    sim.baseUrl,
    'POST',
    '/v1.0/robot/oToMessages/batchSend',
    { robotCode: sim.robotCode, userIds: ['citizen-wang'], ...text('x') },
    auth,
  );
  const status = await call(
    sim.baseUrl,
    'GET',
    `/v1.0/robot/oToMessages/readStatus?robotCode=${sim.robotCode}&processQueryKey=${encodeURIComponent(oto.body.processQueryKey)}`,
    undefined,
    auth,
  );
  assert.equal(status.body.messageReadInfoList, [{ name: '王芳', userId: 'citizen-wang', readStatus: 'UNREAD', readTimestamp: 0 }]);
  const recall = await call(
    sim.baseUrl,
    'POST',
    '/v1.0/robot/otoMessages/batchRecall',
    { robotCode: sim.robotCode, processQueryKeys: [oto.body.processQueryKey, 'nope'] },
    auth,
  );
  assert.equal(recall.body.successResult, [oto.body.processQueryKey]);
  assert.equal(Object.keys(recall.body.failedResult), ['nope']);
});

test('limits each API path to the configured QPS with 403 QpsLimitForAppkeyAndApi, counted per path', async (ctx) => {
  const sim = await start(ctx, { qps: 3 });
  const auth = await authHeader(sim.baseUrl);
  const body = { robotCode: sim.robotCode, userIds: ['citizen-zhang'], ...text('x') };
  const results = await Promise.all(
    Array.from({ length: 5 }, () => call(sim.baseUrl, 'POST', '/v1.0/robot/oToMessages/batchSend', body, auth)),
  );
  assert.equal(results.map((r) => r.status).sort(), [200, 200, 200, 403, 403]);
  assert.is(results.find((r) => r.status === 403)?.body.code, 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi');
  const other = await call(sim.baseUrl, 'POST', '/v1.0/robot/groupMessages/send', { ...body, openConversationId: 'cid-group-qyfw' }, auth);
  assert.is(other.status, 200);
  sim.setQps(100);
  const after = await call(sim.baseUrl, 'POST', '/v1.0/robot/oToMessages/batchSend', body, auth);
  assert.is(after.status, 200);
});

test('failNext fails exactly the next n matching calls with the given status', async (ctx) => {
  const sim = await start(ctx);
  const auth = await authHeader(sim.baseUrl);
  sim.failNext(2, { status: 500, pathPrefix: '/v1.0/robot/' });
  const body = { robotCode: sim.robotCode, userIds: ['citizen-zhang'], ...text('x') };
  const statuses: number[] = [];
  for (let i = 0; i < 3; i += 1) statuses.push((await call(sim.baseUrl, 'POST', '/v1.0/robot/oToMessages/batchSend', body, auth)).status);
  assert.equal(statuses, [500, 500, 200]);
  assert.is((sim.calls.find((c) => c.status === 500)?.response as { code: string } | undefined)?.code, 'system.busy');
  sim.failNext(1, { status: 401, body: { code: 'authFailed', message: '鉴权失败' }, pathPrefix: '/v1.0/gateway' });
  const gateway = await call(
    sim.baseUrl,
    'POST',
    '/v1.0/gateway/connections/open',
    { clientId: sim.clientId, clientSecret: sim.clientSecret },
    { accept: 'application/json' },
  );
  assert.equal([gateway.status, gateway.body.code], [401, 'authFailed']);
  assert.is(sim.gatewayOpens(), 0);
});

test('answers malformed requests with error bodies and keeps serving', async (ctx) => {
  const sim = await start(ctx);
  const auth = await authHeader(sim.baseUrl);
  const broken = await call(sim.baseUrl, 'POST', '/v1.0/robot/oToMessages/batchSend', '{"robotCode":', auth);
  assert.equal([broken.status, broken.body.code], [400, 'invalidParameter']);
  const array = await call(sim.baseUrl, 'POST', '/v1.0/card/instances', '[1,2]', auth);
  assert.is(array.status, 400);
  const nothing = await call(sim.baseUrl, 'PUT', '/v1.0/card/instances', undefined, auth);
  assert.is(nothing.body.code, 'param.outTrackIdEmpty');
  const unknownApi = await call(sim.baseUrl, 'GET', '/v1.0/nowhere', undefined, auth);
  assert.equal([unknownApi.status, unknownApi.body.code], [404, 'InvalidAction.NotFound']);
  const unknownOapi = await call(sim.baseUrl, 'POST', '/topapi/nowhere?access_token=x', {});
  assert.equal([unknownOapi.status, unknownOapi.body.errcode], [200, 22]);
  const nullBody = await call(sim.baseUrl, 'POST', '/v1.0/robot/groupMessages/send', 'null', auth);
  assert.is(nullBody.status, 400);
  const ok = await call(
    sim.baseUrl,
    'POST',
    '/v1.0/robot/oToMessages/batchSend',
    { robotCode: sim.robotCode, userIds: ['citizen-zhang'], ...text('x') },
    auth,
  );
  assert.is(ok.status, 200);
});

test('never answers 500 to odd bodies on any route', async (ctx) => {
  const logs: string[] = [];
  const sim = await start(ctx, { qps: 1000, log: (line) => logs.push(line) });
  const auth = await authHeader(sim.baseUrl);
  const token = auth['x-acs-dingtalk-access-token'];
  const routes = [
    'POST /v1.0/gateway/connections/open',
    'POST /v1.0/oauth2/accessToken',
    'POST /v1.0/robot/oToMessages/batchSend',
    'POST /v1.0/robot/groupMessages/send',
    'GET /v1.0/robot/oToMessages/readStatus',
    'POST /v1.0/robot/groupMessages/query',
    'POST /v1.0/robot/otoMessages/batchRecall',
    'POST /v1.0/robot/groupMessages/recall',
    'POST /v1.0/robot/messageFiles/download',
    'POST /v1.0/card/instances',
    'POST /v1.0/card/instances/deliver',
    'POST /v1.0/card/instances/createAndDeliver',
    'PUT /v1.0/card/instances',
    'PUT /v1.0/card/streaming',
    'POST /topapi/v2/department/listsubid',
    'POST /topapi/v2/department/listsub',
    'POST /topapi/user/listid',
    'POST /topapi/v2/user/list',
    'POST /topapi/v2/user/get',
    'POST /topapi/v2/user/getuserinfo',
    'POST /robot/sendBySession',
    'GET /gettoken',
  ];
  const bodies = [
    'null',
    '[]',
    '"text"',
    '42',
    '{}',
    JSON.stringify({
      robotCode: sim.robotCode,
      userIds: 'citizen-zhang',
      msgKey: 7,
      msgParam: null,
      outTrackId: {},
      cardTemplateId: [],
      cardData: { cardParamMap: [] },
      privateData: 'x',
      openSpaceId: 'dtv1.card//',
      dept_id: '1x',
      cursor: -1,
      size: 'big',
      userid: null,
      code: {},
      msgtype: 'text',
      text: null,
      processQueryKeys: 'k',
      maxResults: 'x',
      key: 1,
      content: 2,
    }),
  ];
  for (const route of routes) {
    const [method, path] = route.split(' ') as [string, string];
    for (const body of bodies) {
      const res = await call(sim.baseUrl, method, `${path}?access_token=${token}&session=x`, method === 'GET' ? undefined : body, auth);
      assert.ok(res.status < 500, `${route} ${body} → ${res.status}`);
      assert.type(res.body, 'object', `${route} answers JSON`);
    }
  }
  assert.equal(
    logs.filter((line) => /fail/.test(line)),
    [],
    'no handler threw',
  );
});

test('records every call with lower-case headers, parsed body, status and response, and emits call events', async (ctx) => {
  const sim = await start(ctx);
  const seen: string[] = [];
  sim.events.on('call', (c: { path: string }) => seen.push(c.path));
  const auth = await authHeader(sim.baseUrl);
  await call(
    sim.baseUrl,
    'POST',
    '/v1.0/robot/oToMessages/batchSend',
    { robotCode: sim.robotCode, userIds: ['citizen-zhang'], ...text('x') },
    auth,
  );
  const last = sim.calls.at(-1);
  assert.is(last?.method, 'POST');
  assert.is(last?.headers['x-acs-dingtalk-access-token'], auth['x-acs-dingtalk-access-token']);
  assert.equal((last?.body as { userIds: string[] } | undefined)?.userIds, ['citizen-zhang']);
  assert.is(last?.status, 200);
  assert.type((last?.response as { processQueryKey: string } | undefined)?.processQueryKey, 'string');
  assert.equal(seen, ['/v1.0/oauth2/accessToken', '/v1.0/robot/oToMessages/batchSend']);
});

test('resolves the downloadCode of an injected file to a URL serving its bytes', async (ctx) => {
  const sim = await start(ctx);
  const auth = await authHeader(sim.baseUrl);
  const peer = await connectPeer(sim.baseUrl);
  sim.injectMessage({ userId: 'citizen-zhang', msgtype: 'file', fileName: '营业执照.pdf', bytes: '%PDF-1.4 sample' });
  const frame = await peer.next((f) => f.type === 'CALLBACK');
  await peer.close();
  const data = JSON.parse(frame.data);
  assert.is(data.msgtype, 'file');
  assert.is(data.content.fileName, '营业执照.pdf');
  const res = await call(
    sim.baseUrl,
    'POST',
    '/v1.0/robot/messageFiles/download',
    { downloadCode: data.content.downloadCode, robotCode: sim.robotCode },
    auth,
  );
  assert.match(res.body.downloadUrl, /^http:\/\/127\.0\.0\.1:\d+\/sim\/files\//);
  const file = await fetch(res.body.downloadUrl);
  assert.is(await file.text(), '%PDF-1.4 sample');
  const unknown = await call(
    sim.baseUrl,
    'POST',
    '/v1.0/robot/messageFiles/download',
    { downloadCode: 'nope', robotCode: sim.robotCode },
    auth,
  );
  assert.is(unknown.status, 400);
});

test.run();
