// Sends one batch of a notice (job `broadcast.batch`). The batch record is marked `sending` when the rate
// limiter lets the call go and `done` with DingTalk's answer; a batch found `sending` on a re-run was cut
// off mid-call by a crash and is never sent again (reported as uncertain): no one gets a notice twice.
// Throttling (403 QpsLimit) is an answer, so the batch goes back to `pending` and the outbox retries it.
import type { OpenApiClient } from '../dingtalk/openapi.js';
import { ExternalError } from '../errors.js';
import { ConflictError, type OutboxJob } from '../store/store.js';
import { addBatch, isFinished, retryBatch, type NoticeBatch } from '../domain/fan-out.js';
import {
  batchId,
  batchJob,
  cardJob,
  NOTICE,
  NOTICE_BATCH,
  NOTICE_CANCEL_MARK,
  NOTICE_PROGRESS,
  noticeJob,
  withBatch,
  type BatchJobPayload,
  type ProgressRecord,
} from './jobs.js';
import { chinaDay, WORK_DAY, WORK_TO_ALL_PER_DAY, type Notice } from '../domain/notice.js';
import type { RecordBook, StoredRecord } from './records.js';

/** What the notice jobs work with. */
export interface BroadcastDeps {
  book: RecordBook;
  openapi: Pick<
    OpenApiClient,
    | 'sendNoticeBatch'
    | 'sendNoticeToGroup'
    | 'readStatus'
    | 'listSubDepartments'
    | 'listDepartmentMembers'
    | 'sendWorkNotice'
    | 'workNoticeDone'
    | 'workNoticeResult'
  >;
  now: () => number;
  /** Waits between looks at a work-notification task (the app's clock). */
  sleep?: (ms: number) => Promise<void>;
  /** Wait before a flow-controlled person is tried again (default 60 s). */
  flowRetryMs?: number;
  /** The progress card moves at most this often (default 3 s); the first and last batch always move it. */
  cardEveryMs?: number;
}

/** The DingTalk message of a notice: markdown, or an action card when it has a link. */
export function noticeMessage(notice: Notice): { msgKey: string; msgParam: Record<string, string> } {
  const text = `### ${notice.title}\n\n${notice.body}`;
  if (notice.link)
    return {
      msgKey: 'sampleActionCard',
      msgParam: { title: notice.title, text, singleTitle: notice.link.text, singleURL: notice.link.url },
    };
  return { msgKey: 'sampleMarkdown', msgParam: { title: notice.title, text } };
}

/** The `broadcast.batch` job handler. */
export async function sendBatch(deps: BroadcastDeps, job: OutboxJob): Promise<void> {
  const { noticeId, index } = job.payload as BatchJobPayload;
  const { book } = deps;
  let record = await book.get<NoticeBatch>(NOTICE_BATCH, batchId(noticeId, index));
  const notice = await book.get<Notice>(NOTICE, noticeId);
  if (!record || !notice || !['pending', 'sending'].includes(record.data.status)) return;
  if (record.data.status === 'sending') {
    // A work-notification task DingTalk accepted is looked up, never sent again; any other call is uncertain.
    if (record.data.taskId !== undefined) return collectWork(deps, notice.data, record);
    return finish(deps, notice.data, withBatch(record, { status: 'uncertain' }, deps.now()));
  }
  if (await book.get(NOTICE_CANCEL_MARK, noticeId))
    return finish(deps, notice.data, withBatch(record, { status: 'cancelled' }, deps.now()));
  // Checked again when the limiter lets the call go: a cancel while the batch waited stops it too.
  const beforeSend = async () => {
    if (record!.data.status === 'sending') return;
    if (await book.get(NOTICE_CANCEL_MARK, noticeId)) throw new NoticeCancelled();
    const marked = withBatch(record!, { status: 'sending' }, deps.now());
    await book.commit([marked, ...(await countToAll(deps, record!.data))]);
    record = marked;
  };
  try {
    if (notice.data.channel === 'work') {
      const taskId = await deps.openapi.sendWorkNotice(workTarget(record.data), workMessage(notice.data), { beforeSend });
      record = withBatch(record, { taskId }, deps.now());
      await book.commit([record]);
      return await collectWork(deps, notice.data, record);
    }
    const done = await call(deps, notice.data, record.data, beforeSend);
    await finish(deps, notice.data, withBatch(record, { status: 'done', ...done }, deps.now()));
  } catch (error) {
    if (error instanceof NoticeCancelled) return finish(deps, notice.data, withBatch(record, { status: 'cancelled' }, deps.now()));
    if (!isSending(record) || record.data.taskId !== undefined) throw error;
    // DingTalk answered (throttled, busy, refused): nothing was delivered, the batch may go again.
    if (error instanceof ExternalError && error.status !== undefined) {
      await book.commit([withBatch(record, { status: 'pending' }, deps.now())]);
      throw error;
    }
    await finish(deps, notice.data, withBatch(record, { status: 'uncertain' }, deps.now()));
  }
}

class NoticeCancelled extends Error {}

/** The work notification of a notice: markdown, or an action card when it has a link. */
export function workMessage(notice: Notice): object {
  const text = `### ${notice.title}\n\n${notice.body}`;
  if (notice.link)
    return {
      msgtype: 'action_card',
      action_card: { title: notice.title, markdown: text, single_title: notice.link.text, single_url: notice.link.url },
    };
  return { msgtype: 'markdown', markdown: { title: notice.title, text } };
}

function workTarget(batch: NoticeBatch): { toAll?: boolean; deptIds?: number[]; userIds?: string[] } {
  if (batch.toAll) return { toAll: true };
  return batch.deptIds ? { deptIds: batch.deptIds } : { userIds: batch.userIds };
}

// DingTalk allows `to_all_user` three times a day: counted in the same commit as the batch's "sending" mark,
// refused (the batch is cancelled) if another notice took the last one since this one was checked at publishing.
async function countToAll(deps: BroadcastDeps, batch: NoticeBatch): Promise<StoredRecord[]> {
  if (!batch.toAll) return [];
  const now = deps.now();
  const day = await deps.book.get<{ toAll: number }>(WORK_DAY, chinaDay(now));
  if ((day?.data.toAll ?? 0) >= WORK_TO_ALL_PER_DAY) throw new NoticeCancelled();
  return [{ kind: WORK_DAY, id: chinaDay(now), rev: (day?.rev ?? 0) + 1, data: { toAll: (day?.data.toAll ?? 0) + 1 }, updatedAt: now }];
}

// Work notifications are asynchronous: look at the task a few times, then leave it to the outbox's retry.
async function collectWork(deps: BroadcastDeps, notice: Notice, record: StoredRecord<NoticeBatch>): Promise<void> {
  const taskId = record.data.taskId!;
  for (let look = 0; look < 10; look++) {
    if (await deps.openapi.workNoticeDone(taskId)) {
      const r = await deps.openapi.workNoticeResult(taskId);
      const done = {
        status: 'done' as const,
        delivered: r.delivered,
        invalid: r.invalid,
        flowControlled: r.forbidden,
        read: r.read.length,
      };
      return finish(deps, notice, withBatch(record, done, deps.now()));
    }
    await (deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(300);
  }
  throw new ExternalError('dingtalk', `work notification task ${taskId} is still being processed`, { retryable: true });
}

// The record changes inside beforeSend, which the compiler's narrowing cannot see.
function isSending(record: StoredRecord<NoticeBatch>): boolean {
  return record.data.status === 'sending';
}

async function call(
  deps: BroadcastDeps,
  notice: Notice,
  batch: NoticeBatch,
  beforeSend: () => Promise<void>,
): Promise<Partial<NoticeBatch>> {
  const { msgKey, msgParam } = noticeMessage(notice);
  if (batch.conversationId) {
    const key = await deps.openapi.sendNoticeToGroup(batch.conversationId, msgKey, msgParam, { beforeSend });
    return { processQueryKey: key };
  }
  const answer = await deps.openapi.sendNoticeBatch(batch.userIds, msgKey, msgParam, { beforeSend });
  const missed = new Set([...answer.invalid, ...answer.flowControlled]);
  return {
    processQueryKey: answer.processQueryKey,
    invalid: answer.invalid,
    flowControlled: answer.flowControlled,
    delivered: batch.userIds.filter((id) => !missed.has(id)),
  };
}

/** Records a finished batch with the notice's progress, its next round, the card and, at the end, the report. */
async function finish(deps: BroadcastDeps, notice: Notice, batch: StoredRecord<NoticeBatch>): Promise<void> {
  for (;;) {
    const now = deps.now();
    const progress = await deps.book.get<ProgressRecord>(NOTICE_PROGRESS, notice.id);
    if (!progress) throw new Error(`notice ${notice.id} has no progress record`);
    const retry = batch.data.status === 'done' ? retryBatch(batch.data, progress.data.batches) : undefined;
    const figures = addBatch(progress.data.figures, batch.data, retry !== undefined);
    const finished = isFinished(figures);
    const moveCard = finished || progress.data.cardAt === 0 || now - progress.data.cardAt >= (deps.cardEveryMs ?? 3_000);
    const records: StoredRecord[] = [
      batch,
      {
        ...progress,
        rev: progress.rev + 1,
        updatedAt: now,
        data: {
          ...progress.data,
          figures,
          batches: progress.data.batches + (retry ? 1 : 0),
          next: Math.min(progress.data.next + 1, progress.data.planned),
          cardAt: moveCard ? now : progress.data.cardAt,
        },
      },
    ];
    const jobs: OutboxJob[] = [];
    if (progress.data.next < progress.data.planned) jobs.push(batchJob(notice.id, progress.data.next, now));
    if (retry) {
      records.push({ kind: NOTICE_BATCH, id: batchId(notice.id, retry.index), rev: 1, data: retry, updatedAt: now });
      jobs.push(batchJob(notice.id, retry.index, now + (deps.flowRetryMs ?? 60_000)));
    }
    const status = finished ? (figures.cancelled > 0 ? 'cancelled' : 'completed') : notice.status;
    if (finished) {
      const stored = await deps.book.get<Notice>(NOTICE, notice.id);
      if (stored) records.push({ ...stored, rev: stored.rev + 1, updatedAt: now, data: { ...stored.data, status } });
      if (status === 'completed')
        jobs.push(noticeJob('broadcast.report', `notice:${notice.id}:report`, { noticeId: notice.id }, now + 1_000));
    }
    const card = moveCard ? cardJob({ ...notice, status }, figures, `${notice.id}:${batch.id}:${batch.rev}`, now) : undefined;
    if (card) jobs.push(card);
    try {
      return await deps.book.commit(records, { jobs: { put: jobs } });
    } catch (error) {
      // Another batch of this notice finished at the same time: read its figures and add again.
      if (!(error instanceof ConflictError) || !error.applicationId.startsWith(NOTICE_PROGRESS)) throw error;
    }
  }
}
