import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { fileHousingFund } from '../support/apply-flow.js';
import { ADMIN_TOKEN, startHarness, type Harness } from '../support/harness.js';
import { SimPlayer } from '../support/sim-player.js';
import { suite } from '../support/suite.js';

const test = suite('admin API: matter templates, applications, change log');

let h: Harness;
test.before.each(async () => {
  h = await startHarness();
});
test.after.each(async () => {
  await h.close();
});

interface Answer {
  status: number;
  body: any;
}

async function api(method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${h.app.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

const FUND = 'housing-fund-withdrawal';
const template = async (id = FUND) => (await api('GET', `/api/matters/${id}`)).body.current;

test('lists the seeded matters as {items, total} and shows one with its versions', async () => {
  const list = await api('GET', '/api/matters?limit=100');
  assert.is(list.status, 200);
  assert.is(list.body.total, 10);
  assert.ok(list.body.items.some((m: { name: string; current: number }) => m.name === '住房公积金提取' && m.current === 2));
  assert.is((await api('GET', '/api/matters?q=公积金')).body.total, 1);
  const one = await api('GET', `/api/matters/${FUND}`);
  assert.equal(
    one.body.versions.map((v: { version: number }) => v.version),
    [2],
  );
  assert.is(one.body.current.name, '住房公积金提取');
  assert.is(one.body.draft, null);
  assert.is((await api('GET', '/api/matters/nope')).status, 404);
  assert.is((await api('GET', '/api/matters?status=gone')).status, 400);
  assert.is((await api('GET', '/api/matters?limit=0')).status, 400);
});

test('a published change of the promised days is in the next guide without a restart; filed applications keep theirs', async () => {
  const zhang = new SimPlayer(h, 'citizen-zhang');
  const filed = await fileHousingFund(zhang);
  const current = await template();
  const draft = { ...current, timeLimit: { ...current.timeLimit, promisedDays: 2 } };
  const saved = await api('PUT', `/api/matters/${FUND}/draft`, draft, { 'x-yiciban-actor': 'admin-liu' });
  assert.is(saved.status, 200);
  assert.equal(saved.body.summary, ['承诺时限：1个工作日 → 2个工作日']);
  const published = await api('POST', `/api/matters/${FUND}/publish`);
  assert.is(published.status, 200);
  assert.is(published.body.matter.current, 3);

  await zhang.say('办事指南 住房公积金提取');
  assert.match(zhang.card().text, '2个工作日（法定3个工作日）');
  await zhang.say(`查询 ${filed}`);
  assert.match(zhang.card().text, '住房公积金提取（第2版）');
  assert.match(zhang.card().text, '受理后1个工作日内');

  const audit = await api('GET', `/api/audit?matter=${FUND}`);
  assert.equal(
    audit.body.items.slice(0, 2).map((a: { action: string }) => a.action),
    ['publish', 'draft'],
  );
  assert.equal(audit.body.items[0].actor, { type: 'admin', id: 'admin-api' });
  assert.equal(audit.body.items[1].actor, { type: 'admin', id: 'admin-liu' });
  assert.equal(audit.body.items[0].summary, ['承诺时限：1个工作日 → 2个工作日']);
});

test('a publish through the API tells a person filling in the form at once, once, on the same form card', async () => {
  const zhang = new SimPlayer(h, 'citizen-zhang');
  await zhang.say('我要办 公积金提取');
  await zhang.click('同意调取');
  await zhang.say('330106198503122031');
  await zhang.click('租赁自住住房');
  const form = zhang.card().id;
  const current = await template();
  const draft = { ...current, fields: [{ key: 'householdNote', label: '户籍所在地', type: 'text', required: true }, ...current.fields] };
  assert.is((await api('PUT', `/api/matters/${FUND}/draft`, draft)).status, 200);
  assert.is((await api('POST', `/api/matters/${FUND}/publish`)).status, 200);
  await h.app.outbox.drain(10_000);
  const told = () => zhang.messages().filter((m) => m.includes('办理要求已更新'));
  assert.is(told().length, 1, `one message: ${zhang.messages().join(' | ')}`);
  assert.match(told()[0]!, '第3版');
  const shown = zhang.show(form)!;
  assert.match(shown.title, '住房公积金提取 · 第 ');
  assert.match(shown.text, '户籍所在地');
  assert.match(shown.text, '办理要求已更新');

  // Publishing again (a retried request) has no draft to publish, and tells nobody anything.
  assert.is((await api('POST', `/api/matters/${FUND}/publish`)).status, 409);
  await h.app.outbox.drain(10_000);
  assert.is(told().length, 1);
  await zhang.say('浙江杭州');
  assert.is(told().length, 1, 'not again at the next step');
  assert.is(zhang.card().id, form);
  assert.not.match(zhang.card().text, '办理要求已更新');
});

test('refuses bad bodies: every template error with its path in Chinese and English, too large, not JSON, conflicts', async () => {
  const broken = {
    ...(await template()),
    timeLimit: { legalDays: 3, promisedDays: 5 },
    fields: [],
    onSiteSteps: ['现场核验'],
    delivery: ['window'],
  };
  delete (broken as Record<string, unknown>).window;
  const refused = await api('PUT', `/api/matters/${FUND}/draft`, broken);
  assert.is(refused.status, 422);
  assert.is(refused.body.error.code, 'invalid_template');
  const details = refused.body.error.details as { path: string; message: string; messageEn: string }[];
  assert.equal(
    details.map((d) => d.path),
    ['fields', 'timeLimit.promisedDays', 'window'],
  );
  assert.equal(details[1], {
    path: 'timeLimit.promisedDays',
    message: '承诺时限（5个工作日）不能超过法定时限（3个工作日）',
    messageEn: 'promisedDays (5) must not exceed legalDays (3)',
  });

  const twoVisits = {
    ...(await template()),
    onSiteSteps: ['现场核验'],
    delivery: ['window'],
    window: { address: '市民中心', hours: '9:00-17:00' },
  };
  assert.is((await api('PUT', `/api/matters/${FUND}/draft`, twoVisits)).status, 200, 'a draft only needs the schema');
  const publish = await api('POST', `/api/matters/${FUND}/publish`);
  assert.is(publish.status, 422);
  assert.equal(
    publish.body.error.details.map((d: { path: string }) => d.path),
    ['onSiteSteps', 'onSiteSteps', 'onSiteSteps', 'onSiteSteps'],
  );
  assert.match(publish.body.error.details[0].message, '情形“提取原因：购买自住住房”需跑动 2 次');
  assert.match(publish.body.error.details[0].messageEn, 'needs 2 visits in person');
  assert.is((await template()).version, 2, 'nothing was published');

  assert.is((await api('PUT', `/api/matters/${FUND}/draft`, '{"id":')).status, 400);
  assert.is((await api('PUT', `/api/matters/${FUND}/draft`, { ...(await template()), id: 'other' })).status, 422);
  assert.is((await api('PUT', `/api/matters/${FUND}/draft`, 'x'.repeat(300 * 1024))).status, 413);
  assert.is((await api('PUT', '/api/matters/nope/draft', await template())).status, 404);
  assert.is((await api('POST', '/api/matters', await template())).status, 409, 'the id exists');
  assert.is((await api('POST', '/api/matters', { name: '无编号' })).status, 422);
  assert.is((await api('POST', '/api/matters/enterprise-setup/publish')).status, 409, 'no draft to publish');
  assert.is((await api('POST', '/api/matters/nope/retire')).status, 404);
});

test('creates, publishes and retires a matter: the bot offers it, then no longer does', async () => {
  const created = await api('POST', '/api/matters', {
    ...(await template()),
    id: 'housing-fund-loan',
    name: '公积金贷款咨询登记',
    aliases: [],
    keywords: [],
  });
  assert.is(created.status, 201);
  const li = new SimPlayer(h, 'citizen-li');
  await li.say('办事指南 公积金贷款咨询登记');
  assert.not.ok(li.card().title.includes('公积金贷款咨询登记'), 'not offered before publishing');
  assert.is((await api('POST', '/api/matters/housing-fund-loan/publish')).status, 200);
  await li.say('办事指南 公积金贷款咨询登记');
  assert.match(li.card().title, '公积金贷款咨询登记');
  assert.is((await api('POST', '/api/matters/housing-fund-loan/retire')).status, 200);
  assert.is((await api('POST', '/api/matters/housing-fund-loan/retire')).status, 409);
  await li.say('办事指南 公积金贷款咨询登记');
  assert.not.ok(li.card().title.includes('公积金贷款咨询登记'));
  assert.is((await api('GET', '/api/matters?status=retired')).body.total, 1);
});

test('a restart keeps admin edits even when the seed files differ; matters:import is the way to bring file changes in', async () => {
  const current = await template();
  assert.is(
    (await api('PUT', `/api/matters/${FUND}/draft`, { ...current, timeLimit: { ...current.timeLimit, promisedDays: 2 } })).status,
    200,
  );
  assert.is((await api('POST', `/api/matters/${FUND}/publish`)).status, 200);
  const dir = await mkdtemp(path.join(tmpdir(), 'yc-matters-'));
  try {
    await cp('config/matters', dir, { recursive: true });
    const file = path.join(dir, 'housing-fund-withdrawal.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"promisedDays": 1', '"promisedDays": 3'));
    await h.restart(dir);
    const after = await template();
    assert.is(after.version, 3);
    assert.is(after.timeLimit.promisedDays, 2, 'the admin edit survives');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('lists applications with filters and paging, masks personal numbers, and shows one with its history', async () => {
  const zhang = new SimPlayer(h, 'citizen-zhang');
  const id = await fileHousingFund(zhang);
  const list = await api('GET', `/api/applications?matter=${FUND}&status=submitted&department=gjj&submittedFrom=2000-01-01`);
  assert.is(list.status, 200);
  assert.is(list.body.total, 1);
  assert.is(list.body.items[0].id, id);
  assert.is(list.body.items[0].overdue, false);
  assert.is(list.body.items[0].history, undefined, 'the list leaves out the history');
  assert.is((await api('GET', '/api/applications?matter=enterprise-setup')).body.total, 0);
  assert.is((await api('GET', '/api/applications?submittedTo=2000-01-01')).body.total, 0);
  assert.is((await api('GET', '/api/applications?overdue=true')).body.total, 0);
  for (const bad of ['status=done', 'submittedFrom=yesterday', 'overdue=maybe', 'offset=-1', 'limit=101']) {
    const refused = await api('GET', `/api/applications?${bad}`);
    assert.is(refused.status, 400, bad);
    assert.is(refused.body.error.code, 'bad_query');
  }
  const one = await api('GET', `/api/applications/${id}`);
  assert.is(one.status, 200);
  assert.ok(one.body.history.length >= 2);
  const text = JSON.stringify(one.body);
  assert.not.ok(text.includes('330106198503122031'), 'no ID number');
  assert.not.ok(text.includes('13800000001'), 'no phone number');
  assert.is(one.body.fields.applicantIdNumber, '3301**********2031');
  assert.is((await api('GET', '/api/applications/YC20000101-0001')).status, 404);
});

/** Every file under DATA_DIR, as one string of bytes (lowdb keeps applications in plain JSON around sealed values). */
async function storedBytes(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    parts.push(entry.isDirectory() ? await storedBytes(full) : await readFile(full, 'latin1'));
  }
  return parts.join('\n');
}

test('a field marked sensitive in a newly published version is sealed at rest without a restart', async () => {
  const zhang = new SimPlayer(h, 'citizen-zhang');
  await fileHousingFund(zhang, '45678');
  assert.ok((await storedBytes(h.dataDir)).includes('45678'), 'under v2 the amount is stored as it is');
  const current = await template();
  const fields = current.fields.map((f: { key: string }) => (f.key === 'amount' ? { ...f, sensitive: true } : f));
  assert.is((await api('PUT', `/api/matters/${FUND}/draft`, { ...current, fields })).status, 200);
  assert.is((await api('POST', `/api/matters/${FUND}/publish`)).status, 200);
  const id = await fileHousingFund(zhang, '98765');
  assert.not.ok((await storedBytes(h.dataDir)).includes('98765'), 'under v3 the amount is sealed');
  assert.is((await h.app.store.getApplication(id))?.fields.amount, '98765');
});

test.run();
