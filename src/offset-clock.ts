// Real time plus an offset that can jump forward: the sandbox's clock, so a person can fast-forward (时间快进) and
// watch deadlines, warnings and the daily digest arrive. Timers wait on real time; after a jump, every timer
// that is now due fires at once and the others are re-armed for what is left of their wait.
import { sleepOn, type Clock, type Timer } from './clock.js';

interface Pending {
  at: number;
  fn: () => void;
  handle?: ReturnType<typeof setTimeout>;
}

/** A clock that can be moved forward with `advance` (FakeClock has the same method, for tests). */
export interface AdvanceableClock extends Clock {
  advance(ms: number): Promise<void>;
}

/** Date.now() + offset; `advance` moves the offset and fires or re-arms the pending timers. */
export class OffsetClock implements AdvanceableClock {
  private offset = 0;
  private readonly pending = new Set<Pending>();

  constructor(private readonly realNow: () => number = Date.now) {}

  readonly now = (): number => this.realNow() + this.offset;

  readonly setTimeout = (fn: () => void, ms: number): Timer => {
    const entry: Pending = { at: this.now() + Math.max(0, ms), fn };
    this.pending.add(entry);
    this.arm(entry);
    return {
      cancel: () => {
        clearTimeout(entry.handle);
        this.pending.delete(entry);
      },
    };
  };

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> => sleepOn(this, ms, signal);

  /** How far ahead of real time this clock is, in ms. */
  get offsetMs(): number {
    return this.offset;
  }

  /** Jumps `ms` forward (never back); due timers fire in order of due time. */
  async advance(ms: number): Promise<void> {
    this.offset += Math.max(0, ms);
    for (const entry of [...this.pending].sort((a, b) => a.at - b.at)) {
      clearTimeout(entry.handle);
      this.arm(entry);
    }
  }

  private arm(entry: Pending): void {
    entry.handle = setTimeout(
      () => {
        this.pending.delete(entry);
        entry.fn();
      },
      Math.max(0, entry.at - this.now()),
    );
  }
}
