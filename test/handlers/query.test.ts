import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { BotHarness, buttonOf, cardText, lastCard, sends, submitIndividualBusiness, texts } from '../support/bot-harness.js';

const test = suite('handlers: query and withdraw');

let h: BotHarness;
test.before.each(async () => {
  h = await BotHarness.create();
});
test.after.each(async () => {
  await h.close();
});

test("我的办件 lists the person's two applications newest first, with status", async () => {
  const first = await submitIndividualBusiness(h, 'zhang');
  h.advance(60_000);
  const second = await submitIndividualBusiness(h, 'zhang');
  await submitIndividualBusiness(h, 'li');
  const { card } = lastCard(await h.say('zhang', '我的办件'));
  assert.is(card.title, '我的办件（共2件）');
  const text = cardText(card);
  assert.ok(text.indexOf(second) < text.indexOf(first), 'newest first');
  assert.match(text, '个体工商户设立登记：已提交');
  assert.equal(
    card.buttons?.map((b) => b.text),
    [`查看 ${second}`, `查看 ${first}`],
  );
});

test('我的办件 pages five at a time', async () => {
  for (let i = 0; i < 6; i += 1) {
    await submitIndividualBusiness(h, 'zhang');
    h.advance(60_000);
  }
  const page1 = lastCard(await h.say('zhang', '我的办件'));
  assert.is(page1.card.status?.text, '第1/2页');
  assert.is(page1.card.buttons?.filter((b) => b.text.startsWith('查看')).length, 5);
  const page2 = lastCard(await h.click('zhang', page1.cardId, buttonOf(page1.card, '下一页')));
  assert.is(page2.card.status?.text, '第2/2页');
  assert.match(cardText(page2.card), '6. **YC');
  assert.ok(buttonOf(page2.card, '上一页'));
});

test('查询 <编号> shows the application card with its timeline, only to its applicant', async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  const { card } = lastCard(await h.say('zhang', `查询 ${id.toLowerCase()}`));
  assert.is(card.title, `办件 ${id}`);
  assert.match(cardText(card), '办理记录');
  assert.match(cardText(card), '提交申请');
  assert.equal(texts(await h.say('li', `查询 ${id}`)), ['未找到该办件，请核对办件编号（如 YC20260105-0001）']);
  assert.is(lastCard(await h.say('admin', `查询 ${id}`)).card.title, `办件 ${id}`, 'admins see every application');
});

test('in a group, 我的办件 goes to the one-to-one chat', async () => {
  await submitIndividualBusiness(h, 'chen');
  const effects = sends(await h.sayInGroup('chen', '我的办件'));
  assert.equal(
    effects.map((e) => e.to.kind),
    ['group', 'user'],
  );
  assert.match(effects[0]!.message.text ?? '', '单聊');
  assert.is(effects[1]!.message.card?.title, '我的办件（共1件）');
});

test('withdraw asks for confirmation, then withdraws, tells the back office and updates the card in place', async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  const ask = lastCard(await h.say('zhang', `撤回 ${id}`));
  assert.is(ask.card.title, '确认撤回申请？');
  assert.is((await h.store.getApplication(id))?.status, 'submitted', 'nothing changes before the confirmation');
  const effects = await h.click('zhang', ask.cardId, buttonOf(ask.card, '确认撤回'));
  const app = await h.store.getApplication(id);
  assert.is(app?.status, 'withdrawn');
  const update = effects.find((e) => e.type === 'card.update');
  assert.ok(update?.type === 'card.update');
  assert.is(update.cardId, app?.channel.cardId);
  assert.is(update.card.status?.text, '已撤回');
  assert.match(texts(effects)[0] ?? '', `已撤回办件 ${id}`);
  const jobs = (await h.store.dueJobs(Number.MAX_SAFE_INTEGER, 100)).filter((j) => j.kind === 'backoffice.withdraw');
  assert.equal(
    jobs.map((j) => j.key),
    [`${id}:withdraw`],
  );
  const again = await h.click('zhang', ask.cardId, buttonOf(ask.card, '确认撤回'));
  assert.match(texts(again)[0] ?? '', '已撤回，无需重复操作');
});

test('the withdraw button on the application card leads to the same confirmation; 不撤回 keeps it', async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  const app = await h.store.getApplication(id);
  const { card } = lastCard(await h.say('zhang', `查询 ${id}`));
  const ask = lastCard(await h.click('zhang', app!.channel.cardId!, buttonOf(card, '撤回申请')));
  assert.is(ask.card.title, '确认撤回申请？');
  const effects = await h.click('zhang', ask.cardId, buttonOf(ask.card, '不撤回'));
  assert.match(texts(effects)[0] ?? '', '继续办理');
  assert.is((await h.store.getApplication(id))?.status, 'submitted');
});

test("nobody can withdraw someone else's application, even with a forged id on their own card", async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  assert.equal(texts(await h.say('li', `撤回 ${id}`)), ['未找到该办件，请核对办件编号（如 YC20260105-0001）']);
  const own = lastCard(await h.say('li', '帮助'));
  const forged = { text: '确认撤回', action: 'withdraw.confirm', params: { action: 'withdraw.confirm', applicationId: id } };
  assert.equal(texts(await h.click('li', own.cardId, forged)), ['未找到该办件，请核对办件编号（如 YC20260105-0001）']);
  assert.is((await h.store.getApplication(id))?.status, 'submitted');
});

test.run();
