// A clock that moves only when told: tests advance it instead of sleeping, and the sandbox may use it to
// fast-forward. Due timers fire in order of due time (then of scheduling); between two timers the clock lets
// pending promise callbacks run, so async work started by one timer can schedule the next before it is due.
import { sleepOn, type Clock, type Timer } from './clock.js';

interface Scheduled {
  at: number;
  seq: number;
  fn: () => void;
}

/** A Clock whose time is set by `advance`; methods are bound, so `clock.now` can be passed alone. */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Set<Scheduled>();

  constructor(start = Date.UTC(2026, 10, 28, 2, 0, 0)) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  readonly setTimeout = (fn: () => void, ms: number): Timer => {
    const entry: Scheduled = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(entry);
    return { cancel: () => void this.timers.delete(entry) };
  };

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> => sleepOn(this, ms, signal);

  /** Timers not yet fired. */
  pending(): number {
    return this.timers.size;
  }

  /** When the earliest pending timer is due, if any. */
  nextAt(): number | undefined {
    return this.next()?.at;
  }

  /** Moves time forward by `ms`, firing every timer that comes due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.time + Math.max(0, ms);
    await settle();
    for (let due = this.next(); due && due.at <= end; due = this.next()) {
      this.timers.delete(due);
      this.time = Math.max(this.time, due.at);
      due.fn();
      await settle();
    }
    this.time = end;
  }

  /** Moves time to the earliest pending timer and fires it (and any due with it); false when none is pending. */
  async tick(): Promise<boolean> {
    const at = this.nextAt();
    if (at === undefined) return false;
    await this.advance(at - this.time);
    return true;
  }

  private next(): Scheduled | undefined {
    let first: Scheduled | undefined;
    for (const t of this.timers) if (!first || t.at < first.at || (t.at === first.at && t.seq < first.seq)) first = t;
    return first;
  }
}

// Lets queued promise callbacks (and callbacks they queue) run: a macrotask turn drains the microtask queue.
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
