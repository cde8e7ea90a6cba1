import { EventEmitter } from 'node:events';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { BotOutput } from '../../src/sandbox/dingtalk/index.js';
import { singleConversationId } from '../../src/sandbox/dingtalk/index.js';
import { fromRobot, fromWebhook } from '../../src/sandbox/web/bot-message.js';
import { Transcript, viewOf, type CardEntry, type TranscriptChange } from '../../src/sandbox/web/transcript.js';

const test = suite('sandbox web: transcript');

const ZHANG = singleConversationId('citizen-zhang');
const LI = singleConversationId('citizen-li');

function card(via: 'card.create' | 'card.update', version: number, title: string, extra: Partial<BotOutput> = {}): BotOutput {
  return {
    at: 1000 + version,
    via,
    conversationId: ZHANG,
    userIds: ['citizen-zhang'],
    outTrackId: 'yc-1',
    content: {
      templateId: 't',
      cardData: { title, statusText: '已提交' },
      privateData: { 'citizen-zhang': { statusText: '仅我可见' } },
      version,
    },
    ...extra,
  };
}

function setup() {
  const sim = { events: new EventEmitter() };
  const transcript = new Transcript(sim, () => 500);
  const changes: TranscriptChange[] = [];
  transcript.events.on('change', (change: TranscriptChange) => changes.push({ type: change.type, entry: { ...change.entry } }));
  return { sim, transcript, changes };
}

test('a card update replaces the card in place and is announced as an update, not a new entry', () => {
  const { sim, transcript, changes } = setup();
  sim.events.emit('bot-output', card('card.create', 1, '办件 YC1'));
  sim.events.emit('bot-output', card('card.update', 2, '办件 YC1 已受理'));
  const history = transcript.history(ZHANG);
  assert.is(history.length, 1);
  const entry = history[0] as CardEntry;
  assert.is(entry.cardData.title, '办件 YC1 已受理');
  assert.is(entry.version, 2);
  assert.equal(
    changes.map((c) => c.type),
    ['entry', 'card'],
  );
  assert.is(changes[0]!.entry.seq, changes[1]!.entry.seq, 'the same entry');
});

test('an update older than what is shown is ignored', () => {
  const { sim, transcript } = setup();
  sim.events.emit('bot-output', card('card.create', 1, 'v1'));
  sim.events.emit('bot-output', card('card.update', 3, 'v3'));
  sim.events.emit('bot-output', card('card.update', 2, 'v2'));
  assert.is((transcript.history(ZHANG)[0] as CardEntry).cardData.title, 'v3');
});

test('a card lives only in the conversations it was delivered to', () => {
  const { sim, transcript } = setup();
  sim.events.emit('bot-output', card('card.create', 1, '张三的卡片'));
  assert.is(transcript.history(ZHANG).length, 1);
  assert.is(transcript.history(LI).length, 0);
});

test('a viewer sees private card data merged over the shared data; others see the shared data', () => {
  const { sim, transcript } = setup();
  sim.events.emit('bot-output', card('card.create', 1, '卡片'));
  const [entry] = transcript.history(ZHANG);
  const mine = viewOf(entry!, 'citizen-zhang');
  const theirs = viewOf(entry!, 'citizen-li');
  assert.ok(mine.kind === 'card' && theirs.kind === 'card');
  assert.is(mine.data.statusText, '仅我可见');
  assert.is(theirs.data.statusText, '已提交');
  assert.not.ok('privateData' in mine, 'private data of others never leaves the server');
});

test('a batch send to several people lands in each one-to-one chat', () => {
  const { sim, transcript } = setup();
  sim.events.emit('bot-output', {
    at: 1,
    via: 'oToMessages',
    userIds: ['citizen-zhang', 'citizen-li'],
    msgKey: 'sampleText',
    content: { content: '通知' },
  } satisfies BotOutput);
  for (const id of [ZHANG, LI]) {
    const [entry] = transcript.history(id);
    assert.ok(entry?.kind === 'bot');
    assert.is(entry.message.text, '通知');
  }
});

test("people's own messages and the bot's come back in order, and clear() forgets them", () => {
  const { sim, transcript } = setup();
  transcript.addUser({ conversationId: ZHANG, userId: 'citizen-zhang', name: '张三', text: '帮助', delivered: true });
  sim.events.emit('bot-output', {
    at: 2,
    via: 'sessionWebhook',
    conversationId: ZHANG,
    msgtype: 'text',
    content: { content: '您好' },
  } satisfies BotOutput);
  assert.equal(
    transcript.history(ZHANG).map((e) => e.kind),
    ['user', 'bot'],
  );
  transcript.clear();
  assert.equal(transcript.history(ZHANG), []);
});

test('close() stops listening to the simulator', () => {
  const { sim, transcript } = setup();
  transcript.close();
  assert.is(sim.events.listenerCount('bot-output'), 0);
});

test('fallback messages keep their text and turn buttons into links (dtmd links included)', () => {
  const dtmd = 'dtmd://dingtalkclient/sendMessage?content=%E5%B8%AE%E5%8A%A9';
  assert.equal(fromWebhook('actionCard', { title: 'T', text: '**正文**', btns: [{ title: '帮助', actionURL: dtmd }] }), {
    format: 'markdown',
    title: 'T',
    text: '**正文**',
    links: [{ title: '帮助', url: dtmd }],
  });
  assert.equal(
    fromRobot('sampleActionCard2', {
      title: 'T',
      text: 'x',
      actionTitle1: 'A',
      actionURL1: dtmd,
      actionTitle2: 'B',
      actionURL2: 'https://example.org',
    }).links,
    [
      { title: 'A', url: dtmd },
      { title: 'B', url: 'https://example.org' },
    ],
  );
  assert.equal(fromRobot('sampleMarkdown', { title: 'T', text: '# 标题' }), { format: 'markdown', title: 'T', text: '# 标题', links: [] });
  assert.is(fromWebhook('unknown', {}), undefined);
});

test("a notice batch-sent to several people arrives in each one's single chat, with its title and link", () => {
  const { sim, transcript } = setup();
  const content = {
    title: '元旦假期大厅安排',
    text: '### 元旦假期大厅安排\n\n正文',
    singleTitle: '查看详情',
    singleURL: 'https://example.gov.cn/n',
  };
  sim.events.emit('bot-output', {
    at: 1,
    via: 'oToMessages',
    userIds: ['citizen-zhang', 'citizen-li'],
    msgKey: 'sampleActionCard',
    content,
    processQueryKey: 'k',
  } satisfies BotOutput);
  for (const conversation of [ZHANG, LI]) {
    const history = transcript.history(conversation);
    assert.is(history.length, 1, conversation);
    assert.match(JSON.stringify(history[0]), '元旦假期大厅安排');
    assert.match(JSON.stringify(history[0]), 'https://example.gov.cn/n');
  }
});

test.run();
