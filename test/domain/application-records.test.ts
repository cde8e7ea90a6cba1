import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { createApplication, transition } from '../../src/domain/application.js';
import { applicant, backoffice, E, fresh, matter, STATES, T0 } from './application-fixtures.js';

const test = suite('application state machine: creation, history and evaluation');

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
  const base = {
    id: 'YC20261127-0002',
    matter,
    applicant: { userId: 'u1', name: '李四' },
    fields: {},
    materials: [],
    now: T0,
    channel: { conversationId: 'c', conversationType: 'single' as const },
  };
  assert.equal(
    createApplication({ ...base, departments: ['health'] }).departments.map((d) => d.id),
    ['health'],
  );
  assert.throws(() => createApplication({ ...base, departments: ['tax'] }), /tax/);
  assert.throws(() => createApplication({ ...base, departments: [] }), /no department/);
});

test('records who did what and when in every history entry', () => {
  const app = fresh();
  const result = transition(app, E.submit, { now: new Date('2026-11-27T02:30:00Z'), actor: applicant });
  if (result.status !== 'ok') throw new Error('setup');
  const accepted = transition(result.application, E.accept, { now: '2026-11-27T03:00:00+08:00', actor: backoffice });
  if (accepted.status !== 'ok') throw new Error('setup');
  assert.equal(accepted.application.history.slice(1), [
    { at: '2026-11-27T02:30:00.000Z', actor: applicant, action: 'submit', from: 'draft', to: 'submitted' },
    {
      at: '2026-11-26T19:00:00.000Z',
      actor: backoffice,
      action: 'accept',
      from: 'submitted',
      to: 'accepted',
      note: '承诺 2026-12-09 前办结',
    },
  ]);
  assert.is(accepted.application.submittedAt, '2026-11-27T02:30:00.000Z');
  assert.is(accepted.application.acceptedAt, '2026-11-26T19:00:00.000Z');
  assert.is(accepted.application.deadline, '2026-12-09');
  assert.is(accepted.application.rev, 2);
});

test('stores the evaluation; after a refusal the status keeps showing the refusal', () => {
  const app = STATES.rejectedEvaluated();
  assert.is(app.status, 'rejected');
  assert.equal(app.evaluation && { level: app.evaluation.level, comment: app.evaluation.comment }, {
    level: 5,
    comment: '全程网办，很方便',
  });
});

test.run();
