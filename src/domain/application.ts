// The application (办件) state machine. Pure: the clock and the actor come in `ctx`, the deadline comes in
// the accept event, and every call returns a new object (the input is never mutated).
//
// draft → submitted → accepted | not_accepted | supplement_required → in_review → approved | rejected
//       → delivered → evaluated; withdrawn from submitted / accepted / supplement_required / in_review.
// Rules chosen here (each has a test in test/domain/application-*.test.ts):
// - 补正 before acceptance returns to `submitted` (the window checks again and accepts); after acceptance it
//   returns to `in_review` (the departments carry on with the new materials).
// - Departments review in parallel. Any rejection decides the application (`rejected`, with that
//   department's reason); the last approval decides it too (`approved`). A department may decide while
//   another department's 补正 is open; a decision always closes the open 补正 list.
// - Out of order: department events, `reviewing` and `completed` before acceptance are illegal (409),
//   because absorbing them would invent an acceptance time and a deadline. After acceptance a department
//   decision or `completed` while still `accepted` implies the review started, which is safe to absorb.
// - Redelivered facts are no-ops (`changed: false`): a second accept, the same department decision twice,
//   `reviewing` or `completed` after the decision, the same delivery twice, a second withdrawal.
// - `completed` is the back office's authoritative 办结: departments that had not reported are recorded
//   as approved with it. It is illegal while 补正 is open or after a rejection.
// - 好差评 (one evaluation per service, after the service ended): after delivery (→ evaluated), and after a
//   refusal (rejected / not_accepted keep their status so the outcome stays visible). Not after withdrawal.
import {
  APPLICANT_EVENTS,
  EVENT_KINDS,
  probeEvents,
  type ApplicationEvent,
  type ApplicationEventKind,
  type IllegalCode,
  type TransitionContext,
  type TransitionResult,
} from './application-events.js';
import type {
  Actor,
  Application,
  ApplicationChannel,
  ApplicationStatus,
  DepartmentReview,
  DepartmentSpec,
  HistoryEntry,
  MaterialSubmission,
  Matter,
  MissingItem,
} from './types.js';
import { deliveryPromises, handInPromised } from './material-promises.js';

export type { IllegalCode, TransitionContext, TransitionResult } from './application-events.js';

/** What `createApplication` needs; `departments` narrows the matter's departments (default: all of them). */
export interface NewApplication {
  id: string;
  matter: Pick<Matter, 'id' | 'version' | 'name' | 'departments'>;
  applicant: { userId: string; name: string };
  channel: ApplicationChannel;
  fields: Record<string, string>;
  materials: MaterialSubmission[];
  departments?: string[];
  now: Date | string;
}

type Illegal = Extract<TransitionResult, { status: 'illegal' }>;
type Step =
  | Illegal
  | { status: 'noop' }
  | { status: 'change'; to: ApplicationStatus; patch?: Partial<Application>; department?: string; note?: string };

const BEFORE_DECISION: readonly ApplicationStatus[] = ['submitted', 'accepted', 'supplement_required', 'in_review'];
const DECIDED: readonly ApplicationStatus[] = ['not_accepted', 'approved', 'rejected', 'delivered', 'evaluated'];
const NOOP: Step = { status: 'noop' };

/**
 * A new application in `draft`, rev 0, every participating department `pending`. Throws on a bad department
 * list. Drafts are not stored: the first commit is the submitted application at rev 1 (Store: 0 → 1).
 */
export function createApplication(input: NewApplication): Application {
  const at = toIso(input.now);
  const wanted = input.departments ?? input.matter.departments.map((d) => d.id);
  const departments = wanted.map((id) => toReview(input.matter.departments, id));
  if (departments.length === 0) throw new Error(`matter ${input.matter.id} has no department to review the application`);
  const { id, version, name } = input.matter;
  return {
    id: input.id,
    rev: 0,
    matter: { id, version, name },
    applicant: { ...input.applicant },
    channel: { ...input.channel },
    fields: { ...input.fields },
    materials: input.materials.map((m) => ({ ...m })),
    departments,
    status: 'draft',
    createdAt: at,
    history: [{ at, actor: { type: 'applicant', id: input.applicant.userId, name: input.applicant.name }, action: 'created', to: 'draft' }],
  };
}

/** Applies one event. Never throws for an illegal transition; returns a new object with rev + 1 and a history entry. */
export function transition(app: Application, event: ApplicationEvent, ctx: TransitionContext): TransitionResult {
  const at = toIso(ctx.now);
  const step = checkActor(app, event.kind, ctx.actor) ?? decide(app, event, at);
  if (step.status === 'illegal') return step;
  if (step.status === 'noop') return { status: 'ok', application: app, changed: false };
  const entry = clean<HistoryEntry>({
    at,
    actor: { ...ctx.actor },
    action: event.kind,
    from: app.status,
    to: step.to,
    department: step.department,
    note: step.note,
  });
  const application = clean<Application>({ ...app, ...step.patch, status: step.to, rev: app.rev + 1, history: [...app.history, entry] });
  return { status: 'ok', application, changed: true };
}

/** The applicant may still withdraw (no decision yet). */
export function canWithdraw(app: Application): boolean {
  return BEFORE_DECISION.includes(app.status);
}

/** A decision has been made: not accepted, approved, rejected (and delivered / evaluated after approval). */
export function isDecided(app: Pick<Application, 'status'>): boolean {
  return DECIDED.includes(app.status);
}

/** Nothing can change the application any more. */
export function isTerminal(app: Application): boolean {
  return allowedEvents(app).length === 0;
}

/** Event kinds that would change the application now (probed through `transition`, so always in step with it). */
export function allowedEvents(app: Application): ApplicationEventKind[] {
  const ctx: TransitionContext = { now: app.history.at(-1)?.at ?? app.createdAt, actor: { type: 'system', id: 'probe' } };
  const kinds = new Set<ApplicationEventKind>();
  for (const event of probeEvents(app.departments.map((d) => d.id))) {
    const result = transition(app, event, ctx);
    if (result.status === 'ok' && result.changed) kinds.add(event.kind);
  }
  return EVENT_KINDS.filter((kind) => kinds.has(kind));
}

function decide(app: Application, event: ApplicationEvent, at: string): Step {
  if (app.status === 'withdrawn') return event.kind === 'withdraw' ? NOOP : illegal('withdrawn', '办件已撤回，不能再办理');
  if (app.status === 'draft') {
    if (event.kind === 'submit') return { status: 'change', to: 'submitted', patch: { submittedAt: at } };
    return illegal('not_submitted', '办件尚未提交');
  }
  switch (event.kind) {
    case 'submit':
      return app.status === 'submitted' ? NOOP : illegal('already_submitted', '办件已提交，不能重复提交');
    case 'accept':
      return accept(app, event.deadline, event.comment, at);
    case 'not_accept':
      return notAccept(app, event.reason, at);
    case 'require_supplement':
      return requireSupplement(app, event);
    case 'supplement':
      return supplement(app, event);
    case 'start_review':
      return startReview(app, event.department, at);
    case 'department_approve':
      return departmentDecision(app, event.department, 'approved', event.comment, at);
    case 'department_reject':
      if (!event.reason?.trim()) return illegal('invalid_event', '驳回需要说明理由');
      return departmentDecision(app, event.department, 'rejected', event.reason.trim(), at);
    case 'complete':
      return complete(app, event.comment, at);
    case 'deliver':
      return deliver(app, event.result, event.waiveTolerance === true);
    case 'fulfil_promise':
      return handInPromised(app, event.materials);
    case 'evaluate':
      return evaluate(app, event.level, event.comment, at);
    case 'withdraw':
      return withdraw(app, event.reason);
  }
}

function accept(app: Application, deadline: string, comment: string | undefined, at: string): Step {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(deadline ?? '')) return illegal('invalid_event', '受理需要承诺办结日期（YYYY-MM-DD）');
  if (app.acceptedAt) return NOOP;
  if (app.status === 'not_accepted') return illegal('already_decided', '办件已作出不予受理决定，不能再受理');
  if (app.status === 'supplement_required') return illegal('supplement_pending', '办件待补正，补齐材料后才能受理');
  const note = comment ? `承诺 ${deadline} 前办结；${comment}` : `承诺 ${deadline} 前办结`;
  return { status: 'change', to: 'accepted', patch: { acceptedAt: at, deadline }, note };
}

function notAccept(app: Application, reason: string, at: string): Step {
  if (!reason?.trim()) return illegal('invalid_event', '不予受理需要说明理由');
  if (app.status === 'not_accepted') return NOOP;
  if (app.acceptedAt) return illegal('already_accepted', '办件已受理，不能再作不予受理决定');
  return { status: 'change', to: 'not_accepted', patch: { reason: reason.trim(), decidedAt: at, missing: undefined }, note: reason.trim() };
}

function requireSupplement(app: Application, event: Extract<ApplicationEvent, { kind: 'require_supplement' }>): Step {
  const missing = (event.missing ?? []).filter((item) => item?.name?.trim());
  if (missing.length === 0) return illegal('invalid_event', '补正通知需要列出缺少的材料');
  if (event.department && !findDepartment(app, event.department)) return unknownDepartment(event.department);
  if (isDecided(app)) return decidedIllegal(app);
  // While 补正 is open, another department's request adds to the one list (still one 一次性告知 card).
  const open = app.status === 'supplement_required' ? (app.missing ?? []) : [];
  const list: MissingItem[] = [...open];
  for (const item of missing) if (!list.some((known) => known.name === item.name)) list.push(item);
  if (list.length === open.length) return NOOP;
  const note = [list.map((item) => item.name).join('、'), event.comment].filter(Boolean).join('；');
  return {
    status: 'change',
    to: 'supplement_required',
    patch: { missing: list.map((item) => ({ ...item })) },
    department: event.department,
    note,
  };
}

function supplement(app: Application, event: Extract<ApplicationEvent, { kind: 'supplement' }>): Step {
  if (app.status !== 'supplement_required') return illegal('supplement_not_required', '当前没有需要补正的材料');
  const supplied = event.materials ?? [];
  const materials = [...app.materials.filter((m) => !supplied.some((s) => s.id === m.id)), ...supplied.map((m) => ({ ...m }))];
  const note = event.note ?? (supplied.map((m) => m.name).join('、') || undefined);
  const to = app.acceptedAt ? 'in_review' : 'submitted';
  return { status: 'change', to, patch: { materials, fields: { ...app.fields, ...event.fields }, missing: undefined }, note };
}

function startReview(app: Application, departmentId: string | undefined, at: string): Step {
  const department = departmentId ? findDepartment(app, departmentId) : undefined;
  if (departmentId && !department) return unknownDepartment(departmentId);
  if (!app.acceptedAt) return illegal('not_accepted_yet', '办件尚未受理，不能开始审查');
  if (isDecided(app)) return NOOP;
  const starts = department !== undefined && department.status === 'pending';
  const patch = starts ? { departments: updateDepartment(app, department.id, { status: 'reviewing', at }) } : undefined;
  const change = (to: ApplicationStatus): Step => ({ status: 'change', to, patch, department: departmentId });
  if (app.status === 'accepted') return change('in_review');
  if (starts) return change(app.status);
  if (app.status === 'supplement_required' && !departmentId) return illegal('supplement_pending', '办件待补正，补齐材料后才能继续审查');
  return NOOP;
}

function departmentDecision(
  app: Application,
  id: string,
  decision: 'approved' | 'rejected',
  comment: string | undefined,
  at: string,
): Step {
  const department = findDepartment(app, id);
  if (!department) return unknownDepartment(id);
  if (department.status === decision) return NOOP;
  if (department.status === 'approved' || department.status === 'rejected') {
    return illegal('department_conflict', `${department.name}已作出相反的审查意见`);
  }
  if (!app.acceptedAt) return illegal('not_accepted_yet', '办件尚未受理，部门还不能审查');
  if (isDecided(app)) return decidedIllegal(app);
  const departments = updateDepartment(app, id, { status: decision, comment, at });
  const base = { department: id, note: comment };
  if (decision === 'rejected') {
    return { status: 'change', to: 'rejected', patch: { departments, reason: comment, decidedAt: at, missing: undefined }, ...base };
  }
  if (departments.every((d) => d.status === 'approved')) {
    return { status: 'change', to: 'approved', patch: { departments, decidedAt: at, missing: undefined }, ...base };
  }
  return { status: 'change', to: app.status === 'accepted' ? 'in_review' : app.status, patch: { departments }, ...base };
}

function complete(app: Application, comment: string | undefined, at: string): Step {
  if (app.status === 'approved' || app.status === 'delivered' || app.status === 'evaluated') return NOOP;
  if (isDecided(app)) return decidedIllegal(app);
  if (!app.acceptedAt) return illegal('not_accepted_yet', '办件尚未受理，不能办结');
  if (app.status === 'supplement_required') return illegal('supplement_pending', '办件待补正，补齐材料后才能办结');
  const departments = app.departments.map(
    (d): DepartmentReview => (d.status === 'approved' ? d : clean<DepartmentReview>({ ...d, status: 'approved', comment, at })),
  );
  return { status: 'change', to: 'approved', patch: { departments, decidedAt: at }, note: comment };
}

function deliver(app: Application, result: Extract<ApplicationEvent, { kind: 'deliver' }>['result'], waived: boolean): Step {
  if (!['elicence', 'mail', 'window'].includes(result?.type))
    return illegal('invalid_event', '送达结果需要说明方式（电子证照、邮寄或窗口领取）');
  if (app.status === 'delivered' || app.status === 'evaluated') {
    return JSON.stringify(app.result) === JSON.stringify(result) ? NOOP : illegal('already_delivered', '办理结果已送达');
  }
  if (app.status !== 'approved') return illegal('not_approved', '办件尚未准予许可，没有可送达的结果');
  const promises = deliveryPromises(app, waived);
  if (promises.status === 'illegal') return promises;
  const note = [result.licenseNo ?? result.trackingNo ?? result.pickupAddress, promises.note].filter(Boolean).join('；') || undefined;
  return { status: 'change', to: 'delivered', patch: { result: { ...result } }, note };
}

function evaluate(app: Application, level: number, comment: string | undefined, at: string): Step {
  if (!Number.isInteger(level) || level < 1 || level > 5) return illegal('invalid_event', '评价等级应为 1 至 5');
  if (app.evaluation) return illegal('already_evaluated', '您已评价过本次服务');
  const to = app.status === 'delivered' ? 'evaluated' : app.status;
  if (to !== 'evaluated' && to !== 'rejected' && to !== 'not_accepted') return illegal('not_finished', '办理结束后才能评价');
  const evaluation = clean({ level: level as 1 | 2 | 3 | 4 | 5, comment, at });
  return { status: 'change', to, patch: { evaluation }, note: [`${level} 星`, comment].filter(Boolean).join('；') };
}

function withdraw(app: Application, reason: string | undefined): Step {
  if (!canWithdraw(app)) {
    if (app.status === 'rejected') return illegal('cannot_withdraw', '办件已作出不予许可决定，不能撤回');
    if (app.status === 'not_accepted') return illegal('cannot_withdraw', '办件已作出不予受理决定，不能撤回');
    return illegal('cannot_withdraw', '办件已办结，不能撤回');
  }
  return { status: 'change', to: 'withdrawn', patch: { reason: reason?.trim() || undefined, missing: undefined }, note: reason };
}

/** Applicants may only cause applicant events, and only on their own application. */
function checkActor(app: Application, kind: ApplicationEventKind, actor: Actor): Illegal | undefined {
  if (actor.type !== 'applicant') return undefined;
  if (!APPLICANT_EVENTS.has(kind)) return illegal('forbidden', '申请人不能执行此操作');
  if (actor.id !== app.applicant.userId) return illegal('not_owner', '只能办理本人的申请');
  return undefined;
}

function decidedIllegal(app: Application): Illegal {
  if (app.status === 'not_accepted') return illegal('already_decided', '办件已作出不予受理决定');
  if (app.status === 'rejected') return illegal('already_decided', '办件已作出不予许可决定');
  return illegal('already_decided', '办件已办结');
}

function toReview(specs: DepartmentSpec[], id: string): DepartmentReview {
  const spec = specs.find((d) => d.id === id);
  if (!spec) throw new Error(`department ${id} is not one of the matter's departments`);
  return { id: spec.id, name: spec.name, status: 'pending' };
}

function findDepartment(app: Application, id: string): DepartmentReview | undefined {
  return app.departments.find((d) => d.id === id);
}

function updateDepartment(app: Application, id: string, change: Partial<DepartmentReview>): DepartmentReview[] {
  return app.departments.map((d) => (d.id === id ? clean({ ...d, ...change }) : d));
}

function unknownDepartment(id: string): Illegal {
  return illegal('unknown_department', `部门 ${id} 不参与本办件的审查`);
}

function illegal(code: IllegalCode, message: string): Illegal {
  return { status: 'illegal', code, message };
}

function toIso(now: Date | string): string {
  return (typeof now === 'string' ? new Date(now) : now).toISOString();
}

/** Drops keys whose value is undefined, so stored documents and test comparisons stay exact. */
function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
