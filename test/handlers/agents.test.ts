import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { BotHarness, cardText, Player, texts, USERS, type UserKey } from '../support/bot-harness.js';

// SAMPLE_LICENCES: 赵磊 is the legal representative of 西溪餐饮 (XIXI); 一次办科技 (YICIBAN) has 张三 as legal
// representative and 陈静 as a clerk who is not.
const XIXI = '91330106MA27WX5B3W';
const YICIBAN = '91330106MA2H7Q3K8C';

const test = suite('handlers: enterprise e-licences only for the legal representative and authorised agents');

let h: BotHarness;
test.before.each(async () => {
  h = await BotHarness.create();
});
test.after.each(async () => {
  await h.close();
});

/** Starts 食品经营许可 with consent and types the company's code; returns the card after it. */
async function applyFor(user: UserKey, uscc: string): Promise<Player> {
  const p = new Player(h, user);
  await p.say('我要办 食品经营许可');
  await p.click('同意调取');
  await p.say(uscc);
  return p;
}

const prefilled = (p: Player) => cardText(p.card).includes('已从电子证照库调取并填写');

test("the legal representative, once verified, gets the company's licences prefilled", async () => {
  assert.match(texts(await h.say('zhao', `核验身份 ${USERS.zhao.idCard}`))[0] ?? '', '已核验您的身份');
  const zhao = await applyFor('zhao', XIXI);
  assert.ok(prefilled(zhao), cardText(zhao.card));
  assert.match(cardText(zhao.card), '经营者名称、营业执照');
});

test("a person's own ID check in a personal application also makes them known as legal representative", async () => {
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 公积金提取');
  await zhang.click('同意调取');
  await zhang.say(USERS.zhang.idCard);
  await zhang.say('取消');
  const p = await applyFor('zhang', YICIBAN);
  assert.ok(prefilled(p), cardText(p.card));
});

test('anyone else is told why and asked to upload: no licence is filled in', async () => {
  const chen = await applyFor('chen', YICIBAN);
  const text = cardText(chen.card);
  assert.not.ok(prefilled(chen));
  assert.match(text, '企业电子证照只向法定代表人或其授权的经办人提供');
  assert.match(text, '授权经办人');
  assert.match(chen.card.title, '第 2/6 项', 'the applicant goes on to type the company name themselves');
  await h.say('chen', `核验身份 ${USERS.chen.idCard}`);
  const verified = await applyFor('chen', YICIBAN);
  assert.match(cardText(verified.card), '您不是该企业的法定代表人，也未获授权');
  for (let i = 0; i < 5; i += 1) await verified.say(['杭州一次办科技有限公司', '1', '杭州市西湖区文三路100号', '跳过', '13800000011'][i]!);
  assert.match(verified.card.title, '材料 1/5');
  assert.match(cardText(verified.card), '营业执照', 'then it asks for the 营业执照 as an upload');
});

test("someone else's ID number does not verify, and a stranger cannot authorise agents", async () => {
  assert.match(texts(await h.say('chen', `核验身份 ${USERS.zhao.idCard}`))[0] ?? '', '与您的钉钉实名不一致');
  assert.match(texts(await h.say('chen', `授权经办人 ${XIXI} clerk-chen`))[0] ?? '', '只有企业法定代表人或管理员可以管理经办人');
  await h.say('chen', `核验身份 ${USERS.chen.idCard}`);
  assert.equal(texts(await h.say('chen', `授权经办人 ${YICIBAN} clerk-chen`)), ['只有该企业的法定代表人或管理员可以管理经办人。']);
  const chen = await applyFor('chen', YICIBAN);
  assert.not.ok(prefilled(chen));
});

test('an agent authorised by the legal representative gets the prefill, is listed with who and when, and loses it when revoked', async () => {
  await h.say('zhang', `核验身份 ${USERS.zhang.idCard}`);
  const granted = await h.say('zhang', `授权经办人 ${YICIBAN} clerk-chen`);
  assert.match(texts(granted)[0] ?? '', '已授权 clerk-chen 为「杭州一次办科技有限公司」的经办人');
  assert.ok(
    granted.some((e) => e.type === 'send' && e.to.kind === 'user' && e.to.userId === 'clerk-chen'),
    'the agent is told',
  );
  const agent = await applyFor('chen', YICIBAN);
  assert.ok(prefilled(agent), cardText(agent.card));
  const record = await h.store.getDialog('user:clerk-chen');
  const draft = (record?.data as { state: { materials: { origin?: string }[] } } | undefined)?.state;
  assert.match(draft?.materials[0]?.origin ?? '', '经授权经办人 clerk-chen 调取', 'the application records on what right');
  await agent.say('取消');

  const listed = texts(await h.say('zhang', `经办人列表 ${YICIBAN}`))[0] ?? '';
  assert.match(listed, '「杭州一次办科技有限公司」的经办人');
  assert.match(listed, 'clerk-chen（2026年1月5日 10:00 由法定代表人 citizen-zhang 授权）');

  h.advance(60_000);
  assert.match(texts(await h.say('zhang', `撤销经办人 ${YICIBAN} clerk-chen`))[0] ?? '', '已撤销 clerk-chen');
  const revoked = await applyFor('chen', YICIBAN);
  assert.not.ok(prefilled(revoked));
  const after = texts(await h.say('zhang', `经办人列表 ${YICIBAN}`))[0] ?? '';
  assert.match(after, '经办人：暂无');
  assert.match(after, '2026年1月5日 10:00 法定代表人 citizen-zhang 授权 clerk-chen');
  assert.match(after, '2026年1月5日 10:01 法定代表人 citizen-zhang 撤销 clerk-chen');
});

test('an admin (ADMIN_USER_IDS) may authorise and revoke an agent too; the agent may not pass it on', async () => {
  assert.match(texts(await h.say('admin', `授权经办人 ${XIXI} clerk-chen`))[0] ?? '', '已授权 clerk-chen');
  assert.match(texts(await h.say('admin', `经办人列表 ${XIXI}`))[0] ?? '', '由管理员 admin-liu 授权');
  const agent = await applyFor('chen', XIXI);
  assert.ok(prefilled(agent));
  await h.say('chen', `核验身份 ${USERS.chen.idCard}`);
  assert.match(texts(await h.say('chen', `授权经办人 ${XIXI} citizen-li`))[0] ?? '', '只有该企业的法定代表人或管理员可以管理经办人');
  assert.match(texts(await h.say('admin', `撤销经办人 ${XIXI} clerk-chen`))[0] ?? '', '已撤销');
});

test.run();
