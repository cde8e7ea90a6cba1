// Supervision statistics over a scripted scenario: four 个体工商户设立登记 applications (promised in 1 working day)
// around 国庆 2026 — one on time and praised, one late and criticised, one running and overdue, one not accepted —
// give exact figures, by matter and by department; 统计 shows them to admins and the help card to others.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { BackofficeEvent } from '../../src/backoffice/protocol.js';
import { loadOpenCases, loadStatistics } from '../../src/admin/statistics-routes.js';
import { computeStatistics, defaultRange } from '../../src/supervision/statistics.js';
import { createHolidayCalendar } from '../../src/domain/holiday-calendar.js';
import { helpCard } from '../../cards/help-card.js';
import { cardText, lastCard, Player, submitIndividualBusiness } from '../support/bot-harness.js';
import { TimedBot } from '../support/timed-bot.js';

const test = suite<{ t: TimedBot; ids: Record<'a' | 'b' | 'c' | 'd', string> }>('supervision: statistics');
let events = 0;

function bo(t: TimedBot, applicationId: string, status: BackofficeEvent['status'], extra: Partial<BackofficeEvent> = {}) {
  return t.h.backoffice({ eventId: `ev-${(events += 1)}`, applicationId, status, at: t.h.now.toISOString(), ...extra });
}

async function rate(t: TimedBot, user: 'zhang' | 'li', id: string, level: number, reason?: string): Promise<void> {
  const p = new Player(t.h, user);
  await p.say(`评价 ${id} ${level}`);
  if (reason) await p.say(reason);
}

test.before.each(async (context) => {
  const t = await TimedBot.create('2026-09-27T02:00:00Z');
  context.t = t;
  // Submitted on the 调休 Sunday 9-27.
  const a = await submitIndividualBusiness(t.h, 'zhang');
  const b = await submitIndividualBusiness(t.h, 'li');
  const c = await submitIndividualBusiness(t.h, 'zhang');
  const d = await submitIndividualBusiness(t.h, 'li');
  context.ids = { a, b, c, d };
  // Accepted Monday 9-28: deadline Tuesday 9-29.
  await t.until('2026-09-28T02:00:00Z');
  for (const id of [a, b, c]) await bo(t, id, 'accepted');
  await bo(t, d, 'not_accepted', { comment: '经营场所不在本辖区' });
  // A: decided 9-29 (on time), delivered at the window (one visit), 非常满意.
  await t.until('2026-09-29T03:00:00Z');
  await bo(t, a, 'completed');
  await bo(t, a, 'delivered', { result: { type: 'window' } });
  await rate(t, 'zhang', a, 5);
  // B: decided 9-30 (one working day late), delivered as an e-licence, 不满意.
  await t.until('2026-09-30T03:00:00Z');
  await bo(t, b, 'completed');
  await bo(t, b, 'delivered', { result: { type: 'elicence', licenseNo: 'ZJ-1' } });
  await rate(t, 'li', b, 2, '等了很久');
  // C stays in review: overdue (red) since 9-30; zhang complains about it.
  const zhang = new Player(t.h, 'zhang');
  await zhang.say(`投诉 ${c} 一直没有结果`);
  await zhang.click('提交投诉');
});
test.after.each(async ({ t }) => {
  await t.close();
});

test('the figures of the scenario, in total and per matter', async ({ t, ids }) => {
  const stats = await loadStatistics({ store: t.h.store, matters: t.h.matters, calendar: createHolidayCalendar(), clock: t.clock });
  assert.equal([stats.from, stats.to, stats.by], ['2026-09-01', '2026-09-30', 'matter'], 'default range: the last 30 days, by matter');
  const expected = {
    received: 4,
    accepted: 3,
    completed: 2,
    completedOnTime: 1,
    onTimeRate: 0.5,
    averageWorkingDays: 1.5,
    visitsPerApplication: 0.25,
    zeroVisitShare: 0.75,
    atMostOneVisitShare: 1,
    ratings: 2,
    satisfied: 1,
    satisfactionRate: 0.5,
    averageRating: 3.5,
    dissatisfied: 1,
    dissatisfiedShare: 0.5,
    openWarnings: 1,
    openRectifications: 1,
    openComplaints: 1,
  };
  assert.equal(stats.total, expected);
  assert.equal(stats.groups, [{ id: 'individual-business', name: '个体工商户设立登记', ...expected }]);
  assert.is((await t.h.store.getApplication(ids.c))?.status, 'accepted');
});

test('by department an application counts for each of its departments; a range leaves others out', async ({ t }) => {
  const { items } = await t.h.store.findApplications({});
  const now = new Date(t.clock.now());
  const calendar = createHolidayCalendar();
  const openCases = await loadOpenCases(t.h.store);
  const byDepartment = computeStatistics({
    applications: items,
    matters: t.h.matters,
    calendar,
    now,
    ...defaultRange(now),
    by: 'department',
    openCases,
  });
  assert.equal(
    byDepartment.groups.map((g) => [g.id, g.name, g.received, g.completed, g.openWarnings, g.openRectifications, g.openComplaints]),
    [
      ['scjg', '市场监督管理局', 4, 2, 1, 1, 1],
      ['sw', '税务局', 4, 2, 1, 1, 1],
    ],
  );
  const october = computeStatistics({
    applications: items,
    matters: t.h.matters,
    calendar,
    now,
    from: '2026-10-01',
    to: '2026-10-31',
    by: 'matter',
  });
  assert.equal(
    [october.total.received, october.total.completed, october.total.satisfactionRate, october.total.openWarnings],
    [0, 0, 0, 1],
    'open warnings are counted whenever the application came in',
  );
});

test('统计: admins get the summary card, anyone else the ordinary help', async ({ t }) => {
  const card = lastCard(await t.h.say('admin', '统计')).card;
  assert.is(card.title, '办件统计');
  const text = cardText(card);
  for (const line of [
    '办件：4 件',
    '受理：3 件',
    '办结：2 件',
    '按时办结率：50%',
    '满意率：50%（2 条评价）',
    '当前黄/红牌预警：1 件',
    '未办结的差评整改 / 投诉：1 件 / 1 件',
    '2026年9月1日 至 2026年9月30日',
  ]) {
    assert.match(text, line);
  }
  const other = lastCard(await t.h.say('zhang', '统计')).card;
  assert.equal([other.title, other.sections], [helpCard().title, helpCard().sections], 'the ordinary help card');
});

test.run();
