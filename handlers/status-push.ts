// A status event from the back office (already signature-checked and schema-validated by the HTTP layer):
// map it to a domain event, run the state machine, and tell the applicant what changed — the application
// card is updated in place, plus one short message in plain Chinese, or, for 补正, the one 一次性告知
// message that starts the supplement dialog. Refused events set the outcome and change nothing.
import type { Middleware } from '../src/bot/composer.js';
import type { DecisionContext } from '../src/bot/context.js';
import type { StatusContext } from '../src/bot/event-contexts.js';
import { webhookToEvent, type ApplicationEvent } from '../src/domain/application-events.js';
import { transition } from '../src/domain/application.js';
import { formatChineseDate } from '../src/domain/status-text.js';
import type { Actor, Application, Matter } from '../src/domain/types.js';
import { refreshApplicationCard } from './application-push.js';
import { startSupplement } from './supplement.js';
import { superviseChange } from './supervision/warnings.js';

/** Applies one back-office status event to its application (dedupe ran before, in the bot). */
export const backofficeStatus: Middleware<StatusContext> = async (ctx) => {
  const event = ctx.event.event;
  const app = await ctx.getApplication(event.applicationId);
  if (!app) {
    ctx.outcome = { status: 'unknown_application' };
    return;
  }
  const matter = ctx.matterOf(app);
  if (!matter && event.status === 'accepted') {
    ctx.outcome = { status: 'illegal', message: `事项 ${app.matter.id} 已不在目录中，无法计算承诺办结日期` };
    return;
  }
  const mapping = webhookToEvent(event, { deadline: () => (matter ? ctx.services.deadlineFor(ctx.now, matter, app.fields) : '') });
  if (mapping.status === 'invalid') {
    ctx.outcome = { status: 'invalid', message: mapping.message };
    return;
  }
  const actor: Actor = event.department ? { type: 'department', id: event.department } : { type: 'backoffice', id: 'backoffice' };
  const result = transition(app, mapping.event, { now: ctx.now, actor });
  if (result.status === 'illegal') {
    ctx.log.warn({ code: result.code }, 'back-office event refused by the state machine');
    ctx.outcome = { status: 'illegal', message: result.message };
    return;
  }
  if (result.changed) await pushStatus(ctx, app, result.application, mapping.event);
};

/** Records the changed application and tells its applicant what changed. */
export async function pushStatus(ctx: DecisionContext, before: Application, after: Application, event: ApplicationEvent): Promise<void> {
  const app = refreshApplicationCard(ctx, after);
  ctx.saveApplication(app);
  await superviseChange(ctx, before, app);
  if (event.kind === 'require_supplement') return startSupplement(ctx, app);
  ctx.send({ kind: 'user', userId: app.applicant.userId }, changeText(before, app, event, ctx.matterOf(app)));
}

/** One or two sentences about the change. */
export function changeText(before: Application, app: Application, event: ApplicationEvent, matter: Matter | undefined): string {
  const name = `办件 ${app.id}（${app.matter.name}）`;
  const department = (id: string | undefined) => app.departments.find((d) => d.id === id)?.name ?? '审查部门';
  switch (event.kind) {
    case 'accept':
      return `${name}已受理，承诺于${formatChineseDate(app.deadline ?? '')}前办结。`;
    case 'not_accept':
      return `很抱歉，${name}不予受理：${app.reason ?? ''}。符合条件后可以重新申请。`;
    case 'start_review':
      return event.department ? `${department(event.department)}已开始审查${name}。` : `${name}已进入审查。`;
    case 'department_approve': {
      if (app.status === 'approved') return `${name}已审批通过，正在为您送达办理结果。`;
      const approved = app.departments.filter((d) => d.status === 'approved').length;
      return `${department(event.department)}已同意${name}（${approved}/${app.departments.length} 个部门已同意）。`;
    }
    case 'department_reject':
      return `很抱歉，${department(event.department)}对${name}作出不予许可决定：${event.reason}。如有异议，可依法申请行政复议或提起行政诉讼。`;
    case 'complete':
      return `${name}已办结（准予许可），正在为您送达办理结果。`;
    case 'deliver':
      return deliveryText(app, matter);
    default:
      return `${name}状态更新：${before.status === app.status ? '办理信息已更新' : '请查看办件卡片'}。`;
  }
}

function deliveryText(app: Application, matter: Matter | undefined): string {
  const result = app.result;
  const name = `办件 ${app.id}`;
  if (result?.type === 'elicence')
    return `${name}的电子证照已发放${result.licenseNo ? `，证照编号 ${result.licenseNo}` : ''}，可在办件卡片中查看。`;
  if (result?.type === 'mail') return `${name}的办理结果已邮寄${result.trackingNo ? `，运单号 ${result.trackingNo}` : ''}，请注意查收。`;
  const window = matter?.window;
  const address = result?.pickupAddress ?? window?.address ?? '办事窗口';
  const hours = window?.hours ? `，办公时间：${window.hours}` : '';
  const bring = window?.bring?.length ? `，请携带：${window.bring.join('、')}` : '';
  return `${name}的办理结果请到${address}领取${hours}${bring}。只需跑这一次。`;
}
