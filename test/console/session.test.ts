import * as assert from 'uvu/assert';
import { OffsetClock } from '../../src/offset-clock.js';
import { ADMIN_TOKEN, FAST_TUNING, startHarness, type Harness } from '../support/harness.js';
import { sampleApplication } from '../support/store-samples.js';
import { suite } from '../support/suite.js';
import { loginAs, postLogin, withSession } from './support.js';

const test = suite<{ h: Harness; clock: OffsetClock }>('console: login, sessions and CSRF');

test.before.each(async (context) => {
  context.clock = new OffsetClock();
  context.h = await startHarness({ tuning: { ...FAST_TUNING, clock: context.clock } });
});

test.after.each(async (context) => {
  await context.h.close();
});

test("an admin's auth code gets an HttpOnly, SameSite=Strict, expiring session cookie and the session says who", async ({ h }) => {
  const login = await loginAs(h, 'admin-liu');
  assert.is(login.status, 201);
  assert.ok(login.cookie, 'a session cookie is set');
  const line = login.setCookie.find((l) => l.startsWith('yc_console='))!;
  assert.match(line, /httponly/i);
  assert.match(line, /samesite=strict/i);
  assert.match(line, /path=\//i);
  assert.match(line, /expires=/i);
  assert.not.match(line, /secure/i, 'plain http: no Secure flag (it would be dropped)');
  const me = await withSession(h.app.url, 'GET', '/console/session', { cookie: login.cookie });
  assert.is(me.status, 200);
  assert.is(me.body.userId, 'admin-liu');
  assert.is(me.body.name, '刘主任');
  assert.is(me.body.role, 'admin');
  assert.type(me.body.csrf, 'string');
  assert.is(me.body.csrf, login.body.csrf);
});

test('the store keeps only a hash of the session id', async ({ h }) => {
  const login = await loginAs(h, 'admin-liu');
  const value = login.cookie!.split('=')[1]!;
  const stored = await h.app.store.findRecords<Record<string, unknown>>('console.session');
  assert.is(stored.total, 1);
  assert.is.not(stored.items[0]!.id, value);
  assert.not.ok(JSON.stringify(stored.items[0]).includes(value), 'the cookie value is not stored');
});

test("a citizen's auth code gets 403 with a Chinese message and no cookie; a spent code gets 401", async ({ h }) => {
  const citizen = await loginAs(h, 'citizen-zhang');
  assert.is(citizen.status, 403);
  assert.is(citizen.cookie, undefined);
  assert.equal(citizen.setCookie, []);
  assert.match(citizen.body.error!.message, /没有控制台的使用权限/);
  const code = h.dingtalk.mintAuthCode('admin-liu');
  assert.is((await postLogin(h.app.url, { authCode: code })).status, 201);
  const again = await postLogin(h.app.url, { authCode: code });
  assert.is(again.status, 401, 'a code is single-use');
  assert.is(again.cookie, undefined);
  assert.is((await postLogin(h.app.url, { authCode: 'made-up' })).status, 401);
});

test('the admin token logs in outside DingTalk; a wrong token does not', async ({ h }) => {
  const good = await postLogin(h.app.url, { token: ADMIN_TOKEN });
  assert.is(good.status, 201);
  assert.is(good.body.role, 'admin');
  const bad = await postLogin(h.app.url, { token: `${ADMIN_TOKEN}x` });
  assert.is(bad.status, 401);
  assert.is(bad.cookie, undefined);
});

test("behind a TLS proxy (X-Forwarded-Proto: https) the cookie is Secure and the https origin is the console's own", async ({ h }) => {
  const host = new URL(h.app.url).host;
  const login = await postLogin(
    h.app.url,
    { authCode: h.dingtalk.mintAuthCode('admin-liu') },
    { 'x-forwarded-proto': 'https', origin: `https://${host}` },
  );
  assert.is(login.status, 201);
  assert.match(login.setCookie.find((l) => l.startsWith('yc_console='))!, /;\s*secure/i);
  const session = { cookie: login.cookie!, csrf: login.body.csrf! };
  const out = await withSession(h.app.url, 'DELETE', '/console/session', session, {
    headers: { 'x-forwarded-proto': 'https', origin: `https://${host}` },
  });
  assert.is(out.status, 204);
});

test('a login from a foreign page (Origin of another site) is refused', async ({ h }) => {
  const login = await postLogin(h.app.url, { authCode: h.dingtalk.mintAuthCode('admin-liu') }, { origin: 'https://evil.example' });
  assert.is(login.status, 403);
  assert.is(login.cookie, undefined);
});

test('a session opens the admin API; an unsafe call needs the CSRF header and a same-origin Origin', async ({ h }) => {
  const login = await loginAs(h, 'admin-liu');
  const session = { cookie: login.cookie!, csrf: login.body.csrf! };
  assert.is((await withSession(h.app.url, 'GET', '/api/matters', { cookie: session.cookie })).status, 200);
  const matter = (await withSession(h.app.url, 'GET', '/api/matters/housing-fund-withdrawal', session)).body;
  const draft = { ...matter.current, timeLimit: { ...matter.current.timeLimit, promisedDays: 2 } };
  const put = (s: { cookie?: string; csrf?: string }, headers: Record<string, string> = {}) =>
    withSession(h.app.url, 'PUT', '/api/matters/housing-fund-withdrawal/draft', s, { body: draft, headers });
  assert.is((await put({ cookie: session.cookie })).status, 403, 'no CSRF header');
  assert.is((await put({ cookie: session.cookie, csrf: 'wrong' })).status, 403, 'a wrong CSRF token');
  assert.is((await put(session, { origin: 'https://evil.example' })).status, 403, 'a foreign Origin');
  const saved = await put(session, { origin: h.app.url });
  assert.is(saved.status, 200, JSON.stringify(saved.body));
  const audit = await withSession(h.app.url, 'GET', '/api/audit', session, {});
  assert.is(audit.body.items[0].actor.id, 'admin-liu', 'the change log names the session user');
});

test('a forged cookie and an expired session never open the admin API', async ({ h, clock }) => {
  const forged = { cookie: `yc_console=${'A'.repeat(43)}` };
  assert.is((await withSession(h.app.url, 'GET', '/api/matters', forged)).status, 401);
  assert.is((await withSession(h.app.url, 'GET', '/console/session', forged)).status, 204);
  const login = await loginAs(h, 'admin-liu');
  const session = { cookie: login.cookie!, csrf: login.body.csrf! };
  await clock.advance(8 * 60 * 60_000 - 60_000);
  assert.is((await withSession(h.app.url, 'GET', '/api/matters', session)).status, 200, 'still valid just before 8 h');
  await clock.advance(2 * 60_000);
  assert.is((await withSession(h.app.url, 'GET', '/api/matters', session)).status, 401, 'expired after 8 h');
  assert.is((await withSession(h.app.url, 'GET', '/console/session', session)).status, 204);
});

test('logging out needs the CSRF header, ends the session and clears the cookie', async ({ h }) => {
  const login = await loginAs(h, 'admin-liu');
  const session = { cookie: login.cookie!, csrf: login.body.csrf! };
  assert.is((await withSession(h.app.url, 'DELETE', '/console/session', { cookie: session.cookie })).status, 403);
  assert.is((await withSession(h.app.url, 'GET', '/api/matters', session)).status, 200);
  assert.is((await withSession(h.app.url, 'DELETE', '/console/session', session)).status, 204);
  assert.is((await withSession(h.app.url, 'GET', '/api/matters', session)).status, 401);
});

test("a department contact's session reads only its department's applications and figures", async ({ h }) => {
  const scjg = sampleApplication('YC20261201-0001', {
    departments: [{ id: 'scjg', name: '市场监督管理局', status: 'pending' }],
    matter: { id: 'food-business-licence', version: 1, name: '食品经营许可（新办）' },
    status: 'not_accepted',
    reason: '身份证 330106198503122031 与营业执照不符',
  });
  const gjj = sampleApplication('YC20261201-0002', {
    departments: [{ id: 'gjj', name: '住房公积金管理中心', status: 'pending' }],
    matter: { id: 'housing-fund-withdrawal', version: 1, name: '住房公积金提取' },
  });
  await h.app.store.commit({ applications: [scjg, gjj] });
  const login = await loginAs(h, 'reviewer-scjg');
  assert.is(login.status, 201, JSON.stringify(login.body));
  assert.is(login.body.role, 'department');
  assert.equal(login.body.department, { id: 'scjg', name: '市场监督管理局' });
  const session = { cookie: login.cookie!, csrf: login.body.csrf! };
  const list = await withSession(h.app.url, 'GET', '/api/applications?department=gjj', session);
  assert.is(list.status, 200);
  assert.equal(
    list.body.items.map((a: { id: string }) => a.id),
    ['YC20261201-0001'],
    'its own department only, whatever the query asks',
  );
  const own = await withSession(h.app.url, 'GET', '/api/applications/YC20261201-0001', session);
  assert.is(own.status, 200);
  assert.not.ok(JSON.stringify(own.body).includes('330106198503122031'), 'the reason is masked like the cards');
  assert.match(own.body.reason, /3301\*+2031/);
  assert.is((await withSession(h.app.url, 'GET', '/api/applications/YC20261201-0002', session)).status, 404);
  const figures = await withSession(h.app.url, 'GET', '/api/statistics?from=2026-11-01&to=2026-12-31&by=department', session);
  assert.is(figures.status, 200);
  assert.equal(
    figures.body.groups.map((g: { id: string }) => g.id),
    ['scjg'],
  );
  for (const [method, path] of [
    ['GET', '/api/matters'],
    ['GET', '/api/audit'],
    ['GET', '/api/outbox/dead'],
    ['PUT', '/api/matters/food-business-licence/draft'],
  ] as const) {
    const answer = await withSession(h.app.url, method, path, session, method === 'PUT' ? { body: {} } : {});
    assert.is(answer.status, 403, `${method} ${path}`);
  }
  // No template names them any more: their session ends at once.
  const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const matters = await withSession(h.app.url, 'GET', '/api/matters?limit=100', {}, { headers: bearer });
  for (const { id } of matters.body.items as { id: string }[]) {
    const { current } = (await withSession(h.app.url, 'GET', `/api/matters/${id}`, {}, { headers: bearer })).body;
    const named = JSON.stringify(current.departments).includes('reviewer-scjg');
    if (!named) continue;
    const departments = current.departments.map((d: { contactUserIds: string[] }) => ({
      ...d,
      contactUserIds: d.contactUserIds.map((u) => (u === 'reviewer-scjg' ? 'reviewer-zhsl' : u)),
    }));
    const draft = await withSession(
      h.app.url,
      'PUT',
      `/api/matters/${id}/draft`,
      {},
      { headers: bearer, body: { ...current, departments } },
    );
    assert.is(draft.status, 200, JSON.stringify(draft.body));
    assert.is((await withSession(h.app.url, 'POST', `/api/matters/${id}/publish`, {}, { headers: bearer, body: {} })).status, 200);
  }
  assert.is((await withSession(h.app.url, 'GET', '/api/applications', session)).status, 401);
  assert.is((await withSession(h.app.url, 'GET', '/console/session', session)).status, 204);
});

test.run();
