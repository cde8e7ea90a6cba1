// What the applicant reads about an application: status labels with a tone (matches cards/card.ts Tone),
// history action names, and the next step in plain Chinese.
import { BAD_LEVEL_MAX } from './evaluation.js';
import type { ApplicationEventKind } from './application-events.js';
import type { Application, ApplicationStatus, DeliveryResult, DepartmentStatus } from './types.js';

export type StatusTone = 'info' | 'success' | 'warning' | 'danger' | 'neutral';

export interface StatusText {
  label: string;
  tone: StatusTone;
}

/** Label and tone of every application status. */
export const APPLICATION_STATUS_TEXT: Readonly<Record<ApplicationStatus, StatusText>> = {
  draft: { label: '草稿', tone: 'neutral' },
  submitted: { label: '已提交', tone: 'info' },
  accepted: { label: '已受理', tone: 'info' },
  not_accepted: { label: '不予受理', tone: 'danger' },
  supplement_required: { label: '待补正', tone: 'warning' },
  in_review: { label: '审查中', tone: 'info' },
  approved: { label: '已办结（准予许可）', tone: 'success' },
  rejected: { label: '不予许可', tone: 'danger' },
  delivered: { label: '已送达', tone: 'success' },
  evaluated: { label: '已评价', tone: 'success' },
  withdrawn: { label: '已撤回', tone: 'neutral' },
};

/** Label and tone of every department review status. */
export const DEPARTMENT_STATUS_TEXT: Readonly<Record<DepartmentStatus, StatusText>> = {
  pending: { label: '待审', tone: 'neutral' },
  reviewing: { label: '审查中', tone: 'info' },
  approved: { label: '已同意', tone: 'success' },
  rejected: { label: '已驳回', tone: 'danger' },
};

/** History action names (HistoryEntry.action is an event kind, or 'created'). */
export const ACTION_TEXT: Readonly<Record<ApplicationEventKind | 'created', string>> = {
  created: '创建申请',
  submit: '提交申请',
  accept: '受理',
  not_accept: '不予受理',
  require_supplement: '一次性告知补正',
  supplement: '补正材料',
  start_review: '开始审查',
  department_approve: '部门同意',
  department_reject: '部门驳回',
  complete: '办结',
  deliver: '送达结果',
  evaluate: '评价',
  withdraw: '撤回申请',
  fulfil_promise: '补交容缺材料',
};

/** The status label and tone of an application. */
export function statusText(app: Pick<Application, 'status'>): StatusText {
  return APPLICATION_STATUS_TEXT[app.status];
}

/** The history action name, or the action itself when it is not a known one. */
export function actionText(action: string): string {
  return (ACTION_TEXT as Record<string, string>)[action] ?? action;
}

/** '2026-10-09' → '2026年10月9日' (other text is returned as it is). */
export function formatChineseDate(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  return match ? `${match[1]}年${Number(match[2])}月${Number(match[3])}日` : day;
}

/** What the applicant should expect or do next, in one or two Chinese sentences. */
export function nextStepText(app: Application): string {
  const invite = app.evaluation ? '' : '欢迎对本次服务作出评价。';
  const rectify = isBadRating(app) ? RECTIFICATION_TEXT : '';
  const promise = app.deadline ? `承诺于${formatChineseDate(app.deadline)}前办结。` : '';
  switch (app.status) {
    case 'draft':
      return '请核对填写的信息和材料，确认无误后提交申请。';
    case 'submitted':
      return '窗口正在预审您的材料，受理结果会第一时间在这里通知您，无需到现场。';
    case 'accepted':
      return `申请已受理，${promise}审查进度会在这里实时告诉您。`;
    case 'supplement_required': {
      const items = (app.missing ?? []).map((item, i) => `${i + 1}. ${item.name}${item.reason ? `（${item.reason}）` : ''}`);
      return `请按一次性告知补齐材料：${items.join('；')}。补齐后即可继续办理。`;
    }
    case 'in_review': {
      const total = app.departments.length;
      const approved = app.departments.filter((d) => d.status === 'approved').length;
      const progress = total > 1 ? `${total} 个部门并联审查，已有 ${approved} 个同意。` : '部门正在审查。';
      return `${progress}${promise}`;
    }
    case 'approved':
      return '审批已通过，正在为您送达办理结果。';
    case 'rejected':
      return `不予许可：${app.reason ?? '未说明理由'}。如对决定有异议，可在收到决定之日起六十日内申请行政复议，或在六个月内提起行政诉讼。${invite}${rectify}`;
    case 'not_accepted':
      return `不予受理：${app.reason ?? '未说明理由'}。符合条件后可以重新申请。${invite}${rectify}`;
    case 'delivered':
      return `${deliveryText(app.result)}${invite}`;
    case 'evaluated':
      return isBadRating(app) ? RECTIFICATION_TEXT : '感谢您的评价，本次办理已全部完成。';
    case 'withdrawn':
      return '申请已撤回。如需办理，可以随时重新申请。';
  }
}

/** What happens after a 差评 (GB/T 39735 整改): shown on the card instead of "本次办理已全部完成". */
export const RECTIFICATION_TEXT = '您的评价已转交负责部门整改：1 个工作日内回访您，15 个工作日内反馈整改结果，届时可以再评价一次。';

function isBadRating(app: Application): boolean {
  return app.evaluation !== undefined && app.evaluation.level <= BAD_LEVEL_MAX;
}

function deliveryText(result: DeliveryResult | undefined): string {
  switch (result?.type) {
    case 'elicence':
      return `电子证照已发放${result.licenseNo ? `（证照编号 ${result.licenseNo}）` : ''}${result.url ? '，可点击“查看电子证照”查看和下载' : ''}。`;
    case 'mail':
      return `办理结果已邮寄${result.trackingNo ? `，运单号 ${result.trackingNo}` : ''}，请注意查收。`;
    case 'window':
      return `请到${result.pickupAddress ?? '办事窗口'}领取办理结果，只需跑一次。`;
    default:
      return '办理结果已送达。';
  }
}
