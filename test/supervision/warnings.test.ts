// 电子监察 end to end in the bot, on a fake clock with the real outbox: an application promised in 5 working
// days crosses 国庆 2026 and a 补正 pause, then goes yellow and red; each warning goes once, one-to-one, to the
// responsible departments' contacts (red also to the admins), survives a restart; the 09:00 digest lists it.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { BackofficeEvent } from '../../src/backoffice/protocol.js';
import { cardText, lastCard, Player, submitIndividualBusiness } from '../support/bot-harness.js';
import { TimedBot } from '../support/timed-bot.js';

const test = suite<{ t: TimedBot }>('supervision: warnings');
const YELLOW = '【电子监察·黄牌预警】';
const RED = '【电子监察·红牌预警】';
const REVIEWERS = ['reviewer-scjg', 'reviewer-sw'];
let events = 0;

// 个体工商户设立登记 promised in 5 working days instead of 1, so the yellow and red moments differ.
test.before.each(async (context) => {
  context.t = await TimedBot.create('2026-09-27T02:00:00Z', {
    matters: (seed) => seed.map((m) => (m.id === 'individual-business' ? { ...m, timeLimit: { ...m.timeLimit, promisedDays: 5 } } : m)),
  });
});
test.after.each(async ({ t }) => {
  await t.close();
});

function bo(t: TimedBot, applicationId: string, status: BackofficeEvent['status'], extra: Partial<BackofficeEvent> = {}) {
  return t.h.backoffice({ eventId: `ev-${(events += 1)}`, applicationId, status, at: t.h.now.toISOString(), ...extra });
}

/** Submitted on the 调休 Sunday 9-27, accepted Monday 9-28 (deadline 10-10), 补正 asked 9-29 and answered 9-30. */
async function acceptedWithPause(t: TimedBot): Promise<string> {
  const id = await submitIndividualBusiness(t.h, 'zhang');
  await t.until('2026-09-28T02:00:00Z');
  await bo(t, id, 'accepted');
  await t.flush();
  await t.until('2026-09-29T03:00:00Z');
  await bo(t, id, 'supplement_required', { missing: [{ name: '补充说明', reason: '经营范围不清' }] });
  await t.until('2026-09-30T03:00:00Z');
  const zhang = new Player(t.h, 'zhang');
  zhang.current = lastCard(await t.h.say('zhang', `补正 ${id}`));
  await zhang.say('小吃服务指馄饨的现场制售');
  await zhang.click('确认提交');
  await t.flush();
  return id;
}

function warnings(t: TimedBot, userId: string, head: string): string[] {
  return t.textsTo(userId).filter((text) => text.startsWith(head));
}

test('the card shows the deadline and the working days left; a finished 补正 moves the deadline', async ({ t }) => {
  const id = await submitIndividualBusiness(t.h, 'zhang');
  await t.until('2026-09-28T02:00:00Z');
  await bo(t, id, 'accepted');
  await t.flush();
  const accepted = t.delivered.filter((d) => d.to === 'citizen-zhang' && d.card).at(-1)!;
  assert.match(cardText(accepted.card!), '承诺办结：2026年10月10日前（剩余 5 个工作日）');
  await t.until('2026-09-29T03:00:00Z');
  await bo(t, id, 'supplement_required', { missing: [{ name: '补充说明', reason: '' }] });
  await t.flush();
  const paused = t.delivered.filter((d) => d.to === 'citizen-zhang' && d.card?.title === `办件 ${id}`).at(-1)!;
  assert.match(cardText(paused.card!), '补正期间暂停计时，剩余 4 个工作日');
  await t.until('2026-09-30T03:00:00Z');
  const zhang = new Player(t.h, 'zhang');
  zhang.current = lastCard(await t.h.say('zhang', `补正 ${id}`));
  await zhang.say('说明');
  await zhang.click('确认提交');
  await t.flush();
  const resumed = t.delivered.filter((d) => d.to === 'citizen-zhang' && d.card?.title === `办件 ${id}`).at(-1)!;
  assert.match(cardText(resumed.card!), '承诺办结：2026年10月12日前（剩余 4 个工作日）');
});

test('crosses yellow then red across the holiday and the 补正 pause; each warning goes once and survives a restart', async ({ t }) => {
  const id = await acceptedWithPause(t);
  // Without the pause yellow would be due on 10-09; the pause moved it to the 调休 Saturday 10-10.
  await t.until('2026-10-09T23:00:00Z');
  for (const userId of REVIEWERS) assert.equal(warnings(t, userId, YELLOW), [], `no yellow for ${userId} before its day`);
  await t.until('2026-10-10T01:00:00Z');
  for (const userId of REVIEWERS) {
    const [yellow, ...more] = warnings(t, userId, YELLOW);
    assert.equal(more, []);
    assert.match(yellow ?? '', `办件 ${id}（个体工商户设立登记）已用去承诺时限的 4/5 个工作日，须于2026年10月12日前办结，剩余 1 个工作日`);
    assert.match(yellow ?? '', '申请人：张三；当前状态：审查中；待办部门：市场监督管理局、税务局');
  }
  assert.equal(warnings(t, 'admin-liu', YELLOW), [], 'yellow does not go to the admins');
  assert.equal(warnings(t, 'citizen-zhang', YELLOW), [], 'nor to the applicant');

  await t.restart();
  // Red is due on the first working day after the deadline 10-12 (it would have been 10-12 without the pause).
  await t.until('2026-10-12T23:00:00Z');
  for (const userId of [...REVIEWERS, 'admin-liu']) assert.equal(warnings(t, userId, RED), []);
  await t.until('2026-10-13T01:00:00Z');
  for (const userId of [...REVIEWERS, 'admin-liu']) {
    const red = warnings(t, userId, RED);
    assert.is(red.length, 1, `one red for ${userId}`);
    assert.match(red[0]!, '已超过承诺办结时限（2026年10月12日），超期 1 个工作日');
  }
  await t.restart();
  await t.until('2026-10-20T01:00:00Z');
  for (const userId of REVIEWERS) {
    assert.is(warnings(t, userId, YELLOW).length, 1, `still one yellow for ${userId}`);
    assert.is(warnings(t, userId, RED).length, 1, `still one red for ${userId}`);
  }
  const { items } = await t.h.store.findRecords<{ recipients: number }>('supervision.warning', {});
  assert.equal(
    items.map((r) => [r.id, r.data.recipients]).sort(),
    [
      [`${id}:red`, 3],
      [`${id}:yellow`, 2],
    ],
    'each warning is kept as a record',
  );
});

test('a decided application is not warned about', async ({ t }) => {
  const id = await acceptedWithPause(t);
  await t.until('2026-10-08T02:00:00Z');
  await bo(t, id, 'completed');
  await t.until('2026-10-20T01:00:00Z');
  for (const userId of [...REVIEWERS, 'admin-liu']) {
    assert.equal([...warnings(t, userId, YELLOW), ...warnings(t, userId, RED)], []);
    assert.equal(warnings(t, userId, '【电子监察·每日提醒】'), []);
  }
});

test('the 09:00 digest lists the open warnings per department on working days only', async ({ t }) => {
  const id = await acceptedWithPause(t);
  await t.until('2026-10-10T01:00:00Z');
  const first = warnings(t, 'reviewer-scjg', '【电子监察·每日提醒】');
  assert.is(first.length, 1, 'the first digest is on the yellow day');
  assert.match(first[0]!, '【电子监察·每日提醒】2026年10月10日');
  assert.match(first[0]!, '市场监督管理局：红牌 0 件，黄牌 1 件');
  assert.match(first[0]!, `- 黄牌预警 ${id}（个体工商户设立登记）剩余 1 个工作日（时限 2026年10月12日）`);
  assert.not.match(first[0]!, '税务局', 'a contact sees their own department');
  const admin = warnings(t, 'admin-liu', '【电子监察·每日提醒】');
  assert.match(admin[0]!, '市场监督管理局：红牌 0 件，黄牌 1 件');
  assert.match(admin[0]!, '税务局：红牌 0 件，黄牌 1 件');
  await t.until('2026-10-13T01:00:00Z');
  const days = warnings(t, 'reviewer-sw', '【电子监察·每日提醒】').map((text) => /每日提醒】(\S+?)，/.exec(text)?.[1]);
  assert.equal(days, ['2026年10月10日', '2026年10月12日', '2026年10月13日'], 'not on Sunday 10-11');
  assert.match(warnings(t, 'reviewer-sw', '【电子监察·每日提醒】').at(-1)!, `- 红牌预警 ${id}`);
});

test.run();
