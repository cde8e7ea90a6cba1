import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { BotHarness, cardText, Player, sends, texts, USERS } from '../support/bot-harness.js';
import { onlyIdCard, readDialog } from './apply-fixtures.js';

const test = suite('handlers: apply — dialog navigation, restarts, groups and expiry');

let h: BotHarness;

test.before.each(async () => {
  h = await BotHarness.create({ licences: onlyIdCard() });
});
test.after.each(async () => {
  await h.close();
});

const dialogOf = (user: keyof typeof USERS) => readDialog(h, user);

test('a restart in the middle of an application resumes at the same step', async () => {
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 个体工商户设立登记');
  await zhang.click('不同意，自己填写上传');
  await zhang.say('张三');
  assert.is(zhang.card.title, '个体工商户设立登记 · 第 2/6 项');
  await h.restart();
  await zhang.say(USERS.zhang.idCard);
  assert.is(zhang.card.title, '个体工商户设立登记 · 第 3/6 项');
  assert.equal((await dialogOf('zhang'))?.draft.fields, { operatorName: '张三', operatorIdNumber: USERS.zhang.idCard });
});

test('上一步 goes back and shows the answer given, 取消 ends the dialog', async () => {
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 个体工商户设立登记');
  await zhang.click('不同意，自己填写上传');
  await zhang.say('张三');
  await zhang.say('上一步');
  assert.is(zhang.card.title, '个体工商户设立登记 · 第 1/6 项');
  assert.match(cardText(zhang.card), '当前填写：张三');
  await zhang.click('保持不变');
  assert.is(zhang.card.title, '个体工商户设立登记 · 第 2/6 项');
  const effects = await zhang.say('取消');
  assert.match(texts(effects)[0] ?? '', '已取消「个体工商户设立登记」的办理');
  assert.is(await dialogOf('zhang'), undefined);
});

test('global commands still work in the middle of an application', async () => {
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 个体工商户设立登记');
  await zhang.click('不同意，自己填写上传');
  const effects = await h.say('zhang', '帮助');
  assert.is(sends(effects)[0]?.message.card?.title, '一次办 · 我能帮您做什么');
  assert.is((await dialogOf('zhang'))?.step, 'field');
});

test('in a group the application moves to the one-to-one chat and nothing personal goes into the group', async () => {
  const effects = await h.sayInGroup('chen', '我要办 食品经营许可');
  const toGroup = sends(effects).filter((s) => s.to.kind === 'group');
  assert.is(toGroup.length, 1);
  assert.match(toGroup[0]!.message.text ?? '', '已转到与我的单聊中继续办理');
  const toUser = sends(effects).filter((s) => s.to.kind === 'user');
  assert.equal(
    toUser.map((s) => s.to),
    [{ kind: 'user', userId: USERS.chen.userId }],
  );
  assert.match(toUser[0]!.message.card!.title, '电子证照授权');
  assert.is((await dialogOf('chen'))?.step, 'consent');
  const chen = new Player(h, 'chen');
  chen.current = { card: toUser[0]!.message.card!, cardId: toUser[0]!.message.cardId! };
  await chen.click('同意调取');
  const answer = await chen.say('91330106MA2H7Q3K8C');
  assert.ok(sends(answer).every((s) => s.to.kind === 'user'));
  const group = await h.sayInGroup('chen', '91330106MA2H7Q3K8C');
  assert.ok(
    sends(group).every((s) => s.to.kind !== 'group' || !JSON.stringify(s).includes('91330106MA2H7Q3K8C')),
    'the group dialog input is not echoed',
  );
});

test('an application idle for more than 24 hours expires with a notice on the next input', async () => {
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 个体工商户设立登记');
  await zhang.click('不同意，自己填写上传');
  h.advance(24 * 60 * 60 * 1000 + 1);
  const effects = await zhang.say('张三');
  assert.equal(texts(effects)[0], '上次的办理已超过24小时未操作，已自动取消');
  assert.is(await dialogOf('zhang'), undefined);
});

test('stored state of another dialog version is discarded with a notice', async () => {
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 个体工商户设立登记');
  const record = (await h.store.getDialog(`user:${USERS.zhang.userId}`))!;
  await h.store.commit({ dialogs: { put: [{ ...record, version: 99, rev: record.rev! + 1 }] } });
  const effects = await zhang.say('同意');
  assert.match(texts(effects)[0] ?? '', '办理流程已更新');
  assert.is(await dialogOf('zhang'), undefined);
});

test.run();
