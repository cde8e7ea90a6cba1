import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { startHarness, type Harness } from '../support/harness.js';
import { fileHousingFund } from '../support/apply-flow.js';
import { SimPlayer } from '../support/sim-player.js';

const journey = suite<{ h: Harness }>('e2e: a person applies from the chat, through the simulator');

journey.before.each(async (ctx) => {
  ctx.h = await startHarness();
});
journey.after.each(async (ctx) => {
  await ctx.h.close();
});

journey('个体工商户: guide, consent, bad ID re-asked, e-licence prefill, 容缺, review, 修改, 提交, application card', async ({ h }) => {
  const li = new SimPlayer(h, 'citizen-li');
  await li.say('办事指南 个体工商户');
  assert.is(li.card().title, '办事指南 · 个体工商户设立登记');
  assert.match(li.card().text, '跑动次数');
  await li.click('立即申请');
  await li.click('同意调取');
  await li.say('330102199007181534');
  assert.match(li.card().text, '身份证号校验位不正确');
  await li.say('330102199007181533');
  assert.match(li.card().text, '已从电子证照库调取并填写');
  await li.click('跳过');
  await li.say('小吃服务；日用百货销售');
  await li.say('杭州市西湖区文三路100号');
  await li.say('13800000002');
  await li.click('承诺后补（容缺）');
  assert.match(li.card().title, '核对信息');
  assert.match(li.card().text, '已承诺后补（容缺受理）');
  await li.click('修改');
  await li.click(/^下一页/);
  await li.click('修改：经营场所');
  await li.say('杭州市西湖区文三路200号');
  assert.match(li.card().text, '文三路200号');
  await li.click('提交');

  const card = li.card();
  assert.match(card.title, /^办件 YC\d{8}-\d{4}$/);
  assert.is(card.status, '已提交');
  assert.match(card.text, '市场监督管理局：待审');
  const id = card.title.slice(3);
  const app = await h.app.store.getApplication(id);
  assert.is(app?.status, 'submitted');
  assert.is(app?.fields.businessAddress, '杭州市西湖区文三路200号');
  assert.equal(
    app?.materials.map((m) => m.source),
    ['elicence', 'promised'],
  );
  assert.is(h.backoffice.submissions.size, 1, 'forwarded to the back office once');
});

journey('with a card template the whole application is ONE form card updated in place, last showing the review', async ({ h }) => {
  const li = new SimPlayer(h, 'citizen-li');
  await li.say('我要办 个体工商户');
  const form = li.card();
  await li.click('同意调取');
  await li.say('330102199007181533');
  const idStep = li.card();
  await li.click('跳过');
  await li.say('小吃服务；日用百货销售');
  // A tap on the card as an earlier step showed it (a double tap, a slow client): no question is answered.
  const dialog = await h.app.store.getDialog('user:citizen-li');
  await li.click('跳过', idStep);
  assert.equal(await h.app.store.getDialog('user:citizen-li'), dialog, 'nothing changed');
  assert.match(li.messages().at(-1) ?? '', '这一步已经处理过了');
  await li.say('杭州市西湖区文三路100号');
  await li.say('13800000002');
  await li.click('承诺后补（容缺）');
  const created = h.dingtalk.botOutput({ userId: 'citizen-li' }).filter((out) => out.via === 'card.create');
  assert.equal(
    created.map((out) => out.outTrackId),
    [form.id],
    'one card for the whole form',
  );
  const updates = h.dingtalk.botOutput({ userId: 'citizen-li' }).filter((out) => out.via === 'card.update' && out.outTrackId === form.id);
  assert.ok(updates.length >= 7, `updated at every step (${updates.length})`);
  assert.match(li.show(form.id)!.title, '核对信息');

  await li.click('提交');
  const cards = h.dingtalk.botOutput({ userId: 'citizen-li' }).filter((out) => out.via === 'card.create');
  assert.is(cards.length, 2, 'the form card and the application card');
  assert.match(li.show(form.id)!.title, '核对信息', 'the form card stays at the review it was submitted from');
  assert.match(li.card().title, /^办件 YC\d{8}-\d{4}$/);
});

journey('一次性告知: three missing items are named in exactly one message', async ({ h }) => {
  const zhao = new SimPlayer(h, 'clerk-zhao');
  await zhao.say('我要办 食品经营许可');
  await zhao.click('不同意，自己填写上传');
  await zhao.say('91330106MA27WX5B3W');
  await zhao.say('杭州西溪餐饮管理有限公司');
  await zhao.click('餐饮服务经营者');
  await zhao.say('杭州市西湖区西溪路1号');
  await zhao.click('跳过');
  await zhao.say('13800000012');
  for (let i = 0; i < 8 && !zhao.card().title.includes('核对信息'); i += 1) await zhao.click(/暂不上传|不提供/);
  const before = h.dingtalk.botOutput({ userId: 'clerk-zhao' }).length;
  await zhao.click('提交');
  const told = h.dingtalk
    .botOutput({ userId: 'clerk-zhao' })
    .slice(before)
    .filter((out) => out.via === 'card.create');
  assert.is(told.length, 1, 'exactly one message');
  const shown = zhao.show(told[0]!.outTrackId!)!;
  for (const name of ['营业执照', '法定代表人居民身份证', '经营场所平面布局图']) assert.match(shown.text, name);
});

journey('a restart in the middle of an application resumes at the same step', async ({ h }) => {
  const zhang = new SimPlayer(h, 'citizen-zhang');
  await zhang.say('我要办 公积金提取');
  await zhang.click('同意调取');
  await zhang.say('330106198503122031');
  const step = zhang.card().title;
  await h.restart();
  await zhang.click('租赁自住住房');
  assert.is(zhang.card().title, step.replace('第 3/6 项', '第 4/6 项'));
});

journey("a person cannot act on another person's card: DingTalk refuses, and a shared card starts their own dialog", async ({ h }) => {
  const zhang = new SimPlayer(h, 'citizen-zhang');
  await zhang.say('我要办 公积金提取');
  const card = zhang.card();
  const li = new SimPlayer(h, 'citizen-li');
  const refused = await li.click('同意调取', card).then(
    () => 'clicked',
    (error: Error) => error.message,
  );
  assert.match(refused, 'not delivered');

  const group = { id: 'cid-group-qyfw', title: '企业服务群' };
  await new SimPlayer(h, 'clerk-chen', group).say('办事指南 食品经营许可');
  const guide = h.dingtalk.botOutput({ conversationId: group.id }).find((out) => out.outTrackId)!;
  await new SimPlayer(h, 'clerk-zhao', group).click('立即申请', new SimPlayer(h, 'clerk-chen').show(guide.outTrackId!)!);
  assert.ok(await h.app.store.getDialog('user:clerk-zhao'), 'the clicking person gets their own dialog');
  assert.is(await h.app.store.getDialog('user:clerk-chen'), undefined, 'the card sender gets nothing');
  assert.is((await h.app.store.getDialog('user:citizen-zhang'))?.step, 'consent', 'the first dialog is untouched');
});

journey('in a group the application moves to the one-to-one chat and no personal data goes into the group', async ({ h }) => {
  const chenInGroup = new SimPlayer(h, 'clerk-chen', { id: 'cid-group-qyfw', title: '企业服务群' });
  await chenInGroup.say('我要办 食品经营许可');
  const groupOutput = () => JSON.stringify(h.dingtalk.botOutput({ conversationId: 'cid-group-qyfw' }));
  assert.match(groupOutput(), '单聊');
  const chen = new SimPlayer(h, 'clerk-chen');
  assert.match(chen.card().title, '电子证照授权');
  await chen.click('同意调取');
  await chenInGroup.say('91330106MA2H7Q3K8C');
  await chen.say('91330106MA2H7Q3K8C');
  assert.not.match(groupOutput(), '91330106MA2H7Q3K8C');
});

journey('我的办件 lists two applications, newest first, and withdraw asks for confirmation', async ({ h }) => {
  const zhang = new SimPlayer(h, 'citizen-zhang');
  const first = await fileHousingFund(zhang, '12000');
  const second = await fileHousingFund(zhang, '8000');
  await zhang.say('我的办件');
  const list = zhang.card().text;
  assert.ok(list.indexOf(second) >= 0 && list.indexOf(second) < list.indexOf(first), 'newest first');

  await zhang.say(`撤回 ${first}`);
  assert.match(zhang.card().title, '确认撤回');
  await zhang.click(/确认撤回/);
  assert.is((await h.app.store.getApplication(first))?.status, 'withdrawn');
  await h.app.outbox.drain(5_000);
  assert.ok(h.backoffice.withdrawals.has(first), 'the back office is told');
});

journey.run();
