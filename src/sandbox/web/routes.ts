// The sandbox web chat (mounted by main.ts in sandbox mode only): the page at /sandbox and its JSON API
// under /sandbox/api — people, history, send, upload, click, the back-office panel, live events, reset.
import type Router from '@koa/router';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { createRouter } from '../../http/routers.js';
import type { SandboxParts } from '../start.js';
import { backofficeApi } from './backoffice-api.js';
import { BackofficeView } from './backoffice-view.js';
import { chatApi } from './chat-api.js';
import { clockApi } from './clock-api.js';
import { consoleCodeApi } from './console-code-api.js';
import { liveEvents } from './live-events.js';
import { localOnly } from './local-only.js';
import { pageRouter } from './pages.js';
import { departmentNames } from './people.js';
import { body } from './request.js';
import { Transcript } from './transcript.js';
import { UploadStore } from './uploads.js';

/** The web chat over the running simulators: its routers and the state behind them. */
export interface SandboxWeb {
  routers: Router[];
  transcript: Transcript;
  backoffice?: BackofficeView;
  /** Stops listening to the simulators. */
  close(): void;
}

/** The routers main.ts mounts in sandbox mode (built once; they survive a reset). */
export function sandboxPages(parts: SandboxParts): Router[] {
  return createSandboxWeb(parts).routers;
}

/** Builds the web chat: transcript, uploads, back-office view and the routes over them. */
export function createSandboxWeb(parts: SandboxParts): SandboxWeb {
  const { dingtalk } = parts;
  const transcript = new Transcript(dingtalk);
  const uploads = new UploadStore();
  const backoffice = parts.backoffice ? new BackofficeView(parts.backoffice, departmentNames(dingtalk.org)) : undefined;

  const api = createRouter('/sandbox/api');
  // First, so it runs before every route of the API, the 404 catch-all included.
  api.use(localOnly());
  chatApi(api, { dingtalk, transcript, uploads });
  backofficeApi(api, backoffice);
  clockApi(api, parts);
  consoleCodeApi(api, parts);
  liveEvents(api, { dingtalk, transcript, backoffice });
  resetRoute(api, async () => {
    const forget = () => {
      transcript.clear();
      uploads.clear();
      backoffice?.reset();
    };
    forget();
    await parts.reset();
    // Whatever the old bot sent while it was stopping is gone too.
    forget();
  });
  api.all('/{*rest}', (ctx) => {
    throw new HttpError(404, 'not_found', `沙箱接口不存在：${ctx.method} ${ctx.path}`);
  });
  return {
    routers: [pageRouter(), api],
    transcript,
    ...(backoffice ? { backoffice } : {}),
    close() {
      transcript.close();
      backoffice?.close();
    },
  };
}

const resetBody = z.object({ confirm: z.literal(true) });

/**
 * POST /reset answers 202 first and resets afterwards: the reset stops the HTTP server this request is
 * on (closing every connection), so the page polls /healthz and reloads once the bot is back.
 */
function resetRoute(router: Router, reset: () => Promise<void>): void {
  let running = false;
  router.post('/reset', async (ctx) => {
    await body(ctx, resetBody);
    if (running) throw new HttpError(409, 'reset_in_progress', '正在重置，请稍候');
    running = true;
    ctx.status = 202;
    ctx.body = { ok: true, message: '正在重置沙箱：清空数据并重启机器人' };
    ctx.res.once('finish', () => {
      setImmediate(() => {
        reset()
          .catch((error: unknown) => console.error('sandbox reset failed; restart npm start', error))
          .finally(() => (running = false));
      });
    });
  });
}
