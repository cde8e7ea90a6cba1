import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { APPLICATION_ID_CONFLICT, createBackofficeClient } from '../../src/backoffice/client.js';
import type { SubmissionBody } from '../../src/backoffice/protocol.js';
import { formatApplicationId } from '../../src/domain/application-id.js';
import { ExternalError } from '../../src/errors.js';
import { startBackofficeSimulator } from '../../src/sandbox/backoffice/simulator.js';
import { fillHousingFund } from '../support/apply-flow.js';
import { BACKOFFICE_SECRET, startHarness, waitFor } from '../support/harness.js';
import { SimPlayer } from '../support/sim-player.js';

const conflict = suite('back office: a 409 for another application under our number is a conflict, not a success');

function body(applicationId: string, userId: string): SubmissionBody {
  return {
    applicationId,
    matter: { id: 'housing-fund-withdrawal', version: 1, name: '住房公积金提取' },
    applicant: { userId, name: '某人' },
    fields: {},
    materials: [],
    departments: ['gjj'],
    submittedAt: '2026-11-28T02:00:00.000Z',
    deadline: null,
  };
}

conflict(
  'the real simulator over HTTP: our own retry is a duplicate, another applicant under the same number is a permanent conflict',
  async () => {
    const backoffice = await startBackofficeSimulator({ secret: BACKOFFICE_SECRET, auto: false });
    try {
      const client = createBackofficeClient({ url: backoffice.baseUrl, secret: BACKOFFICE_SECRET });
      const ours = body('YC20261128-0001', 'citizen-zhang');
      assert.is((await client.submit(ours)).status, 201);
      const retry = await client.submit(ours);
      assert.equal([retry.status, retry.duplicate], [409, true], 'the same submission again is "already has it"');

      const theirs = body('YC20261128-0001', 'someone-else');
      const error = await client.submit(theirs).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.instance(error, ExternalError);
      assert.is((error as ExternalError).code, APPLICATION_ID_CONFLICT);
      assert.is((error as ExternalError).retryable, false);
      assert.match((error as Error).message, '编号冲突');
    } finally {
      await backoffice.close();
    }
  },
);

conflict('the bot dead-letters a submission whose number the back office holds for someone else, logs it and counts it', async () => {
  const h = await startHarness();
  try {
    // Another deployment with the same prefix got there first with today's first number.
    const id = formatApplicationId(new Date(), 1);
    const other = createBackofficeClient({ url: h.backoffice.baseUrl, secret: BACKOFFICE_SECRET });
    await other.submit({ ...body(id, 'citizen-of-another-city'), submittedAt: new Date().toISOString() });

    const zhang = new SimPlayer(h, 'citizen-zhang');
    await fillHousingFund(zhang);
    await zhang.click('提交');
    const dead = await waitFor(async () => (await h.app.store.deadJobs()).find((job) => job.kind === 'backoffice.submit'), {
      what: 'the submission to be dead-lettered',
    });
    assert.match(dead.reason, '编号冲突');
    assert.is(h.backoffice.submissions.get(id)?.body.applicant.userId, 'citizen-of-another-city', 'the other application is untouched');
    const posts = h.backoffice.calls.filter((call) => call.path === '/applications');
    assert.equal(
      posts.map((call) => call.status),
      [201, 409],
      'one try: a conflict is never retried',
    );

    const logged = h.logs.find(
      (line) => line.level === 50 && line.applicationId === id && String(line.msg).includes('APPLICATION_ID_PREFIX'),
    );
    assert.ok(logged, 'an error log names the fix');
    const metrics = await (await fetch(`${h.app.url}/metrics`)).text();
    assert.match(metrics, /yiciban_backoffice_conflicts_total 1/);
    await h.app.outbox.drain(5_000);
    assert.ok(
      zhang.messages().some((text) => text.includes('编号冲突')),
      'the applicant is told the submission did not arrive',
    );
  } finally {
    await h.close();
  }
});

conflict('APPLICATION_ID_PREFIX numbers applications, and the bot reads numbers with that prefix back', async () => {
  const h = await startHarness({ env: { APPLICATION_ID_PREFIX: 'HZ2' } });
  try {
    const zhang = new SimPlayer(h, 'citizen-zhang');
    await fillHousingFund(zhang);
    await zhang.click('提交');
    const id = /^办件 (\S+)$/.exec(zhang.card().title)?.[1] ?? '';
    assert.match(id, /^HZ2\d{8}-0001$/);
    await waitFor(() => h.backoffice.submissions.has(id), { what: 'the back office to receive the HZ2 number' });
    await zhang.say(`查询 ${id.toLowerCase()}`);
    assert.is(zhang.card().title, `办件 ${id}`, 'a typed number with the configured prefix is found');
  } finally {
    await h.close();
  }
});

conflict.run();
