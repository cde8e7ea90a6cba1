// When the lowdb store writes its data files (a checkpoint): a while after the first batch logged since the
// last one (even if no other batch comes), as soon as the log has grown large, or when someone asks.
// Real time on purpose: it spaces out file writes, it is not a moment of the bot's clock.
import { performance } from 'node:perf_hooks';

/** The checkpoint schedule of one store. */
export class Checkpoints {
  readonly #ms: number;
  readonly #bytes: number;
  readonly #onTimer: () => void;
  /** performance.now() of the oldest batch not yet in the data files. */
  #loggedSince: number | undefined;
  #wanted = false;
  #waiters: Array<() => void> = [];
  #timer: NodeJS.Timeout | undefined;

  /** `onTimer` runs when a logged batch has waited `ms` with no checkpoint; the store then drains. */
  constructor(ms: number, bytes: number, onTimer: () => void) {
    this.#ms = Math.max(0, ms);
    this.#bytes = bytes;
    this.#onTimer = onTimer;
  }

  /** A checkpoint was asked for (by the timer or by a caller) and has not run yet. */
  get wanted(): boolean {
    return this.#wanted;
  }

  /** A batch was appended to the log. */
  logged(): void {
    if (this.#loggedSince !== undefined) return;
    this.#loggedSince = performance.now();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#wanted = true;
      this.#onTimer();
    }, this.#ms);
    this.#timer.unref();
  }

  /** Resolves once the next checkpoint has run. */
  ask(): Promise<void> {
    this.#wanted = true;
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Whether a checkpoint should run now, with the log holding `logBytes`. */
  due(logBytes: number): boolean {
    if (this.#wanted) return true;
    return this.#loggedSince !== undefined && (logBytes >= this.#bytes || performance.now() - this.#loggedSince >= this.#ms);
  }

  /** A checkpoint starts; returns the callers to tell when it has ended. */
  begin(): Array<() => void> {
    this.#wanted = false;
    this.#loggedSince = undefined;
    this.stop();
    return this.#waiters.splice(0);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
