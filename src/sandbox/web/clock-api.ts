// 时间快进 for the back-office panel: the sandbox clock's time, and a jump of whole working days so a person can
// watch deadline warnings and the 09:00 digest arrive without waiting for them.
import type Router from '@koa/router';
import { z } from 'zod';
import type { SandboxParts } from '../start.js';
import { body } from './request.js';

const advanceBody = z.object({ workingDays: z.number().int().min(1).max(30) });

/** Mounts GET /clock and POST /clock/advance on `router` (prefix /sandbox/api). */
export function clockApi(router: Router, parts: Pick<SandboxParts, 'clock' | 'fastForward'>): void {
  router.get('/clock', (ctx) => {
    ctx.body = { now: new Date(parts.clock.now()).toISOString() };
  });
  router.post('/clock/advance', async (ctx) => {
    const { workingDays } = await body(ctx, advanceBody);
    const { from, to } = await parts.fastForward(workingDays);
    ctx.body = { from: new Date(from).toISOString(), now: new Date(to).toISOString(), workingDays };
  });
}
