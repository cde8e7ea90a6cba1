import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { createBackofficeClient, type BackofficeClient } from '../../src/backoffice/client.js';
import { submissionBody, supplementKey, withdrawKey } from '../../src/backoffice/protocol.js';
import { verify } from '../../src/backoffice/signature.js';
import { ExternalError } from '../../src/errors.js';
import { startBackofficeSimulator, type BackofficeSimulator } from '../../src/sandbox/backoffice/simulator.js';
import { submission, submittedApplication } from '../support/backoffice-fixtures.js';

interface Context {
  sim: BackofficeSimulator;
  client: BackofficeClient;
}

const test = suite<Context>('back-office client');
const secret = 'client-secret';

test.before.each(async (context) => {
  context.sim = await startBackofficeSimulator({ secret });
  context.client = createBackofficeClient({ url: `${context.sim.baseUrl}/`, secret, timeoutMs: 500 });
});

test.after.each((context) => context.sim.close());

async function failure(promise: Promise<unknown>): Promise<ExternalError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, ExternalError);
    return error as ExternalError;
  }
  throw new Error('expected the call to fail');
}

test('builds exactly the protocol body from an application', () => {
  assert.equal(submissionBody(submittedApplication(), '2026-12-10'), {
    applicationId: 'YC20261128-0001',
    matter: { id: 'food-business-licence', version: 2, name: '食品经营许可证核发' },
    applicant: { userId: 'clerk-zhao', name: '赵磊' },
    fields: { companyName: '杭州西溪餐饮管理有限公司', creditCode: '91330106MA27WX5B3W', address: '杭州市西湖区文三路 90 号' },
    materials: [
      { id: 'licence', name: '营业执照', source: 'elicence', ref: '91330106MA27WX5B3W' },
      { id: 'layout', name: '经营场所平面图', source: 'upload', ref: 'dl-code-123' },
      { id: 'health', name: '从业人员健康证明', source: 'promised', ref: 'promise-1' },
    ],
    departments: ['scjg', 'wsjk'],
    submittedAt: '2026-11-28T09:40:00.000Z',
    deadline: '2026-12-10',
  });
  assert.is(submissionBody(submittedApplication()).deadline, null);
  assert.throws(() => submissionBody(submittedApplication({ submittedAt: undefined })), /submittedAt/);
});

test('submits a signed JSON body with the application id as Idempotency-Key', async ({ sim, client }) => {
  const reply = await client.submit(submission());
  assert.equal([reply.status, reply.duplicate], [201, false]);
  const [call] = sim.calls;
  assert.is(call?.path, '/applications');
  assert.is(call?.headers['idempotency-key'], 'YC20261128-0001');
  assert.is(call?.headers['content-type'], 'application/json');
  assert.is(verify(secret, call!.headers, call!.body, Date.now()).status, 'valid');
  assert.equal(sim.submissions.get('YC20261128-0001')?.body, submission());
});

test('treats 409 (the back office already has it) as accepted', async ({ sim, client }) => {
  await client.submit(submission());
  const again = await client.submit(submission());
  assert.equal([again.status, again.duplicate], [409, true]);
  assert.is(sim.submissions.size, 1);
});

test('a 5xx is a retryable ExternalError and the retry with the same key is accepted', async ({ sim, client }) => {
  sim.failNext(1, 503);
  const error = await failure(client.submit(submission()));
  assert.equal([error.service, error.status, error.retryable], ['backoffice', 503, true]);
  await client.submit(submission());
  assert.equal(
    sim.calls.map((c) => [c.status, c.headers['idempotency-key']]),
    [
      [503, 'YC20261128-0001'],
      [201, 'YC20261128-0001'],
    ],
  );
});

test('a refused connection and a timeout are retryable', async ({ sim, client }) => {
  await sim.pause();
  const refused = await failure(client.submit(submission()));
  assert.is(refused.retryable, true);
  assert.match(refused.message, 'ECONNREFUSED');
  await sim.resume();
  sim.setLatency(1_000);
  const slow = await failure(client.submit(submission()));
  assert.is(slow.retryable, true);
  assert.match(slow.message, '超时');
});

test('another 4xx is permanent and carries the back office reason', async ({ sim, client }) => {
  const invalid = await failure(client.submit(submission({ departments: [] })));
  assert.equal([invalid.status, invalid.retryable, invalid.code], [400, false, 'invalid_body']);
  assert.match(invalid.message, 'departments');

  await client.submit(submission());
  await sim.accept('YC20261128-0001').catch(() => undefined);
  await sim.complete('YC20261128-0001').catch(() => undefined);
  const late = await failure(
    client.withdraw('YC20261128-0001', { applicationId: 'YC20261128-0001', withdrawnAt: '2026-11-29T01:00:00.000Z' }),
  );
  assert.equal([late.status, late.retryable, late.message], [422, false, '办件已作出决定，不能撤回']);

  const forged = createBackofficeClient({ url: sim.baseUrl, secret: 'wrong' });
  const unauthorised = await failure(forged.submit(submission({ applicationId: 'YC20261128-0002' })));
  assert.equal([unauthorised.status, unauthorised.retryable], [401, false]);
});

test('withdrawals and supplements use their own keys and paths', async ({ sim, client }) => {
  const id = 'YC20261128-0001';
  await client.submit(submission());
  await sim.requireSupplement(id, [{ name: '从业人员健康证明', reason: '容缺承诺已到期' }]).catch(() => undefined);
  const materials = [{ id: 'health', name: '从业人员健康证明', source: 'upload' as const, ref: 'dl-code-9' }];
  await client.supplement(id, { applicationId: id, round: 1, materials, submittedAt: '2026-11-29T01:00:00.000Z' });
  await client.withdraw(id, { applicationId: id, reason: '不再经营', withdrawnAt: '2026-11-29T02:00:00.000Z' });
  assert.equal(
    sim.calls.slice(1).map((c) => [c.path, c.headers['idempotency-key'], c.status]),
    [
      [`/applications/${id}/supplements`, supplementKey(id, 1), 200],
      [`/applications/${id}/withdraw`, withdrawKey(id), 200],
    ],
  );
  assert.equal(sim.supplements[0]?.body.materials, materials);
  assert.is(sim.withdrawals.get(id)?.body.reason, '不再经营');
});

test.run();
