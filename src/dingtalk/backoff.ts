// The clock the DingTalk adapters read, injected so tests control time-dependent decisions.

/** A source of "now" in ms; injected so tests control time-dependent decisions. */
export interface Clock {
  now(): number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
