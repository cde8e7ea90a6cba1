import * as assert from 'uvu/assert';
import { BotHarness, buttonOf, cardText, cards, Player, texts, USERS } from '../support/bot-harness.js';
import { suite } from '../support/suite.js';

const test = suite('apply dialog polish: second 提交, timeline words, file names');

let h: BotHarness;
test.before.each(async () => {
  h = await BotHarness.create();
});
test.after.each(async () => {
  await h.close();
});

/** 个体工商户设立登记 up to the review, with a photo and a named file. */
async function toReview(p: Player): Promise<void> {
  await p.say('我要办 个体工商户设立登记');
  await p.click('不同意，自己填写上传');
  await p.say(USERS.li.name);
  await p.say(USERS.li.idCard);
  await p.click('跳过');
  for (const answer of ['小吃服务', '杭州市西湖区文三路100号', '13800000002']) await p.say(answer);
  await p.upload('身份证.jpg');
  await p.upload('租赁合同.pdf');
}

test('a second tap on 提交 answers with the application and its status, not 没听懂', async () => {
  const p = new Player(h, 'li');
  await toReview(p);
  const review = p.current!;
  assert.match(review.card.title, '核对信息');
  await p.click('提交');
  const id = /^办件 (\S+)$/.exec(p.card.title)![1]!;
  const again = await h.click('li', review.cardId, buttonOf(review.card, '提交'));
  assert.match(texts(again).join(''), `申请已提交，无需重复提交。办件 ${id} 当前状态：已提交`);
  assert.equal(
    cards(again).map((c) => c.card.title),
    [`办件 ${id}`],
  );
  assert.is((await h.store.findApplications({ applicantId: USERS.li.userId })).total, 1, 'nothing filed twice');
});

test('a second tap on 提交 of an older form card names the application filed on that card, not the newest one', async () => {
  const p = new Player(h, 'li');
  await toReview(p);
  const first = p.current!;
  await p.click('提交');
  const firstId = /^办件 (\S+)$/.exec(p.card.title)![1]!;
  await toReview(p);
  assert.is.not(p.current!.cardId, first.cardId, 'a new application, a new form card');
  await p.click('提交');
  const again = await h.click('li', first.cardId, buttonOf(first.card, '提交'));
  assert.match(texts(again).join(''), `办件 ${firstId} 当前状态`);
  assert.is((await h.store.findApplications({ applicantId: USERS.li.userId })).total, 2);
});

test('the timeline names the department, writes dates in Chinese and the rating by its word (非常满意); files keep their names', async () => {
  const p = new Player(h, 'li');
  await toReview(p);
  assert.match(cardText(p.card), '身份证.jpg');
  await p.click('提交');
  const id = /^办件 (\S+)$/.exec(p.card.title)![1]!;
  let n = 0;
  const bo = (status: string, extra: object = {}) =>
    h.backoffice({ eventId: `e${(n += 1)}`, applicationId: id, status, at: h.now.toISOString(), ...extra } as never);
  await bo('accepted');
  await bo('department_approved', { department: 'scjg' });
  await bo('department_approved', { department: 'sw' });
  await bo('delivered', { result: { type: 'elicence', licenseNo: 'GT-1' } });
  await h.say('li', `评价 ${id} 5`);
  const shown = cardText(cards(await h.say('li', `查询 ${id}`)).at(-1)!.card);
  assert.match(shown, '部门同意（市场监督管理局）');
  assert.match(shown, /受理：承诺 2026年1月\d+日 前办结/);
  assert.match(shown, '评价：非常满意');
  assert.not.ok(/\d{4}-\d{2}-\d{2}/.test(shown), shown);
});

test("the applicant's DingTalk name is offered for their name, not retyped; another name can still be typed", async () => {
  const p = new Player(h, 'li');
  await p.say('我要办 个体工商户设立登记');
  await p.click('不同意，自己填写上传');
  assert.match(p.card.title, '第 1/');
  await p.click('使用钉钉实名：李四');
  assert.match(p.card.title, '第 2/');
  const state = ((await h.store.getDialog('user:citizen-li'))!.data as { state: { fields: Record<string, string> } }).state;
  assert.equal(Object.values(state.fields), ['李四']);
  await p.click('上一步');
  assert.not.ok(
    p.card.buttons!.some((b) => b.text.startsWith('使用钉钉实名')),
    'no offer once answered: 保持不变 instead',
  );
  await p.say('李小四');
  const after = ((await h.store.getDialog('user:citizen-li'))!.data as { state: { fields: Record<string, string> } }).state;
  assert.equal(Object.values(after.fields), ['李小四']);
});

test.run();
