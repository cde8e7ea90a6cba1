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

/** The new cards each person got, in the order the simulator created them, and every content each card showed. */
export class CardLog {
  readonly created = new Map<string, { outTrackId: string; title: string }[]>();
  /** Per card: its content at creation, then after each update. */
  readonly contents = new Map<string, Record<string, string>[]>();
  readonly #waiters = new Map<string, () => void>();

  constructor(dingtalk: DingTalkSimulator) {
    dingtalk.events.on('bot-output', (out: BotOutput) => this.#record(out));
  }

  #record(out: BotOutput): void {
    if (!out.outTrackId || !out.userIds?.[0]) return;
    const data = (out.content as { cardData: Record<string, string> }).cardData;
    if (out.via === 'card.create' || out.via === 'card.update') {
      const list = this.contents.get(out.outTrackId) ?? [];
      list.push(data);
      this.contents.set(out.outTrackId, list);
    }
    if (out.via === 'card.create') {
      const userId = out.userIds[0];
      const list = this.created.get(userId) ?? [];
      list.push({ outTrackId: out.outTrackId, title: data.title ?? '' });
      this.created.set(userId, list);
      this.#waiters.get(userId)?.();
    }
  }

  /** Resolves when `userId` has at least `count` cards; rejects after `timeoutMs` naming what arrived. */
  waitForCards(userId: string, count: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if ((this.created.get(userId)?.length ?? 0) < count) return false;
        this.#waiters.delete(userId);
        clearTimeout(timer);
        resolve();
        return true;
      };
      // Real time: the reply comes from another process through the outbox and the shared rate limit.
      const timer = setTimeout(() => {
        this.#waiters.delete(userId);
        const titles = (this.created.get(userId) ?? []).map((card) => card.title);
        reject(new Error(`${userId} waited ${timeoutMs} ms for card ${count}; got ${JSON.stringify(titles)}`));
      }, timeoutMs);
      this.#waiters.set(userId, () => void check());
      check();
    });
  }
}

/** How one person's dialog went: the application number, and any card that did not answer its step. */
export interface Walk {
  applicationId?: string;
  outOfOrder: string[];
}

/** Person `n` walks the dialog, one step after the bot's card for the step before. */
export async function walkDialog(dingtalk: DingTalkSimulator, log: CardLog, n: number, stepTimeoutMs: number): Promise<Walk> {
  const userId = `staff-${String(n).padStart(5, '0')}`;
  const walk: Walk = { outOfOrder: [] };
  const steps = applySteps(n);
  for (const [i, step] of steps.entries()) {
    if (step.file) dingtalk.injectMessage({ userId, msgtype: 'file', fileName: step.file, bytes: `%PDF-1.4 ${step.file}` });
    else dingtalk.injectMessage({ userId, text: step.say! });
    await log.waitForCards(userId, i + 1, stepTimeoutMs);
    const card = log.created.get(userId)![i]!;
    const matched = typeof step.expect === 'string' ? card.title === step.expect : step.expect.exec(card.title);
    if (!matched) walk.outOfOrder.push(`${userId} step ${i + 1} (${step.say ?? step.file}): got "${card.title}"`);
    if (step.expect instanceof RegExp && matched && typeof matched !== 'boolean') walk.applicationId = matched[1];
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
