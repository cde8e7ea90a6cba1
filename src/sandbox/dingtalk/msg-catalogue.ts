// What the bot may send: the 13 robot msgKeys (§3.2) and the sessionWebhook message types (§3.1).
import { asRecord } from './http.js';

// Required msgParam fields. For sampleActionCard2…6 only title/text are checked: their button
// parameter names come from community code and are not confirmed by DingTalk's docs.
const MSG_KEYS: Record<string, string[]> = {
  sampleText: ['content'],
  sampleMarkdown: ['title', 'text'],
  sampleImageMsg: ['photoURL'],
  sampleLink: ['text', 'title', 'messageUrl'],
  sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
  sampleActionCard2: ['title', 'text'],
  sampleActionCard3: ['title', 'text'],
  sampleActionCard4: ['title', 'text'],
  sampleActionCard5: ['title', 'text'],
  sampleActionCard6: ['title', 'text'],
  sampleAudio: ['mediaId', 'duration'],
  sampleFile: ['mediaId', 'fileName', 'fileType'],
  sampleVideo: ['duration', 'videoMediaId', 'videoType'],
};

/** The known msgKeys. */
export const msgKeys = Object.keys(MSG_KEYS);

/** Problem with a robot msgKey/msgParam pair (msgParam already parsed), or undefined when fine. */
export function checkMsgParam(msgKey: string, msgParam: Record<string, unknown>): string | undefined {
  const required = MSG_KEYS[msgKey];
  if (!required) return `msgKey 不存在：${msgKey}`;
  const missing = required.filter((field) => typeof msgParam[field] !== 'string' || msgParam[field] === '');
  return missing.length ? `msgParam 缺少参数：${missing.join(', ')}` : undefined;
}

// sessionWebhook bodies use the custom-robot formats; cards cannot be sent this way.
const WEBHOOK_TYPES: Record<string, (body: Record<string, unknown>) => boolean> = {
  text: (b) => typeof b.content === 'string',
  markdown: (b) => typeof b.title === 'string' && typeof b.text === 'string',
  actionCard: (b) =>
    typeof b.title === 'string' &&
    typeof b.text === 'string' &&
    ((typeof b.singleTitle === 'string' && typeof b.singleURL === 'string') || Array.isArray(b.btns)),
  link: (b) => typeof b.title === 'string' && typeof b.text === 'string' && typeof b.messageUrl === 'string',
  feedCard: (b) => Array.isArray(b.links),
};

/** The parsed content of a sessionWebhook body, or undefined when the body is not a valid message. */
export function webhookContent(body: unknown): { msgtype: string; content: Record<string, unknown> } | undefined {
  const record = asRecord(body);
  const msgtype = record.msgtype;
  if (typeof msgtype !== 'string') return undefined;
  const check = WEBHOOK_TYPES[msgtype];
  const content = asRecord(record[msgtype]);
  return check?.(content) ? { msgtype, content } : undefined;
}
