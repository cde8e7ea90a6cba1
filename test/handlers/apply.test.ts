import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { DialogEnvelope } from '../../src/bot/dialog.js';
import { createElicenceSource } from '../../src/elicence/source.js';
import type { ApplyDraft } from '../../handlers/apply/draft.js';
import { BotHarness, cardText, Player, SAMPLE_LICENCES, sends, tableLicences, texts, USERS } from '../support/bot-harness.js';

const test = suite('handlers: apply');

let h: BotHarness;
const ZHAO_USCC = '91330106MA27WX5B3W';
const onlyIdCard = () => tableLicences({ [USERS.zhang.idCard]: SAMPLE_LICENCES[USERS.zhang.idCard]!.filter((l) => l.type === '居民身份证'), [ZHAO_USCC]: SAMPLE_LICENCES[ZHAO_USCC]!, [USERS.zhao.idCard]: SAMPLE_LICENCES[USERS.zhao.idCard]! });

test.before.each(async () => {
  h = await BotHarness.create({ licences: onlyIdCard() });
});
test.after.each(async () => {
  await h.close();
});

async function dialogOf(user: keyof typeof USERS) {
  const record = await h.store.getDialog(`user:${USERS[user].userId}`);
  return record && { step: record.step, draft: (record.data as DialogEnvelope<ApplyDraft>).state, cardId: (record.data as DialogEnvelope<ApplyDraft>).cardId };
}

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
  assert.equal(app.materials.map((m) => [m.id, m.source]), [['operator-id', 'elicence'], ['premises-proof', 'promised']]);
  assert.is(app.channel.cardId, sends(effects).find((s) => s.message.card)?.message.cardId);
  assert.match(cardText(zhang.card), '市场监督管理局：待审');
  assert.match(cardText(zhang.card), '受理后1个工作日内');
  const jobs = await h.store.dueJobs(Number.MAX_SAFE_INTEGER, 100);
  const submit = jobs.filter((j) => j.kind === 'backoffice.submit');
  assert.equal(submit.map((j) => [j.key, j.payload]), [[id, { applicationId: id }]]);
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
  assert.equal(app.materials.map((m) => [m.id, m.source]), [
    ['business-licence', 'elicence'],
    ['legal-rep-id', 'upload'],
    ['floor-plan', 'upload'],
    ['safety-rules', 'promised'],
  ]);
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

test('a second user cannot click the first user\'s card, and nothing changes', async () => {
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

test('a click on an older card of the dialog is stale and changes nothing', async () => {
  const zhang = new Player(h, 'zhang');
  await zhang.say('我要办 个体工商户设立登记');
  await zhang.click('不同意，自己填写上传');
  const old = zhang.current;
  await zhang.say('张三');
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
  const card = sends(effects)[0]!.message.card!;
  assert.match(cardText(card), '请从以下选项中选择');
  assert.is((await dialogOf('zhao'))?.draft.fields.businessType, undefined);
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
  assert.equal(toUser.map((s) => s.to), [{ kind: 'user', userId: USERS.chen.userId }]);
  assert.match(toUser[0]!.message.card!.title, '电子证照授权');
  assert.is((await dialogOf('chen'))?.step, 'consent');
  const chen = new Player(h, 'chen');
  chen.current = { card: toUser[0]!.message.card!, cardId: toUser[0]!.message.cardId! };
  await chen.click('同意调取');
  const answer = await chen.say('91330106MA2H7Q3K8C');
  assert.ok(sends(answer).every((s) => s.to.kind === 'user'));
  const group = await h.sayInGroup('chen', '91330106MA2H7Q3K8C');
  assert.ok(sends(group).every((s) => s.to.kind !== 'group' || !JSON.stringify(s).includes('91330106MA2H7Q3K8C')), 'the group dialog input is not echoed');
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
  await h.store.commit({ dialogs: { put: [{ ...record, version: 99 }] } });
  const effects = await zhang.say('同意');
  assert.match(texts(effects)[0] ?? '', '办理流程已更新');
  assert.is(await dialogOf('zhang'), undefined);
});

test.run();
