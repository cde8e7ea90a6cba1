import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { createElicenceSource } from '../../src/elicence/source.js';
import { BotHarness, cardText, Player, USERS } from '../support/bot-harness.js';
import { onlyIdCard, readDialog } from './apply-fixtures.js';

const test = suite('handlers: apply — e-licence lookup');

let h: BotHarness;

test.before.each(async () => {
  h = await BotHarness.create({ licences: onlyIdCard() });
});
test.after.each(async () => {
  await h.close();
});

const dialogOf = (user: keyof typeof USERS) => readDialog(h, user);

test('an unavailable e-licence service means uploading, and the application goes on', async () => {
  await h.close();
  const licences = onlyIdCard();
  licences.down = true;
  h = await BotHarness.create({ licences });
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 个体工商户设立登记');
  await zhang.click('同意调取');
  await zhang.say(USERS.zhang.idCard);
  assert.match(cardText(zhang.card), '电子证照服务暂不可用，请上传');
  assert.is(zhang.card.title, '个体工商户设立登记 · 第 2/6 项');
});

test('licences of someone else are not fetched for a person', async () => {
  const li = new Player(h, 'li');
  await li.say('我要办 个体工商户设立登记');
  await li.click('同意调取');
  await li.say(USERS.zhang.idCard);
  assert.match(cardText(li.card), '持有人与您的钉钉实名不一致');
  assert.equal((await dialogOf('li'))?.draft.materials, []);
});

test('with the sandbox e-licence sample data, consent fills the name and both materials', async () => {
  await h.close();
  h = await BotHarness.create({ licences: createElicenceSource({}) });
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 个体工商户设立登记');
  await zhang.click('同意调取');
  await zhang.say(USERS.zhang.idCard);
  assert.match(cardText(zhang.card), '经营者姓名、经营者居民身份证、经营场所使用证明');
});

test.run();
