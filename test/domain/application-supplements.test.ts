import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { run } from './application-fixtures.js';

const test = suite('application state machine: supplements');

test('returns to submitted after a supplement before acceptance, then can be accepted', () => {
  const app = run('submit', 'requireSupp', 'supplement', 'accept');
  assert.is(app.status, 'accepted');
  assert.is(app.missing, undefined);
  assert.equal(
    app.history.map((h) => h.to),
    ['draft', 'submitted', 'supplement_required', 'submitted', 'accepted'],
  );
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
  assert.equal(
    app.missing?.map((m) => m.name),
    ['场所平面图', '健康证明'],
  );
});

test('closes the open supplement list when a department decides meanwhile', () => {
  const rejected = run('submit', 'accept', 'review', 'requireSupp', 'rejectHealth');
  assert.is(rejected.status, 'rejected');
  assert.is(rejected.missing, undefined);
  const approved = run('submit', 'accept', 'review', 'approveMarket', 'requireMore', 'approveHealth');
  assert.is(approved.status, 'approved');
  assert.is(approved.missing, undefined);
});

test.run();
