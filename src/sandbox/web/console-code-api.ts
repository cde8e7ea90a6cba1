// "以管理员身份打开控制台": the simulator's stand-in for DingTalk's dd.requestAuthCode. The sandbox page asks for
// a 免登 code of a person (by default the sandbox admin) and opens /console?authCode=… with it; the console
// exchanges it through the simulated /topapi/v2/user/getuserinfo like in production.
import type Router from '@koa/router';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import type { SandboxParts } from '../start.js';
import { body, userIdParam } from './request.js';

const codeBody = z.object({ userId: userIdParam.optional() });

/** Mounts POST /console-code on `router` (prefix /sandbox/api): `{userId?}` → `{userId, authCode}`. */
export function consoleCodeApi(router: Router, parts: Pick<SandboxParts, 'dingtalk' | 'adminUserId'>): void {
  router.post('/console-code', async (ctx) => {
    const userId = (await body(ctx, codeBody)).userId ?? parts.adminUserId;
    if (!parts.dingtalk.org.users.some((u) => u.userid === userId)) throw new HttpError(404, 'not_found', `沙箱组织里没有用户 ${userId}`);
    ctx.body = { userId, authCode: parts.dingtalk.mintAuthCode(userId) };
  });
}
