import * as assert from 'uvu/assert';
import { saveDraft } from '../../src/templates/matter-admin.js';
import { BotHarness, cardText, lastCard, Player, texts } from '../support/bot-harness.js';
import { suite } from '../support/suite.js';

const test = suite('admin chat commands for matter templates');

let h: BotHarness;
test.before.each(async () => {
  h = await BotHarness.create();
});
test.after.each(async () => {
  await h.close();
});

const FUND = 'housing-fund-withdrawal';

/** An admin edits the draft through the API's code path: promised days 1 → 2. */
async function draftTwoDays(): Promise<void> {
  const current = h.catalogue.get(FUND)!;
  const change = await saveDraft(
    h.store,
    FUND,
    { ...current, timeLimit: { ...current.timeLimit, promisedDays: 2 } },
    { now: h.now.getTime(), actor: { type: 'admin', id: 'admin-liu' }, newId: () => 'audit-draft' },
  );
  assert.is(change.status, 'ok');
  if (change.status === 'ok') await h.store.commit({ records: { put: change.records } });
}

test('事项列表 from an admin names every matter; from a citizen it is the ordinary help with no hint', async () => {
  const list = cardText(lastCard(await h.say('admin', '事项列表')).card);
  for (const name of ['住房公积金提取', '企业开办', '不动产转移登记（二手房买卖）']) assert.match(list, name);
  assert.match(list, '第2版');
  const help = cardText(lastCard(await h.say('zhang', '今天天气怎么样')).card);
  assert.match(help, '没有听懂');
  for (const words of ['事项列表', `停用 ${FUND}`, `确认停用 ${FUND}`, `确认发布 ${FUND}`]) {
    assert.is(cardText(lastCard(await h.say('zhang', words)).card), help, words);
  }
  // Words naming a matter get its ordinary guide, as they would from anyone, never an admin card.
  for (const words of ['事项 住房公积金提取', '停用 住房公积金提取', '发布 住房公积金提取']) {
    assert.is(lastCard(await h.say('zhang', words)).card.title, '办事指南 · 住房公积金提取', words);
  }
  assert.ok(h.catalogue.get(FUND), 'nothing was retired');
});

test('事项 <名称> shows the current version, the draft and the last changes', async () => {
  await draftTwoDays();
  const card = cardText(lastCard(await h.say('admin', '事项 公积金提取')).card);
  assert.match(card, '当前版本：第2版');
  assert.match(card, '草稿：第3版（待发布）');
  assert.match(card, '修改草稿 第3版（admin-liu）：承诺时限：1个工作日 → 2个工作日');
  assert.match(card, '初始导入 第2版');
});

test('发布 asks with what changes, then makes the draft current for new applications at once', async () => {
  assert.match(texts(await h.say('admin', '发布 住房公积金提取')).join(''), '没有待发布的草稿');
  await draftTwoDays();
  const admin = new Player(h, 'admin');
  await admin.say('发布 住房公积金提取');
  assert.match(admin.card.title, '确认发布「住房公积金提取」？');
  assert.match(cardText(admin.card), '承诺时限：1个工作日 → 2个工作日');
  assert.is(h.catalogue.get(FUND)!.version, 2, 'nothing changes before the confirmation');
  const done = texts(await admin.click('确认发布')).join('');
  assert.match(done, '已发布「住房公积金提取」第3版');
  assert.is(h.catalogue.get(FUND)!.version, 3);
  assert.match(cardText(lastCard(await h.say('zhang', '办事指南 住房公积金提取')).card), '2个工作日（法定3个工作日）');
});

test('停用 stops new applications after the confirmation; 取消 changes nothing', async () => {
  const admin = new Player(h, 'admin');
  await admin.say('停用 企业开办');
  assert.match(cardText(admin.card), '停止受理新的申请');
  assert.match(texts(await admin.click('取消')).join(''), '已取消');
  assert.ok(h.catalogue.get('enterprise-setup'));
  await admin.say('停用 企业开办');
  assert.match(texts(await admin.click('确认停用')).join(''), '已停用「企业开办」');
  assert.is(h.catalogue.get('enterprise-setup'), undefined);
  assert.is(h.catalogue.head('enterprise-setup')?.status, 'retired');
  assert.not.ok(cardText(lastCard(await h.say('zhao', '我要办 企业开办')).card).includes('第 1/'));
});

test.run();
