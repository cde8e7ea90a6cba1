// The messenger end to end against the DingTalk simulator: cards with the template and without, session
// webhooks, flow control, and a card click coming back over the Stream connection.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Card } from '../../cards/card.js';
import type { InboundEvent, MessageEvent } from '../../src/bot/inbound.js';
import { ExternalError } from '../../src/errors.js';
import { createMessenger, type Messenger } from '../../src/dingtalk/messenger.js';
import { createOpenApiClient, type OpenApiClient } from '../../src/dingtalk/openapi.js';
import { createStreamConnection, type StreamConnection } from '../../src/dingtalk/stream.js';
import { startDingTalkSimulator, type DingTalkSimulator } from '../../src/sandbox/dingtalk/index.js';
import { captureLogger, waitFor } from '../fixtures/dingtalk/harness.js';

interface Context {
  sim: DingTalkSimulator;
  api: OpenApiClient;
  stream?: StreamConnection;
  events: InboundEvent[];
  now: number;
}

const TEMPLATE = 'yiciban-generic.schema';
const messenger = suite<Context>('dingtalk messenger', {} as Context);

// dingtalk-stream 2.1.5 writes to the console on every connect and disconnect.
const quiet = { info: console.info };
messenger.before(() => {
  console.info = (...args: unknown[]) => void (/connect success|^Disconnecting\.$/.test(String(args[0])) || quiet.info(...args));
});
messenger.after(() => {
  console.info = quiet.info;
});

messenger.before.each(async (ctx) => {
  ctx.sim = await startDingTalkSimulator({ pingIntervalMs: 0, qps: 1000 });
  ctx.now = Date.now();
  ctx.events = [];
  ctx.stream = undefined;
  ctx.api = createOpenApiClient({
    apiBase: ctx.sim.baseUrl,
    oapiBase: ctx.sim.baseUrl,
    clientId: ctx.sim.clientId,
    clientSecret: ctx.sim.clientSecret,
    robotCode: ctx.sim.robotCode,
    qps: 1000,
    logger: captureLogger().logger,
    retry: { backoff: { baseMs: 2, maxMs: 10, minMs: 1, jitter: 'full' } },
  });
});

messenger.after.each(async (ctx) => {
  await ctx.stream?.stop();
  await ctx.api.close();
  await ctx.sim.close();
});

function make(ctx: Context, templateId?: string): Messenger {
  return createMessenger({ openapi: ctx.api, templateId, robotCode: ctx.sim.robotCode, clock: { now: () => ctx.now } });
}

async function listen(ctx: Context): Promise<void> {
  ctx.stream = createStreamConnection({
    clientId: ctx.sim.clientId,
    clientSecret: ctx.sim.clientSecret,
    apiBase: ctx.sim.baseUrl,
    logger: captureLogger().logger,
    handle: async (event) => void ctx.events.push(event),
  });
  ctx.stream.start();
  await waitFor('stream connected', () => ctx.stream?.state() === 'connected');
}

/** A real robot message from the simulator, with its sessionWebhook. */
async function incoming(ctx: Context, userId: string, text: string, groupId?: string): Promise<MessageEvent> {
  if (!ctx.stream) await listen(ctx);
  const conversation = groupId ? { type: 'group' as const, id: groupId } : undefined;
  const { msgId } = ctx.sim.injectMessage({ userId, text, ...(conversation ? { conversation } : {}) });
  await waitFor('message handled', () => ctx.events.some((e) => e.id === msgId));
  return ctx.events.find((e) => e.id === msgId) as MessageEvent;
}

const citizen = (sim: DingTalkSimulator) => sim.org.users[0]?.userid ?? '';

const card: Card = {
  title: '个体工商户设立登记',
  status: { text: '待提交', tone: 'warning' },
  sections: [
    { kind: 'markdown', text: '**请核对**' },
    { kind: 'fields', items: [{ label: '字号', value: '张记小吃' }] },
  ],
  buttons: [{ text: '提交', action: 'apply.submit', params: { draft: 'd-1' }, style: 'primary', command: '提交申请' }],
};

messenger('delivers a template card to a user and takes the click back over the Stream', async (ctx) => {
  const m = make(ctx, TEMPLATE);
  const userId = citizen(ctx.sim);
  await m.send({ to: { kind: 'user', userId }, message: { card, cardId: 'app-1-review' } });
  const created = ctx.sim.cards.get('app-1-review');
  assert.ok(created);
  assert.is(created?.templateId, TEMPLATE);
  assert.is(created?.callbackType, 'STREAM');
  assert.equal(created?.openSpaceIds, [`dtv1.card//IM_ROBOT.${userId}`]);
  assert.is(created?.cardData.title, '个体工商户设立登记');
  assert.is(created?.cardData.statusText, '待提交');

  await listen(ctx);
  const click = await ctx.sim.clickCard({
    outTrackId: 'app-1-review',
    userId,
    params: JSON.parse(created?.cardData.buttons ?? '[]')[0].params,
  });
  assert.is(click.acked, true);
  const event = ctx.events.find((e) => e.kind === 'card.action');
  assert.equal(event?.kind === 'card.action' ? [event.action, event.params, event.cardId, event.sender.userId] : [], [
    'apply.submit',
    { draft: 'd-1' },
    'app-1-review',
    userId,
  ]);
});

messenger('updates a template card in place, and creates it when it never arrived', async (ctx) => {
  const m = make(ctx, TEMPLATE);
  const to = { kind: 'user', userId: citizen(ctx.sim) } as const;
  await m.send({ to, message: { card, cardId: 'app-2' } });
  await m.updateCard({ cardId: 'app-2', to, card: { ...card, status: { text: '已受理', tone: 'success' }, buttons: [] } });
  const updated = ctx.sim.cards.get('app-2');
  assert.is(updated?.cardData.statusText, '已受理');
  assert.is(updated?.cardData.buttons, '[]');
  assert.is(updated?.version, 2);
  await m.updateCard({ cardId: 'app-3', to, card });
  assert.is(ctx.sim.cards.get('app-3')?.cardData.title, card.title);
});

messenger('an update racing the creation of its card (another instance) is never lost', async (ctx) => {
  const m = make(ctx, TEMPLATE);
  const to = { kind: 'user', userId: citizen(ctx.sim) } as const;
  // The creation, still queued elsewhere, lands just after the update was told the card does not exist.
  ctx.sim.events.on('call', (call: { method: string; status: number; body: { outTrackId?: string } }) => {
    if (call.method !== 'PUT' || call.status !== 400 || call.body.outTrackId !== 'app-5' || ctx.sim.cards.has('app-5')) return;
    const cardData = { title: card.title, statusText: '已提交' };
    ctx.sim.cards.set('app-5', {
      outTrackId: 'app-5',
      templateId: TEMPLATE,
      cardData,
      privateData: {},
      openSpaceIds: [`dtv1.card//IM_ROBOT.${to.userId}`],
      version: 1,
      history: [cardData],
    });
  });
  await m.updateCard({ cardId: 'app-5', to, card: { ...card, status: { text: '已受理', tone: 'success' } } });
  assert.is(ctx.sim.cards.get('app-5')?.cardData.statusText, '已受理');
});

messenger('keeps the outTrackId of a card without cardId stable across retries of one job', async (ctx) => {
  const m = make(ctx, TEMPLATE);
  const to = { kind: 'group', conversationId: 'cid-group-qyfw' } as const;
  await m.send({ to, message: { card }, key: 'evt-1#0' });
  await m.send({ to, message: { card }, key: 'evt-1#0' });
  await m.send({ to, message: { card }, key: 'evt-2#0' });
  assert.is(ctx.sim.cards.size, 2);
  for (const created of ctx.sim.cards.values()) assert.equal(created.openSpaceIds, ['dtv1.card//IM_GROUP.cid-group-qyfw']);
});

messenger('falls back to markdown with command links without a template; an update is a new message', async (ctx) => {
  const m = make(ctx);
  const userId = citizen(ctx.sim);
  await m.send({ to: { kind: 'user', userId }, message: { card, cardId: 'app-4' } });
  await m.updateCard({ cardId: 'app-4', to: { kind: 'user', userId }, card: { ...card, status: { text: '已受理', tone: 'success' } } });
  assert.is(ctx.sim.cards.size, 0);
  const sent = ctx.sim.botOutput({ userId });
  assert.equal(
    sent.map((o) => [o.via, o.msgKey]),
    [
      ['oToMessages', 'sampleActionCard'],
      ['oToMessages', 'sampleActionCard'],
    ],
  );
  const content = sent[0]?.content as Record<string, string>;
  assert.is(content.singleURL, `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent('提交申请')}`);
  assert.match((sent[1]?.content as Record<string, string> | undefined)?.text ?? '', /已受理/);
});

messenger('replies through a valid sessionWebhook, and falls back to the OpenAPI when it has expired', async (ctx) => {
  const m = make(ctx);
  const userId = citizen(ctx.sim);
  const message = await incoming(ctx, userId, '你好');
  assert.ok(message.sessionWebhook);
  const to = { kind: 'user', userId } as const;
  await m.send({ to, message: { text: '收到' }, sessionWebhook: message.sessionWebhook });
  ctx.now = (message.sessionWebhook?.expiresAt ?? 0) - 60_000; // inside the safety margin
  await m.send({ to, message: { text: '稍后' }, sessionWebhook: message.sessionWebhook });
  ctx.now = Date.now();
  ctx.sim.expireSessionWebhooks(); // DingTalk says expired although our clock says valid
  await m.send({ to, message: { text: '再次' }, sessionWebhook: message.sessionWebhook });
  assert.equal(
    ctx.sim.botOutput({ userId }).map((o) => [o.via, (o.content as { content?: string }).content]),
    [
      ['sessionWebhook', '收到'],
      ['oToMessages', '稍后'],
      ['oToMessages', '再次'],
    ],
  );
});

messenger('sends group texts with @-mentions through the webhook and plain through the OpenAPI', async (ctx) => {
  const m = make(ctx);
  const to = { kind: 'group', conversationId: 'cid-group-qyfw' } as const;
  const asked = await incoming(ctx, 'clerk-chen', '@一次办 待办', 'cid-group-qyfw');
  assert.is(asked.text, '待办');
  await m.send({ to, message: { text: '请审核', atUserIds: ['clerk-chen'] }, sessionWebhook: asked.sessionWebhook });
  await m.send({ to, message: { text: '请审核', atUserIds: ['clerk-chen'] } });
  const out = ctx.sim.botOutput({ conversationId: 'cid-group-qyfw' });
  assert.equal(
    out.map((o) => [o.via, o.content]),
    [
      ['sessionWebhook', { content: '@clerk-chen 请审核' }],
      ['groupMessages', { content: '请审核' }],
    ],
  );
  const hook = ctx.sim.calls.find((c) => c.path === '/robot/sendBySession');
  assert.equal((hook?.body as { at?: unknown } | undefined)?.at, { atUserIds: ['clerk-chen'], isAtAll: false });
});

messenger('throws a retryable error for a flow-controlled user and succeeds on the retry', async (ctx) => {
  const m = make(ctx);
  const userId = citizen(ctx.sim);
  ctx.sim.flowControl([userId], 1);
  try {
    await m.send({ to: { kind: 'user', userId }, message: { text: '通知' } });
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, ExternalError);
    assert.is((error as ExternalError).retryable, true);
    assert.is((error as ExternalError).code, 'flowControlled');
  }
  await m.send({ to: { kind: 'user', userId }, message: { text: '通知' } });
  assert.is(ctx.sim.botOutput({ userId }).length, 1);
});

messenger('refuses a user DingTalk does not know, without retrying', async (ctx) => {
  const m = make(ctx);
  try {
    await m.send({ to: { kind: 'user', userId: 'nobody' }, message: { text: 'x' } });
    assert.unreachable('should throw');
  } catch (error) {
    assert.is((error as ExternalError).retryable, false);
    assert.is((error as ExternalError).code, 'invalidStaffId');
  }
});

messenger.run();
