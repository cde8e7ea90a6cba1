import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { startHarness, waitFor, type Harness } from '../support/harness.js';

const http = suite<{ h: Harness }>('e2e: health and metrics');

http.before.each(async (ctx) => {
  ctx.h = await startHarness();
});
http.after.each(async (ctx) => {
  await ctx.h.close();
});

http('/healthz reports the stream and the store, and 503 when the store is unusable', async ({ h }) => {
  const ok = await fetch(`${h.app.url}/healthz`);
  assert.is(ok.status, 200);
  assert.equal(await ok.json(), { status: 'ok', stream: 'connected', store: 'lowdb' });

  // The first start seeds the matter templates: let that write reach its files (the log is emptied at the
  // checkpoint) before the directory is taken away, or the two race.
  const logSize = async () => (await stat(join(h.dataDir, 'wal.log')).catch(() => undefined))?.size ?? 0;
  await waitFor(async () => (await logSize()) === 0, { what: 'the seed checkpoint' });
  await rm(h.dataDir, { recursive: true, force: true });
  const down = await fetch(`${h.app.url}/healthz`);
  assert.is(down.status, 503);
  assert.is(((await down.json()) as { status: string }).status, 'unavailable');
});

http('/healthz says connecting while the stream is down', async ({ h }) => {
  // The gateway refuses the next reconnects, so the bot stays down for a few backoff rounds.
  h.dingtalk.failNext(4, { status: 500, pathPrefix: '/v1.0/gateway/connections/open' });
  h.dingtalk.cutSockets();
  await waitFor(async () => ((await (await fetch(`${h.app.url}/healthz`)).json()) as { stream: string }).stream === 'connecting', {
    what: 'stream: connecting',
  });
  await waitFor(async () => ((await (await fetch(`${h.app.url}/healthz`)).json()) as { stream: string }).stream === 'connected', {
    what: 'stream: connected again',
  });
});

http('/metrics counts inbound events and delivered jobs in Prometheus text', async ({ h }) => {
  const sent = h.dingtalk.injectMessage({ userId: 'citizen-zhang', text: '帮助' });
  await waitFor(() => h.dingtalk.acks.some((ack) => ack.messageId === sent.messageId), { what: 'the ACK' });
  await h.app.outbox.drain(5_000);
  const response = await fetch(`${h.app.url}/metrics`);
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', 'text/plain');
  const text = await response.text();
  assert.match(text, /yiciban_inbound_events_total\{kind="message",outcome="handled"\} 1/);
  assert.match(text, /yiciban_outbox_jobs_total\{kind="dingtalk\.message",outcome="delivered"\} 1/);
  assert.match(text, /yiciban_handle_seconds_count\{kind="message"\} 1/);
});

http.run();
