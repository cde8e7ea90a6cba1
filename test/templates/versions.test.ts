import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Matter } from '../../src/domain/types.js';
import { BotHarness, cardText, lastCard, Player, submitIndividualBusiness, texts, USERS } from '../support/bot-harness.js';

const test = suite('template versions in the bot');

let h: BotHarness;
test.before.each(async () => {
  h = await BotHarness.create();
});
test.after.each(async () => {
  await h.close();
});

const INDIVIDUAL = 'individual-business';

/** Publishes the next version of a matter the way an admin does, changed by `change`. */
function publishNext(id: string, change: (m: Matter) => Partial<Matter>): Matter {
  const current = h.catalogue.get(id)!;
  const next = { ...current, ...change(current), version: current.version + 1 };
  h.catalogue.publish(next);
  return next;
}

test("an application filed under v1 keeps v1's fields and deadline after v2 is published; new guides show v2", async () => {
  const v1 = h.catalogue.get(INDIVIDUAL)!;
  const id = await submitIndividualBusiness(h, 'zhang');
  const v2 = publishNext(INDIVIDUAL, (m) => ({
    timeLimit: { legalDays: 20, promisedDays: 9 },
    fields: [...m.fields, { key: 'shopName', label: '店铺招牌名称', type: 'text', required: true }],
  }));

  const guide = lastCard(await h.say('li', '办事指南 个体工商户设立登记'));
  assert.match(cardText(guide.card), '9个工作日（法定20个工作日）');

  const shown = cardText(lastCard(await h.say('zhang', `查询 ${id}`)).card);
  assert.match(shown, `个体工商户设立登记（第${v1.version}版）`);
  assert.match(shown, `受理后${v1.timeLimit.promisedDays}个工作日内`);
  assert.not.ok(shown.includes('店铺招牌名称'));

  const accepted = await h.backoffice({ eventId: 'ev-accept', applicationId: id, status: 'accepted', at: h.now.toISOString() });
  assert.is(accepted.status, 'applied');
  const app = (await h.store.getApplication(id))!;
  assert.equal(app.matter.version, v1.version);
  // Accepted on Monday 2026-01-05 with v1's promised days, not v2's 9.
  assert.ok(app.deadline! < '2026-01-14', `deadline ${app.deadline} follows v1`);
  assert.is(v2.version, v1.version + 1);
});

test('an open draft moves to the new version once: kept answers stay, the new question is asked', async () => {
  const p = new Player(h, 'li');
  await p.say('我要办 个体工商户设立登记');
  await p.click('不同意，自己填写上传');
  await p.say(USERS.li.name);
  await p.say(USERS.li.idCard);
  const v2 = publishNext(INDIVIDUAL, (m) => ({
    fields: [{ key: 'shopName', label: '店铺招牌名称', type: 'text', required: true }, ...m.fields],
  }));
  await p.say('小吃服务');
  const card = cardText(p.card);
  assert.match(card, `办理要求已更新（第${v2.version}版）`);
  assert.match(card, '店铺招牌名称');
  await p.say('老李小吃');
  assert.not.ok(cardText(p.card).includes('办理要求已更新'), 'told once');
  const dialog = await h.store.getDialog('user:citizen-li');
  const draft = (dialog!.data as { state: { matterVersion: number; fields: Record<string, string> } }).state;
  assert.is(draft.matterVersion, v2.version);
  assert.is(draft.fields.shopName, '老李小吃');
  assert.is(Object.keys(draft.fields).filter((k) => k !== 'shopName').length, 2, 'the name and ID number were kept');
  assert.match(p.card.title, '第 4/7 项', 'then on to the first question not answered yet');
});

test('retiring stops new applications and open drafts, never filed applications', async () => {
  const id = await submitIndividualBusiness(h, 'zhang');
  const p = new Player(h, 'li');
  await p.say('我要办 个体工商户设立登记');
  h.catalogue.retire(INDIVIDUAL);
  const told = texts(await p.click('不同意，自己填写上传')).join('\n');
  assert.match(told, '已停止受理新的申请');
  assert.not.ok(cardText(lastCard(await h.say('li', '我要办 个体工商户设立登记')).card).includes('第 1/'), 'no new application');
  assert.match(cardText(lastCard(await h.say('zhang', `查询 ${id}`)).card), '个体工商户设立登记');
});

test.run();
