// Resolves a notice's audience into people before anything is sent (job `broadcast.resolve`): departments
// through DingTalk's contacts APIs (paged, sub-departments recursively), de-duplicated, people who left
// skipped, the author left out. The people, the batches, their jobs and the progress card are written in
// one commit, so a crash before it resolves again and a crash after it finds the notice already sending.
import type { OutboxJob } from '../store/store.js';
import { planBatches, planWorkBatches, recipientsOf, startProgress, type NoticeBatch } from '../domain/fan-out.js';
import {
  BATCH_WINDOW,
  batchId,
  batchJob,
  cardJob,
  NOTICE,
  NOTICE_BATCH,
  NOTICE_CANCEL_MARK,
  NOTICE_PROGRESS,
  type NoticeJobPayload,
  type ProgressRecord,
} from './jobs.js';
import type { Notice, NoticeAudience } from '../domain/notice.js';
import type { StoredRecord } from './records.js';
import type { BroadcastDeps } from './sender.js';

/** The root department of every DingTalk organisation (§7). */
const ROOT_DEPT = 1;
/** Departments read at once. */
const RESOLVE_PARALLEL = 4;

/** The `broadcast.resolve` job handler. */
export async function resolveNotice(deps: BroadcastDeps, job: OutboxJob): Promise<void> {
  const { noticeId } = job.payload as NoticeJobPayload;
  const stored = await deps.book.get<Notice>(NOTICE, noticeId);
  if (!stored || (stored.data.status !== 'scheduled' && stored.data.status !== 'resolving')) return;
  const notice = stored.data;
  const now = deps.now();
  if (await deps.book.get(NOTICE_CANCEL_MARK, noticeId)) {
    const cancelled = { ...notice, status: 'cancelled' as const };
    const card = cardJob(cancelled, undefined, `${noticeId}:cancelled`, now);
    return deps.book.commit([{ ...stored, rev: stored.rev + 1, updatedAt: now, data: cancelled }], { jobs: { put: card ? [card] : [] } });
  }
  const { recipients, found, batches } = await plan(deps, notice);
  const queued = Math.min(BATCH_WINDOW, batches.length);
  const figures = startProgress(recipients.length + found.groups.length, batches.length);
  const status = batches.length === 0 ? ('completed' as const) : ('sending' as const);
  const resolved: Notice = { ...notice, status, recipients, groups: found.groups, skipped: found.left };
  const records: StoredRecord[] = [
    { ...stored, rev: stored.rev + 1, updatedAt: now, data: resolved },
    {
      kind: NOTICE_PROGRESS,
      id: noticeId,
      rev: 1,
      updatedAt: now,
      data: { figures, batches: batches.length, planned: batches.length, next: queued, cardAt: now } satisfies ProgressRecord,
    },
    ...batches.map((batch) => ({ kind: NOTICE_BATCH, id: batchId(noticeId, batch.index), rev: 1, updatedAt: now, data: batch })),
  ];
  const jobs = batches.slice(0, queued).map((batch) => batchJob(noticeId, batch.index, now));
  const card = cardJob(resolved, figures, `${noticeId}:resolved`, now);
  await deps.book.commit(records, { jobs: { put: card ? [...jobs, card] : jobs } });
}

// Work notifications to departments or to everyone go as DingTalk's own department / whole-organisation sends
// (one call per 20 departments); their people are known only from the send results.
async function plan(deps: BroadcastDeps, notice: Notice): Promise<{ recipients: string[]; found: Found; batches: NoticeBatch[] }> {
  const { audience } = notice;
  if (notice.channel === 'work' && (audience.kind === 'all' || audience.kind === 'departments')) {
    const target = audience.kind === 'all' ? { toAll: true } : { deptIds: [...new Set(audience.deptIds)] };
    return { recipients: [], found: { people: [], left: [], groups: [] }, batches: planWorkBatches(notice.id, target) };
  }
  const found = await collect(deps, audience);
  const recipients = recipientsOf(found.people, { author: notice.author.userId, skipped: found.left });
  const batches =
    notice.channel === 'work' ? planWorkBatches(notice.id, { people: recipients }) : planBatches(notice.id, recipients, found.groups);
  return { recipients, found, batches };
}

interface Found {
  people: string[];
  /** Inactive members of the chosen departments. */
  left: string[];
  groups: string[];
}

async function collect(deps: BroadcastDeps, audience: NoticeAudience): Promise<Found> {
  switch (audience.kind) {
    case 'users':
      return { people: audience.userIds, left: [], groups: [] };
    case 'groups':
      return { people: [], left: [], groups: [...new Set(audience.conversationIds)] };
    case 'all':
      return members(deps, [ROOT_DEPT], true);
    case 'departments':
      return members(deps, audience.deptIds, audience.includeSub);
  }
}

// Breadth-first over the departments, a few at a time (the contacts APIs are limited per API, so the
// member pages and the sub-department lists of different departments overlap); each department is read
// once even when chosen twice or nested.
async function members(deps: BroadcastDeps, roots: number[], includeSub: boolean): Promise<Found> {
  const seen = new Set<number>();
  const queue = [...roots];
  const people: string[] = [];
  const left: string[] = [];
  const visit = async (dept: number) => {
    const [found, subs] = await Promise.all([
      deps.openapi.listDepartmentMembers(dept),
      includeSub ? deps.openapi.listSubDepartments(dept) : Promise.resolve([]),
    ]);
    for (const member of found) (member.active ? people : left).push(member.userId);
    queue.push(...subs.map((d) => d.id));
  };
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  while ((queue.length > 0 && !failure) || running.size > 0) {
    const dept = failure ? undefined : queue.shift();
    if (dept === undefined || seen.has(dept) || running.size >= RESOLVE_PARALLEL) {
      if (dept !== undefined && !seen.has(dept)) queue.unshift(dept);
      if (running.size > 0) await Promise.race(running);
      continue;
    }
    seen.add(dept);
    const task: Promise<void> = visit(dept)
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => running.delete(task));
    running.add(task);
  }
  if (failure) throw failure.error;
  return { people, left, groups: [] };
}
