import Koa from 'koa';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ExternalError } from '../../src/errors.js';
import { createOutbox, type Outbox } from '../../src/outbox/dispatcher.js';
import { outboxRoutes } from '../../src/outbox/routes.js';
import type { Store } from '../../src/store/store.js';
import { job, serve, silentLogger } from '../support/backoffice-harness.js';
import { FakeClock } from '../../src/fake-clock.js';
import { tempStore } from '../support/backoffice-store.js';

interface Context {
  store: Store;
  outbox: Outbox;
  url: string;
  cleanup: () => Promise<void>;
  backofficeUp: boolean;
  clock: FakeClock;
}

const test = suite<Context>('outbox admin routes');

test.before.each(async (context) => {
  context.clock = new FakeClock();
  const files = await tempStore(context.clock.now);
  context.store = await files.open();
  context.backofficeUp = false;
  context.outbox = createOutbox({
    store: context.store,
    clock: context.clock,
    logger: silentLogger,
    handlers: {
      'backoffice.submit': async () => {
        if (!context.backofficeUp) throw new ExternalError('backoffice', '事项版本已停用', { status: 422, retryable: false });
      },
    },
  });
  const app = new Koa();
  const router = outboxRoutes({ store: context.store, outbox: context.outbox });
  app.use(router.routes()).use(router.allowedMethods());
  const server = await serve(app);
  context.url = server.url;
  context.cleanup = async () => {
    await server.close();
    await context.outbox.stop();
    await context.store.close();
    await files.remove();
  };
});

test.after.each((context) => context.cleanup());

test('lists dead jobs with their reasons', async (context) => {
  const failed = job(context.clock.now, { kind: 'backoffice.submit' });
  await context.store.commit({ jobs: { put: [failed] } });
  await context.outbox.drain();
  const response = await fetch(`${context.url}/api/outbox/dead`);
  assert.is(response.status, 200);
  const body = (await response.json()) as { total: number; items: { id: string; reason: string }[] };
  assert.is(body.total, 1);
  assert.equal(
    body.items.map((item) => [item.id, item.reason]),
    [[failed.id, '事项版本已停用']],
  );
});

test('retrying a dead job puts it back in the queue and the outbox delivers it', async (context) => {
  const failed = job(context.clock.now, { kind: 'backoffice.submit' });
  await context.store.commit({ jobs: { put: [failed] } });
  await context.outbox.drain();
  context.backofficeUp = true;
  const response = await fetch(`${context.url}/api/outbox/dead/${failed.id}/retry`, { method: 'POST' });
  assert.is(response.status, 200);
  const body = (await response.json()) as { ok: boolean; job: { id: string; attempts: number } };
  assert.equal([body.ok, body.job.id, body.job.attempts], [true, failed.id, 0]);
  assert.equal(await context.store.deadJobs(), []);
  await context.outbox.drain();
  assert.is(await context.store.getJob(failed.id), undefined);
  assert.is(context.outbox.stats().delivered, 1);
});

test('retrying an unknown job answers 404 with a JSON error', async (context) => {
  const response = await fetch(`${context.url}/api/outbox/dead/nope/retry`, { method: 'POST' });
  assert.is(response.status, 404);
  const body = (await response.json()) as { error: { code: string; message: string } };
  assert.is(body.error.code, 'not_found');
  assert.match(body.error.message, 'nope');
});

test.run();
