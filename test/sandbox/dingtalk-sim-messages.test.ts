import { systemClock } from '../../src/clock.js';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { startDingTalkSimulator, type DingTalkSimulator, type SimOptions } from '../../src/sandbox/dingtalk/index.js';
import { call, connectPeer, type StreamPeer } from '../support/stream-peer.js';
import { SessionBook } from '../../src/sandbox/dingtalk/session-webhooks.js';
import { resolveSimConfig } from '../../src/sandbox/dingtalk/sim-config.js';

interface Ctx {
  sim?: DingTalkSimulator;
  peer?: StreamPeer;
}

const test = suite<Ctx>('dingtalk simulator: incoming messages and session webhooks');

async function start(ctx: Ctx, options: SimOptions = {}) {
  ctx.sim = await startDingTalkSimulator({ pingIntervalMs: 0, redeliverAfterMs: 0, ...options });
  ctx.peer = await connectPeer(ctx.sim.baseUrl);
  return { sim: ctx.sim, peer: ctx.peer };
}

test.after.each(async (ctx) => {
  await ctx.peer?.close();
  await ctx.sim?.close();
  ctx.sim = undefined;
  ctx.peer = undefined;
});

const robotData = async (peer: StreamPeer, skip = 0) => JSON.parse((await peer.next((f) => f.type === 'CALLBACK', 2000, skip)).data);

test('a single-chat message carries every documented field with org data and a 90-minute sessionWebhook', async (ctx) => {
  const now = 1_750_000_000_000;
  const { sim, peer } = await start(ctx, { clock: { ...systemClock, now: () => now } });
  sim.injectMessage({ userId: 'admin-liu', text: '统计' });
  const data = await robotData(peer);
  assert.equal(data.conversationId, `cid-single-${Buffer.from('admin-liu').toString('base64')}`);
  assert.equal(
    [data.conversationType, data.senderNick, data.isAdmin, data.robotCode, data.msgtype],
    ['1', '刘主任', true, sim.robotCode, 'text'],
  );
  assert.equal(data.text, { content: '统计' });
  assert.match(data.senderId, /^\$:LWCP_v1:\$/);
  assert.match(data.chatbotUserId, /^\$:LWCP_v1:\$/);
  assert.is.not(data.senderId, 'admin-liu');
  assert.is(data.createAt, now);
  assert.is(data.sessionWebhookExpiredTime, now + 90 * 60_000);
  assert.match(data.sessionWebhook, new RegExp(`^${sim.baseUrl}/robot/sendBySession\\?session=`));
  assert.is(data.chatbotCorpId, sim.corpId);
  assert.is(data.conversationTitle, undefined);
  assert.is(data.isInAtList, undefined);
});

test('a group message keeps the leading space, names the group, and lists the bot as @-mentioned', async (ctx) => {
  const { sim, peer } = await start(ctx);
  sim.injectMessage({ userId: 'clerk-chen', text: '帮我查一下进度', conversation: { type: 'group', id: 'cid-group-qyfw' } });
  const data = await robotData(peer);
  assert.equal([data.conversationType, data.conversationId, data.conversationTitle], ['2', 'cid-group-qyfw', '企业服务群']);
  assert.is(data.text.content, ' 帮我查一下进度');
  assert.is(data.isInAtList, true);
  assert.equal(data.atUsers, [{ dingtalkId: data.chatbotUserId }]);
  const silent = sim.injectMessage({
    userId: 'clerk-chen',
    text: '闲聊',
    conversation: { type: 'group', id: 'cid-group-qyfw', atBot: false },
  });
  assert.is(silent.messageId, '', 'groups deliver only messages that @ the bot');
});

test('a redelivered business message keeps the msgId the test chose', async (ctx) => {
  const { sim, peer } = await start(ctx);
  sim.injectMessage({ userId: 'citizen-zhang', text: '你好', msgId: 'msgFIXED==' });
  sim.injectMessage({ userId: 'citizen-zhang', text: '你好', msgId: 'msgFIXED==' });
  assert.is((await robotData(peer)).msgId, 'msgFIXED==');
  assert.is((await robotData(peer, 1)).msgId, 'msgFIXED==');
});

test('picture, rich-text and audio messages get content with minted downloadCodes; groups refuse files', async (ctx) => {
  const { sim, peer } = await start(ctx);
  sim.injectMessage({ userId: 'citizen-wang', msgtype: 'picture' });
  sim.injectMessage({ userId: 'citizen-wang', msgtype: 'richText', text: '这是我的证件' });
  sim.injectMessage({ userId: 'citizen-wang', msgtype: 'audio', text: '我要办居住证' });
  const picture = await robotData(peer);
  assert.is(picture.content.downloadCode, picture.content.pictureDownloadCode);
  assert.is(picture.text, undefined);
  const rich = await robotData(peer, 1);
  assert.is(rich.content.richText[0].text, '这是我的证件');
  assert.type(rich.content.richText[1].downloadCode, 'string');
  const audio = await robotData(peer, 2);
  assert.is(audio.content.recognition, '我要办居住证');
  assert.throws(() => sim.injectMessage({ userId: 'clerk-chen', msgtype: 'file', conversation: { type: 'group', id: 'cid-group-qyfw' } }));
});

test('the sessionWebhook accepts replies until it expires, then answers errcode 300001', async (ctx) => {
  let now = 1_750_000_000_000;
  const { sim, peer } = await start(ctx, { clock: { ...systemClock, now: () => now } });
  sim.injectMessage({ userId: 'citizen-li', text: '办事指南' });
  const { sessionWebhook, conversationId } = await robotData(peer);
  const reply = await call(sim.baseUrl, 'POST', new URL(sessionWebhook).pathname + new URL(sessionWebhook).search, {
    msgtype: 'markdown',
    markdown: { title: '办事指南', text: '### 请选择事项' },
  });
  assert.equal(reply.body, { errcode: 0, errmsg: 'ok' });
  const [output] = sim.botOutput({ userId: 'citizen-li' });
  assert.equal([output?.via, output?.msgtype, output?.conversationId], ['sessionWebhook', 'markdown', conversationId]);
  assert.equal(output?.content, { title: '办事指南', text: '### 请选择事项' });
  const bad = await call(sim.baseUrl, 'POST', new URL(sessionWebhook).pathname + new URL(sessionWebhook).search, {
    msgtype: 'interactiveCard',
  });
  assert.is(bad.body.errcode, 40035);
  now += 90 * 60_000;
  const expired = await fetch(sessionWebhook, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ msgtype: 'text', text: { content: '晚了' } }),
  });
  assert.equal(await expired.json(), { errcode: 300001, errmsg: 'session webhook expired' });
  assert.is(sim.botOutput().length, 1);
});

test('past the record limit, valid sessionWebhooks are kept and those expired a day ago are forgotten', () => {
  let now = 1_750_000_000_000;
  const book = new SessionBook(resolveSimConfig({ recordLimit: 10, clock: { ...systemClock, now: () => now } }));
  const mint = () => new URL(book.mint({ conversationId: 'cid', conversationType: '1', userId: 'u' }, now, 'http://sim').url);
  const session = (url: URL) => book.get(url.searchParams.get('session')!);
  const early = Array.from({ length: 25 }, mint);
  assert.ok(
    early.every((url) => session(url) !== undefined),
    'a bench pushes more than the limit within 90 minutes',
  );
  now += 90 * 60_000 + 24 * 3600_000 + 1;
  const late = Array.from({ length: 40 }, mint);
  assert.is(early.filter((url) => session(url) !== undefined).length, 0);
  assert.ok(late.every((url) => session(url) !== undefined));
});

test('expireSessionWebhooks makes every handed-out webhook expired at once', async (ctx) => {
  const { sim, peer } = await start(ctx);
  sim.injectMessage({ userId: 'citizen-li', text: '你好' });
  const { sessionWebhook } = await robotData(peer);
  sim.expireSessionWebhooks();
  const res = await fetch(sessionWebhook, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ msgtype: 'text', text: { content: 'x' } }),
  });
  assert.is(((await res.json()) as { errcode: number }).errcode, 300001);
});

test('emits bot-output events for the web chat', async (ctx) => {
  const { sim, peer } = await start(ctx);
  const seen: unknown[] = [];
  sim.events.on('bot-output', (entry) => seen.push(entry));
  sim.injectMessage({ userId: 'citizen-li', text: '你好' });
  const { sessionWebhook } = await robotData(peer);
  await fetch(sessionWebhook, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ msgtype: 'text', text: { content: '您好' } }),
  });
  assert.is(seen.length, 1);
  assert.equal((seen[0] as { content: unknown }).content, { content: '您好' });
});

test.run();
