// One CALLBACK push → normalise → handle → ACK (protocol §1.4/§1.5). The ACK is written only after `handle`
// resolved, i.e. after the event and its jobs are stored; a failed handle is not ACKed so DingTalk re-pushes.
import type { ChatEvent } from '../bot/inbound.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';
import { normalizeFrame, type StreamFrame } from './normalize.js';

/** The event sink, logger and clock of the callback processor. */
export interface CallbackHandlerOptions {
  handle: (event: ChatEvent) => Promise<void>;
  logger: Logger;
  clock: Pick<Clock, 'now'>;
}

/** Writes the ACK for a messageId on the connection the push came in on; false when that socket is gone. */
export type Ack = (messageId: string) => boolean;

/** Creates the per-process callback processor (it remembers which pushes are in flight). */
export function createCallbackHandler(options: CallbackHandlerOptions) {
  const { logger: log, clock } = options;
  const inflight = new Set<string>();

  return async function onCallback(frame: StreamFrame & { headers: { messageId: string } }, ack: Ack): Promise<void> {
    const messageId = frame.headers.messageId;
    // The same push arriving again while the first copy is still being handled: that copy will ACK.
    if (inflight.has(messageId)) return;
    inflight.add(messageId);
    try {
      const result = normalizeFrame(frame, clock.now());
      if (result.status === 'invalid') {
        // Redelivering a payload we cannot read would not help: ACK it and keep going.
        log.warn({ messageId, topic: frame.headers.topic, code: result.code, reason: result.reason }, 'dropped an unreadable callback');
      } else {
        const { event } = result;
        try {
          await options.handle(event);
        } catch (error) {
          log.error(
            { err: error, eventId: event.id, kind: event.kind, conversation: event.conversation.id },
            'handling failed; not acknowledged so DingTalk redelivers',
          );
          return;
        }
      }
      if (!ack(messageId)) log.warn({ messageId }, 'socket closed before the ACK; DingTalk will redeliver');
    } finally {
      inflight.delete(messageId);
    }
  };
}
