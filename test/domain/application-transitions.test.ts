import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Application } from '../../src/domain/types.js';
import { apply, E, type Name, STATES, type State } from './application-fixtures.js';

const test = suite('application state machine: transition table');

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

test('never mutates the input application, even deeply', () => {
  for (const [from, name] of LEGAL.map(([f, n]) => [f, n] as const)) {
    const app = deepFreeze(STATES[from]());
    const snapshot = JSON.stringify(app);
    const result = apply(app, E[name]);
    assert.is(result.status, 'ok');
    assert.is(JSON.stringify(app), snapshot);
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
