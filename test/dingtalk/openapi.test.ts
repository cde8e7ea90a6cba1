// The OpenAPI client against the DingTalk simulator: tokens, limits, retries, sends, cards, files, contacts.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { systemClock } from '../../src/clock.js';
import { ExternalError } from '../../src/errors.js';
import { createOpenApiClient, type OpenApiClient, type OpenApiOptions } from '../../src/dingtalk/openapi.js';
import { startDingTalkSimulator, type DingTalkSimulator } from '../../src/sandbox/dingtalk/index.js';
import { captureLogger } from '../fixtures/dingtalk/harness.js';

interface Context {
  sim: DingTalkSimulator;
  clients: OpenApiClient[];
  now: number;
}

const openapi = suite<Context>('dingtalk openapi client', { clients: [], now: 0 } as unknown as Context);

openapi.before.each(async (ctx) => {
  ctx.sim = await startDingTalkSimulator({ pingIntervalMs: 0, qps: 1000 });
  ctx.clients = [];
  ctx.now = 1_700_000_000_000;
});

openapi.after.each(async (ctx) => {
  await Promise.all(ctx.clients.map((c) => c.close()));
  await ctx.sim.close();
});

function client(ctx: Context, overrides: Partial<OpenApiOptions> = {}): OpenApiClient {
  const created = createOpenApiClient({
    apiBase: ctx.sim.baseUrl,
    oapiBase: ctx.sim.baseUrl,
    clientId: ctx.sim.clientId,
    clientSecret: ctx.sim.clientSecret,
    robotCode: ctx.sim.robotCode,
    qps: 1000,
    logger: captureLogger().logger,
    // Now is set by the test; the 1–10 ms retry pauses run on real timers.
    clock: { ...systemClock, now: () => ctx.now },
    retry: { backoff: { baseMs: 2, maxMs: 10, minMs: 1, jitter: 'full' } },
    ...overrides,
  });
  ctx.clients.push(created);
  return created;
}

const callsTo = (sim: DingTalkSimulator, path: string) => sim.calls.filter((c) => c.path === path);
const users = (sim: DingTalkSimulator) => sim.org.users.map((u) => u.userid);
const text = (content: string) => ({ content });

async function rejection(promise: Promise<unknown>): Promise<ExternalError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, ExternalError);
    return error as ExternalError;
  }
  throw new Error('expected the call to fail');
}

openapi('fetches the app token once for concurrent calls and reuses it until shortly before expiry', async (ctx) => {
  const api = client(ctx);
  const [first] = users(ctx.sim);
  await Promise.all(Array.from({ length: 8 }, () => api.sendToUsers([first ?? ''], 'sampleText', text('你好'))));
  await api.sendToUsers([first ?? ''], 'sampleText', text('再次'));
  assert.is(callsTo(ctx.sim, '/v1.0/oauth2/accessToken').length, 1);
  const send = callsTo(ctx.sim, '/v1.0/robot/oToMessages/batchSend')[0];
  assert.ok(send?.headers['x-acs-dingtalk-access-token']);
  assert.is(send?.query.access_token, undefined);
  ctx.now += 7200_000 - 4 * 60_000; // inside the 5-minute refresh margin
  await api.sendToUsers([first ?? ''], 'sampleText', text('过期前'));
  assert.is(callsTo(ctx.sim, '/v1.0/oauth2/accessToken').length, 2);
  assert.is(api.tokenFetches(), 2);
});

openapi('refetches the token once when DingTalk rejects it, on both API styles', async (ctx) => {
  const api = client(ctx);
  const [first] = users(ctx.sim);
  await api.sendToGroup('cid-group-qyfw', 'sampleText', text('群消息'));
  ctx.sim.expireTokens();
  await api.sendToUsers([first ?? ''], 'sampleText', text('新令牌'));
  ctx.sim.expireTokens();
  const user = await api.getUser(first ?? '');
  assert.is(user.userId, first);
  assert.is(api.tokenFetches(), 3);
});

openapi('retries a throttled (403 QpsLimit) send and succeeds', async (ctx) => {
  const api = client(ctx);
  ctx.sim.failNext(2, { status: 403, pathPrefix: '/v1.0/robot/oToMessages' });
  const result = await api.sendToUsers([users(ctx.sim)[0] ?? ''], 'sampleMarkdown', { title: '通知', text: '**办结**' });
  assert.is(result.processQueryKeys.length, 1);
  assert.is(callsTo(ctx.sim, '/v1.0/robot/oToMessages/batchSend').length, 3);
  assert.equal(
    callsTo(ctx.sim, '/v1.0/robot/oToMessages/batchSend').map((c) => c.status),
    [403, 403, 200],
  );
});

openapi('retries 5xx and 504 answers but gives up after a few attempts with a retryable error', async (ctx) => {
  const api = client(ctx);
  ctx.sim.failNext(1, { status: 500, pathPrefix: '/v1.0/robot/groupMessages' });
  ctx.sim.failNext(1, { status: 504, pathPrefix: '/v1.0/robot/groupMessages' });
  await api.sendToGroup('cid-group-qyfw', 'sampleText', text('重试'));
  ctx.sim.failNext(10, { status: 503, pathPrefix: '/v1.0/robot/groupMessages' });
  const error = await rejection(api.sendToGroup('cid-group-qyfw', 'sampleText', text('放弃')));
  assert.is(error.retryable, true);
  assert.is(error.status, 503);
  assert.is(error.service, 'dingtalk');
  assert.is(callsTo(ctx.sim, '/v1.0/robot/groupMessages/send').length, 3 + 4);
});

openapi('does not retry other 4xx answers', async (ctx) => {
  const api = client(ctx);
  const error = await rejection(api.sendToGroup('cid-not-a-group', 'sampleText', text('x')));
  assert.is(error.retryable, false);
  assert.is(error.status, 400);
  assert.is(error.code, 'invalid.openConversationId');
  ctx.sim.failNext(1, { status: 404, pathPrefix: '/v1.0/robot/groupMessages' });
  assert.is((await rejection(api.sendToGroup('cid-group-qyfw', 'sampleText', text('x')))).retryable, false);
  assert.is(callsTo(ctx.sim, '/v1.0/robot/groupMessages/send').length, 2);
});

openapi('retries network errors and reports them as retryable', async (ctx) => {
  const api = client(ctx, { apiBase: 'http://127.0.0.1:1', timeoutMs: 500 });
  const error = await rejection(api.sendToGroup('cid-group-qyfw', 'sampleText', text('x')));
  assert.is(error.retryable, true);
  assert.match(error.message, /network error/);
});

openapi('fails clearly and without retries on a bad client secret', async (ctx) => {
  const api = client(ctx, { clientSecret: 'wrong' });
  const error = await rejection(api.sendToGroup('cid-group-qyfw', 'sampleText', text('x')));
  assert.is(error.retryable, false);
  assert.match(error.message, /DINGTALK_CLIENT_ID\/DINGTALK_CLIENT_SECRET/);
  assert.is(callsTo(ctx.sim, '/v1.0/oauth2/accessToken').length, 1);
});

openapi('sends to many users in chunks of 20 and reports invalid and flow-controlled users', async (ctx) => {
  const api = client(ctx);
  const everyone = users(ctx.sim);
  const ids = [...everyone, ...Array.from({ length: 30 }, (_, i) => `ghost-${i}`)];
  ctx.sim.flowControl([everyone[1] ?? ''], 1);
  const result = await api.sendToUsers(ids, 'sampleText', text('通知'));
  const sends = callsTo(ctx.sim, '/v1.0/robot/oToMessages/batchSend');
  assert.is(sends.length, Math.ceil(ids.length / 20));
  for (const send of sends) {
    const body = send.body as { userIds: string[]; msgParam: unknown };
    assert.ok(body.userIds.length <= 20);
    assert.type(body.msgParam, 'string');
  }
  assert.is(result.processQueryKeys.length, sends.length);
  assert.is(result.invalid.length, 30);
  assert.equal(result.flowControlled, [everyone[1]]);
  assert.equal(result.failed, []);
});

openapi('reports the users of a failed chunk when other chunks went out', async (ctx) => {
  const api = client(ctx);
  const ids = Array.from({ length: 25 }, (_, i) => users(ctx.sim)[i % 17] ?? '');
  ctx.sim.failNext(1, { status: 400, pathPrefix: '/v1.0/robot/oToMessages' });
  const result = await api.sendToUsers(ids, 'sampleText', text('部分'));
  assert.is(result.failed.length, 20);
  assert.is(result.processQueryKeys.length, 1);
});

openapi('spaces calls out to stay under the configured QPS', async (ctx) => {
  const api = client(ctx, { qps: 20 });
  await api.sendToGroup('cid-group-qyfw', 'sampleText', text('预热'));
  const started = Date.now();
  await Promise.all(Array.from({ length: 6 }, (_, i) => api.sendToGroup('cid-group-qyfw', 'sampleText', text(`第${i}条`))));
  assert.ok(Date.now() - started >= 250, `took ${Date.now() - started} ms`);
});

openapi('rejects a session webhook DingTalk does not know, without retrying', async (ctx) => {
  const api = client(ctx);
  const url = `${ctx.sim.baseUrl}/robot/sendBySession?session=nope`;
  const error = await rejection(api.sendBySessionWebhook(url, { msgtype: 'text', text: { content: 'x' } }));
  assert.is(error.code, '300001');
  assert.is(error.retryable, false);
  assert.is(callsTo(ctx.sim, '/robot/sendBySession').length, 1);
});

openapi('creates, re-creates idempotently and updates a template card', async (ctx) => {
  const api = client(ctx);
  const userId = users(ctx.sim)[0] ?? '';
  const card = {
    outTrackId: 'yc-test-1',
    templateId: 'yiciban-generic.schema',
    cardParamMap: { title: '申请', statusText: '待提交' },
    openSpaceId: `dtv1.card//IM_ROBOT.${userId}`,
  };
  assert.equal(await api.createAndDeliverCard(card), { outTrackId: 'yc-test-1', alreadyExisted: false });
  assert.equal(await api.createAndDeliverCard(card), { outTrackId: 'yc-test-1', alreadyExisted: true });
  const body = callsTo(ctx.sim, '/v1.0/card/instances/createAndDeliver')[0]?.body as Record<string, unknown>;
  assert.is(body.callbackType, 'STREAM');
  assert.equal(body.imRobotOpenDeliverModel, { spaceType: 'IM_ROBOT', robotCode: ctx.sim.robotCode });
  await api.updateCard('yc-test-1', { title: '申请', statusText: '已受理' });
  assert.is(ctx.sim.cards.get('yc-test-1')?.cardData.statusText, '已受理');
  const group = await api.createAndDeliverCard({ ...card, outTrackId: 'yc-test-2', openSpaceId: 'dtv1.card//IM_GROUP.cid-group-qyfw' });
  assert.is(group.alreadyExisted, false);
  assert.equal(ctx.sim.cards.get('yc-test-2')?.openSpaceIds, ['dtv1.card//IM_GROUP.cid-group-qyfw']);
  const missing = await rejection(api.updateCard('yc-nope', { title: 'x' }));
  assert.is(missing.code, 'param.cardNotExist');
  const badSpace = await rejection(
    api.createAndDeliverCard({ ...card, outTrackId: 'yc-test-3', openSpaceId: 'dtv1.card//IM_ROBOT.nobody' }),
  );
  assert.is(badSpace.retryable, false);
});

openapi('downloads a file behind a download code', async (ctx) => {
  const api = client(ctx);
  const code = ctx.sim.registerFile('营业执照扫描件', 'licence.pdf');
  const file = await api.downloadFile(code);
  assert.is(Buffer.from(file.bytes).toString('utf8'), '营业执照扫描件');
  assert.match(file.downloadUrl, /^http:\/\/127\.0\.0\.1/);
  assert.is((await rejection(api.downloadFile('bogus'))).retryable, false);
});

openapi('reads users and departments from the contacts API', async (ctx) => {
  const api = client(ctx);
  const sample = ctx.sim.org.users[0];
  const user = await api.getUser(sample?.userid ?? '');
  assert.is(user.name, sample?.name);
  assert.equal(user.deptIds, sample?.dept_id_list);
  const subs = await api.listSubDepartmentIds(1);
  assert.equal(
    subs,
    ctx.sim.org.departments.filter((d) => d.parent_id === 1).map((d) => d.dept_id),
  );
  const dept = sample?.dept_id_list[0] ?? 1;
  const members = await api.listDepartmentUserIds(dept);
  assert.ok(members.includes(sample?.userid ?? ''));
  const unknown = await rejection(api.getUser('no-such-user'));
  assert.is(unknown.code, '60121');
  assert.is(unknown.retryable, false);
});

openapi.run();
