// The console's parts wired together for startYiciban: its router, and how the admin API finds its sessions.
import type Router from '@koa/router';
import type { Config } from '../config.js';
import type { OpenApiClient } from '../dingtalk/openapi.js';
import type { Matter } from '../domain/types.js';
import type { SessionResolver } from '../http/admin-auth.js';
import type { Store } from '../store/store.js';
import { consoleRoutes, consoleSessionResolver, type ConsoleRoutesOptions } from './routes.js';
import { ConsoleSessions } from './sessions.js';

/** What the sandbox adds: its organisation's corpId, and its admin's 免登 code without a DingTalk client. */
export interface ConsoleExtras {
  corpId?: string;
  /** Sandbox only: a fresh auth code of the sandbox admin (the simulator's dd.requestAuthCode). */
  sandboxAuthCode?: () => string;
}

export interface ConsoleOptions extends ConsoleExtras {
  store: Store;
  now: () => number;
  openapi: Pick<OpenApiClient, 'userOfAuthCode' | 'getUser'>;
  config: Pick<Config, 'adminUserIds' | 'adminToken'>;
  /** The current templates (their departments' contacts may log in). */
  matters: () => readonly Matter[];
}

/** The console router and the admin API's session resolver, over one session book. */
export function createConsole(options: ConsoleOptions): { router: Router; sessions: SessionResolver } {
  const sessions = new ConsoleSessions(options.store, options.now);
  const { openapi, config } = options;
  const routes: ConsoleRoutesOptions = {
    sessions,
    ...(options.corpId ? { corpId: options.corpId } : {}),
    ...(options.sandboxAuthCode ? { sandboxAuthCode: options.sandboxAuthCode } : {}),
    login: {
      adminUserIds: config.adminUserIds,
      ...(config.adminToken ? { adminToken: config.adminToken } : {}),
      matters: options.matters,
      userOfAuthCode: (code) => openapi.userOfAuthCode(code),
      nameOf: async (userId) => (await openapi.getUser(userId)).name,
    },
  };
  return { router: consoleRoutes(routes), sessions: consoleSessionResolver(routes) };
}
