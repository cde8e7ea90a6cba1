import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { type ApplicationEvent, webhookToEvent } from '../../src/domain/application-events.js';

const test = suite('application events: back-office webhooks');

test('maps every back-office webhook status to its event', () => {
  const deadline = () => '2026-12-09';
  const cases: [object, ApplicationEvent][] = [
    [{ status: 'accepted' }, { kind: 'accept', deadline: '2026-12-09' }],
    [
      { status: 'not_accepted', comment: '不属于本机关职权范围' },
      { kind: 'not_accept', reason: '不属于本机关职权范围' },
    ],
    [
      { status: 'supplement_required', department: 'market', missing: [{ name: '平面图', reason: '模糊' }] },
      { kind: 'require_supplement', missing: [{ name: '平面图', reason: '模糊' }], department: 'market' },
    ],
    [{ status: 'reviewing' }, { kind: 'start_review' }],
    [
      { status: 'reviewing', department: 'health' },
      { kind: 'start_review', department: 'health' },
    ],
    [
      { status: 'department_approved', department: 'market', comment: '同意' },
      { kind: 'department_approve', department: 'market', comment: '同意' },
    ],
    [
      { status: 'department_rejected', department: 'market', comment: '不符合' },
      { kind: 'department_reject', department: 'market', reason: '不符合' },
    ],
    [{ status: 'completed' }, { kind: 'complete' }],
    [
      { status: 'delivered', result: { type: 'mail', trackingNo: 'SF123', extra: 1 } },
      { kind: 'deliver', result: { type: 'mail', trackingNo: 'SF123' } },
    ],
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

test.run();
