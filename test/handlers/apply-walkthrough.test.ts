import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { BotHarness, cardText, Player, sends, USERS } from '../support/bot-harness.js';
import { onlyIdCard, readDialog, ZHAO_USCC } from './apply-fixtures.js';

const test = suite('handlers: apply — whole applications and 一次性告知');

let h: BotHarness;

test.before.each(async () => {
  h = await BotHarness.create({ licences: onlyIdCard() });
});
test.after.each(async () => {
  await h.close();
});

const dialogOf = (user: keyof typeof USERS) => readDialog(h, user);

test('a whole 个体工商户 application: consult, consent, bad ID re-asked, e-licence prefill, 容缺, review, 修改, 提交', async () => {
  const zhang = new Player(h, 'zhang');
  await zhang.say('办事指南 个体工商户设立登记');
  assert.is(zhang.card.title, '办事指南 · 个体工商户设立登记');
  await zhang.click('立即申请');
  assert.match(zhang.card.title, '电子证照授权');
  await zhang.click('同意调取');
  assert.is(zhang.card.title, '个体工商户设立登记 · 第 1/6 项');
  assert.match(cardText(zhang.card), '经营者身份证号');

  await zhang.say('330106198503122032');
  assert.match(cardText(zhang.card), '身份证号校验位不正确');
  assert.is(zhang.card.status?.text, '请重新填写');

  await zhang.say(USERS.zhang.idCard);
  const afterLookup = cardText(zhang.card);
  assert.match(afterLookup, '已从电子证照库调取并填写：经营者姓名、经营者居民身份证');
  assert.is(zhang.card.title, '个体工商户设立登记 · 第 3/6 项', 'the pre-filled name is not asked');
  assert.match(afterLookup, '个体工商户名称');
  await zhang.click('跳过');
  await zhang.say('小吃服务；日用百货销售');
  await zhang.say('杭州市西湖区文三路100号');
  await zhang.say('138 0000 0001');
  assert.is(zhang.card.title, '个体工商户设立登记 · 材料 2/2', 'the e-licence material is not asked');
  assert.match(cardText(zhang.card), '经营场所使用证明');
  await zhang.click('承诺后补（容缺）');

  assert.match(zhang.card.title, '核对信息');
  const review = cardText(zhang.card);
  assert.match(review, '张三（来源：电子证照·居民身份证（杭州市公安局西湖分局））');
  assert.match(review, '电子证照（杭州市公安局西湖分局）');
  assert.match(review, '已承诺后补（容缺受理）');
  assert.match(review, '13800000001');

  await zhang.click('修改');
  await zhang.click('下一页（1/2）');
  await zhang.click('修改：经营场所');
  assert.match(cardText(zhang.card), '杭州市西湖区文三路100号', 'the current value is shown');
  await zhang.say('杭州市西湖区文三路200号');
  assert.match(zhang.card.title, '核对信息', 'back to the review after the change');
  assert.match(cardText(zhang.card), '文三路200号');

  const effects = await zhang.click('提交');
  assert.match(zhang.card.title, /^办件 YC20260105-\d{4}$/);
  const id = zhang.card.title.slice(3);
  const app = await h.store.getApplication(id);
  assert.ok(app);
  assert.is(app.status, 'submitted');
  assert.is(app.rev, 1);
  assert.is(app.applicant.name, '张三');
  assert.equal(app.fields, {
    operatorIdNumber: USERS.zhang.idCard,
    operatorName: '张三',
    businessScope: '小吃服务；日用百货销售',
    businessAddress: '杭州市西湖区文三路200号',
    phone: '13800000001',
  });
  assert.equal(
    app.materials.map((m) => [m.id, m.source]),
    [
      ['operator-id', 'elicence'],
      ['premises-proof', 'promised'],
    ],
  );
  assert.is(app.channel.cardId, sends(effects).find((s) => s.message.card)?.message.cardId);
  assert.match(cardText(zhang.card), '市场监督管理局：待审');
  assert.match(cardText(zhang.card), '受理后1个工作日内');
  const jobs = await h.store.dueJobs(Number.MAX_SAFE_INTEGER, 100);
  const submit = jobs.filter((j) => j.kind === 'backoffice.submit');
  assert.equal(
    submit.map((j) => [j.key, j.payload]),
    [[id, { applicationId: id }]],
  );
  assert.is(await dialogOf('zhang'), undefined, 'the dialog is over');
});

test('a whole 食品经营许可 application for a company: bad USCC re-asked, licence prefill, choice click, uploads, 容缺', async () => {
  const zhao = new Player(h, 'zhao');
  await h.say('zhao', `核验身份 ${USERS.zhao.idCard}`);
  await zhao.say('我要办 食品经营许可');
  await zhao.click('同意调取');
  await zhao.say('91330106MA27WX5B3X');
  assert.match(cardText(zhao.card), '统一社会信用代码校验位不正确');
  await zhao.say(ZHAO_USCC);
  assert.match(cardText(zhao.card), '经营者名称、营业执照');
  assert.is(zhao.card.title, '食品经营许可（新办） · 第 3/6 项');
  await zhao.click('餐饮服务经营者');
  await zhao.say('杭州市西湖区西溪路1号');
  await zhao.say('2026年2月1日');
  await zhao.say('13800000012');
  assert.match(cardText(zhao.card), '法定代表人居民身份证');
  await zhao.upload('法人身份证正面.jpg', '法人身份证反面.jpg');
  await zhao.upload('平面图.pdf');
  await zhao.click('承诺后补（容缺）');
  await zhao.click('不提供');
  assert.match(zhao.card.title, '核对信息');
  await zhao.click('提交');
  const app = await h.store.getApplication(zhao.card.title.slice(3));
  assert.ok(app);
  assert.is(app.fields.companyName, '杭州西溪餐饮管理有限公司');
  assert.is(app.fields.businessType, '餐饮服务经营者');
  assert.is(app.fields.openingDate, '2026-02-01');
  assert.equal(
    app.materials.map((m) => [m.id, m.source]),
    [
      ['business-licence', 'elicence'],
      ['legal-rep-id', 'upload'],
      ['floor-plan', 'upload'],
      ['safety-rules', 'promised'],
    ],
  );
  assert.is(app.materials[1]!.fileName, '法人身份证正面.jpg、法人身份证反面.jpg');
});

test('一次性告知: three missing materials are named in exactly one message, and fixing one leaves the other two', async () => {
  const zhao = new Player(h, 'zhao');
  await zhao.say('我要办 食品经营许可');
  await zhao.click('不同意，自己填写上传');
  for (const answer of [ZHAO_USCC, '杭州西溪餐饮管理有限公司', '1', '杭州市西湖区西溪路1号']) await zhao.say(answer);
  await zhao.click('跳过');
  await zhao.say('13800000012');
  for (let i = 0; i < 3; i += 1) await zhao.click('暂不上传');
  await zhao.click('承诺后补（容缺）');
  await zhao.click('不提供');
  const effects = await zhao.click('提交');
  const messages = sends(effects);
  assert.is(messages.length, 1, 'one message');
  const told = cardText(messages[0]!.message.card!);
  for (const name of ['营业执照', '法定代表人居民身份证', '经营场所平面布局图']) assert.match(told, name);
  assert.match(told, '还有 3 项需要补充');
  assert.match(told, '请上传营业执照或授权调取电子证照');
  assert.is((await h.store.findApplications({ applicantId: USERS.zhao.userId })).total, 0, 'nothing submitted');

  await zhao.click('补充：营业执照');
  await zhao.upload('营业执照.jpg');
  assert.match(zhao.card.title, '核对信息');
  const again = await zhao.click('提交');
  assert.is(sends(again).length, 1);
  assert.match(cardText(zhao.card), '还有 2 项需要补充');
  assert.not.match(cardText(zhao.card), '1. **营业执照**');
});

test.run();
