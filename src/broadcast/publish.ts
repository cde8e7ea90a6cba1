// Turning a checked draft into a stored notice and its start timer: shared by the compose dialog (through
// the bot's decision context) and POST /api/notices (through the record book).
import type { Effect } from '../bot/effects.js';
import { NOTICE } from './jobs.js';
import type { Notice, NoticeDraft } from '../domain/notice.js';
import type { StoredRecord } from './records.js';

/** The timer that starts a notice at its time (`ctx.schedule` / onTimer in handlers/notice.ts). */
export const NOTICE_START_TIMER = 'notice.start';

/** A notice id: `N` + the creation time + a short random tail, sortable by creation. */
export function newNoticeId(now: number, random: () => number = Math.random): string {
  return `N${now.toString(36).toUpperCase()}${Math.floor(random() * 36 ** 4)
    .toString(36)
    .toUpperCase()
    .padStart(4, '0')}`;
}

/** The stored form of a new notice. */
export function newNotice(id: string, draft: NoticeDraft, author: Notice['author'], now: number, cardId?: string): StoredRecord<Notice> {
  const data: Notice = { ...draft, id, author, status: 'scheduled', createdAt: now, ...(cardId ? { cardId } : {}) };
  return { kind: NOTICE, id, rev: 1, data, updatedAt: now };
}

/** The start timer of a new notice: at its time, or at once. */
export function startTimer(notice: StoredRecord<Notice>): Extract<Effect, { type: 'timer' }> {
  const at = notice.data.sendAt ?? notice.data.createdAt;
  return { type: 'timer', name: NOTICE_START_TIMER, key: `notice:${notice.id}`, at, payload: { noticeId: notice.id } };
}
