import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { BotHarness, buttonOf, cardText, cardUpdates, Player, texts, USERS } from '../support/bot-harness.js';
import { onlyIdCard, readDialog, ZHAO_USCC } from './apply-fixtures.js';

const test = suite('handlers: apply — cards and input that are refused');

let h: BotHarness;

test.before.each(async () => {
  h = await BotHarness.create({ licences: onlyIdCard() });
});
test.after.each(async () => {
  await h.close();
});

const dialogOf = (user: keyof typeof USERS) => readDialog(h, user);

test("a second user cannot click the first user's card, and nothing changes", async () => {
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 个体工商户设立登记');
  await zhang.click('不同意，自己填写上传');
  const before = await dialogOf('zhang');
  const li = new Player(h, 'li');
  li.current = zhang.current;
  const effects = await li.click('取消办理');
  assert.equal(texts(effects), ['这张卡片不是发给您的']);
  assert.equal(await dialogOf('zhang'), before);
  assert.is(await dialogOf('li'), undefined);
});

test('a click on the form card as an earlier step showed it (a double tap) answers no question and changes nothing', async () => {
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 个体工商户设立登记');
  await zhang.click('不同意，自己填写上传');
  const old = zhang.current!;
  await zhang.say('张三');
  assert.is(zhang.current!.cardId, old.cardId, 'one form card, updated in place');
  assert.is.not(buttonOf(zhang.card, '上一步').params?.step, buttonOf(old.card, '上一步').params?.step);
  const before = await dialogOf('zhang');
  zhang.current = old;
  const effects = await zhang.click('上一步');
  assert.equal(texts(effects), ['这一步已经处理过了，请按卡片上现在的内容继续']);
  assert.equal(effects.length, 1);
  assert.equal(await dialogOf('zhang'), before);
});

test('without a card template every step is a new card, and a click on an older one is stale', async () => {
  await h.close();
  h = await BotHarness.create({ licences: onlyIdCard(), cardsInPlace: false });
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 个体工商户设立登记');
  await zhang.click('不同意，自己填写上传');
  const old = zhang.current!;
  await zhang.say('张三');
  assert.is.not(zhang.current!.cardId, old.cardId);
  const before = await dialogOf('zhang');
  zhang.current = old;
  const effects = await zhang.click('上一步');
  assert.equal(texts(effects), ['这张卡片已过期，请在最新的卡片上操作']);
  assert.equal(await dialogOf('zhang'), before);
});

test('a forged choice value is validated like typed input', async () => {
  const zhao = new Player(h, 'zhao');
  await zhao.say('我要办 食品经营许可');
  await zhao.click('不同意，自己填写上传');
  await zhao.say(ZHAO_USCC);
  await zhao.say('杭州西溪餐饮管理有限公司');
  const choice = zhao.card.buttons!.find((b) => b.text === '单位食堂')!;
  const effects = await h.click('zhao', zhao.current!.cardId, { ...choice, params: { ...choice.params, value: '<script>' } });
  const card = cardUpdates(effects)[0]!.card;
  assert.match(cardText(card), '请从以下选项中选择');
  assert.is((await dialogOf('zhao'))?.draft.fields.businessType, undefined);
});

test('a file sent while a field is asked does not count as its answer', async () => {
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 个体工商户设立登记');
  await zhang.click('不同意，自己填写上传');
  await zhang.say('张三');
  await zhang.say(USERS.zhang.idCard);
  await zhang.upload('照片.jpg');
  assert.match(cardText(zhang.card), '这一项请直接回复文字');
  assert.is(zhang.card.title, '个体工商户设立登记 · 第 3/6 项', 'the optional field is not skipped');
});

test('a required field cannot be skipped', async () => {
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 个体工商户设立登记');
  await zhang.click('不同意，自己填写上传');
  await zhang.say('跳过');
  assert.match(cardText(zhang.card), '「经营者姓名」为必填项，不能跳过');
});

test.run();
