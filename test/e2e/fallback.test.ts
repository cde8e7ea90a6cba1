import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { BotOutput } from '../../src/sandbox/dingtalk/types.js';
import { startHarness, waitFor, type Harness } from '../support/harness.js';

const fallback = suite<{ h: Harness }>('e2e: without a card template, markdown messages whose buttons send commands');

fallback.before.each(async (ctx) => {
  ctx.h = await startHarness({ templateId: null });
});
fallback.after.each(async (ctx) => {
  await ctx.h.close();
});

interface ActionCard {
  title: string;
  text: string;
  btns?: { title: string; actionURL: string }[];
}

async function say(h: Harness, userId: string, text: string): Promise<BotOutput[]> {
  const before = h.dingtalk.botOutput({ userId }).length;
  const sent = h.dingtalk.injectMessage({ userId, text });
  await waitFor(() => h.dingtalk.acks.some((ack) => ack.messageId === sent.messageId), { what: 'the ACK' });
  await h.app.outbox.drain(5_000);
  return h.dingtalk.botOutput({ userId }).slice(before);
}

/** The text a dtmd://dingtalkclient/sendMessage button would send back. */
function command(card: ActionCard, title: string): string {
  const button = card.btns?.find((b) => b.title === title);
  assert.ok(button, `button ${title} in ${JSON.stringify(card.btns)}`);
  const url = new URL(button.actionURL);
  assert.is(url.protocol, 'dtmd:');
  return url.searchParams.get('content')!;
}

fallback('the guide arrives as an actionCard through the sessionWebhook; its button sends the command back as text', async ({ h }) => {
  const [guide] = await say(h, 'citizen-li', '办事指南 公积金');
  assert.is(guide?.via, 'sessionWebhook');
  assert.is(guide?.msgtype, 'actionCard');
  const card = guide!.content as ActionCard;
  assert.match(card.text, '住房公积金提取');
  assert.is(command(card, '立即申请'), '我要办 住房公积金提取');

  const [consent] = await say(h, 'citizen-li', command(card, '立即申请'));
  assert.match(JSON.stringify(consent?.content), '电子证照授权');
  // Markdown cannot change: every step of the form is a message of its own.
  const [first] = await say(h, 'citizen-li', '不同意');
  assert.match(JSON.stringify(first?.content), '第 1/');
  const [second] = await say(h, 'citizen-li', '330102199007181533');
  assert.match(JSON.stringify(second?.content), '第 2/');
  assert.ok(
    h.dingtalk.calls.every((call) => !call.path.startsWith('/v1.0/card/')),
    'no card-platform call without a template',
  );
});

fallback('with an expired sessionWebhook the reply goes through the OpenAPI', async ({ h }) => {
  const sent = h.dingtalk.injectMessage({ userId: 'citizen-wang', text: '帮助' });
  // Expire the webhook handed out with this very message, before the bot answers it (same tick).
  h.dingtalk.expireSessionWebhooks();
  await waitFor(() => h.dingtalk.acks.some((ack) => ack.messageId === sent.messageId), { what: 'the ACK' });
  await h.app.outbox.drain(5_000);
  const outputs = h.dingtalk.botOutput({ userId: 'citizen-wang' });
  assert.ok(outputs.length >= 1);
  assert.ok(outputs.every((out) => out.via === 'oToMessages' || out.via === 'sessionWebhook'));
  assert.ok(
    outputs.some((out) => out.via === 'oToMessages'),
    'a fresh message arrives via oToMessages/batchSend',
  );
});

fallback.run();
