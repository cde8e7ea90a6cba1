// What happens when an outbox job dies: a back-office call refused for good is explained to the applicant
// in plain Chinese (DESIGN.md: "other 4xx = permanent (the applicant is told why)"); dead DingTalk sends
// cannot be told to anyone through DingTalk, so they stay in the dead list for an admin.
import { effectsToJobs } from './bot/jobs.js';
import type { BackofficeJobPayload } from './bot/jobs.js';
import { visibleText } from './bot/masking.js';
import type { Commit, DeadJob, Store } from './store/store.js';

const OPERATION: Record<string, string> = {
  'backoffice.submit': '提交',
  'backoffice.withdraw': '撤回申请',
  'backoffice.supplement': '补正材料',
};

/** Builds the `onDead` hook of the outbox. */
export function createDeadLetterNotifier(options: { store: Store; now: () => number; newId: () => string }) {
  return async (job: DeadJob): Promise<Commit | void> => {
    const operation = OPERATION[job.kind];
    if (!operation) return;
    const { applicationId } = job.payload as BackofficeJobPayload;
    const app = await options.store.getApplication(applicationId);
    if (!app) return;
    const text =
      `您的办件 ${app.id}（${app.matter.name}）${operation}未能送达审批部门：${plainReason(job.reason)}。` +
      '材料已妥善保存，工作人员会尽快处理；如需帮助请回复“帮助”或联系服务窗口。';
    // The back office's words may quote the applicant's numbers: masked like every other message.
    const message = { text: visibleText(text) };
    const jobs = effectsToJobs([{ type: 'send', to: { kind: 'user', userId: app.applicant.userId }, message }], {
      source: `dead:${job.id}`,
      now: options.now(),
      newId: options.newId,
    });
    return { jobs: { put: jobs } };
  };
}

// The back office's own words when it gave them (a Chinese message in its error body), else a plain summary.
function plainReason(reason: string): string {
  const trimmed = reason.trim();
  if (/[\u4e00-\u9fa5]/.test(trimmed)) return trimmed.slice(0, 200);
  return '审批系统拒绝了本次请求';
}
