// 投诉 and 咨询 in the bot on a fake clock: a complaint is written in a short dialog (or at once with a number and
// text), numbered, routed to the application's departments, warned about when not answered in 5 working days,
// answered, and rated once; 投诉 … 人员 … never opens a guide; a consultation reaches the department and its reply
// comes back.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Complaint } from '../../src/supervision/complaints.js';
import { cardText, lastCard, Player, submitIndividualBusiness, texts } from '../support/bot-harness.js';
import { TimedBot } from '../support/timed-bot.js';

const test = suite<{ t: TimedBot; id: string }>('supervision: 投诉 and 咨询');

test.before.each(async (context) => {
  context.t = await TimedBot.create('2026-09-28T02:00:00Z');
  context.id = await submitIndividualBusiness(context.t.h, 'zhang');
});
test.after.each(async ({ t }) => {
  await t.close();
});

function as(t: TimedBot, userId: string, text: string) {
  return t.h.run(
    t.h.message('zhang', text, { sender: { userId, name: '工作人员' }, conversation: { id: `cid-single-${userId}`, type: 'single' } }),
  );
}

test('投诉 with a number and text goes straight to the evidence step (never a guide), is numbered and routed', async ({ t, id }) => {
  const zhang = new Player(t.h, 'zhang');
  await zhang.say(`投诉 ${id} 窗口人员态度差`);
  assert.is(zhang.card.title, '投诉 · 证据（可选）');
  assert.match(cardText(zhang.card), '投诉内容：窗口人员态度差');
  await zhang.upload('录音.mp3');
  assert.match(cardText(zhang.card), '已收到证据 1 份');
  const filed = await zhang.click('提交投诉');
  assert.match(
    texts(filed).join(''),
    `您的投诉已受理，编号 TS20260928-0001（办件 ${id}），已转交市场监督管理局、税务局，将于2026年10月10日前答复您`,
  );
  const record = await t.h.store.getRecord<Complaint>('complaint', 'TS20260928-0001');
  assert.equal(
    [record?.data.applicationId, record?.data.evidence.length, record?.data.dueDay, record?.tags?.status],
    [id, 1, '2026-10-10', 'open'],
  );
  await t.flush();
  for (const userId of ['reviewer-scjg', 'reviewer-sw']) {
    assert.match(
      t.textsTo(userId).join('\n'),
      `【投诉】TS20260928-0001：张三投诉，办件 ${id}（个体工商户设立登记）。\n内容：窗口人员态度差；附证据 1 份`,
    );
  }
});

test('投诉 alone asks which application, what happened and for evidence; late, answered, rated once', async ({ t, id }) => {
  const zhang = new Player(t.h, 'zhang');
  await zhang.say('投诉');
  assert.is(zhang.card.title, '投诉 · 选择办件');
  await zhang.click('complain.pick');
  assert.match(cardText(zhang.card), `投诉办件：${id}`);
  await zhang.say('材料被要求重复提交');
  await zhang.click('提交投诉');
  await t.until('2026-10-12T00:59:00Z');
  assert.equal(
    t.textsTo('reviewer-scjg').filter((x) => x.includes('投诉逾期')),
    [],
  );
  await t.until('2026-10-12T01:00:00Z');
  for (const userId of ['reviewer-scjg', 'reviewer-sw', 'admin-liu']) {
    assert.equal(
      t.textsTo(userId).filter((x) => x.includes('投诉逾期')),
      ['【电子监察·投诉逾期】TS20260928-0001 应于2026年10月10日前答复，尚未答复。请立即办理。'],
      userId,
    );
  }
  assert.match(texts(await as(t, 'reviewer-yb', '答复 TS20260928-0001 好的')).join(''), '不是它的答复人');
  await as(t, 'reviewer-sw', '答复 TS20260928-0001 经核实，已简化材料要求，向您致歉');
  await t.flush();
  assert.match(t.textsTo('citizen-zhang').at(-1) ?? '', '您的投诉 TS20260928-0001 已答复：经核实，已简化材料要求，向您致歉');
  assert.match(texts(await t.h.say('zhang', '投诉评价 TS20260928-0001 4')).join(''), '感谢您对投诉 TS20260928-0001 答复的评价：满意');
  assert.match(texts(await t.h.say('zhang', '投诉评价 TS20260928-0001 1')).join(''), '您已评价过');
  const record = await t.h.store.getRecord<Complaint>('complaint', 'TS20260928-0001');
  assert.equal([record?.data.rating?.level, record?.tags?.status], [4, 'answered']);
  await t.until('2026-10-30T01:00:00Z');
  assert.is(t.textsTo('reviewer-scjg').filter((x) => x.includes('投诉逾期')).length, 1, 'warned once');
});

test("咨询 reaches the matter's department contacts and their reply comes back; 人工 goes to the admins", async ({ t }) => {
  assert.match(texts(await t.h.say('zhang', '咨询 公积金提取 租房提取每年能提几次')).join(''), '咨询编号 ZX20260928-0001');
  await t.flush();
  assert.match(t.textsTo('reviewer-gjj').join('\n'), '【咨询】ZX20260928-0001：张三关于“住房公积金提取”问：租房提取每年能提几次');
  await as(t, 'reviewer-gjj', '回复 ZX20260928-0001 每年可提取一次');
  await t.flush();
  assert.match(t.textsTo('citizen-zhang').at(-1) ?? '', '关于您的咨询 ZX20260928-0001（住房公积金提取），工作人员答复：每年可提取一次');
  await t.h.say('zhang', '咨询 人工 我的情况比较特殊');
  await t.flush();
  assert.match(t.textsTo('admin-liu').join('\n'), '【咨询】ZX20260928-0002：张三（人工咨询）问：我的情况比较特殊');
  assert.match(texts(await t.h.say('zhang', '咨询 火箭发射 怎么办')).join(''), '没有找到事项“火箭发射”');
  assert.is(
    lastCard(await t.h.say('zhang', '窗口人员态度差')).card.title,
    lastCard(await t.h.say('zhang', '帮助')).card.title,
    'no guide for words that name no matter',
  );
});

test.run();
