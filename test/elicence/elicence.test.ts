import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { createElicenceSource } from '../../src/elicence/source.js';
import { startElicenceSimulator, type ElicenceSimulator } from '../support/elicence-sim.js';

const test = suite<{ sims: ElicenceSimulator[] }>('e-licence source');

const sampleFile = new URL('../../config/sandbox/elicences.json', import.meta.url);
const sample = JSON.parse(readFileSync(sampleFile, 'utf8'));
const org = JSON.parse(readFileSync(new URL('../../config/sandbox/org.json', import.meta.url), 'utf8')) as {
  users: { userid: string; name: string; identity?: { idCard: string; company?: { name: string; creditCode: string } } }[];
};
const zhang = '330106198503122031';
const token = 'elicence-token';

test.before.each((context) => {
  context.sims = [];
});
test.after.each(async (context) => {
  for (const sim of context.sims) await sim.close();
});

async function simulator(context: { sims: ElicenceSimulator[] }) {
  const sim = await startElicenceSimulator({ token, data: sample });
  context.sims.push(sim);
  return sim;
}

test("finds a holder's licences in the sandbox sample, optionally of one type", async () => {
  const source = createElicenceSource({ sampleFile: fileURLToPath(sampleFile) });
  const all = await source.lookup(zhang);
  assert.is(all.status, 'found');
  if (all.status !== 'found') return;
  assert.equal(
    all.licences.map((l) => l.type),
    ['居民身份证', '户口簿', '结婚证', '不动产权证书'],
  );
  assert.equal(await source.lookup(zhang, '居民身份证'), {
    status: 'found',
    licences: [
      {
        type: '居民身份证',
        number: zhang,
        holderName: '张三',
        issuer: '杭州市公安局西湖分局',
        issuedAt: '2016-03-12',
        validUntil: '2036-03-12',
        fileUrl: `https://elicence.sandbox.invalid/files/id-card-${zhang}.pdf`,
      },
    ],
  });
  assert.equal(await source.lookup('330102199007181533', '结婚证'), { status: 'none' });
  assert.equal(await source.lookup('110101199003070000'), { status: 'none' });
});

test('the default sample is the sandbox file, and a lower-case x in an id matches', async () => {
  const source = createElicenceSource({});
  const result = await source.lookup('33010619880921406x', '居民身份证');
  assert.is(result.status === 'found' && result.licences[0]?.holderName, '陈静');
});

test('the sample covers every sandbox citizen and company with matching names', async () => {
  const source = createElicenceSource({ sampleFile: fileURLToPath(sampleFile) });
  const people = org.users.filter((u) => u.identity);
  assert.ok(people.length >= 5);
  for (const person of people) {
    const id = await source.lookup(person.identity!.idCard, '居民身份证');
    assert.is(id.status === 'found' && id.licences[0]?.holderName, person.name, person.userid);
    const company = person.identity!.company;
    if (!company) continue;
    const licence = await source.lookup(company.creditCode, '营业执照');
    assert.is(licence.status === 'found' && licence.licences[0]?.holderName, company.name, company.name);
  }
});

test("a company's 营业执照 names its legal representative, in the sample and over HTTP", async (context) => {
  const sim = await simulator(context);
  const rep = { name: '赵磊', idNumber: '330108198706304137' };
  for (const source of [createElicenceSource({ sampleFile: fileURLToPath(sampleFile) }), createElicenceSource({ url: sim.url, token })]) {
    const result = await source.lookup('91330106MA27WX5B3W', '营业执照');
    assert.equal(result.status === 'found' && result.licences[0]?.legalRepresentative, rep);
  }
});

test('the sandbox has a company led by a sandbox person and one whose sandbox clerk is not its legal representative', async () => {
  const source = createElicenceSource({ sampleFile: fileURLToPath(sampleFile) });
  const people = new Map(org.users.filter((u) => u.identity?.idCard).map((u) => [u.identity!.idCard, u]));
  const clerks = org.users.filter((u) => u.identity?.company);
  const cases = await Promise.all(
    clerks.map(async (clerk) => {
      const result = await source.lookup(clerk.identity!.company!.creditCode, '营业执照');
      const rep = result.status === 'found' ? result.licences[0]?.legalRepresentative : undefined;
      assert.ok(rep && people.has(rep.idNumber), `${clerk.identity!.company!.name}: its legal representative is a sandbox person`);
      assert.is(people.get(rep.idNumber)?.name, rep.name);
      return rep.idNumber === clerk.identity!.idCard;
    }),
  );
  assert.ok(cases.includes(true), 'a clerk who is the legal representative');
  assert.ok(cases.includes(false), 'a clerk who is not (and can be authorised)');
});

test('asks the service over HTTP with the bearer token, holder and type', async (context) => {
  const sim = await simulator(context);
  const source = createElicenceSource({ url: `${sim.url}/`, token });
  const result = await source.lookup('91330106MA27WX5B3W', '营业执照');
  assert.is(result.status === 'found' && result.licences[0]?.holderName, '杭州西溪餐饮管理有限公司');
  assert.equal(sim.calls, [{ path: `/licences?holderId=91330106MA27WX5B3W&type=${encodeURIComponent('营业执照')}`, authorised: true }]);
  assert.equal(await source.lookup('91330106MA27WX5B3W', '结婚证'), { status: 'none' });
});

test('an unreachable, failing, slow or refusing service means "upload it yourself", not an error', async (context) => {
  const sim = await simulator(context);
  const down = await startElicenceSimulator({ token, data: sample });
  const downUrl = down.url;
  await down.close();
  assert.equal((await createElicenceSource({ url: downUrl, token }).lookup(zhang)).status, 'unavailable');

  sim.failNext(1, 503);
  const failing = await createElicenceSource({ url: sim.url, token }).lookup(zhang);
  assert.equal(failing, { status: 'unavailable', reason: '电子证照服务暂时出错（HTTP 503）' });

  sim.setLatency(200);
  const slow = await createElicenceSource({ url: sim.url, token, timeoutMs: 30 }).lookup(zhang);
  assert.equal(slow, { status: 'unavailable', reason: '电子证照服务响应超时' });
  sim.setLatency(0);

  const refused = await createElicenceSource({ url: sim.url, token: 'wrong' }).lookup(zhang);
  assert.equal(refused, { status: 'unavailable', reason: '电子证照服务拒绝了访问凭证（HTTP 401）' });
});

test.run();
