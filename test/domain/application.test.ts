import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import {
  allowedEvents, canWithdraw, createApplication, isDecided, isTerminal, transition, type TransitionResult,
} from '../../src/domain/application.js';
import { APPLICANT_EVENTS, webhookToEvent, type ApplicationEvent } from '../../src/domain/application-events.js';
import type { Actor, Application } from '../../src/domain/types.js';

const test = suite('application state machine');

const T0 = '2026-11-27T01:00:00.000Z';
const applicant: Actor = { type: 'applicant', id: 'u-zhang', name: '张三' };
const backoffice: Actor = { type: 'backoffice', id: 'bo-hz' };
const matter = {
  id: 'food-licence', version: 3, name: '食品经营许可',
  departments: [
    { id: 'market', name: '市场监管局', contactUserIds: [], parallel: true },
    { id: 'health', name: '卫生健康委', contactUserIds: [], parallel: true },
  ],
};

const E = {
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
type Name = keyof typeof E;

let clock = 0;
const nextNow = () => new Date(Date.parse(T0) + 60_000 * ++clock).toISOString();
const actorFor = (event: ApplicationEvent): Actor => (APPLICANT_EVENTS.has(event.kind) ? applicant : backoffice);

function fresh(): Application {
  return createApplication({
    id: 'YC20261127-0001', matter, applicant: { userId: 'u-zhang', name: '张三' },
    channel: { conversationId: 'cid-1', conversationType: 'single' },
    fields: { shopName: '张记小吃', area: '60' },
    materials: [{ id: 'plan', name: '场所平面图', source: 'upload', ref: 'f-1' }],
    now: T0,
  });
}

function apply(app: Application, event: ApplicationEvent, actor = actorFor(event)): TransitionResult {
  return transition(app, event, { now: nextNow(), actor });
}

function run(...names: Name[]): Application {
  return names.reduce((app, name) => {
    const result = apply(app, E[name]);
    if (result.status !== 'ok' || !result.changed) throw new Error(`setup step ${name} from ${app.status}: ${JSON.stringify(result)}`);
    return result.application;
  }, fresh());
}

const STATES = {
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
type State = keyof typeof STATES;

const LEGAL: [State, Name, Application['status']][] = [
  ['draft', 'submit', 'submitted'],
  ['submitted', 'accept', 'accepted'],
  ['submitted', 'notAccept', 'not_accepted'],
  ['submitted', 'requireSupp', 'supplement_required'],
  ['submitted', 'withdraw', 'withdrawn'],
  ['supplementBeforeAcceptance', 'supplement', 'submitted'],
  ['supplementBeforeAcceptance', 'requireMore', 'supplement_required'],
  ['supplementBeforeAcceptance', 'notAccept', 'not_accepted'],
  ['supplementBeforeAcceptance', 'withdraw', 'withdrawn'],
  ['accepted', 'review', 'in_review'],
  ['accepted', 'reviewMarket', 'in_review'],
  ['accepted', 'approveMarket', 'in_review'],
  ['accepted', 'rejectMarket', 'rejected'],
  ['accepted', 'complete', 'approved'],
  ['accepted', 'requireSupp', 'supplement_required'],
  ['accepted', 'withdraw', 'withdrawn'],
  ['inReview', 'reviewMarket', 'in_review'],
  ['inReview', 'approveMarket', 'in_review'],
  ['inReview', 'rejectHealth', 'rejected'],
  ['inReview', 'requireSupp', 'supplement_required'],
  ['inReview', 'complete', 'approved'],
  ['inReview', 'withdraw', 'withdrawn'],
  ['marketApproved', 'approveHealth', 'approved'],
  ['marketApproved', 'rejectHealth', 'rejected'],
  ['marketApproved', 'withdraw', 'withdrawn'],
  ['supplementInReview', 'supplement', 'in_review'],
  ['supplementInReview', 'requireMore', 'supplement_required'],
  ['supplementInReview', 'reviewHealth', 'supplement_required'],
  ['supplementInReview', 'approveHealth', 'supplement_required'],
  ['supplementInReview', 'rejectHealth', 'rejected'],
  ['supplementInReview', 'withdraw', 'withdrawn'],
  ['approved', 'deliver', 'delivered'],
  ['delivered', 'evaluate', 'evaluated'],
  ['rejected', 'evaluate', 'rejected'],
  ['notAccepted', 'evaluate', 'not_accepted'],
];

const ILLEGAL: [State, Name, string][] = [
  ['draft', 'accept', 'not_submitted'],
  ['draft', 'withdraw', 'not_submitted'],
  ['submitted', 'approveMarket', 'not_accepted_yet'],
  ['submitted', 'rejectMarket', 'not_accepted_yet'],
  ['submitted', 'reviewMarket', 'not_accepted_yet'],
  ['submitted', 'complete', 'not_accepted_yet'],
  ['submitted', 'deliver', 'not_approved'],
  ['submitted', 'evaluate', 'not_finished'],
  ['submitted', 'supplement', 'supplement_not_required'],
  ['supplementBeforeAcceptance', 'accept', 'supplement_pending'],
  ['supplementBeforeAcceptance', 'approveMarket', 'not_accepted_yet'],
  ['accepted', 'submit', 'already_submitted'],
  ['accepted', 'notAccept', 'already_accepted'],
  ['inReview', 'deliver', 'not_approved'],
  ['inReview', 'evaluate', 'not_finished'],
  ['inReview', 'supplement', 'supplement_not_required'],
  ['supplementInReview', 'complete', 'supplement_pending'],
  ['supplementInReview', 'review', 'supplement_pending'],
  ['approved', 'withdraw', 'cannot_withdraw'],
  ['approved', 'requireSupp', 'already_decided'],
  ['approved', 'rejectMarket', 'department_conflict'],
  ['approved', 'evaluate', 'not_finished'],
  ['rejected', 'approveHealth', 'already_decided'],
  ['rejected', 'approveMarket', 'department_conflict'],
  ['rejected', 'complete', 'already_decided'],
  ['rejected', 'deliver', 'not_approved'],
  ['rejected', 'withdraw', 'cannot_withdraw'],
  ['rejectedEvaluated', 'evaluate', 'already_evaluated'],
  ['notAccepted', 'accept', 'already_decided'],
  ['notAccepted', 'withdraw', 'cannot_withdraw'],
  ['delivered', 'withdraw', 'cannot_withdraw'],
  ['evaluated', 'evaluate', 'already_evaluated'],
  ['withdrawn', 'accept', 'withdrawn'],
  ['withdrawn', 'supplement', 'withdrawn'],
  ['withdrawn', 'evaluate', 'withdrawn'],
];

const NOOPS: [State, Name][] = [
  ['submitted', 'submit'],
  ['accepted', 'accept'],
  ['inReview', 'accept'],
  ['inReview', 'review'],
  ['notAccepted', 'notAccept'],
  ['supplementBeforeAcceptance', 'requireSupp'],
  ['marketApproved', 'approveMarket'],
  ['marketApproved', 'reviewMarket'],
  ['rejected', 'rejectMarket'],
  ['rejected', 'reviewHealth'],
  ['approved', 'complete'],
  ['approved', 'approveHealth'],
  ['delivered', 'complete'],
  ['delivered', 'deliver'],
  ['withdrawn', 'withdraw'],
];

for (const [from, name, to] of LEGAL) {
  test(`moves ${from} to ${to} on ${name}, with rev + 1 and one history entry`, () => {
    const app = STATES[from]();
    const result = apply(app, E[name]);
    if (result.status !== 'ok') throw new Error(`expected ok, got ${result.code}: ${result.message}`);
    assert.ok(result.changed);
    assert.is(result.application.status, to);
    assert.is(result.application.rev, app.rev + 1);
    assert.is(result.application.history.length, app.history.length + 1);
    assert.equal(result.application.history.at(-1)?.action, E[name].kind);
    assert.equal(result.application.history.at(-1)?.from, app.status);
  });
}

for (const [from, name, code] of ILLEGAL) {
  test(`refuses ${name} in ${from} with ${code} and a Chinese message`, () => {
    const result = apply(STATES[from](), E[name]);
    if (result.status !== 'illegal') throw new Error(`expected illegal, got ${result.application.status}`);
    assert.is(result.code, code);
    assert.match(result.message, /[\u4e00-\u9fff]/);
  });
}

for (const [from, name] of NOOPS) {
  test(`treats a repeated or stale ${name} in ${from} as a no-op`, () => {
    const app = STATES[from]();
    const result = apply(app, E[name]);
    if (result.status !== 'ok') throw new Error(`expected ok, got ${result.code}`);
    assert.is(result.changed, false);
    assert.is(result.application, app);
  });
}

test('creates a draft at rev 0 with every department of the matter pending', () => {
  const app = fresh();
  assert.is(app.status, 'draft');
  assert.is(app.rev, 0);
  assert.equal(app.departments, [
    { id: 'market', name: '市场监管局', status: 'pending' },
    { id: 'health', name: '卫生健康委', status: 'pending' },
  ]);
  assert.equal(app.matter, { id: 'food-licence', version: 3, name: '食品经营许可' });
  assert.equal(app.history, [{ at: T0, actor: { type: 'applicant', id: 'u-zhang', name: '张三' }, action: 'created', to: 'draft' }]);
});

test('creates an application with only the named departments, and throws on a department the matter lacks', () => {
  const base = { id: 'YC20261127-0002', matter, applicant: { userId: 'u1', name: '李四' }, fields: {}, materials: [], now: T0,
    channel: { conversationId: 'c', conversationType: 'single' as const } };
  assert.equal(createApplication({ ...base, departments: ['health'] }).departments.map((d) => d.id), ['health']);
  assert.throws(() => createApplication({ ...base, departments: ['tax'] }), /tax/);
  assert.throws(() => createApplication({ ...base, departments: [] }), /no department/);
});

test('approves the application when the last parallel department approves', () => {
  const app = run('submit', 'accept', 'review', 'approveHealth', 'approveMarket');
  assert.is(app.status, 'approved');
  assert.ok(app.decidedAt);
  assert.equal(app.departments.map((d) => [d.id, d.status, d.comment]), [['market', 'approved', '符合要求'], ['health', 'approved', undefined]]);
});

test('rejects the application with the rejecting department\'s reason when one of two departments rejects', () => {
  const app = run('submit', 'accept', 'review', 'approveMarket', 'rejectHealth');
  assert.is(app.status, 'rejected');
  assert.is(app.reason, '从业人员无健康证明');
  assert.equal(app.departments.map((d) => d.status), ['approved', 'rejected']);
  assert.equal(app.history.at(-1)?.department, 'health');
});

test('returns to submitted after a supplement before acceptance, then can be accepted', () => {
  const app = run('submit', 'requireSupp', 'supplement', 'accept');
  assert.is(app.status, 'accepted');
  assert.is(app.missing, undefined);
  assert.equal(app.history.map((h) => h.to), ['draft', 'submitted', 'supplement_required', 'submitted', 'accepted']);
});

test('returns to review after a supplement during review, replacing the material and merging the fields', () => {
  const app = run('submit', 'accept', 'review', 'requireSupp', 'supplement');
  assert.is(app.status, 'in_review');
  assert.is(app.missing, undefined);
  assert.equal(app.materials, [{ id: 'plan', name: '场所平面图', source: 'upload', ref: 'f-2' }]);
  assert.equal(app.fields, { shopName: '张记小吃', area: '80' });
});

test('keeps one open supplement list when a second department asks for more', () => {
  const app = run('submit', 'accept', 'review', 'requireSupp', 'requireMore');
  assert.equal(app.missing?.map((m) => m.name), ['场所平面图', '健康证明']);
});

test('closes the open supplement list when a department decides meanwhile', () => {
  const rejected = run('submit', 'accept', 'review', 'requireSupp', 'rejectHealth');
  assert.is(rejected.status, 'rejected');
  assert.is(rejected.missing, undefined);
  const approved = run('submit', 'accept', 'review', 'approveMarket', 'requireMore', 'approveHealth');
  assert.is(approved.status, 'approved');
  assert.is(approved.missing, undefined);
});

test('refuses a department approval that arrives before acceptance, leaving the application untouched', () => {
  const app = STATES.submitted();
  const snapshot = JSON.stringify(app);
  const result = apply(app, E.approveMarket);
  assert.equal(result.status === 'illegal' && result.code, 'not_accepted_yet');
  assert.is(JSON.stringify(app), snapshot);
});

test('absorbs a department approval that skips the reviewing event after acceptance', () => {
  const app = run('submit', 'accept', 'approveMarket');
  assert.is(app.status, 'in_review');
  assert.equal(app.departments.map((d) => d.status), ['approved', 'pending']);
});

test('records who did what and when in every history entry', () => {
  const app = fresh();
  const result = transition(app, E.submit, { now: new Date('2026-11-27T02:30:00Z'), actor: applicant });
  if (result.status !== 'ok') throw new Error('setup');
  const accepted = transition(result.application, E.accept, { now: '2026-11-27T03:00:00+08:00', actor: backoffice });
  if (accepted.status !== 'ok') throw new Error('setup');
  assert.equal(accepted.application.history.slice(1), [
    { at: '2026-11-27T02:30:00.000Z', actor: applicant, action: 'submit', from: 'draft', to: 'submitted' },
    { at: '2026-11-26T19:00:00.000Z', actor: backoffice, action: 'accept', from: 'submitted', to: 'accepted', note: '承诺 2026-12-09 前办结' },
  ]);
  assert.is(accepted.application.submittedAt, '2026-11-27T02:30:00.000Z');
  assert.is(accepted.application.acceptedAt, '2026-11-26T19:00:00.000Z');
  assert.is(accepted.application.deadline, '2026-12-09');
  assert.is(accepted.application.rev, 2);
});

test('never mutates the input application, even deeply', () => {
  for (const [from, name] of LEGAL.map(([f, n]) => [f, n] as const)) {
    const app = deepFreeze(STATES[from]());
    const snapshot = JSON.stringify(app);
    const result = apply(app, E[name]);
    assert.is(result.status, 'ok');
    assert.is(JSON.stringify(app), snapshot);
  }
});

test('marks departments that had not reported as approved when the back office completes', () => {
  const app = run('submit', 'accept', 'review', 'approveMarket', 'complete');
  assert.equal(app.departments.map((d) => [d.status, d.comment]), [['approved', '符合要求'], ['approved', '准予许可']]);
});

test('stores the evaluation; after a refusal the status keeps showing the refusal', () => {
  const app = STATES.rejectedEvaluated();
  assert.is(app.status, 'rejected');
  assert.equal(app.evaluation && { level: app.evaluation.level, comment: app.evaluation.comment }, { level: 5, comment: '全程网办，很方便' });
});

test('refuses malformed events as invalid_event', () => {
  const cases: [State, ApplicationEvent][] = [
    ['submitted', { kind: 'accept', deadline: '下周五' }],
    ['submitted', { kind: 'not_accept', reason: ' ' }],
    ['submitted', { kind: 'require_supplement', missing: [] }],
    ['inReview', { kind: 'department_reject', department: 'market', reason: '' }],
    ['delivered', { kind: 'evaluate', level: 6 as 5 }],
    ['approved', { kind: 'deliver', result: { type: 'pigeon' as 'mail' } }],
  ];
  for (const [from, event] of cases) {
    const result = apply(STATES[from](), event);
    assert.equal(result.status === 'illegal' && result.code, 'invalid_event', JSON.stringify(event));
  }
});

test('refuses departments that are not part of the application', () => {
  const result = apply(STATES.inReview(), { kind: 'department_approve', department: 'tax' });
  assert.equal(result.status === 'illegal' && result.code, 'unknown_department');
});

test('lets applicants act only on their own application and only as applicants', () => {
  const stranger: Actor = { type: 'applicant', id: 'u-li' };
  const forbidden = apply(STATES.inReview(), E.approveMarket, applicant);
  const notOwner = apply(STATES.inReview(), E.withdraw, stranger);
  assert.equal(forbidden.status === 'illegal' && forbidden.code, 'forbidden');
  assert.equal(notOwner.status === 'illegal' && notOwner.code, 'not_owner');
  assert.is(apply(STATES.inReview(), E.withdraw, { type: 'admin', id: 'admin-1' }).status, 'ok');
});

test('says a decided application cannot be withdrawn', () => {
  const result = apply(STATES.approved(), E.withdraw);
  assert.equal(result, { status: 'illegal', code: 'cannot_withdraw', message: '办件已办结，不能撤回' });
});

test('lists the events allowed in each state, consistent with canWithdraw, isDecided and isTerminal', () => {
  const expected: Record<State, string[]> = {
    draft: ['submit'],
    submitted: ['accept', 'not_accept', 'require_supplement', 'withdraw'],
    supplementBeforeAcceptance: ['not_accept', 'require_supplement', 'supplement', 'withdraw'],
    notAccepted: ['evaluate'],
    accepted: ['require_supplement', 'start_review', 'department_approve', 'department_reject', 'complete', 'withdraw'],
    inReview: ['require_supplement', 'start_review', 'department_approve', 'department_reject', 'complete', 'withdraw'],
    marketApproved: ['require_supplement', 'start_review', 'department_approve', 'department_reject', 'complete', 'withdraw'],
    supplementInReview: ['require_supplement', 'supplement', 'start_review', 'department_approve', 'department_reject', 'withdraw'],
    approved: ['deliver'],
    rejected: ['evaluate'],
    rejectedEvaluated: [],
    delivered: ['evaluate'],
    evaluated: [],
    withdrawn: [],
  };
  for (const [state, kinds] of Object.entries(expected) as [State, string[]][]) {
    const app = STATES[state]();
    assert.equal(allowedEvents(app), kinds, state);
    assert.is(canWithdraw(app), kinds.includes('withdraw'), state);
    assert.is(isTerminal(app), kinds.length === 0, state);
  }
  assert.equal((Object.keys(STATES) as State[]).filter((s) => isDecided(STATES[s]())),
    ['notAccepted', 'approved', 'rejected', 'rejectedEvaluated', 'delivered', 'evaluated']);
});

test('maps every back-office webhook status to its event', () => {
  const deadline = () => '2026-12-09';
  const cases: [object, ApplicationEvent][] = [
    [{ status: 'accepted' }, { kind: 'accept', deadline: '2026-12-09' }],
    [{ status: 'not_accepted', comment: '不属于本机关职权范围' }, { kind: 'not_accept', reason: '不属于本机关职权范围' }],
    [{ status: 'supplement_required', department: 'market', missing: [{ name: '平面图', reason: '模糊' }] },
      { kind: 'require_supplement', missing: [{ name: '平面图', reason: '模糊' }], department: 'market' }],
    [{ status: 'reviewing' }, { kind: 'start_review' }],
    [{ status: 'reviewing', department: 'health' }, { kind: 'start_review', department: 'health' }],
    [{ status: 'department_approved', department: 'market', comment: '同意' }, { kind: 'department_approve', department: 'market', comment: '同意' }],
    [{ status: 'department_rejected', department: 'market', comment: '不符合' }, { kind: 'department_reject', department: 'market', reason: '不符合' }],
    [{ status: 'completed' }, { kind: 'complete' }],
    [{ status: 'delivered', result: { type: 'mail', trackingNo: 'SF123', extra: 1 } }, { kind: 'deliver', result: { type: 'mail', trackingNo: 'SF123' } }],
  ];
  for (const [body, event] of cases) assert.equal(webhookToEvent(body, { deadline }), { status: 'ok', event });
});

test('computes the deadline only for accepted webhooks', () => {
  let calls = 0;
  webhookToEvent({ status: 'reviewing' }, { deadline: () => String(++calls) });
  assert.is(calls, 0);
});

test('tags unusable webhook bodies with a code', () => {
  const deadline = () => '2026-12-09';
  const cases: [unknown, string][] = [
    [null, 'malformed'],
    [{ status: 7 }, 'malformed'],
    [{ status: 'archived' }, 'unknown_status'],
    [{ status: 'department_approved' }, 'missing_department'],
    [{ status: 'department_rejected', comment: '不符合' }, 'missing_department'],
    [{ status: 'department_rejected', department: 'market' }, 'missing_reason'],
    [{ status: 'not_accepted' }, 'missing_reason'],
    [{ status: 'supplement_required', missing: [] }, 'missing_items'],
    [{ status: 'supplement_required', missing: [{ reason: '无名称' }] }, 'missing_items'],
    [{ status: 'delivered' }, 'missing_result'],
    [{ status: 'delivered', result: { type: 'fax' } }, 'missing_result'],
  ];
  for (const [body, code] of cases) {
    const mapped = webhookToEvent(body, { deadline });
    assert.equal(mapped.status === 'invalid' && mapped.code, code, JSON.stringify(body));
  }
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

test.run();
