import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { allowedEvents, canWithdraw, isDecided, isTerminal } from '../../src/domain/application.js';
import type { ApplicationEvent } from '../../src/domain/application-events.js';
import type { Actor } from '../../src/domain/types.js';
import { applicant, apply, E, STATES, type State } from './application-fixtures.js';

const test = suite('application state machine: valid events, actors, withdrawal and allowed events');

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
  assert.equal(
    (Object.keys(STATES) as State[]).filter((s) => isDecided(STATES[s]())),
    ['notAccepted', 'approved', 'rejected', 'rejectedEvaluated', 'delivered', 'evaluated'],
  );
});

test.run();
