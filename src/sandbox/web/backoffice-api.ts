// The back-office panel's JSON routes: the cases since the last reset and the decisions a person playing
// the departments makes (sent to the bot as signed webhooks by the back-office simulator).
import type Router from '@koa/router';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import type { BackofficeView } from './backoffice-view.js';
import { body } from './request.js';

const decisionBody = z
  .object({
    applicationId: z.string().min(1).max(100),
    action: z.enum(['accept', 'not_accept', 'supplement', 'approve', 'reject', 'complete', 'deliver', 'deliver_waive']),
    department: z.string().min(1).max(50).optional(),
    comment: z.string().max(500).optional(),
    missing: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
  })
  .refine((d) => !['approve', 'reject'].includes(d.action) || d.department, { message: '同意或驳回时请指明部门', path: ['department'] })
  .refine((d) => d.action !== 'supplement' || (d.missing ?? []).length > 0, { message: '要求补正时请写明缺少的材料', path: ['missing'] });

/** Mounts GET /backoffice and POST /backoffice/decisions on `router` (prefix /sandbox/api). */
export function backofficeApi(router: Router, view: BackofficeView | undefined): void {
  router.get('/backoffice', (ctx) => {
    ctx.body = view ? { available: true, cases: view.cases() } : { available: false, cases: [] };
  });

  router.post('/backoffice/decisions', async (ctx) => {
    if (!view) throw new HttpError(404, 'backoffice_not_simulated', '已配置真实后台（BACKOFFICE_URL），沙箱不能代替部门作出决定');
    const decision = await body(ctx, decisionBody);
    ctx.body = { case: await view.decide(decision) };
  });
}
