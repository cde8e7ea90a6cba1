import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Matter } from '../../src/domain/types.js';
import type { Effect } from '../../src/bot/effects.js';
import { timerEvent, type TimerJobPayload } from '../../src/bot/inbound.js';
import { saveDraft } from '../../src/templates/matter-admin.js';
import {
  BotHarness,
  cardText,
  cardUpdates,
  lastCard,
  Player,
  sends,
  submitIndividualBusiness,
  texts,
  USERS,
} from '../support/bot-harness.js';

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

/** An admin edits the draft the way the API does: `change` applied to the current version. */
async function draftOf(id: string, change: (m: Matter) => Partial<Matter>): Promise<void> {
  const current = h.catalogue.get(id)!;
  const saved = await saveDraft(
    h.store,
    id,
    { ...current, ...change(current) },
    {
      now: h.now.getTime(),
      actor: { type: 'admin', id: 'admin-liu' },
      newId: () => `audit-${id}`,
    },
  );
  if (saved.status !== 'ok') throw new Error(`draft refused: ${JSON.stringify(saved)}`);
  await h.store.commit({ records: { put: saved.records } });
}

/** Runs the timers that came due, as the outbox does (each one as its own event; `twice` replays each, deduped). */
async function runTimers(twice = false): Promise<Effect[]> {
  const jobs = (await h.store.dueJobs(h.now.getTime(), 1_000)).filter((job) => job.kind === 'timer');
  const effects: Effect[] = [];
  for (const job of jobs) {
    const event = timerEvent(job.payload as TimerJobPayload, h.now.getTime());
    effects.push(...(await h.run(event)));
    if (twice) effects.push(...(await h.run(event)));
    await h.store.commit({ jobs: { remove: [job.id] } });
  }
  return effects;
}

const toLi = (effects: Effect[]) =>
  effects.filter((e) => (e.type === 'send' || e.type === 'card.update') && e.to.kind === 'user' && e.to.userId === USERS.li.userId);

test('a publish in the chat tells a person with an open draft at once and once, and moves the form card to the new question', async () => {
  const p = new Player(h, 'li');
  await p.say('我要办 个体工商户设立登记');
  await p.click('不同意，自己填写上传');
  await p.say(USERS.li.name);
  const form = p.current!.cardId;
  await draftOf(INDIVIDUAL, (m) => ({ fields: [{ key: 'shopName', label: '店铺招牌名称', type: 'text', required: true }, ...m.fields] }));
  const admin = new Player(h, 'admin');
  await admin.say('发布 个体工商户设立登记');
  const published = await admin.click('确认发布');
  assert.ok(
    published.some((e) => e.type === 'timer'),
    'the publish commits the timer with the new version',
  );
  assert.equal(toLi(published), [], 'nothing is said to the applicant in the admin’s own decision');

  const told = toLi(await runTimers(true));
  assert.equal(
    texts(told).filter((t) => t.includes('办理要求已更新')),
    [`事项「个体工商户设立登记」的办理要求已更新（第${h.catalogue.get(INDIVIDUAL)!.version}版）。已保留您填写的内容，请补充新增的事项。`],
    'one message, even with the timer run twice',
  );
  const [update] = cardUpdates(told);
  assert.is(update?.cardId, form, 'the form card itself shows the new question');
  assert.match(cardText(update!.card), '店铺招牌名称');
  assert.equal(sends(told).length, 1, 'no new card');

  // A redelivered publish (the same click again) changes nothing: there is no draft left to publish.
  const again = await h.click('admin', admin.current!.cardId, admin.card.buttons!.find((b) => b.text === '确认发布')!);
  assert.not.ok(
    again.some((e) => e.type === 'timer'),
    'no second timer',
  );
  assert.equal(toLi(await runTimers()), []);
  p.current = { cardId: form, card: update!.card };
  await p.say('老李小吃');
  assert.not.ok(cardText(p.card).includes('办理要求已更新'), 'not told again at the next step');
  const draft = (await h.store.getDialog('user:citizen-li'))!.data as { state: { fields: Record<string, string> } };
  assert.equal(draft.state.fields.shopName, '老李小吃');
});

test('without a card template the notice comes on the form posted anew: still one message', async () => {
  await h.close();
  h = await BotHarness.create({ cardsInPlace: false });
  const p = new Player(h, 'li');
  await p.say('我要办 个体工商户设立登记');
  await p.click('不同意，自己填写上传');
  await draftOf(INDIVIDUAL, (m) => ({ fields: [{ key: 'shopName', label: '店铺招牌名称', type: 'text', required: true }, ...m.fields] }));
  const admin = new Player(h, 'admin');
  await admin.say('发布 个体工商户设立登记');
  await admin.click('确认发布');
  const told = toLi(await runTimers(true));
  assert.equal(cardUpdates(told), []);
  assert.equal(texts(told), []);
  const [posted] = sends(told);
  assert.is(sends(told).length, 1);
  assert.match(cardText(posted!.message.card!), '办理要求已更新');
  assert.match(cardText(posted!.message.card!), '店铺招牌名称');
});

test('a retire tells a person with an open draft at once, closes the form card, and tells nobody twice', async () => {
  const p = new Player(h, 'li');
  await p.say('我要办 个体工商户设立登记');
  const form = p.current!.cardId;
  const admin = new Player(h, 'admin');
  await admin.say('停用 个体工商户设立登记');
  await admin.click('确认停用');
  const told = toLi(await runTimers(true));
  assert.equal(texts(told), ['「个体工商户设立登记」已停止受理新的申请，您填写的内容没有提交。已提交的办件不受影响。']);
  const [closed] = cardUpdates(told);
  assert.is(closed?.cardId, form);
  assert.is(closed?.card.buttons, undefined, 'nothing left to click on the form');
  assert.is(await h.store.getDialog('user:citizen-li'), undefined);
});

test.run();
