// 差评整改 in the bot on a fake clock: a 非常不满意 rating opens a case for the departments (call back within 1
// working day, fix within 15), a late call-back is warned about once, the contacts record the call-back and the
// fix, the applicant is told each step and rates the fix once; the card says what happens next.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { BackofficeEvent } from '../../src/backoffice/protocol.js';
import { RECTIFICATION_TEXT } from '../../src/domain/status-text.js';
import type { Rectification } from '../../src/supervision/rectification.js';
import { buttonOf, cardText, Player, submitIndividualBusiness, texts } from '../support/bot-harness.js';
import { TimedBot } from '../support/timed-bot.js';

const test = suite<{ t: TimedBot; id: string }>('supervision: 差评整改');
let events = 0;

function bo(t: TimedBot, applicationId: string, status: BackofficeEvent['status'], extra: Partial<BackofficeEvent> = {}) {
  return t.h.backoffice({ eventId: `ev-${(events += 1)}`, applicationId, status, at: t.h.now.toISOString(), ...extra });
}

function asReviewer(t: TimedBot, userId: string, text: string) {
  return t.h.run(
    t.h.message('zhang', text, { sender: { userId, name: '审核员' }, conversation: { id: `cid-single-${userId}`, type: 'single' } }),
  );
}

// Delivered Monday 9-28; rated 非常不满意 on Tuesday 9-29: call back by 9-30, fix by 10-26 (国庆 in between).
test.before.each(async (context) => {
  const t = await TimedBot.create('2026-09-27T02:00:00Z');
  context.t = t;
  const id = await submitIndividualBusiness(t.h, 'zhang');
  context.id = id;
  await t.until('2026-09-28T02:00:00Z');
  await bo(t, id, 'accepted');
  await bo(t, id, 'completed');
  await bo(t, id, 'delivered', { result: { type: 'elicence', licenseNo: 'ZJ-9' } });
  await t.until('2026-09-29T02:00:00Z');
  const zhang = new Player(t.h, 'zhang');
  await zhang.say(`评价 ${id} 1`);
  await zhang.say('窗口人员态度差');
  await t.flush();
});
test.after.each(async ({ t }) => {
  await t.close();
});

test('a 非常不满意 rating opens a case for the departments; the card says what happens next', async ({ t, id }) => {
  const record = await t.h.store.getRecord<Rectification>('rectification', `ZG-${id}`);
  assert.equal([record?.data.callbackDue, record?.data.fixDue, record?.tags], ['2026-09-30', '2026-10-26', { status: 'open' }]);
  for (const userId of ['reviewer-scjg', 'reviewer-sw']) {
    const [opened] = t.textsTo(userId).filter((x) => x.startsWith('【差评整改】'));
    assert.match(opened ?? '', `ZG-${id}：办件 ${id}（个体工商户设立登记）获评“非常不满意”。原因：窗口人员态度差`);
    assert.match(opened ?? '', '请于2026年9月30日前回访申请人，2026年10月26日前反馈整改结果');
  }
  const card = t.delivered.filter((d) => d.to === 'citizen-zhang' && d.card?.title === `办件 ${id}`).at(-1)!.card!;
  assert.match(cardText(card), RECTIFICATION_TEXT);
  assert.not.match(cardText(card), '本次办理已全部完成');
});

test('a late call-back is warned about once; call-back and fix reach the applicant, who rates the fix once', async ({ t, id }) => {
  await t.until('2026-10-08T00:59:00Z');
  assert.equal(
    t.textsTo('reviewer-scjg').filter((x) => x.includes('整改逾期')),
    [],
  );
  await t.until('2026-10-09T01:00:00Z');
  for (const userId of ['reviewer-scjg', 'reviewer-sw', 'admin-liu']) {
    const late = t.textsTo(userId).filter((x) => x.includes('整改逾期'));
    assert.equal(late.length, 1, userId);
    assert.match(late[0]!, '应于2026年9月30日前回访申请人，尚未回访');
  }
  assert.match(texts(await asReviewer(t, 'citizen-li', `回访 ZG-${id} 我来回访`)).join(''), '不是它的负责人');
  assert.match(texts(await asReviewer(t, 'reviewer-scjg', `回访 ZG-${id} 已电话致歉并说明改进措施`)).join(''), '已记录');
  await t.flush();
  assert.match(t.textsTo('citizen-zhang').at(-1) ?? '', '负责部门已回访：已电话致歉并说明改进措施。整改结果将于2026年10月26日前反馈给您');
  await asReviewer(t, 'reviewer-sw', `整改 ZG-${id} 已对窗口人员批评教育并纳入考核`);
  await t.flush();
  const outcome = t.delivered.filter((d) => d.to === 'citizen-zhang' && d.card?.title === `整改反馈 · 办件 ${id}`).at(-1)!;
  assert.match(cardText(outcome.card!), '已对窗口人员批评教育并纳入考核');
  assert.equal((await t.h.store.getRecord('rectification', `ZG-${id}`))?.tags, { status: 'closed' });

  assert.is(buttonOf(outcome.card!, '满意').command, `追评 ${id} 4`, 'the card offers the follow-up rating');
  const rated = await t.h.say('zhang', `追评 ${id} 4`);
  assert.match(texts(rated).join(''), '感谢您对整改结果的评价：满意');
  assert.match(texts(await t.h.say('zhang', `追评 ${id} 5`)).join(''), '您已对整改结果作过评价');
  assert.equal((await t.h.store.getRecord<Rectification>('rectification', `ZG-${id}`))?.data.followUp?.level, 4);
  await t.until('2026-11-10T01:00:00Z');
  assert.is(t.textsTo('reviewer-scjg').filter((x) => x.includes('整改逾期')).length, 1, 'no fix warning once the fix is reported');
});

test("the admin API's call-back and fix go through the bot as admin events and reach the applicant", async ({ t, id }) => {
  const admin = (action: string, params: Record<string, string>) =>
    t.h.bot.handle({ kind: 'admin', id: `admin:${action}:${params.note}`, action, actor: 'admin-api', params, receivedAt: t.clock.now() });
  assert.equal(await admin('rectification.callback', { id: 'ZG-nope', note: 'x' }), {
    status: 'refused',
    outcome: { status: 'unknown_application' },
  });
  assert.equal(await admin('rectification.callback', { id: `ZG-${id}`, note: '' }), {
    status: 'refused',
    outcome: { status: 'invalid', message: '请填写 note（回访情况或整改结果）' },
  });
  assert.is((await admin('rectification.callback', { id: `ZG-${id}`, note: '已回访' })).status, 'handled');
  assert.is((await admin('rectification.outcome', { id: `ZG-${id}`, note: '已整改' })).status, 'handled');
  const again = await admin('rectification.outcome', { id: `ZG-${id}`, note: '再次整改' });
  assert.equal(again, { status: 'refused', outcome: { status: 'illegal', message: `整改单 ZG-${id} 已办结` } });
  assert.equal((await admin('nothing.here', { note: 'y' })).status, 'refused');
  await t.flush();
  assert.match(t.textsTo('citizen-zhang').join('\n'), '负责部门已回访：已回访');
  assert.ok(t.delivered.some((d) => d.to === 'citizen-zhang' && d.card?.title === `整改反馈 · 办件 ${id}`));
  const record = await t.h.store.getRecord<Rectification>('rectification', `ZG-${id}`);
  assert.equal([record?.data.callback?.by, record?.data.outcome?.note, record?.tags], ['admin-api', '已整改', { status: 'closed' }]);
});

test.run();
