import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { BotHarness, buttonOf, cardText, lastCard } from '../support/bot-harness.js';

const test = suite('handlers: help and guide');

let h: BotHarness;
test.before.each(async () => {
  h = await BotHarness.create();
});
test.after.each(async () => {
  await h.close();
});

test('办事指南 lists the catalogue by category, and a category offers its matters a page at a time', async () => {
  const { card, cardId } = lastCard(await h.say('zhang', '办事指南'));
  const text = cardText(card);
  for (const m of h.matters) assert.match(text, m.name);
  assert.equal(
    card.buttons?.map((b) => b.text),
    ['个人办事（7项）', '企业办事（3项）'],
  );
  const page1 = lastCard(await h.click('zhang', cardId, buttonOf(card, '个人办事（7项）')));
  assert.is(page1.card.title, '办事指南 · 个人办事（1/2）');
  assert.is(page1.card.buttons?.length, 6);
  const page2 = lastCard(await h.click('zhang', page1.cardId, buttonOf(page1.card, '下一页')));
  assert.is(page2.card.title, '办事指南 · 个人办事（2/2）');
  assert.is(page2.card.buttons?.length, 3);
  const typed = lastCard(await h.say('zhang', '企业办事'));
  assert.is(typed.card.title, '办事指南 · 企业办事');
});

test('naming a matter shows its guide: materials marked, visit count and why, apply and other buttons', async () => {
  const { card } = lastCard(await h.say('zhang', '办事指南 个体工商户设立登记'));
  const text = cardText(card);
  assert.is(card.title, '办事指南 · 个体工商户设立登记');
  assert.is(card.status?.text, '零上门');
  assert.match(text, '经营场所使用证明（可调取电子证照，免提交；支持容缺受理，可先承诺后补交）');
  assert.match(text, '1个工作日（法定3个工作日）');
  assert.match(text, '市场监督管理局、税务局（并联审批）');
  assert.equal(
    card.buttons?.map((b) => b.text),
    ['立即申请', '咨询其他'],
  );
  assert.is(buttonOf(card, '立即申请').command, '我要办 个体工商户设立登记');
});

test('a matter that needs one visit says 最多跑一次 and why', async () => {
  const { card } = lastCard(await h.say('zhang', '食品经营许可'));
  assert.is(card.status?.text, '最多跑一次');
  assert.match(cardText(card), '现场核查');
});

test('just naming a matter by a keyword finds it without the 办事指南 prefix', async () => {
  const { card } = lastCard(await h.say('zhang', '开个体户'));
  assert.match(card.title, '个体工商户设立登记');
});

test('words that fit several matters give a choice card, and a choice opens that guide', async () => {
  const { card, cardId } = lastCard(await h.say('zhang', '办事指南 登记'));
  assert.is(card.title, '您要办的是哪一项？');
  const choice = card.buttons![0]!;
  const guide = lastCard(await h.click('zhang', cardId, choice));
  assert.is(guide.card.title, `办事指南 · ${choice.text}`);
});

test('words that fit nothing give suggestions', async () => {
  const { card } = lastCard(await h.say('zhang', '办事指南 火星移民'));
  assert.is(card.title, '没有找到相关事项');
  assert.ok((card.buttons?.length ?? 0) >= 2);
});

test('咨询其他 on a guide goes back to the catalogue', async () => {
  const { card, cardId } = lastCard(await h.say('zhang', '办事指南 个体工商户设立登记'));
  const back = lastCard(await h.click('zhang', cardId, buttonOf(card, '咨询其他')));
  assert.is(back.card.title, '办事指南 · 事项目录');
});

test('a forged matter id on a guide button is refused with a message', async () => {
  const { card, cardId } = lastCard(await h.say('zhang', '办事指南'));
  const forged = { ...card.buttons![0]!, action: 'guide.show', params: { action: 'guide.show', matter: '../../etc' } };
  const effects = await h.click('zhang', cardId, forged);
  const send = effects[0];
  assert.ok(send?.type === 'send');
  assert.match(send.message.text ?? '', '该事项已不在目录中');
});

test('help card buttons work like the commands they name', async () => {
  const { card, cardId } = lastCard(await h.say('zhang', '?'));
  const guide = lastCard(await h.click('zhang', cardId, buttonOf(card, '办事指南')));
  assert.is(guide.card.title, '办事指南 · 事项目录');
});

test.run();
