// The outbox jobs of a notice and the records they touch. Each batch is its own job with its own key and
// its own record, so a crash resumes where it stopped; the record says whether the batch already went out.
import { randomUUID } from 'node:crypto';
import { noticeProgressCard } from '../../cards/notice-card.js';
import type { CardUpdateJobPayload } from '../bot/jobs.js';
import type { OutboxJob } from '../store/store.js';
import type { NoticeBatch, NoticeProgress } from '../domain/fan-out.js';
import type { Notice } from '../domain/notice.js';
import type { StoredRecord } from './records.js';

/** Record kinds. `notice.cancel` is written only by the bot and the admin API; the rest only by the jobs after creation. */
export const NOTICE = 'notice';
export const NOTICE_BATCH = 'notice.batch';
export const NOTICE_PROGRESS = 'notice.progress';
export const NOTICE_CANCEL_MARK = 'notice.cancel';

/**
 * The progress record: the figures; how many batches exist (the next batch's index); how many were planned
 * (the first round) and the next planned one without a job yet; when the card last moved.
 */
export interface ProgressRecord {
  figures: NoticeProgress;
  batches: number;
  planned: number;
  next: number;
  cardAt: number;
}

/**
 * Batch jobs queued at once per notice. Each finished batch queues the next planned one in its own commit:
 * the outbox never holds thousands of notice jobs ahead of the replies to people (it reads due jobs oldest
 * first), and a crash loses no place in the queue.
 */
export const BATCH_WINDOW = 16;

/** Payload of `broadcast.resolve` and `broadcast.report`. */
export interface NoticeJobPayload {
  noticeId: string;
}

/** Payload of `broadcast.batch`. */
export interface BatchJobPayload {
  noticeId: string;
  index: number;
}

/** The id of a batch record. */
export function batchId(noticeId: string, index: number): string {
  return `${noticeId}:${index}`;
}

/** A job due at `at`. */
export function noticeJob(kind: OutboxJob['kind'], key: string, payload: unknown, at: number, group?: string): OutboxJob {
  return { id: randomUUID(), kind, key, payload, attempts: 0, nextAt: at, createdAt: at, ...(group ? { group } : {}) };
}

/** The job that sends batch `index`. */
export function batchJob(noticeId: string, index: number, at: number): OutboxJob {
  return noticeJob('broadcast.batch', `notice:${noticeId}:batch:${index}`, { noticeId, index } satisfies BatchJobPayload, at);
}

/** Updates the author's card (in order with the card's other updates); `seq` keeps the key unique. */
export function cardJob(notice: Notice, progress: NoticeProgress | undefined, seq: string, at: number): OutboxJob | undefined {
  if (!notice.cardId) return undefined;
  const payload: CardUpdateJobPayload = {
    type: 'card.update',
    cardId: notice.cardId,
    to: { kind: 'user', userId: notice.author.userId },
    card: stampOwner(noticeProgressCard(notice, progress), notice.author.userId),
  };
  return noticeJob('dingtalk.card.update', `${notice.cardId}@notice:${seq}`, payload, at, notice.cardId);
}

// As DecisionContext.updateCard does: the owner rides along in each button (see src/bot/context.ts).
function stampOwner(card: ReturnType<typeof noticeProgressCard>, owner: string): ReturnType<typeof noticeProgressCard> {
  if (!card.buttons) return card;
  return { ...card, buttons: card.buttons.map((b) => ({ ...b, params: { ...b.params, owner } })) };
}

/** A batch record's data with a new status. */
export function withBatch(record: StoredRecord<NoticeBatch>, data: Partial<NoticeBatch>, now: number): StoredRecord<NoticeBatch> {
  return { ...record, rev: record.rev + 1, data: { ...record.data, ...data }, updatedAt: now };
}
