// One user cannot slow the others (issue 9): each sender has an inbound budget, a token bucket on the
// bot's clock. Over budget, the sender is told once to slow down and then the bot stays silent until the
// bucket refills; the event still commits its inbox id, so it is ACKed and never redelivered.
import type { Middleware } from './composer.js';
import type { BotContext } from './context.js';

/** The one notice an over-budget sender gets. */
export const TOO_FAST_TEXT = '您发送太快了，请稍候';

/** How many events a sender may send in a window (refilled evenly over the window). */
export interface InboundBudgetOptions {
  capacity: number;
  windowMs: number;
}

/** 10 events in 10 s per sender (issue 9). */
export const DEFAULT_INBOUND_BUDGET: InboundBudgetOptions = { capacity: 10, windowMs: 10_000 };

interface Bucket {
  tokens: number;
  at: number;
  /** The sender was told to slow down and has not been answered since. */
  told: boolean;
  /** The last event charged and whether it passed: a retried decision (ConflictError) is not charged twice. */
  eventId: string;
  passed: boolean;
}

// Far more senders than this within one window is not a chat; full buckets are forgotten beyond it.
const MAX_TRACKED = 10_000;

/** Middleware: passes an event on while its sender has budget; otherwise one notice, then silence. */
export function inboundBudget(options: InboundBudgetOptions = DEFAULT_INBOUND_BUDGET): Middleware<BotContext> {
  const buckets = new Map<string, Bucket>();
  const perMs = options.capacity / options.windowMs;
  const refill = (bucket: Bucket, now: number) => Math.min(options.capacity, bucket.tokens + Math.max(0, now - bucket.at) * perMs);

  return (ctx, next) => {
    const sender = ctx.event.sender.userId;
    const now = ctx.now.getTime();
    let bucket = buckets.get(sender);
    if (bucket?.eventId === ctx.event.id) return bucket.passed ? next() : undefined;
    if (!bucket) {
      if (buckets.size >= MAX_TRACKED) forgetFull(buckets, (b) => refill(b, now) >= options.capacity);
      bucket = { tokens: options.capacity, at: now, told: false, eventId: '', passed: true };
      buckets.set(sender, bucket);
    }
    bucket.tokens = refill(bucket, now);
    bucket.at = now;
    bucket.eventId = ctx.event.id;
    bucket.passed = bucket.tokens >= 1;
    if (bucket.passed) {
      bucket.tokens -= 1;
      bucket.told = false;
      return next();
    }
    if (!bucket.told) {
      bucket.told = true;
      ctx.log.warn({ sender }, 'inbound budget exhausted');
      ctx.reply(TOO_FAST_TEXT);
    }
    return undefined;
  };
}

function forgetFull(buckets: Map<string, Bucket>, isFull: (bucket: Bucket) => boolean): void {
  for (const [sender, bucket] of buckets) if (isFull(bucket)) buckets.delete(sender);
}
