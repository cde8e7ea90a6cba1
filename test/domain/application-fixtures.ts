// Shared by the application state machine tests (application-*.test.ts): a two-department matter, one event of each
// kind, and a builder for the application in every state.
import { createApplication, transition, type TransitionResult } from '../../src/domain/application.js';
import { APPLICANT_EVENTS, type ApplicationEvent } from '../../src/domain/application-events.js';
import type { Actor, Application } from '../../src/domain/types.js';

export const T0 = '2026-11-27T01:00:00.000Z';
export const applicant: Actor = { type: 'applicant', id: 'u-zhang', name: '张三' };
export const backoffice: Actor = { type: 'backoffice', id: 'bo-hz' };
export const matter = {
  id: 'food-licence',
  version: 3,
  name: '食品经营许可',
  departments: [
    { id: 'market', name: '市场监管局', contactUserIds: [], parallel: true },
    { id: 'health', name: '卫生健康委', contactUserIds: [], parallel: true },
  ],
};

export const E = {
  submit: { kind: 'submit' },
  accept: { kind: 'accept', deadline: '2026-12-09' },
  notAccept: { kind: 'not_accept', reason: '不属于本机关职权范围' },
  requireSupp: { kind: 'require_supplement', missing: [{ name: '场所平面图', reason: '未标注面积' }], department: 'market' },
  requireMore: { kind: 'require_supplement', missing: [{ name: '健康证明', reason: '已过期' }], department: 'health' },
  supplement: { kind: 'supplement', materials: [{ id: 'plan', name: '场所平面图', source: 'upload', ref: 'f-2' }], fields: { area: '80' } },
  review: { kind: 'start_review' },
  reviewMarket: { kind: 'start_review', department: 'market' },
  reviewHealth: { kind: 'start_review', department: 'health' },
  approveMarket: { kind: 'department_approve', department: 'market', comment: '符合要求' },
  approveHealth: { kind: 'department_approve', department: 'health' },
  rejectMarket: { kind: 'department_reject', department: 'market', reason: '经营场所与住宅未有效隔离' },
  rejectHealth: { kind: 'department_reject', department: 'health', reason: '从业人员无健康证明' },
  complete: { kind: 'complete', comment: '准予许可' },
  deliver: { kind: 'deliver', result: { type: 'elicence', licenseNo: 'JY13301060012345' } },
  evaluate: { kind: 'evaluate', level: 5, comment: '全程网办，很方便' },
  withdraw: { kind: 'withdraw', reason: '信息填错，重新申请' },
} satisfies Record<string, ApplicationEvent>;
export type Name = keyof typeof E;

let clock = 0;
const nextNow = () => new Date(Date.parse(T0) + 60_000 * ++clock).toISOString();
const actorFor = (event: ApplicationEvent): Actor => (APPLICANT_EVENTS.has(event.kind) ? applicant : backoffice);

export function fresh(): Application {
  return createApplication({
    id: 'YC20261127-0001',
    matter,
    applicant: { userId: 'u-zhang', name: '张三' },
    channel: { conversationId: 'cid-1', conversationType: 'single' },
    fields: { shopName: '张记小吃', area: '60' },
    materials: [{ id: 'plan', name: '场所平面图', source: 'upload', ref: 'f-1' }],
    now: T0,
  });
}

export function apply(app: Application, event: ApplicationEvent, actor = actorFor(event)): TransitionResult {
  return transition(app, event, { now: nextNow(), actor });
}

export function run(...names: Name[]): Application {
  return names.reduce((app, name) => {
    const result = apply(app, E[name]);
    if (result.status !== 'ok' || !result.changed) throw new Error(`setup step ${name} from ${app.status}: ${JSON.stringify(result)}`);
    return result.application;
  }, fresh());
}

export const STATES = {
  draft: () => fresh(),
  submitted: () => run('submit'),
  supplementBeforeAcceptance: () => run('submit', 'requireSupp'),
  notAccepted: () => run('submit', 'notAccept'),
  accepted: () => run('submit', 'accept'),
  inReview: () => run('submit', 'accept', 'review'),
  marketApproved: () => run('submit', 'accept', 'review', 'approveMarket'),
  supplementInReview: () => run('submit', 'accept', 'review', 'requireSupp'),
  approved: () => run('submit', 'accept', 'review', 'approveMarket', 'approveHealth'),
  rejected: () => run('submit', 'accept', 'review', 'rejectMarket'),
  rejectedEvaluated: () => run('submit', 'accept', 'review', 'rejectMarket', 'evaluate'),
  delivered: () => run('submit', 'accept', 'review', 'approveMarket', 'approveHealth', 'deliver'),
  evaluated: () => run('submit', 'accept', 'review', 'approveMarket', 'approveHealth', 'deliver', 'evaluate'),
  withdrawn: () => run('submit', 'withdraw'),
};
export type State = keyof typeof STATES;
