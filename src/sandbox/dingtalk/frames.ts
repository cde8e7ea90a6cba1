// Stream frame envelopes (§1.3): `data` is a JSON string, `time` a string of ms.
import { randomUUID } from './ids.js';

export type FrameType = 'SYSTEM' | 'EVENT' | 'CALLBACK';

export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';
export const TOPIC_CARD = '/v1.0/card/instances/callback';

/** A downstream frame as written on the socket. */
export interface StreamFrame {
  specVersion: '1.0';
  type: FrameType;
  headers: Record<string, string>;
  data: string;
}

/** Builds a business (EVENT/CALLBACK) or SYSTEM frame; `extraHeaders` carry the EVENT fields. */
export function buildFrame(input: {
  type: FrameType;
  topic: string;
  messageId?: string;
  data: unknown;
  appId?: string;
  connectionId: string;
  now: number;
  extraHeaders?: Record<string, string>;
}): StreamFrame {
  const headers: Record<string, string> = {};
  if (input.appId) headers.appId = input.appId;
  headers.connectionId = input.connectionId;
  headers.contentType = 'application/json';
  if (input.messageId) headers.messageId = input.messageId;
  headers.time = String(input.now);
  headers.topic = input.topic;
  Object.assign(headers, input.extraHeaders);
  return { specVersion: '1.0', type: input.type, headers, data: JSON.stringify(input.data) };
}

/** EVENT-only headers (§1.3): eventType, eventId, eventCorpId, eventBornTime, eventUnifiedAppId. */
export function eventHeaders(eventType: string, corpId: string, appId: string, now: number): Record<string, string> {
  return {
    eventType,
    eventId: randomUUID().replace(/-/g, ''),
    eventCorpId: corpId,
    eventBornTime: String(now),
    eventUnifiedAppId: appId,
  };
}

/** The client's ACK frame (§1.4), after validation. */
export interface AckFrame {
  code: number;
  messageId: string;
  data: unknown;
  message?: string;
}

/** Reads an upstream frame; undefined when it is not an ACK (has no code or messageId). */
export function parseAck(text: string): AckFrame | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const frame = parsed as { code?: unknown; headers?: { messageId?: unknown }; data?: unknown; message?: unknown };
  const messageId = frame.headers?.messageId;
  if (typeof messageId !== 'string' || frame.code === undefined) return undefined;
  let data: unknown = frame.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      // SDKs always send a JSON string; keep the raw text when one does not.
    }
  }
  return { code: Number(frame.code), messageId, data, message: typeof frame.message === 'string' ? frame.message : undefined };
}
