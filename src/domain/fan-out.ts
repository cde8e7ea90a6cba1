// Fan-out rules, pure: who receives a notice, how the people are cut into batches of at most 20
// (oToMessages/batchSend, §6.3), and what the batches add up to (the progress card, the report, the API).

/** Most people one `oToMessages/batchSend` call takes (§6.3). */
export const BATCH_SIZE = 20;
/** Flow-controlled people are retried in a later round, this many rounds at most. */
export const MAX_ROUNDS = 5;

/** One batch (record kind `notice.batch`, id `<noticeId>:<index>`): its own idempotency for the sender. */
export interface NoticeBatch {
  noticeId: string;
  index: number;
  /** 1 for the first send; later rounds carry people DingTalk flow-controlled. */
  round: number;
  userIds: string[];
  /** A group batch: one groupMessages/send. */
  conversationId?: string;
  /** A work-notification batch to ≤ 20 departments (with sub-departments) or to everyone: its people are known from the result. */
  deptIds?: number[];
  toAll?: boolean;
  /** The work-notification task, recorded as soon as DingTalk accepted it (then the batch is polled, never re-sent). */
  taskId?: number;
  /** People who read it (work notifications report it with the result). */
  read?: number;
  /**
   * pending → sending (recorded just before the call leaves) → done. A batch found `sending` after a
   * restart may or may not have reached its people: it becomes `uncertain` and is never sent again.
   */
  status: 'pending' | 'sending' | 'done' | 'cancelled' | 'uncertain';
  delivered: string[];
  invalid: string[];
  flowControlled: string[];
  processQueryKey?: string;
}

/** What the batches add up to; the same figures on the card, in the report and in the API. */
export interface NoticeProgress {
  /** People to reach (groups count once each). */
  total: number;
  sent: number;
  /** DingTalk does not know them (left the organisation, wrong id). */
  invalid: number;
  /** Flow-controlled and waiting for a later round. */
  waiting: number;
  /** Still flow-controlled after the last round. */
  flowControlled: number;
  /** In a batch a crash interrupted while its call was out: not sent again (no duplicates). */
  uncertain: number;
  /** Not sent because the notice was cancelled. */
  cancelled: number;
  /** Batches still to finish (a later round adds one). */
  open: number;
  read?: number;
}

/** The people a notice goes to: de-duplicated in first-seen order, without the author and the skipped. */
export function recipientsOf(found: readonly string[], options: { author: string; skipped?: readonly string[] }): string[] {
  const out = new Set<string>();
  const skipped = new Set(options.skipped ?? []);
  for (const id of found) if (id && id !== options.author && !skipped.has(id)) out.add(id);
  return [...out];
}

/** Cuts people into batches of at most `size`. */
export function chunk<T>(items: readonly T[], size = BATCH_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** First-round batches of a notice: the people by 20, then one per group. */
export function planBatches(noticeId: string, people: readonly string[], groups: readonly string[]): NoticeBatch[] {
  const base = { noticeId, round: 1, status: 'pending' as const, delivered: [], invalid: [], flowControlled: [] };
  const batches: NoticeBatch[] = chunk(people).map((userIds, index) => ({ ...base, index, userIds }));
  for (const conversationId of groups) batches.push({ ...base, index: batches.length, userIds: [], conversationId });
  return batches;
}

/** Most people / departments one work notification (asyncsend_v2) takes. */
export const WORK_USERS = 100;
export const WORK_DEPTS = 20;

/** Work-notification batches: everyone in one call, departments by 20, people by 100. */
export function planWorkBatches(noticeId: string, target: { toAll?: boolean; deptIds?: number[]; people?: string[] }): NoticeBatch[] {
  const base = { noticeId, round: 1, status: 'pending' as const, userIds: [], delivered: [], invalid: [], flowControlled: [] };
  if (target.toAll) return [{ ...base, index: 0, toAll: true }];
  if (target.deptIds) return chunk(target.deptIds, WORK_DEPTS).map((deptIds, index) => ({ ...base, index, deptIds }));
  return chunk(target.people ?? [], WORK_USERS).map((userIds, index) => ({ ...base, index, userIds }));
}

/** The next round for the flow-controlled people of `batch`, or undefined when there is none. */
export function retryBatch(batch: NoticeBatch, index: number): NoticeBatch | undefined {
  // Work notifications: what DingTalk forbids is its daily rule; sending again the same day changes nothing.
  if (batch.flowControlled.length === 0 || batch.round >= MAX_ROUNDS || batch.taskId !== undefined) return undefined;
  return {
    noticeId: batch.noticeId,
    index,
    round: batch.round + 1,
    userIds: batch.flowControlled,
    status: 'pending',
    delivered: [],
    invalid: [],
    flowControlled: [],
  };
}

/** The empty progress of a notice about to send. */
export function startProgress(total: number, batches: number): NoticeProgress {
  return { total, sent: 0, invalid: 0, waiting: 0, flowControlled: 0, uncertain: 0, cancelled: 0, open: batches };
}

/**
 * Adds one finished batch. `retried` says whether its flow-controlled people got a later round: then they
 * are waiting (and the new batch is open); else they stay flow-controlled in the report.
 */
export function addBatch(progress: NoticeProgress, batch: NoticeBatch, retried: boolean): NoticeProgress {
  const size = batch.conversationId ? 1 : batch.userIds.length;
  const next = { ...progress, open: progress.open - 1 + (retried ? 1 : 0) };
  // Departments and the whole organisation: DingTalk says whom they reached only in the result.
  if (batch.deptIds || batch.toAll) next.total += batch.delivered.length + batch.invalid.length + batch.flowControlled.length;
  if (batch.read !== undefined) next.read = (next.read ?? 0) + batch.read;
  // A later round's people were counted as waiting when their first round finished.
  if (batch.round > 1) next.waiting -= batch.userIds.length;
  switch (batch.status) {
    case 'cancelled':
      next.cancelled += size;
      break;
    case 'uncertain':
      next.uncertain += size;
      break;
    default:
      next.sent += batch.conversationId ? 1 : batch.delivered.length;
      next.invalid += batch.invalid.length;
      if (retried) next.waiting += batch.flowControlled.length;
      else next.flowControlled += batch.flowControlled.length;
  }
  return next;
}

/** True when every batch has finished. */
export function isFinished(progress: NoticeProgress): boolean {
  return progress.open <= 0;
}

/** Failed people in the report: invalid, still flow-controlled, uncertain. */
export function failedCount(progress: NoticeProgress): number {
  return progress.invalid + progress.flowControlled + progress.uncertain;
}
