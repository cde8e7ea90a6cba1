import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { EVENT_KINDS } from '../../src/domain/application-events.js';
import {
  ACTION_TEXT,
  APPLICATION_STATUS_TEXT,
  DEPARTMENT_STATUS_TEXT,
  actionText,
  formatChineseDate,
  nextStepText,
  statusText,
} from '../../src/domain/status-text.js';
import type { Application, ApplicationStatus } from '../../src/domain/types.js';

const test = suite('status text');

const STATUSES: ApplicationStatus[] = [
  'draft',
  'submitted',
  'accepted',
  'not_accepted',
  'supplement_required',
  'in_review',
  'approved',
  'rejected',
  'delivered',
  'evaluated',
  'withdrawn',
];
const CHINESE = /^[\u4e00-\u9fff（）]+$/;

function app(status: ApplicationStatus, extra: Partial<Application> = {}): Application {
  return {
    id: 'YC20261127-0001',
    rev: 3,
    status,
    createdAt: '2026-11-27T01:00:00.000Z',
    matter: { id: 'food-licence', version: 3, name: '食品经营许可' },
    applicant: { userId: 'u-zhang', name: '张三' },
    channel: { conversationId: 'cid-1', conversationType: 'single' },
    fields: {},
    materials: [],
    history: [],
    departments: [
      { id: 'market', name: '市场监管局', status: 'approved' },
      { id: 'health', name: '卫生健康委', status: 'reviewing' },
    ],
    ...extra,
  };
}

test('labels every application and department status in Chinese with a card tone', () => {
  assert.equal(Object.keys(APPLICATION_STATUS_TEXT).sort(), [...STATUSES].sort());
  for (const status of STATUSES) {
    assert.match(APPLICATION_STATUS_TEXT[status].label, CHINESE);
    assert.ok(['info', 'success', 'warning', 'danger', 'neutral'].includes(APPLICATION_STATUS_TEXT[status].tone));
  }
  assert.equal(
    Object.values(DEPARTMENT_STATUS_TEXT).map((t) => t.label),
    ['待审', '审查中', '已同意', '已驳回'],
  );
  assert.equal(statusText(app('supplement_required')), { label: '待补正', tone: 'warning' });
  assert.equal(statusText(app('approved')), { label: '已办结（准予许可）', tone: 'success' });
  assert.equal(statusText(app('rejected')), { label: '不予许可', tone: 'danger' });
});

test('names every history action in Chinese', () => {
  for (const kind of [...EVENT_KINDS, 'created'] as const) assert.match(ACTION_TEXT[kind], CHINESE);
  assert.is(actionText('department_reject'), '部门驳回');
  assert.is(actionText('imported'), 'imported');
});

test('writes dates the Chinese way', () => {
  assert.is(formatChineseDate('2026-10-09'), '2026年10月9日');
  assert.is(formatChineseDate('下周'), '下周');
});

test('tells every missing item at once when materials must be supplemented', () => {
  const text = nextStepText(
    app('supplement_required', {
      missing: [
        { name: '场所平面图', reason: '未标注面积' },
        { name: '健康证明', reason: '' },
      ],
    }),
  );
  assert.is(text, '请按一次性告知补齐材料：1. 场所平面图（未标注面积）；2. 健康证明。补齐后即可继续办理。');
});

test('shows the promised deadline and parallel progress during review', () => {
  assert.is(
    nextStepText(app('accepted', { deadline: '2026-12-09' })),
    '申请已受理，承诺于2026年12月9日前办结。审查进度会在这里实时告诉您。',
  );
  assert.is(nextStepText(app('in_review', { deadline: '2026-12-09' })), '2 个部门并联审查，已有 1 个同意。承诺于2026年12月9日前办结。');
});

test('gives the refusal reason, the remedies, and invites an evaluation only once', () => {
  const rejected = nextStepText(app('rejected', { reason: '经营场所与住宅未有效隔离' }));
  assert.match(rejected, '不予许可：经营场所与住宅未有效隔离。');
  assert.match(rejected, '行政复议');
  assert.match(rejected, '欢迎对本次服务作出评价');
  const evaluated = nextStepText(app('rejected', { reason: 'x', evaluation: { level: 2, at: '2026-12-01T00:00:00Z' } }));
  assert.not.match(evaluated, '欢迎');
  assert.match(nextStepText(app('not_accepted', { reason: '不属于本机关职权范围' })), '不予受理：不属于本机关职权范围。');
});

test('says how the result arrives for each delivery mode', () => {
  assert.match(nextStepText(app('delivered', { result: { type: 'elicence', licenseNo: 'JY133' } })), '电子证照已发放（证照编号 JY133）');
  assert.match(nextStepText(app('delivered', { result: { type: 'mail', trackingNo: 'SF1234' } })), '运单号 SF1234');
  assert.match(
    nextStepText(app('delivered', { result: { type: 'window', pickupAddress: '市民中心二楼 12 号窗口' } })),
    '请到市民中心二楼 12 号窗口领取办理结果',
  );
});

test('has a next step in Chinese for every status', () => {
  for (const status of STATUSES) {
    const text = nextStepText(app(status, { reason: '理由', deadline: '2026-12-09', missing: [{ name: '材料', reason: '' }] }));
    assert.ok(text.length > 5, status);
    assert.match(text, /[\u4e00-\u9fff]/);
    assert.not.match(text, /undefined|null/);
  }
});

test.run();
