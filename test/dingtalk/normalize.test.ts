import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { CardActionEvent, MessageEvent } from '../../src/bot/inbound.js';
import { CARD_CALLBACK_TOPIC, normalizeFrame, ROBOT_MESSAGE_TOPIC, type NormalizeResult } from '../../src/dingtalk/normalize.js';
import { callbackFrame, fixtureData } from '../fixtures/dingtalk/frames.js';

const NOW = 1_700_000_000_000;
const normalize = suite('dingtalk normalize');

function message(result: NormalizeResult): MessageEvent {
  if (result.status !== 'ok' || result.event.kind !== 'message') throw new Error(`not a message: ${JSON.stringify(result)}`);
  return result.event;
}

function click(result: NormalizeResult): CardActionEvent {
  if (result.status !== 'ok' || result.event.kind !== 'card.action') throw new Error(`not a click: ${JSON.stringify(result)}`);
  return result.event;
}

const robot = (name: string, overrides = {}, headers = {}) =>
  normalizeFrame(callbackFrame(ROBOT_MESSAGE_TOPIC, fixtureData(name, overrides), headers), NOW);
const card = (overrides = {}, headers = {}) =>
  normalizeFrame(callbackFrame(CARD_CALLBACK_TOPIC, fixtureData('card-callback', overrides), headers), NOW);

normalize('turns a group text message into a trimmed message event from the staff id', () => {
  const event = message(robot('robot-text-group'));
  assert.is(event.id, 'msgLICYeHgY4JtMQw==');
  assert.equal(event.conversation, { id: 'cidAsXSBLnA==', type: 'group', title: '测试群' });
  assert.equal(event.sender, { userId: '16650698', name: '张三' }, 'the DingTalk org-admin flag is not carried: it grants nothing');
  assert.is(event.text, '测试数据');
  assert.is(event.mentioned, true);
  assert.equal(event.sessionWebhook, {
    url: 'https://oapi.dingtalk.com/robot/sendBySession?session=76da36b48f59e8',
    expiresAt: 1690367502152,
  });
  assert.is(event.robotCode, 'dingr3xc0b');
  assert.is(event.receivedAt, 1690362101894);
});

normalize('strips @-mentions left at either end of a group message', () => {
  assert.is(message(robot('robot-text-group', { text: { content: '@一次办\u2005 办理 营业执照 ' } })).text, '办理 营业执照');
  assert.is(message(robot('robot-text-group', { text: { content: '查询进度 @一次办' } })).text, '查询进度');
  assert.is(message(robot('robot-text-group', { text: { content: '请 @王五 帮忙' } })).text, '请 @王五 帮忙');
});

normalize('keeps a single chat as single, accepts createAt as a string and marks it mentioned', () => {
  const event = message(robot('robot-text-single'));
  assert.equal(event.conversation, { id: 'cidSingleUser01==', type: 'single' });
  assert.is(event.text, '办理营业执照');
  assert.is(event.mentioned, true);
  assert.is(event.receivedAt, 1690362101894);
});

normalize('never uses the encrypted senderId: a sender without staff id is rejected with a tag', () => {
  const result = robot('robot-text-single', { senderStaffId: '' });
  assert.equal(result.status, 'invalid');
  if (result.status === 'invalid') assert.is(result.code, 'no_staff_id');
});

normalize('falls back to the frame messageId when msgId is missing, and to now without createAt', () => {
  const event = message(robot('robot-text-single', { msgId: undefined, createAt: undefined }, { messageId: 'frame-1' }));
  assert.is(event.id, 'frame-1');
  assert.is(event.receivedAt, NOW);
});

normalize('reads pictures, files, audio and rich text as attachments with their download codes', () => {
  assert.equal(message(robot('robot-picture')).attachments, [{ kind: 'picture', downloadCode: 'mIofPictureDownload' }]);
  assert.equal(message(robot('robot-file')).attachments, [{ kind: 'file', downloadCode: 'LJYYFileCode', fileName: '营业执照.pdf' }]);
  const audio = message(robot('robot-audio'));
  assert.is(audio.text, '查询办理进度');
  assert.equal(audio.attachments, [{ kind: 'audio', downloadCode: 'mIofAudio' }]);
  const rich = message(robot('robot-rich-text'));
  assert.is(rich.text, '这个问题示例图如下：请看');
  assert.equal(rich.attachments, [{ kind: 'picture', downloadCode: 'mRich1' }]);
  const unknown = message(robot('robot-unknown'));
  assert.is(unknown.text, '');
  assert.equal(unknown.attachments, []);
});

normalize('reports malformed data with a tag instead of throwing', () => {
  const bad = [
    normalizeFrame(callbackFrame(ROBOT_MESSAGE_TOPIC, '{not json'), NOW),
    normalizeFrame(callbackFrame(ROBOT_MESSAGE_TOPIC, '[1,2]'), NOW),
    normalizeFrame({ headers: { topic: ROBOT_MESSAGE_TOPIC } }, NOW),
    normalizeFrame(callbackFrame(ROBOT_MESSAGE_TOPIC, { msgId: 'x' }), NOW),
    normalizeFrame(callbackFrame('/v1.0/graph/api/invoke', { a: 1 }), NOW),
    normalizeFrame({}, NOW),
    normalizeFrame(callbackFrame(CARD_CALLBACK_TOPIC, 'null'), NOW),
    card({ content: '{"cardPrivateData":{}}', value: undefined }),
    card({ content: 'oops', value: 'oops' }),
    card({ outTrackId: '' }),
  ];
  for (const result of bad) assert.is(result.status, 'invalid', JSON.stringify(result));
});

normalize('turns a card click into an action event with the dotted action id from params.action', () => {
  const event = click(card());
  assert.is(event.action, 'apply.submit');
  assert.equal(event.params, { draft: 'd-42' });
  assert.is(event.cardId, 'approval-42');
  assert.equal(event.sender, { userId: 'manager4220', name: '' });
  assert.equal(event.conversation, { id: 'cidSingleUser01==', type: 'single' });
  assert.is(event.receivedAt, NOW);
});

normalize('falls back to the component id and stringifies non-string params', () => {
  const content = JSON.stringify({ cardPrivateData: { actionIds: ['guide.open'], params: { count: 2, flags: { a: true } } } });
  const event = click(card({ content, value: content, spaceType: 'IM_GROUP' }));
  assert.is(event.action, 'guide.open');
  assert.equal(event.params, { count: '2', flags: '{"a":true}' });
  assert.is(event.conversation.type, 'group');
});

normalize('gives a redelivered click the same id and a second genuine click a different one', () => {
  const first = click(card({}, { messageId: 'push-1', time: '1769851697756' }));
  const redelivered = click(card({}, { messageId: 'push-1', time: '1769851757756' }));
  const secondClick = click(card({}, { messageId: 'push-2', time: '1769851699756' }));
  const otherUser = click(card({ userId: 'u2' }, { messageId: 'push-1' }));
  assert.is(first.id, redelivered.id);
  assert.is.not(first.id, secondClick.id);
  assert.is.not(first.id, otherUser.id);
  assert.ok(first.id.startsWith('card:approval-42:manager4220:'));
});

normalize.run();
