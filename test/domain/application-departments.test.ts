import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { apply, E, run, STATES } from './application-fixtures.js';

const test = suite('application state machine: parallel department review');

test('approves the application when the last parallel department approves', () => {
  const app = run('submit', 'accept', 'review', 'approveHealth', 'approveMarket');
  assert.is(app.status, 'approved');
  assert.ok(app.decidedAt);
  assert.equal(
    app.departments.map((d) => [d.id, d.status, d.comment]),
    [
      ['market', 'approved', '符合要求'],
      ['health', 'approved', undefined],
    ],
  );
});

test("rejects the application with the rejecting department's reason when one of two departments rejects", () => {
  const app = run('submit', 'accept', 'review', 'approveMarket', 'rejectHealth');
  assert.is(app.status, 'rejected');
  assert.is(app.reason, '从业人员无健康证明');
  assert.equal(
    app.departments.map((d) => d.status),
    ['approved', 'rejected'],
  );
  assert.equal(app.history.at(-1)?.department, 'health');
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
  assert.equal(
    app.departments.map((d) => d.status),
    ['approved', 'pending'],
  );
});

test('marks departments that had not reported as approved when the back office completes', () => {
  const app = run('submit', 'accept', 'review', 'approveMarket', 'complete');
  assert.equal(
    app.departments.map((d) => [d.status, d.comment]),
    [
      ['approved', '符合要求'],
      ['approved', '准予许可'],
    ],
  );
});

test('refuses departments that are not part of the application', () => {
  const result = apply(STATES.inReview(), { kind: 'department_approve', department: 'tax' });
  assert.equal(result.status === 'illegal' && result.code, 'unknown_department');
});

test.run();
