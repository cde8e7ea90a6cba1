// Effects → outbox jobs (STYLE.md "Side effects are data"). Jobs of one group run in order: messages per
// recipient, updates per card; back-office calls carry the idempotency key of the protocol.
import { submitKey, supplementKey, withdrawKey } from '../backoffice/protocol.js';
import type { JobKind, OutboxJob } from '../store/store.js';
import type { Effect, Target } from './effects.js';
import type { TimerJobPayload } from './inbound.js';

/** Payload of a `dingtalk.message` job. */
export type MessageJobPayload = Extract<Effect, { type: 'send' }>;
/** Payload of a `dingtalk.card.update` job. */
export type CardUpdateJobPayload = Extract<Effect, { type: 'card.update' }>;
/** Payload of a `backoffice.*` job; `round` only for supplements. */
export interface BackofficeJobPayload {
  applicationId: string;
  round?: number;
}

/** The ordering group of a recipient: `user:<id>` or `group:<conversationId>`. */
export function recipientKey(to: Target): string {
  return to.kind === 'user' ? `user:${to.userId}` : `group:${to.conversationId}`;
}

/** Turns the effects of one decision (identified by `source`) into jobs due now. */
export function effectsToJobs(effects: readonly Effect[], options: { source: string; now: number; newId: () => string }): OutboxJob[] {
  return effects.map((effect, index) => {
    const base = { id: options.newId(), attempts: 0, nextAt: options.now, createdAt: options.now };
    switch (effect.type) {
      case 'send':
        return job(base, 'dingtalk.message', effect.message.cardId ?? `${options.source}#${index}`, effect, recipientKey(effect.to));
      case 'card.update':
        return job(base, 'dingtalk.card.update', `${effect.cardId}@${options.source}#${index}`, effect, effect.cardId);
      case 'backoffice':
        return backofficeJob(base, effect);
      case 'timer': {
        const { name, key, at, payload } = effect;
        return job({ ...base, nextAt: at }, 'timer', `timer:${key}@${at}`, { name, key, at, payload } satisfies TimerJobPayload);
      }
      case 'broadcast':
        return job(base, 'broadcast.resolve', `notice:${effect.noticeId}:resolve`, { noticeId: effect.noticeId });
    }
  });
}

type JobBase = Pick<OutboxJob, 'id' | 'attempts' | 'nextAt' | 'createdAt'>;

function job(base: JobBase, kind: JobKind, key: string, payload: unknown, group?: string): OutboxJob {
  return { ...base, kind, key, payload, ...(group ? { group } : {}) };
}

function backofficeJob(base: JobBase, effect: Extract<Effect, { type: 'backoffice' }>): OutboxJob {
  const id = effect.applicationId;
  switch (effect.call) {
    case 'submit':
      return job(base, 'backoffice.submit', submitKey(id), { applicationId: id } satisfies BackofficeJobPayload, id);
    case 'withdraw':
      return job(base, 'backoffice.withdraw', withdrawKey(id), { applicationId: id } satisfies BackofficeJobPayload, id);
    case 'supplement': {
      const round = supplementRound(effect.payload);
      return job(base, 'backoffice.supplement', supplementKey(id, round), { applicationId: id, round } satisfies BackofficeJobPayload, id);
    }
  }
}

function supplementRound(payload: unknown): number {
  const round = (payload as { round?: unknown } | undefined)?.round;
  if (typeof round !== 'number' || !Number.isInteger(round) || round < 1) throw new Error('a supplement effect needs payload.round ≥ 1');
  return round;
}
