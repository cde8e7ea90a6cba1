// The events that move an application (办件) through its life, and the mapping from the back office's
// status webhook (DESIGN.md "Back-office protocol") to those events. Pure: no I/O, no clock.
import type { Actor, Application, DeliveryMode, DeliveryResult, MaterialSubmission, MissingItem } from './types.js';

/** Everything that can happen to an application; `transition` in application.ts applies one. */
export type ApplicationEvent =
  | { kind: 'submit' }
  /** `deadline` (YYYY-MM-DD) is computed by the caller with promisedDeadline, keeping the transition pure. */
  | { kind: 'accept'; deadline: string; comment?: string }
  | { kind: 'not_accept'; reason: string }
  /** 一次性告知: every missing item at once; `department` is the one asking, when known. */
  | { kind: 'require_supplement'; missing: MissingItem[]; department?: string; comment?: string }
  | { kind: 'supplement'; materials?: MaterialSubmission[]; fields?: Record<string, string>; note?: string }
  /** Without `department` the application as a whole is under review; with it, that department started. */
  | { kind: 'start_review'; department?: string }
  | { kind: 'department_approve'; department: string; comment?: string }
  | { kind: 'department_reject'; department: string; reason: string }
  /** The back office's explicit 办结 (approval) decision. */
  | { kind: 'complete'; comment?: string }
  /** `waiveTolerance`: the back office explicitly delivers although a 容缺 promise is still open. */
  | { kind: 'deliver'; result: DeliveryResult; waiveTolerance?: boolean }
  /** 容缺: the applicant hands in materials promised at submission (the status does not change). */
  | { kind: 'fulfil_promise'; materials: MaterialSubmission[] }
  | { kind: 'evaluate'; level: 1 | 2 | 3 | 4 | 5; comment?: string }
  | { kind: 'withdraw'; reason?: string };

export type ApplicationEventKind = ApplicationEvent['kind'];

/** Who causes an event, and when (the injected clock). */
export interface TransitionContext {
  now: Date | string;
  actor: Actor;
}

/** Why a transition is refused (answered as 409 with the Chinese message). */
export type IllegalCode =
  | 'invalid_event'
  | 'forbidden'
  | 'not_owner'
  | 'not_submitted'
  | 'already_submitted'
  | 'withdrawn'
  | 'not_accepted_yet'
  | 'already_accepted'
  | 'already_decided'
  | 'supplement_pending'
  | 'supplement_not_required'
  | 'unknown_department'
  | 'department_conflict'
  | 'not_approved'
  | 'already_delivered'
  | 'not_finished'
  | 'already_evaluated'
  | 'cannot_withdraw'
  | 'promise_open'
  | 'no_open_promise';

/** Outcome of `transition`: the new application (or the same one when nothing changed), or why not (409). */
export type TransitionResult =
  | { status: 'ok'; application: Application; changed: boolean }
  | { status: 'illegal'; code: IllegalCode; message: string };

/** Every event kind, in life-cycle order. */
export const EVENT_KINDS: readonly ApplicationEventKind[] = [
  'submit',
  'accept',
  'not_accept',
  'require_supplement',
  'supplement',
  'start_review',
  'department_approve',
  'department_reject',
  'complete',
  'deliver',
  'evaluate',
  'withdraw',
  'fulfil_promise',
];

/** Events only the applicant side (applicant, or an admin/system acting for them) may cause. */
export const APPLICANT_EVENTS: ReadonlySet<ApplicationEventKind> = new Set([
  'submit',
  'supplement',
  'evaluate',
  'withdraw',
  'fulfil_promise',
]);

/** One sample event of every kind (department events once per department), for probing what is allowed. */
export function probeEvents(departmentIds: readonly string[]): ApplicationEvent[] {
  const perDepartment = departmentIds.flatMap((department): ApplicationEvent[] => [
    { kind: 'start_review', department },
    { kind: 'department_approve', department },
    { kind: 'department_reject', department, reason: '-' },
  ]);
  return [
    { kind: 'submit' },
    { kind: 'accept', deadline: '2000-01-01' },
    { kind: 'not_accept', reason: '-' },
    { kind: 'require_supplement', missing: [{ name: '\u0000probe', reason: '' }] },
    { kind: 'supplement' },
    { kind: 'start_review' },
    ...perDepartment,
    { kind: 'complete' },
    { kind: 'deliver', result: { type: 'window' } },
    { kind: 'evaluate', level: 5 },
    { kind: 'withdraw' },
    { kind: 'fulfil_promise', materials: [] },
  ];
}

/** Statuses the back office may send to POST /webhooks/backoffice. */
export const WEBHOOK_STATUSES = [
  'accepted',
  'not_accepted',
  'supplement_required',
  'reviewing',
  'department_approved',
  'department_rejected',
  'completed',
  'delivered',
] as const;

export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export type WebhookErrorCode =
  | 'malformed'
  | 'unknown_status'
  | 'missing_department'
  | 'missing_reason'
  | 'missing_items'
  | 'missing_result';

/** Result of mapping a webhook body: the event to apply, or why the body is unusable (answer 400). */
export type WebhookMapping = { status: 'ok'; event: ApplicationEvent } | { status: 'invalid'; code: WebhookErrorCode; message: string };

const DELIVERY_MODES: readonly DeliveryMode[] = ['elicence', 'mail', 'window'];

/**
 * Maps a back-office webhook body (`{status, department?, comment?, missing?, result?, waivedTolerance?}`) to an event.
 * `deadline` is called only for `accepted`, so the caller can compute the promised deadline lazily.
 * A refusal (not_accepted, department_rejected) must carry its reason in `comment`: the applicant is
 * owed the reason by law (行政许可法 第三十二条、第三十八条), so a body without one is malformed.
 */
export function webhookToEvent(body: unknown, options: { deadline: () => string }): WebhookMapping {
  if (!isRecord(body) || typeof body.status !== 'string') return invalid('malformed', '回调缺少 status 字段');
  const status = body.status;
  const comment = nonEmpty(body.comment);
  const department = nonEmpty(body.department);
  const needDepartment = (): WebhookMapping => invalid('missing_department', `${status} 回调需要 department（部门编号）`);
  const extra = comment ? { comment } : {};
  switch (status) {
    case 'accepted':
      return ok({ kind: 'accept', deadline: options.deadline(), ...extra });
    case 'not_accepted':
      if (!comment) return invalid('missing_reason', 'not_accepted 回调需要 comment（不予受理理由）');
      return ok({ kind: 'not_accept', reason: comment });
    case 'supplement_required': {
      const missing = parseMissing(body.missing);
      if (!missing) return invalid('missing_items', 'supplement_required 回调需要 missing：[{name, reason}]，至少一项');
      return ok({ kind: 'require_supplement', missing, ...(department ? { department } : {}), ...extra });
    }
    case 'reviewing':
      return ok(department ? { kind: 'start_review', department } : { kind: 'start_review' });
    case 'department_approved':
      if (!department) return needDepartment();
      return ok({ kind: 'department_approve', department, ...extra });
    case 'department_rejected':
      if (!department) return needDepartment();
      if (!comment) return invalid('missing_reason', 'department_rejected 回调需要 comment（驳回理由）');
      return ok({ kind: 'department_reject', department, reason: comment });
    case 'completed':
      return ok({ kind: 'complete', ...extra });
    case 'delivered': {
      const result = parseResult(body.result);
      if (!result) return invalid('missing_result', 'delivered 回调需要 result：{type: elicence|mail|window, …}');
      return ok({ kind: 'deliver', result, ...(body.waivedTolerance === true ? { waiveTolerance: true } : {}) });
    }
    default:
      return invalid('unknown_status', `未知的状态 ${JSON.stringify(status)}，可用：${WEBHOOK_STATUSES.join('、')}`);
  }
}

function parseMissing(value: unknown): MissingItem[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const items: MissingItem[] = [];
  for (const item of value) {
    const name = isRecord(item) ? nonEmpty(item.name) : undefined;
    if (!isRecord(item) || !name) return undefined;
    items.push({ name, reason: nonEmpty(item.reason) ?? '' });
  }
  return items;
}

function parseResult(value: unknown): DeliveryResult | undefined {
  if (!isRecord(value) || !DELIVERY_MODES.includes(value.type as DeliveryMode)) return undefined;
  const result: DeliveryResult = { type: value.type as DeliveryMode };
  for (const key of ['licenseNo', 'url', 'pickupAddress', 'trackingNo'] as const) {
    const text = nonEmpty(value[key]);
    if (text) result[key] = text;
  }
  return result;
}

function ok(event: ApplicationEvent): WebhookMapping {
  return { status: 'ok', event };
}

function invalid(code: WebhookErrorCode, message: string): WebhookMapping {
  return { status: 'invalid', code, message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
