// The people and the measures of the cluster drill (test/e2e/cluster-drill.test.ts): simulated applicants who
// walk the 住房公积金提取 dialog by typing and uploading through the DingTalk simulator, each waiting for the bot's
// card before the next step, and the figures read from what the simulators received.
import type { BotOutput, DingTalkSimulator, RecordedCall } from '../../src/sandbox/dingtalk/index.js';

/** One step of the dialog: what the person sends, and the title of the card that must answer it. */
interface Step {
  say?: string;
  file?: string;
  expect: string | RegExp;
}

const FUND = '住房公积金提取';

/** A valid 居民身份证号 for person `n` (1–999): 杭州西湖区, born 1990-01-01, sequence n, with its check digit. */
export function idCardNumber(n: number): string {
  const body = `33010619900101${String(n).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((total, digit, i) => total + Number(digit) * weights[i]!, 0);
  return body + '10X98765432'[sum % 11];
}

/** The whole dialog of person `n` (generated `staff-<n>`, named 职员n), rent withdrawal, two uploads, 提交. */
export function applySteps(n: number): Step[] {
  return [
    { say: '我要办 公积金提取', expect: `${FUND} · 电子证照授权` },
    { say: '不同意', expect: `${FUND} · 第 1/6 项` },
    { say: `职员${n}`, expect: `${FUND} · 第 2/6 项` },
    { say: idCardNumber(n), expect: `${FUND} · 第 3/6 项` },
    { say: '2', expect: `${FUND} · 第 4/6 项` }, // the second option: 租赁自住住房
    { say: '12000', expect: `${FUND} · 第 5/6 项` },
    { say: '6222021234567890128', expect: `${FUND} · 第 6/6 项` },
    { say: `138${String(n).padStart(8, '0')}`, expect: `${FUND} · 材料 1/2` },
    { file: `身份证-${n}.pdf`, expect: `${FUND} · 材料 2/2` },
    { file: `租赁备案-${n}.pdf`, expect: `${FUND} · 核对信息` },
    { say: '提交', expect: /^办件 (YC\d{8}-\d{4})$/ },
  ];
}

/**
 * What each person saw, in the order the card platform showed it: every card created and every update of one, by
 * title (the apply form is one card updated in place at each step; the application's own card comes after 提交).
 */
export class CardLog {
  readonly created = new Map<string, { outTrackId: string; title: string }[]>();
  /** Per person: the title of every card created or updated for them, in arrival order. */
  readonly shown = new Map<string, string[]>();
  /** Per card: its content at creation, then after each update. */
  readonly contents = new Map<string, Record<string, string>[]>();
  readonly #waiters = new Map<string, () => void>();

  constructor(dingtalk: DingTalkSimulator) {
    dingtalk.events.on('bot-output', (out: BotOutput) => this.#record(out));
  }

  #record(out: BotOutput): void {
    if (!out.outTrackId || !out.userIds?.[0]) return;
    if (out.via !== 'card.create' && out.via !== 'card.update') return;
    const userId = out.userIds[0];
    const data = (out.content as { cardData: Record<string, string> }).cardData;
    const list = this.contents.get(out.outTrackId) ?? [];
    list.push(data);
    this.contents.set(out.outTrackId, list);
    if (out.via === 'card.create') {
      const cards = this.created.get(userId) ?? [];
      cards.push({ outTrackId: out.outTrackId, title: data.title ?? '' });
      this.created.set(userId, cards);
    }
    const titles = this.shown.get(userId) ?? [];
    titles.push(data.title ?? '');
    this.shown.set(userId, titles);
    this.#waiters.get(userId)?.();
  }

  /**
   * Resolves with the index of the first title shown to `userId` after index `after` that `match` accepts; rejects
   * after `timeoutMs` naming what arrived.
   */
  waitForTitle(userId: string, after: number, match: (title: string) => boolean, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const titles = this.shown.get(userId) ?? [];
        const found = titles.findIndex((title, i) => i > after && match(title));
        if (found < 0) return;
        this.#waiters.delete(userId);
        clearTimeout(timer);
        resolve(found);
      };
      // Real time: the reply comes from another process through the outbox and the shared rate limit.
      const timer = setTimeout(() => {
        this.#waiters.delete(userId);
        reject(new Error(`${userId} waited ${timeoutMs} ms after view ${after}; saw ${JSON.stringify(this.shown.get(userId) ?? [])}`));
      }, timeoutMs);
      this.#waiters.set(userId, check);
      check();
    });
  }
}

/** How one person's dialog went: the application number, and any view that did not answer its step. */
export interface Walk {
  applicationId?: string;
  outOfOrder: string[];
  /** Why the walk stopped early (a step not answered in time). */
  error?: string;
}

const matches = (expect: string | RegExp, title: string) => (typeof expect === 'string' ? title === expect : expect.test(title));

/**
 * Person `n` walks the dialog, one step after the bot showed the answer to the step before. A step is answered out of
 * order when, before its own answer, the person was shown the answer of a later step.
 */
export async function walkDialog(
  dingtalk: DingTalkSimulator,
  log: CardLog,
  n: number,
  stepTimeoutMs: number,
  onStep: () => void = () => undefined,
): Promise<Walk> {
  const userId = `staff-${String(n).padStart(5, '0')}`;
  const walk: Walk = { outOfOrder: [] };
  const steps = applySteps(n);
  let seen = -1;
  try {
    for (const [i, step] of steps.entries()) {
      if (step.file) dingtalk.injectMessage({ userId, msgtype: 'file', fileName: step.file, bytes: `%PDF-1.4 ${step.file}` });
      else dingtalk.injectMessage({ userId, text: step.say! });
      const at = await log.waitForTitle(userId, seen, (title) => matches(step.expect, title), stepTimeoutMs);
      const between = log.shown.get(userId)!.slice(seen + 1, at);
      const early = between.filter((title) => steps.slice(i + 1).some((later) => matches(later.expect, title)));
      if (early.length > 0) walk.outOfOrder.push(`${userId} step ${i + 1} (${step.say ?? step.file}): first saw ${JSON.stringify(early)}`);
      const title = log.shown.get(userId)![at]!;
      if (step.expect instanceof RegExp) walk.applicationId = step.expect.exec(title)?.[1];
      seen = at;
      onStep();
    }
  } catch (error) {
    walk.error = error instanceof Error ? error.message : String(error);
  }
  return walk;
}

/** Per API path: the most calls the simulator received within any one second (refused ones too), and the refusals. */
export function callsPerSecond(
  calls: readonly RecordedCall[],
  limit: number,
): Map<string, { max: number; refused: number; total: number; over: number }> {
  const byPath = new Map<string, number[]>();
  const refused = new Map<string, number>();
  for (const call of calls) {
    if (!call.path.startsWith('/v1.0/') && !call.path.startsWith('/topapi/')) continue;
    if (call.path.startsWith('/v1.0/oauth2/') || call.path.startsWith('/v1.0/gateway/')) continue;
    const times = byPath.get(call.path) ?? [];
    times.push(call.at);
    byPath.set(call.path, times);
    if (call.status === 403) refused.set(call.path, (refused.get(call.path) ?? 0) + 1);
  }
  const result = new Map<string, { max: number; refused: number; total: number; over: number }>();
  for (const [path, times] of byPath) {
    times.sort((a, b) => a - b);
    let max = 0;
    // Calls that were the (limit+1)-th or later within one second of an earlier call.
    let over = 0;
    for (let start = 0, end = 0; end < times.length; end++) {
      while (times[end]! - times[start]! >= 1000) start++;
      max = Math.max(max, end - start + 1);
      if (end - start + 1 > limit) over += 1;
    }
    result.set(path, { max, refused: refused.get(path) ?? 0, total: times.length, over });
  }
  return result;
}
