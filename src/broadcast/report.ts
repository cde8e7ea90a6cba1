// The delivery report: read status from DingTalk once a notice is sent (job `broadcast.report`), and the
// one view of a notice that the card, GET /api/notices and GET /api/notices/:id all show.
import { ConflictError, type OutboxJob } from '../store/store.js';
import { failedCount, type NoticeBatch, type NoticeProgress } from '../domain/fan-out.js';
import {
  batchId,
  cardJob,
  NOTICE,
  NOTICE_BATCH,
  NOTICE_CANCEL_MARK,
  NOTICE_PROGRESS,
  type NoticeJobPayload,
  type ProgressRecord,
} from './jobs.js';
import type { Notice } from '../domain/notice.js';
import type { RecordBook } from './records.js';
import type { BroadcastDeps } from './sender.js';

/** The `broadcast.report` job handler: counts the people who read the notice (one-to-one batches). */
export async function reportNotice(deps: BroadcastDeps, job: OutboxJob): Promise<void> {
  const { noticeId } = job.payload as NoticeJobPayload;
  const notice = await deps.book.get<Notice>(NOTICE, noticeId);
  const first = await deps.book.get<ProgressRecord>(NOTICE_PROGRESS, noticeId);
  if (!notice || !first) return;
  let read = 0;
  for (let index = 0; index < first.data.batches; index++) {
    const batch = (await deps.book.get<NoticeBatch>(NOTICE_BATCH, batchId(noticeId, index)))?.data;
    if (batch?.status !== 'done' || batch.conversationId) continue;
    if (batch.taskId !== undefined) read += (await deps.openapi.workNoticeResult(batch.taskId)).read.length;
    else if (batch.processQueryKey) read += (await deps.openapi.readStatus(batch.processQueryKey)).filter((r) => r.read).length;
  }
  for (;;) {
    const progress = (await deps.book.get<ProgressRecord>(NOTICE_PROGRESS, noticeId))!;
    const figures = { ...progress.data.figures, read };
    const now = deps.now();
    const card = cardJob(notice.data, figures, `${noticeId}:report:${progress.rev}`, now);
    try {
      return await deps.book.commit([{ ...progress, rev: progress.rev + 1, updatedAt: now, data: { ...progress.data, figures } }], {
        jobs: { put: card ? [card] : [] },
      });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
}

/** A notice as the admin API shows it: what it says, its state, and the report's figures. */
export interface NoticeView {
  id: string;
  title: string;
  status: Notice['status'];
  channel: Notice['channel'];
  audience: Notice['audience'];
  author: string;
  createdAt: string;
  sendAt?: string;
  cancelRequested: boolean;
  report?: NoticeProgress & { failed: number };
}

/** Reads the view of one notice. */
export async function noticeView(book: RecordBook, id: string): Promise<NoticeView | undefined> {
  const notice = (await book.get<Notice>(NOTICE, id))?.data;
  if (!notice) return undefined;
  const progress = (await book.get<ProgressRecord>(NOTICE_PROGRESS, id))?.data.figures;
  return {
    id,
    title: notice.title,
    status: notice.status,
    channel: notice.channel,
    audience: notice.audience,
    author: notice.author.userId,
    createdAt: new Date(notice.createdAt).toISOString(),
    ...(notice.sendAt ? { sendAt: new Date(notice.sendAt).toISOString() } : {}),
    cancelRequested: (await book.get(NOTICE_CANCEL_MARK, id)) !== undefined,
    ...(progress ? { report: { ...progress, failed: failedCount(progress) } } : {}),
  };
}
