// Identifier formats that look like DingTalk's (see dingtalk-protocol.md §1.3, §2).
import { createHash, randomBytes, randomUUID } from 'node:crypto';

let sequence = 0;

/** Stream frame messageId, shaped like "212b9d7c_165f_19bfa1a500a_1461def". */
export function newMessageId(now: number): string {
  sequence = (sequence + 1) % 0xffff;
  return `${randomBytes(4).toString('hex')}_${sequence.toString(16)}_${now.toString(16)}_${randomBytes(3).toString('hex').slice(0, 7)}`;
}

/** Robot-message business id (`data.msgId`), e.g. "msgLICYe…HgY4JtMQw==". */
export function newMsgId(): string {
  return `msg${randomBytes(16).toString('base64')}`;
}

/** Encrypted-looking id (`senderId`, `chatbotUserId`): stable for one input, never a userId. */
export function lwcpId(seed: string): string {
  return `$:LWCP_v1:$${createHash('sha256').update(seed).digest('base64').slice(0, 32)}`;
}

/** Stable fake unionId for a userId. */
export function unionIdOf(userId: string): string {
  return createHash('sha256').update(`union:${userId}`).digest('hex').slice(0, 22);
}

/** The single chat between one user and the bot: stable per user. */
export function singleConversationId(userId: string): string {
  return `cid-single-${Buffer.from(userId).toString('base64')}`;
}

/** Inverse of `singleConversationId`, or undefined for other ids. */
export function userOfSingleConversation(conversationId: string): string | undefined {
  const match = /^cid-single-(.+)$/.exec(conversationId);
  return match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : undefined;
}

/** A stable UUID derived from a seed (the stream `appId` header is a UUID, not the clientId). */
export function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function requestId(): string {
  return randomUUID().replace(/-/g, '').toUpperCase().slice(0, 24);
}

export function token(): string {
  return randomBytes(16).toString('hex');
}

export function processQueryKey(): string {
  return randomBytes(24).toString('base64');
}

export { randomUUID };
