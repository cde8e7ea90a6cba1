// Who a notice reached and who it did not, and why (GET /api/notices/:id/deliveries): read from the batch records.
// A person's last batch decides (a flow-controlled person retried in a later round counts as that round says).
import type { NoticeBatch } from '../domain/fan-out.js';
import type { Notice } from '../domain/notice.js';
import { batchId, NOTICE, NOTICE_BATCH, NOTICE_PROGRESS, type ProgressRecord } from './jobs.js';
import type { RecordBook } from './records.js';

/** Why a person did not get the notice. */
export type FailureReason = 'invalid' | 'flow_controlled' | 'uncertain' | 'cancelled' | 'left';

/** The reasons as the console shows them. */
export const FAILURE_TEXT: Record<FailureReason, string> = {
  invalid: '无效人员（钉钉不认识）',
  flow_controlled: '限流未送达',
  uncertain: '中断未确认（不重发）',
  cancelled: '已取消',
  left: '已离职，跳过',
};

/** The per-person report of one notice. */
export interface NoticeDeliveries {
  id: string;
  delivered: string[];
  failed: { userId: string; reason: FailureReason; text: string }[];
  /** Groups: sent or not. */
  groups: { conversationId: string; status: NoticeBatch['status'] }[];
  /** People whose batch has not finished yet. */
  pending: number;
}

/** Reads the deliveries of a notice; undefined when there is no such notice. */
export async function noticeDeliveries(book: RecordBook, id: string): Promise<NoticeDeliveries | undefined> {
  const notice = (await book.get<Notice>(NOTICE, id))?.data;
  if (!notice) return undefined;
  const progress = (await book.get<ProgressRecord>(NOTICE_PROGRESS, id))?.data;
  const outcome = new Map<string, FailureReason | 'delivered' | 'pending'>();
  const groups: NoticeDeliveries['groups'] = [];
  for (let index = 0; index < (progress?.batches ?? 0); index++) {
    const batch = (await book.get<NoticeBatch>(NOTICE_BATCH, batchId(id, index)))?.data;
    if (!batch) continue;
    if (batch.conversationId) {
      groups.push({ conversationId: batch.conversationId, status: batch.status });
      continue;
    }
    for (const userId of batch.userIds) outcome.set(userId, personOutcome(batch, userId));
    // Department and whole-organisation work notifications learn their people from the result.
    for (const userId of batch.delivered) outcome.set(userId, 'delivered');
    for (const userId of batch.invalid) outcome.set(userId, 'invalid');
    for (const userId of batch.flowControlled) outcome.set(userId, 'flow_controlled');
  }
  for (const userId of notice.skipped ?? []) outcome.set(userId, 'left');
  const entries = [...outcome.entries()];
  return {
    id,
    delivered: entries.filter(([, o]) => o === 'delivered').map(([userId]) => userId),
    failed: entries.flatMap(([userId, o]) => (o === 'delivered' || o === 'pending' ? [] : [{ userId, reason: o, text: FAILURE_TEXT[o] }])),
    groups,
    pending: entries.filter(([, o]) => o === 'pending').length,
  };
}

function personOutcome(batch: NoticeBatch, userId: string): FailureReason | 'delivered' | 'pending' {
  if (batch.status === 'cancelled') return 'cancelled';
  if (batch.status === 'uncertain') return 'uncertain';
  if (batch.status !== 'done') return 'pending';
  if (batch.invalid.includes(userId)) return 'invalid';
  if (batch.flowControlled.includes(userId)) return 'flow_controlled';
  return batch.delivered.includes(userId) ? 'delivered' : 'pending';
}
