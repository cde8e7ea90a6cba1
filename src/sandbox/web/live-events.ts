// GET /sandbox/api/events: Server-Sent Events for one page — new entries and card updates of the
// conversation it shows, and a nudge whenever the back office changed. Listeners go when the page does.
import type Router from '@koa/router';
import { z } from 'zod';
import type { DingTalkSimulator } from '../dingtalk/index.js';
import type { BackofficeView } from './backoffice-view.js';
import { conversationParam, parse, placeOf, userIdParam } from './request.js';
import { viewOf, type Transcript, type TranscriptChange } from './transcript.js';

export interface LiveEventsDeps {
  dingtalk: DingTalkSimulator;
  transcript: Transcript;
  backoffice?: BackofficeView;
  /** Comment lines keep proxies and the browser from closing an idle stream. */
  heartbeatMs?: number;
}

const query = z.object({ userId: userIdParam, conversation: conversationParam });

/** Mounts the SSE route on `router` (prefix /sandbox/api). */
export function liveEvents(router: Router, deps: LiveEventsDeps): void {
  const { transcript, backoffice } = deps;
  router.get('/events', (ctx) => {
    const input = parse(query, ctx.query);
    const { conversationId } = placeOf(deps.dingtalk.org, input.userId, input.conversation);

    const res = ctx.res;
    let open = true;
    const write = (text: string) => {
      if (open && !res.destroyed) res.write(text);
    };
    const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const onChange = (change: TranscriptChange) => {
      if (change.entry.conversationId === conversationId) send(change.type, viewOf(change.entry, input.userId));
    };
    const onBackoffice = () => send('backoffice', {});
    const heartbeat = setInterval(() => write(': ping\n\n'), deps.heartbeatMs ?? 15_000);
    const cleanup = () => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      transcript.events.off('change', onChange);
      backoffice?.events.off('change', onBackoffice);
    };
    transcript.events.on('change', onChange);
    backoffice?.events.on('change', onBackoffice);
    // 'close' fires when the browser goes away or the server stops (a sandbox reset closes every connection).
    res.on('close', cleanup);
    res.on('error', cleanup);

    // The response is written by hand: koa's stream piping would report every closed tab as an error.
    ctx.respond = false;
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    });
    // The retry hint makes EventSource reconnect quickly after a sandbox reset restarts the server.
    write(`retry: 1000\nevent: ready\ndata: ${JSON.stringify({ conversationId })}\n\n`);
  });
}
