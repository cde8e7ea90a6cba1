// Stream CALLBACK frames → ChatEvent. Pure: no I/O, the receive time is passed in.
// Field meanings: shared/dingtalk-protocol.md §2 (robot messages) and §4b (card callbacks).
import { createHash } from 'node:crypto';
import type { Attachment, CardActionEvent, ChatEvent, Conversation, MessageEvent } from '../bot/inbound.js';

/** Stream CALLBACK topic of robot messages (§2). */
export const ROBOT_MESSAGE_TOPIC = '/v1.0/im/bot/messages/get';
/** Stream CALLBACK topic of card-platform clicks (§4b). */
export const CARD_CALLBACK_TOPIC = '/v1.0/card/instances/callback';

/** The parts of a Stream frame the normaliser reads (the SDK's DWClientDownStream fits). */
export interface StreamFrame {
  headers?: { messageId?: string; topic?: string; time?: string };
  data?: unknown;
}

/** The event, or a tag saying why the frame cannot become one. */
export type NormalizeResult =
  | { status: 'ok'; event: ChatEvent }
  | { status: 'invalid'; code: 'bad_json' | 'missing_field' | 'no_staff_id' | 'unknown_topic'; reason: string };

type Json = Record<string, unknown>;
type Invalid = Extract<NormalizeResult, { status: 'invalid' }>;

const invalid = (code: Invalid['code'], reason: string): Invalid => ({ status: 'invalid', code, reason });

/** Routes a CALLBACK frame on its topic and normalises it; never throws. */
export function normalizeFrame(frame: StreamFrame, now: number): NormalizeResult {
  const topic = frame.headers?.topic;
  if (topic === ROBOT_MESSAGE_TOPIC) return normalizeRobotMessage(frame, now);
  if (topic === CARD_CALLBACK_TOPIC) return normalizeCardCallback(frame, now);
  return invalid('unknown_topic', `unsupported callback topic ${String(topic)}`);
}

/** A robot message (`/v1.0/im/bot/messages/get`) → MessageEvent. */
export function normalizeRobotMessage(frame: StreamFrame, now: number): NormalizeResult {
  const data = parseObject(frame.data);
  if (!data) return invalid('bad_json', 'robot message data is not a JSON object');
  const conversationId = str(data.conversationId);
  if (!conversationId) return invalid('missing_field', 'robot message without conversationId');
  const id = str(data.msgId) || str(frame.headers?.messageId);
  if (!id) return invalid('missing_field', 'robot message without msgId or messageId');
  // senderStaffId is the org userId; senderId is an encrypted id that no send API accepts (§2).
  const userId = str(data.senderStaffId);
  if (!userId) return invalid('no_staff_id', 'sender has no senderStaffId (external member or unpublished bot)');

  const group = str(data.conversationType) === '2';
  const conversation: Conversation = group
    ? { id: conversationId, type: 'group', ...(str(data.conversationTitle) ? { title: str(data.conversationTitle) } : {}) }
    : { id: conversationId, type: 'single' };
  const { text, attachments } = readContent(data);
  const expiresAt = num(data.sessionWebhookExpiredTime);
  const webhook = str(data.sessionWebhook);
  const event: MessageEvent = {
    kind: 'message',
    id,
    conversation,
    // data.isAdmin (the DingTalk org-admin flag) is deliberately not read: bot rights come only from ADMIN_USER_IDS.
    sender: { userId, name: str(data.senderNick) },
    text: group ? stripMentions(text) : text.trim(),
    attachments,
    mentioned: group ? data.isInAtList !== false : true,
    ...(webhook && expiresAt ? { sessionWebhook: { url: webhook, expiresAt } } : {}),
    ...(str(data.robotCode) ? { robotCode: str(data.robotCode) } : {}),
    // createAt (number, or a string per the doc table) is stable across redeliveries; prefer it.
    receivedAt: num(data.createAt) ?? now,
  };
  return { status: 'ok', event };
}

function readContent(data: Json): { text: string; attachments: Attachment[] } {
  const content = isObject(data.content) ? data.content : {};
  const code = (c: Json) => str(c.downloadCode) || str(c.pictureDownloadCode);
  switch (str(data.msgtype)) {
    case 'text':
      return { text: isObject(data.text) ? str(data.text.content) : '', attachments: [] };
    case 'picture':
      return { text: '', attachments: code(content) ? [{ kind: 'picture', downloadCode: code(content) }] : [] };
    case 'video':
      return { text: '', attachments: code(content) ? [{ kind: 'video', downloadCode: code(content) }] : [] };
    case 'audio':
      // The speech-to-text result is what the user "said"; routing treats it as text.
      return { text: str(content.recognition), attachments: code(content) ? [{ kind: 'audio', downloadCode: code(content) }] : [] };
    case 'file': {
      const fileName = str(content.fileName);
      const attachment: Attachment = { kind: 'file', downloadCode: code(content), ...(fileName ? { fileName } : {}) };
      return { text: '', attachments: attachment.downloadCode ? [attachment] : [] };
    }
    case 'richText': {
      const parts = Array.isArray(content.richText) ? content.richText.filter(isObject) : [];
      const text = parts.map((part) => str(part.text)).join('');
      const attachments: Attachment[] = parts.filter((part) => code(part)).map((part) => ({ kind: 'picture', downloadCode: code(part) }));
      return { text, attachments };
    }
    default:
      return { text: '', attachments: [] };
  }
}

/** Group messages may keep "@机器人" tokens at either end (plus DingTalk's U+2005 spacer); drop them. */
function stripMentions(text: string): string {
  let result = text.trim();
  for (;;) {
    const next = result
      .replace(/^@\S+(\s+|$)/u, '')
      .replace(/(^|\s+)@\S+$/u, '')
      .trim();
    if (next === result) return result;
    result = next;
  }
}

/**
 * A card click (`/v1.0/card/instances/callback`) → CardActionEvent.
 *
 * Dedupe id: a click carries no click id or click time, so two genuine clicks of the same button by the
 * same user have identical data. The frame's messageId is what tells pushes apart: the server tracks ACKs
 * by messageId and re-pushes the un-ACKed message, so a redelivery keeps it (§1.4/§1.5), while a second
 * click is a new push with a new one. The id is therefore outTrackId + userId + a hash of the content +
 * messageId. Without a messageId (never seen) a 10-second bucket of the frame time stands in, which still
 * merges a burst of double-clicks. Handlers stay idempotent on their own (a submitted draft cannot be
 * submitted again), so a redelivery that arrived with a new messageId would be harmless.
 */
export function normalizeCardCallback(frame: StreamFrame, now: number): NormalizeResult {
  const data = parseObject(frame.data);
  if (!data) return invalid('bad_json', 'card callback data is not a JSON object');
  const cardId = str(data.outTrackId);
  const userId = str(data.userId);
  if (!cardId || !userId) return invalid('missing_field', 'card callback without outTrackId or userId');
  const rawContent = typeof data.content === 'string' ? data.content : typeof data.value === 'string' ? data.value : '';
  const content = parseObject(data.content) ?? parseObject(data.value);
  const privateData = content && isObject(content.cardPrivateData) ? content.cardPrivateData : undefined;
  if (!privateData) return invalid('missing_field', 'card callback without cardPrivateData');

  const rawParams = isObject(privateData.params) ? privateData.params : {};
  const actionIds = Array.isArray(privateData.actionIds) ? privateData.actionIds.filter((a) => typeof a === 'string') : [];
  // Our buttons put the dotted action id into params.action; actionIds holds the template component id.
  const action = str(rawParams.action) || actionIds[0] || '';
  if (!action) return invalid('missing_field', 'card callback without params.action or actionIds');
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawParams)) {
    if (key === 'action' || value === undefined || value === null) continue;
    params[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }

  const spaceId = str(data.spaceId);
  const messageId = str(frame.headers?.messageId);
  const time = num(frame.headers?.time) ?? now;
  const push = messageId || `t${Math.floor(time / 10_000)}`;
  const event: CardActionEvent = {
    kind: 'card.action',
    id: `card:${cardId}:${userId}:${hash(rawContent || JSON.stringify(privateData))}:${push}`,
    conversation: {
      id: spaceId || userId,
      // spaceType is "IM_GROUP"/"IM_ROBOT" or just "im" (real frame); only an explicit group counts as one.
      type: /group/i.test(str(data.spaceType)) ? 'group' : 'single',
    },
    sender: { userId, name: '' },
    action,
    params,
    cardId,
    receivedAt: now,
  };
  return { status: 'ok', event };
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

function parseObject(value: unknown): Json | undefined {
  if (isObject(value)) return value;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
