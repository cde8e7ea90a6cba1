import { FakeClock } from '../../src/fake-clock.js';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { startDingTalkSimulator, type DingTalkSimulator, type SimOptions } from '../../src/sandbox/dingtalk/index.js';
import { authHeader, call, connectPeer, type StreamPeer } from '../support/stream-peer.js';

interface Ctx {
  sim?: DingTalkSimulator;
  peer?: StreamPeer;
  auth: Record<string, string>;
}

const test = suite<Ctx>('dingtalk simulator: card platform', { auth: {} });

async function start(ctx: Ctx, options: SimOptions = {}): Promise<DingTalkSimulator> {
  ctx.sim = await startDingTalkSimulator({ pingIntervalMs: 0, redeliverAfterMs: 0, ...options });
  ctx.auth = await authHeader(ctx.sim.baseUrl);
  return ctx.sim;
}

test.after.each(async (ctx) => {
  await ctx.peer?.close();
  ctx.peer = undefined;
  await ctx.sim?.close();
  ctx.sim = undefined;
});

const api = (ctx: Ctx, method: string, path: string, body: unknown) =>
  call((ctx.sim as DingTalkSimulator).baseUrl, method, path, body, ctx.auth);

const createBody = (outTrackId: string, extra: object = {}) => ({
  cardTemplateId: 'yiciban-generic.schema',
  outTrackId,
  callbackType: 'STREAM',
  cardData: { cardParamMap: { title: '个体工商户设立登记', status: '待提交' } },
  ...extra,
});
const toUser = (userId: string) => ({
  openSpaceId: `dtv1.card//IM_ROBOT.${userId}`,
  imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: 'sandbox-client-id' },
});

test('creates, delivers and updates a card with the documented {success, result} shapes', async (ctx) => {
  const sim = await start(ctx);
  const created = await api(ctx, 'POST', '/v1.0/card/instances', createBody('app-1'));
  assert.equal(created.body, { success: true, result: 'app-1' });
  const delivered = await api(ctx, 'POST', '/v1.0/card/instances/deliver', {
    outTrackId: 'app-1',
    ...toUser('citizen-zhang'),
    userIdType: 1,
  });
  const [result] = delivered.body.result;
  assert.equal([result.spaceType, result.spaceId, result.success, result.errorMsg], ['IM_ROBOT', 'citizen-zhang', true, '']);
  assert.type(result.carrierId, 'string');
  const merged = await api(ctx, 'PUT', '/v1.0/card/instances', {
    outTrackId: 'app-1',
    cardData: { cardParamMap: { status: '审核中' } },
    cardUpdateOptions: { updateCardDataByKey: true },
  });
  assert.equal(merged.body, { success: true, result: true });
  assert.equal(sim.cards.get('app-1')?.cardData, { title: '个体工商户设立登记', status: '审核中' });
  await api(ctx, 'PUT', '/v1.0/card/instances', { outTrackId: 'app-1', cardData: { cardParamMap: { status: '已办结' } } });
  const card = sim.cards.get('app-1');
  assert.equal(card?.cardData, { status: '已办结' }, 'without options an update overwrites the whole map');
  assert.is(card?.version, 3);
  assert.is(card?.history.length, 3);
  assert.equal(card?.openSpaceIds, ['dtv1.card//IM_ROBOT.citizen-zhang']);
  assert.equal(
    sim.botOutput({ userId: 'citizen-zhang' }).map((o) => o.via),
    ['card.create', 'card.update', 'card.update'],
  );
});

test('createAndDeliver returns outTrackId and deliverResults, for lower-case and several spaces', async (ctx) => {
  const sim = await start(ctx);
  const res = await api(ctx, 'POST', '/v1.0/card/instances/createAndDeliver', {
    ...createBody('notice-1'),
    openSpaceId: 'dtv1.card//im_group.cid-group-qyfw;IM_ROBOT.clerk-chen;IM_ROBOT.ghost',
    imGroupOpenDeliverModel: { robotCode: sim.robotCode },
    imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT' },
  });
  assert.is(res.body.success, true);
  assert.is(res.body.result.outTrackId, 'notice-1');
  assert.equal(
    res.body.result.deliverResults.map((r: { spaceType: string; success: boolean }) => [r.spaceType, r.success]),
    [
      ['IM_GROUP', true],
      ['IM_ROBOT', true],
      ['IM_ROBOT', false],
    ],
  );
  assert.is(sim.botOutput({ conversationId: 'cid-group-qyfw' }).length, 1);
});

test('answers the documented 400 codes for card mistakes', async (ctx) => {
  await start(ctx);
  const code = async (method: string, path: string, body: unknown) => {
    const res = await api(ctx, method, path, body);
    assert.is(res.status, 400, JSON.stringify(res.body));
    return res.body.code;
  };
  assert.is(await code('POST', '/v1.0/card/instances', createBody('')), 'param.outTrackIdEmpty');
  assert.is(await code('POST', '/v1.0/card/instances', createBody('x', { cardTemplateId: 'nope.schema' })), 'param.templateNotExist');
  assert.is(await code('POST', '/v1.0/card/instances', createBody('x', { cardData: undefined })), 'param.cardDataAndPrivateDataBothEmpty');
  assert.is(
    await code('POST', '/v1.0/card/instances', createBody('x', { cardData: { cardParamMap: { amount: 1000 } } })),
    'param.cardParamMapInvalid',
  );
  assert.is(
    await code('POST', '/v1.0/card/instances', createBody('x', { cardData: { cardParamMap: { body: '字'.repeat(342) } } })),
    'param.cardParamMapInvalid',
  );
  await api(ctx, 'POST', '/v1.0/card/instances', createBody('dup'));
  assert.is(await code('POST', '/v1.0/card/instances', createBody('dup')), 'param.cardAlreadyExist');
  assert.is(
    await code('POST', '/v1.0/card/instances/deliver', { outTrackId: 'missing', ...toUser('citizen-zhang') }),
    'param.cardNotExist',
  );
  assert.is(
    await code('POST', '/v1.0/card/instances/deliver', { outTrackId: 'dup', openSpaceId: 'IM_ROBOT.citizen-zhang' }),
    'param.openSpaceIdInvalid',
  );
  assert.is(
    await code('POST', '/v1.0/card/instances/deliver', { outTrackId: 'dup', openSpaceId: 'dtv1.card//IM_ROBOT.citizen-zhang' }),
    'param.openDeliverModelEmpty',
  );
  assert.is(await code('PUT', '/v1.0/card/instances', { outTrackId: 'missing', cardData: { cardParamMap: {} } }), 'param.cardNotExist');
  assert.is(await code('PUT', '/v1.0/card/instances', { outTrackId: 'dup' }), 'param.cardDataAndPrivateDataBothEmpty');
  assert.is(await code('PUT', '/v1.0/card/instances', { cardData: { cardParamMap: {} } }), 'param.outTrackIdEmpty');
});

test("a click becomes a callback frame shaped like DingTalk's, and the ACK response updates the card", async (ctx) => {
  const sim = await start(ctx);
  ctx.peer = await connectPeer(sim.baseUrl);
  await api(ctx, 'POST', '/v1.0/card/instances/createAndDeliver', {
    ...createBody('app-2', { privateData: { 'citizen-zhang': { cardParamMap: { mine: 'no' } } } }),
    ...toUser('citizen-zhang'),
  });
  const peer = ctx.peer;
  const clicked = sim.clickCard({
    outTrackId: 'app-2',
    userId: 'citizen-zhang',
    actionId: 'btn_submit',
    params: { action: 'apply.submit' },
  });
  const frame = await peer.next((f) => f.type === 'CALLBACK');
  assert.is(frame.headers.topic, '/v1.0/card/instances/callback');
  const data = JSON.parse(frame.data);
  assert.equal(Object.keys(data).sort(), [
    'content',
    'corpId',
    'extension',
    'outTrackId',
    'spaceId',
    'spaceType',
    'type',
    'userId',
    'userIdType',
    'value',
  ]);
  assert.equal(
    [data.type, data.userId, data.outTrackId, data.spaceType, data.extension],
    ['actionCallback', 'citizen-zhang', 'app-2', 'im', '{}'],
  );
  assert.type(data.content, 'string');
  assert.is(data.value, data.content);
  assert.equal(JSON.parse(data.content), { cardPrivateData: { actionIds: ['btn_submit'], params: { action: 'apply.submit' } } });
  peer.ack(frame.headers.messageId, {
    response: {
      cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
      cardData: { cardParamMap: { status: '已提交' } },
      userPrivateData: { cardParamMap: { mine: 'yes' } },
    },
  });
  const result = await clicked;
  assert.equal([result.acked, result.timedOut, result.delivered], [true, false, true]);
  const card = sim.cards.get('app-2');
  assert.equal(card?.cardData, { title: '个体工商户设立登记', status: '已提交' });
  assert.equal(card?.privateData['citizen-zhang'], { mine: 'yes' });
  assert.is(sim.acks[0]?.topic, '/v1.0/card/instances/callback');
});

test('a click with no answer within cardCallbackTimeoutMs times out and is not re-pushed', async (ctx) => {
  const clock = new FakeClock();
  const sim = await start(ctx, { clock, cardCallbackTimeoutMs: 40, redeliverAfterMs: 20 });
  ctx.peer = await connectPeer(sim.baseUrl);
  await api(ctx, 'POST', '/v1.0/card/instances/createAndDeliver', { ...createBody('app-3'), ...toUser('citizen-li') });
  const clicking = sim.clickCard({ outTrackId: 'app-3', userId: 'citizen-li', params: {} });
  await ctx.peer.next((f) => f.type === 'CALLBACK');
  await clock.advance(40);
  const result = await clicking;
  assert.equal([result.acked, result.timedOut], [false, true]);
  await clock.advance(1_000);
  assert.is(sim.frames.filter((f) => f.type === 'CALLBACK').length, 1, 'the click was not pushed again');
  assert.is(ctx.peer.frames.filter((f) => f.type === 'CALLBACK').length, 1);
  assert.equal(sim.cards.get('app-3')?.version, 1);
});

test('a card created without callbackType STREAM delivers no click', async (ctx) => {
  const sim = await start(ctx);
  ctx.peer = await connectPeer(sim.baseUrl);
  await api(ctx, 'POST', '/v1.0/card/instances/createAndDeliver', {
    ...createBody('app-4', { callbackType: 'stream' }),
    ...toUser('citizen-li'),
  });
  const result = await sim.clickCard({ outTrackId: 'app-4', userId: 'citizen-li', params: {} });
  assert.equal([result.delivered, result.acked], [false, false]);
  assert.is(ctx.peer.frames.length, 0);
  try {
    await sim.clickCard({ outTrackId: 'app-4', userId: 'citizen-wang', params: {} });
    assert.unreachable('a user who cannot see the card cannot click it');
  } catch (error) {
    assert.match(String(error), /not delivered/);
  }
});

test('streaming appends to a card variable or replaces it with isFull', async (ctx) => {
  const sim = await start(ctx);
  await api(ctx, 'POST', '/v1.0/card/instances', createBody('ai-1', { cardData: { cardParamMap: { answer: '' } } }));
  const piece = (content: string, isFull = false) =>
    api(ctx, 'PUT', '/v1.0/card/streaming', {
      outTrackId: 'ai-1',
      guid: crypto.randomUUID(),
      key: 'answer',
      content,
      isFull,
      isFinalize: false,
      isError: false,
    });
  await piece('您好，');
  await piece('请上传材料');
  assert.is(sim.cards.get('ai-1')?.cardData.answer, '您好，请上传材料');
  await piece('已完成', true);
  assert.is(sim.cards.get('ai-1')?.cardData.answer, '已完成');
});

test.run();
