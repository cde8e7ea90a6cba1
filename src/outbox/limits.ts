// How many jobs of each kind the outbox runs at once.
import type { JobKind } from '../store/store.js';

// Messages go wide: most are replies through the message's sessionWebhook, which is not under the OpenAPI's
// 20 calls/s; those that fall back to the OpenAPI wait in its limiter (src/dingtalk/limiter.ts, DINGTALK_QPS),
// which is what keeps that rate. Order per recipient comes from the job groups, not from this number.
/** Jobs of one kind running at once, unless OutboxOptions.concurrency says otherwise. */
export const DEFAULT_CONCURRENCY: Record<JobKind, number> = {
  'dingtalk.message': 32,
  'dingtalk.card.update': 4,
  'backoffice.submit': 2,
  'backoffice.withdraw': 2,
  'backoffice.supplement': 2,
  timer: 4,
  // Notices take a small share of the outbox; their calls also queue behind conversations' (limiter.ts), and a
  // notice keeps at most BATCH_WINDOW batch jobs queued (src/broadcast/jobs.ts).
  'broadcast.resolve': 1,
  'broadcast.batch': 8,
  'broadcast.report': 1,
};

/** Every job kind, in the order the outbox looks at them. */
export const KINDS = Object.keys(DEFAULT_CONCURRENCY) as JobKind[];
