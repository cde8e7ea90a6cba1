// The dashboard's admin API over a scripted scenario (the statistics test's: four 个体工商户设立登记 applications
// around 国庆 2026 — on time and praised, late and criticised, running and overdue with a complaint, not accepted),
// served over real HTTP by the app's own koa app with the admin guard: figures per day, the open warnings, the
// complaints, the department filter, CSV exports, and the refusals.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { BackofficeEvent } from '../../src/backoffice/protocol.js';
import { rectificationRoutes } from '../../src/admin/rectification-routes.js';
import { statisticsRoutes, type StatisticsSource } from '../../src/admin/statistics-routes.js';
import { supervisionRoutes } from '../../src/admin/supervision-routes.js';
import { createHolidayCalendar } from '../../src/domain/holiday-calendar.js';
import { createHttpApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/metrics.js';
import { silentLogger } from '../support/backoffice-harness.js';
import { Player, submitIndividualBusiness } from '../support/bot-harness.js';
import { TimedBot } from '../support/timed-bot.js';

const TOKEN = 'dashboard-token';
const test = suite<{ t: TimedBot; server: Server; url: string; ids: Record<'a' | 'b' | 'c' | 'd', string> }>('admin: dashboard API');
let events = 0;

function bo(t: TimedBot, applicationId: string, status: BackofficeEvent['status'], extra: Partial<BackofficeEvent> = {}) {
  return t.h.backoffice({ eventId: `ev-${(events += 1)}`, applicationId, status, at: t.h.now.toISOString(), ...extra });
}

test.before(async (context) => {
  const t = await TimedBot.create('2026-09-27T02:00:00Z');
  context.t = t;
  const [a, b, c, d] = [
    await submitIndividualBusiness(t.h, 'zhang'),
    await submitIndividualBusiness(t.h, 'li'),
    await submitIndividualBusiness(t.h, 'zhang'),
    await submitIndividualBusiness(t.h, 'li'),
  ] as [string, string, string, string];
  context.ids = { a, b, c, d };
  await t.until('2026-09-28T02:00:00Z');
  for (const id of [a, b, c]) await bo(t, id, 'accepted');
  await bo(t, d, 'not_accepted', { comment: '经营场所不在本辖区' });
  await t.until('2026-09-29T03:00:00Z');
  await bo(t, a, 'completed');
  await bo(t, a, 'delivered', { result: { type: 'window' } });
  await new Player(t.h, 'zhang').say(`评价 ${a} 5`);
  await t.until('2026-09-30T03:00:00Z');
  await bo(t, b, 'completed');
  await bo(t, b, 'delivered', { result: { type: 'elicence', licenseNo: 'ZJ-1' } });
  const li = new Player(t.h, 'li');
  await li.say(`评价 ${b} 2`);
  await li.say('等了很久');
  // A complaint whose text starts like a spreadsheet formula, with a quote and a comma in it.
  const zhang = new Player(t.h, 'zhang');
  await zhang.say(`投诉 ${c} =HYPERLINK("http://x.example","点我"),一直没有结果`);
  await zhang.click('提交投诉');

  const source: StatisticsSource = { store: t.h.store, matters: t.h.matters, calendar: createHolidayCalendar(), clock: t.clock };
  const http = createHttpApp({
    logger: silentLogger,
    metrics: createMetrics(),
    health: async () => ({ status: 'ok', stream: 'connected', store: 'lowdb' }),
    adminToken: TOKEN,
    // A department's console session, as the console's cookie sessions resolve one (the seam the app offers).
    adminSessions: async (ctx) => {
      const department = /^dept=(\w+)$/.exec(ctx.get('cookie'))?.[1];
      return department ? { role: 'department', userId: `reviewer-${department}`, department } : undefined;
    },
    adminRouters: [
      statisticsRoutes(source),
      supervisionRoutes(source),
      rectificationRoutes({ store: t.h.store, clock: t.clock, handle: (event) => t.h.bot.handle(event) }),
    ],
  });
  context.server = http.koa.listen(0, '127.0.0.1');
  await once(context.server, 'listening');
  context.url = `http://127.0.0.1:${(context.server.address() as AddressInfo).port}`;
});
test.after(async ({ t, server }) => {
  server?.close();
  server?.closeAllConnections();
  await t?.close();
});

async function get(url: string, path: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  const response = await fetch(`${url}${path}`, { headers });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, text, body: type.includes('json') ? JSON.parse(text) : undefined, headers: response.headers };
}

test('received, accepted and completed per China day, zeros included; a department sees its own', async ({ url }) => {
  const { status, body } = await get(url, '/api/statistics/daily?from=2026-09-26&to=2026-10-01');
  assert.is(status, 200);
  assert.equal(
    body.days.map((d: any) => [d.day, d.received, d.accepted, d.completed]),
    [
      ['2026-09-26', 0, 0, 0],
      ['2026-09-27', 4, 0, 0],
      ['2026-09-28', 0, 3, 0],
      ['2026-09-29', 0, 0, 1],
      ['2026-09-30', 0, 0, 1],
      ['2026-10-01', 0, 0, 0],
    ],
  );
  const other = await get(url, '/api/statistics/daily?from=2026-09-27&to=2026-09-27&department=no-such-dept');
  assert.equal([other.body.department, other.body.days], ['no-such-dept', [{ day: '2026-09-27', received: 0, accepted: 0, completed: 0 }]]);
  const mine = await get(url, '/api/statistics/daily?from=2026-09-27&to=2026-09-27&department=sw');
  assert.is(mine.body.days[0].received, 4);
});

test('the statistics carry the rating average and the share of 差评, and keep to one department when asked', async ({ url }) => {
  const { body } = await get(url, '/api/statistics?from=2026-09-01&to=2026-09-30');
  assert.equal([body.total.averageRating, body.total.dissatisfied, body.total.dissatisfiedShare], [3.5, 1, 0.5]);
  const byDept = await get(url, '/api/statistics?from=2026-09-01&to=2026-09-30&by=department&department=sw');
  assert.equal(
    byDept.body.groups.map((g: any) => [g.id, g.received]),
    [['sw', 4]],
  );
  const none = await get(url, '/api/statistics?from=2026-09-01&to=2026-09-30&department=no-such-dept');
  assert.equal([none.body.total.received, none.body.total.openComplaints, none.body.groups], [0, 0, []]);
});

test('the open warnings list the overdue application as 红牌 since the day after its deadline', async ({ url, ids }) => {
  const { status, body } = await get(url, '/api/warnings');
  assert.is(status, 200);
  assert.is(body.total, 1);
  const [warning] = body.items;
  assert.equal(
    [warning.applicationId, warning.matter.name, warning.level, warning.deadline, warning.since, warning.remaining],
    [ids.c, '个体工商户设立登记', 'red', '2026-09-29', '2026-09-30', -1],
  );
  assert.equal(
    warning.departments.map((d: any) => d.id),
    ['scjg', 'sw'],
  );
  assert.is((await get(url, '/api/warnings?level=yellow')).body.total, 0);
  assert.is((await get(url, '/api/warnings?department=no-such-dept')).body.total, 0);
});

test('complaints are listed with paging and a status filter, their text as typed', async ({ url, ids }) => {
  const { body } = await get(url, '/api/complaints?status=open&limit=10');
  assert.is(body.total, 1);
  const [complaint] = body.items;
  assert.equal([complaint.status, complaint.applicationId, complaint.userName, complaint.overdue], ['open', ids.c, '张三', false]);
  assert.match(complaint.text, '=HYPERLINK("http://x.example","点我")');
  assert.equal(complaint.departments.map((d: any) => d.id).sort(), ['scjg', 'sw']);
  assert.is((await get(url, '/api/complaints?status=answered')).body.total, 0);
  const past = await get(url, '/api/complaints?offset=1');
  assert.equal([past.body.total, past.body.items.length], [1, 0]);
  const pastMine = await get(url, '/api/complaints?offset=1&department=sw');
  assert.equal([pastMine.body.total, pastMine.body.items.length], [1, 0]);
});

test('CSV exports: UTF-8 with BOM, Chinese headers, quoted cells, formulas neutralised', async ({ url, ids }) => {
  const complaints = await get(url, '/api/complaints?format=csv');
  assert.is(complaints.status, 200);
  assert.is(complaints.type, 'text/csv; charset=utf-8');
  assert.match(complaints.headers.get('content-disposition') ?? '', /^attachment; .*filename\*=UTF-8''/);
  // fetch's text() drops the BOM: read the bytes.
  const raw = Buffer.from(
    await (await fetch(`${url}/api/complaints?format=csv`, { headers: { authorization: `Bearer ${TOKEN}` } })).arrayBuffer(),
  );
  assert.equal([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = complaints.text.split('\r\n');
  assert.match(lines[0]!, /^"投诉编号","状态","办件编号","事项","投诉人","投诉内容",/);
  assert.ok(lines[1]!.includes(`"${ids.c}"`), lines[1]);
  assert.ok(lines[1]!.includes('"\'=HYPERLINK(""http://x.example"",""点我""),一直没有结果"'), lines[1]);

  const stats = await get(url, '/api/statistics?from=2026-09-01&to=2026-09-30&format=csv');
  const rows = stats.text.split('\r\n');
  assert.match(rows[0]!, /^"事项编号","事项","收件数","受理数","办结数","按时办结数","按时办结率"/);
  assert.match(rows[1]!, /^"individual-business","个体工商户设立登记",4,3,2,1,"50%"/);
  assert.match(rows[2]!, /^"","合计",4,3,2,1,"50%"/);
  const byAccept = await get(url, '/api/warnings', { authorization: `Bearer ${TOKEN}`, accept: 'text/csv' });
  assert.is(byAccept.type, 'text/csv; charset=utf-8');
  assert.match(
    byAccept.text.split('\r\n')[1]!,
    new RegExp(`^"${ids.c}","个体工商户设立登记","市场监督管理局、税务局","红牌","2026-09-30","2026-09-29",-1$`),
  );
  const rectifications = await get(url, '/api/rectifications?format=csv&department=sw');
  assert.match(rectifications.text.split('\r\n')[1]!, new RegExp(`^"ZG-${ids.b}","整改中","${ids.b}"`));
  const daily = await get(url, '/api/statistics/daily?from=2026-09-27&to=2026-09-28&format=csv');
  assert.equal(daily.text.split('\r\n'), [
    '\uFEFF"日期","收件数","受理数","办结数"'.slice(1),
    '"2026-09-27",4,0,0',
    '"2026-09-28",0,3,0',
    '',
  ]);
});

test('the board answers with what the four routes answer for the same range and scope, in one request', async ({ url }) => {
  const cases: [string, Record<string, string> | undefined][] = [
    ['from=2026-09-01&to=2026-09-30', undefined],
    ['from=2026-09-28&to=2026-10-08', undefined],
    ['from=2026-09-01&to=2026-09-30&department=sw', undefined],
    ['from=2026-09-01&to=2026-09-30&department=sw', { cookie: 'dept=scjg' }],
    ['from=2026-09-01&to=2026-09-30&department=no-such-dept', undefined],
  ];
  for (const [query, session] of cases) {
    const headers = session ?? { authorization: `Bearer ${TOKEN}` };
    const { status, body } = await get(url, `/api/statistics/board?${query}`, headers);
    assert.is(status, 200, query);
    const department = /department=([\w-]+)/.exec(query)?.[1];
    const only = department ? `?department=${department}` : '';
    assert.equal(body.byMatter, (await get(url, `/api/statistics?${query}&by=matter`, headers)).body, `${query}: by matter`);
    assert.equal(body.byDepartment, (await get(url, `/api/statistics?${query}&by=department`, headers)).body, `${query}: by department`);
    assert.equal(body.daily, (await get(url, `/api/statistics/daily?${query}`, headers)).body, `${query}: per day`);
    assert.equal(body.warnings, (await get(url, `/api/warnings${only}`, headers)).body, `${query}: warnings`);
  }
  const all = await get(url, '/api/statistics/board?from=2026-09-01&to=2026-09-30');
  assert.equal([all.body.byMatter.total.received, all.body.warnings.total, all.body.daily.days.length], [4, 1, 30]);
  assert.is((await get(url, '/api/statistics/board?from=2026-09-01&to=2026-09-30', { cookie: 'dept=gjj' })).body.warnings.total, 0);
});

test('bad queries are 400 with the reason; no token is 401', async ({ url }) => {
  for (const [path, message] of <[string, string][]>[
    ['/api/statistics/daily?from=2026-02-30', 'from 应为日期'],
    ['/api/statistics/daily?from=2026-03-02&to=2026-03-01', 'from 不能晚于 to'],
    ['/api/statistics/daily?from=2024-01-01&to=2026-01-01', '最多 366 天'],
    ['/api/statistics?department=%20x', 'department 应为部门编号'],
    ['/api/statistics/board?from=2026-03-02&to=2026-03-01', 'from 不能晚于 to'],
    ['/api/statistics/board?department=%20x', 'department 应为部门编号'],
    ['/api/warnings?level=green', 'level 只能是 yellow 或 red'],
    ['/api/complaints?status=closed', 'status 只能是 open 或 answered'],
    ['/api/complaints?limit=500', 'limit 应为 1 到 100'],
    ['/api/complaints?format=xlsx', 'format 只能是 csv 或 json'],
  ]) {
    const { status, body } = await get(url, path);
    assert.is(status, 400, path);
    assert.match(body.error.message, message);
  }
  for (const path of ['/api/statistics/daily', '/api/statistics/board', '/api/warnings', '/api/complaints', '/api/complaints?format=csv']) {
    assert.is((await get(url, path, {})).status, 401, path);
  }
});

test('a department session reads its own department only, whatever it asks for', async ({ url }) => {
  const as = (department: string) => ({ cookie: `dept=${department}` });
  assert.is((await get(url, '/api/warnings', as('scjg'))).body.total, 1);
  assert.is((await get(url, '/api/warnings?department=scjg', as('gjj'))).body.total, 0);
  assert.is((await get(url, '/api/complaints?department=scjg', as('gjj'))).body.total, 0);
  assert.is((await get(url, '/api/rectifications?department=sw', as('gjj'))).body.total, 0);
  assert.is((await get(url, '/api/rectifications', as('sw'))).body.total, 1);
  const daily = await get(url, '/api/statistics/daily?from=2026-09-27&to=2026-09-27&department=sw', as('gjj'));
  assert.equal([daily.body.department, daily.body.days[0].received], ['gjj', 0]);
  const stats = await get(url, '/api/statistics?from=2026-09-01&to=2026-09-30&by=department', as('sw'));
  assert.equal(
    stats.body.groups.map((g: any) => g.id),
    ['sw'],
  );
  assert.is((await get(url, '/api/rectifications/ZG-x', as('sw'))).status, 403, 'one case is not in its reads');
});

test.run();
