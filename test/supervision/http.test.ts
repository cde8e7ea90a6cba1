// GET /api/statistics over HTTP (admin token; default range; query checks) and the same figures as Prometheus
// gauges on /metrics; the whole app also commits the daily digest timer at start.
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ADMIN_TOKEN, startHarness, type Harness } from '../support/harness.js';

const test = suite<{ h: Harness }>('supervision: statistics over HTTP');

test.before(async (context) => {
  context.h = await startHarness();
});
test.after(async ({ h }) => {
  await h.close();
});

async function get(h: Harness, path: string, token: string | null = ADMIN_TOKEN): Promise<{ status: number; body: any }> {
  const response = await fetch(`${h.app.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

test('answers JSON numbers for the last 30 days by default, for admins only', async ({ h }) => {
  assert.is((await get(h, '/api/statistics', null)).status, 401);
  const { status, body } = await get(h, '/api/statistics');
  assert.is(status, 200);
  assert.is(body.by, 'matter');
  assert.match(body.from, /^\d{4}-\d{2}-\d{2}$/);
  assert.is(Date.parse(`${body.to}T00:00:00Z`) - Date.parse(`${body.from}T00:00:00Z`), 29 * 86_400_000);
  assert.equal(body.total, {
    received: 0,
    accepted: 0,
    completed: 0,
    completedOnTime: 0,
    onTimeRate: 0,
    averageWorkingDays: 0,
    visitsPerApplication: 0,
    zeroVisitShare: 0,
    atMostOneVisitShare: 0,
    ratings: 0,
    satisfied: 0,
    satisfactionRate: 0,
    averageRating: 0,
    dissatisfied: 0,
    dissatisfiedShare: 0,
    openWarnings: 0,
    openRectifications: 0,
    openComplaints: 0,
  });
  const ranged = await get(h, '/api/statistics?from=2026-01-01&to=2026-03-31&by=department');
  assert.equal(
    [ranged.status, ranged.body.from, ranged.body.to, ranged.body.by, ranged.body.groups],
    [200, '2026-01-01', '2026-03-31', 'department', []],
  );
});

test('refuses a bad range or grouping with 400 and the reason', async ({ h }) => {
  for (const [query, message] of <[string, string][]>[
    ['by=year', 'by 只能是 matter 或 department'],
    ['from=2026-13-01', 'from 应为日期'],
    ['from=2026-03-02&to=2026-03-01', 'from 不能晚于 to'],
  ]) {
    const { status, body } = await get(h, `/api/statistics?${query}`);
    assert.is(status, 400, query);
    assert.match(body.error.message, message);
  }
});

test('the figures are Prometheus gauges too', async ({ h }) => {
  const { body } = await get(h, '/metrics', null);
  for (const line of [
    'yiciban_supervision_received{matter="all"} 0',
    'yiciban_supervision_on_time_rate{matter="all"} 0',
    'yiciban_supervision_open_warnings{matter="all"} 0',
    'yiciban_supervision_satisfaction_rate{matter="all"} 0',
    'yiciban_supervision_open_complaints{matter="all"} 0',
  ]) {
    assert.ok(
      String(body).includes(line),
      `${line}\n${String(body)
        .split('\n')
        .filter((l) => l.includes('supervision'))
        .join('\n')}`,
    );
  }
});

test('the rectification API lists cases and refuses unknown ones', async ({ h }) => {
  assert.equal((await get(h, '/api/rectifications')).body, { total: 0, items: [] });
  assert.is((await get(h, '/api/rectifications?status=maybe')).status, 400);
  assert.is((await get(h, '/api/rectifications/ZG-none')).status, 404);
  const post = (path: string, body: unknown) =>
    fetch(`${h.app.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  assert.is((await post('/api/rectifications/ZG-none/callback', { note: '已回访' })).status, 404);
  assert.is((await post('/api/rectifications/ZG-none/outcome', {})).status, 400);
});

test('a daily digest timer exists after start, at 09:00 China time', async ({ h }) => {
  const jobs = await h.app.store.dueJobs(Number.MAX_SAFE_INTEGER, 1000);
  const digest = jobs.filter((j) => j.kind === 'timer' && (j.payload as { name: string }).name === 'supervision.digest');
  assert.is(digest.length, 1);
  const at = (digest[0]!.payload as { at: number }).at;
  assert.is(new Date(at).getUTCHours(), 1);
  assert.ok(at > Date.now() && at <= Date.now() + 86_400_000);
});

test.run();
