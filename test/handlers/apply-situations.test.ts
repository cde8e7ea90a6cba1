import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { BotHarness, cardText, cards, Player, USERS } from '../support/bot-harness.js';

const test = suite('apply dialog with situations');

let h: BotHarness;
test.before.each(async () => {
  h = await BotHarness.create();
});
test.after.each(async () => {
  await h.close();
});

/** Every card text the player got from now on. */
function recorder(p: Player): () => string {
  const seen: string[] = [];
  const say = p.say.bind(p);
  const click = p.click.bind(p);
  const upload = p.upload.bind(p);
  const keep = (effects: Awaited<ReturnType<Player['say']>>) => {
    seen.push(...cards(effects).map((c) => cardText(c.card)));
    return effects;
  };
  p.say = async (text) => keep(await say(text));
  p.click = async (text) => keep(await click(text));
  p.upload = async (...files) => keep(await upload(...files));
  return () => seen.join('\n---\n');
}

test('choosing 购买自住住房 never leads to a 租赁 question or material, and the application is filed with the 购房 deadline', async () => {
  const p = new Player(h, 'zhang');
  await p.say('我要办 住房公积金提取');
  await p.click('同意调取');
  await p.say(USERS.zhang.idCard);
  assert.match(p.card.title, '第 3/6 项');
  const after = recorder(p);
  await p.click('购买自住住房');
  assert.match(p.card.title, '第 4/7 项', 'the 购房 question is added');
  assert.match(cardText(p.card), '购房合同备案号');
  await p.say('WQ2026-000123');
  await p.say('300000');
  await p.say('6222021234567890128');
  await p.say('13800000001');
  // 不动产权证书 came from the e-licence; 购房发票 may be promised (容缺); 结婚证 is optional.
  assert.match(p.card.title, '材料');
  await p.click('承诺后补（容缺）');
  await p.click('不提供');
  assert.match(p.card.title, '核对信息');
  await p.click('提交');
  assert.match(p.card.title, /^办件 YC/);
  assert.match(cardText(p.card), '受理后3个工作日内');
  assert.not.ok(/租赁|租房/.test(after()), after());
});

test('changing the reason from the review drops the 租赁 material and walks through what the new situation needs', async () => {
  const p = new Player(h, 'zhang');
  await p.say('我要办 住房公积金提取');
  await p.click('不同意，自己填写上传');
  for (const answer of ['张三', USERS.zhang.idCard]) await p.say(answer);
  await p.click('租赁自住住房');
  for (const answer of ['1000', '6222021234567890128', '13800000001']) await p.say(answer);
  assert.match(p.card.title, '材料 1/2');
  await p.upload('身份证.jpg');
  await p.upload('租赁备案.png');
  assert.match(p.card.title, '核对信息');
  assert.match(cardText(p.card), '房屋租赁登记备案证明');
  await p.say('修改 3');
  await p.click('离休退休');
  // The new situation's own material is asked next; the amount question no longer applies.
  assert.match(p.card.title, '材料 2/2');
  assert.match(cardText(p.card), '离休或退休证明');
  await p.upload('退休证.jpg');
  const review = cardText(p.card);
  assert.match(p.card.title, '核对信息');
  assert.not.ok(review.includes('租赁'), review);
  assert.not.ok(review.includes('提取金额'), review);
  await p.click('提交');
  assert.match(p.card.title, /^办件 YC/);
});

test.run();
