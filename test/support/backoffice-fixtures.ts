// Payload factories for the back-office tests: a submitted application and the bodies built from it.
import { submissionBody, type SubmissionBody } from '../../src/backoffice/protocol.js';
import type { Application } from '../../src/domain/types.js';

/** A submitted 食品经营许可 application with two parallel departments. */
export function submittedApplication(overrides: Partial<Application> = {}): Application {
  return {
    id: 'YC20261128-0001',
    rev: 3,
    matter: { id: 'food-business-licence', version: 2, name: '食品经营许可证核发' },
    applicant: { userId: 'clerk-zhao', name: '赵磊' },
    channel: { conversationId: 'cid-single-zhao', conversationType: 'single', cardId: 'card-YC20261128-0001' },
    fields: { companyName: '杭州西溪餐饮管理有限公司', creditCode: '91330106MA27WX5B3W', address: '杭州市西湖区文三路 90 号' },
    materials: [
      { id: 'licence', name: '营业执照', source: 'elicence', ref: '91330106MA27WX5B3W', origin: '浙江省电子证照库' },
      { id: 'layout', name: '经营场所平面图', source: 'upload', ref: 'dl-code-123', fileName: '平面图.pdf' },
      { id: 'health', name: '从业人员健康证明', source: 'promised', ref: 'promise-1' },
    ],
    departments: [
      { id: 'scjg', name: '市场监督管理局', status: 'pending' },
      { id: 'wsjk', name: '卫生健康委员会', status: 'pending' },
    ],
    status: 'submitted',
    createdAt: '2026-11-28T09:30:00.000Z',
    submittedAt: '2026-11-28T09:40:00.000Z',
    history: [],
    ...overrides,
  };
}

/** The submission body of `submittedApplication`, with per-test changes. */
export function submission(overrides: Partial<SubmissionBody> = {}): SubmissionBody {
  return { ...submissionBody(submittedApplication(), '2026-12-10'), ...overrides };
}
