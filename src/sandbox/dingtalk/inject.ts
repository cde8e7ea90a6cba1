// Builds the robot-message callback payload (§2) for a message a user "sends" in the sandbox.
import { type FileStore, sampleBytes } from './files.js';
import { lwcpId, newMsgId, randomUUID, singleConversationId, unionIdOf } from './ids.js';
import type { OrgIndex } from './org.js';
import type { SessionBook } from './session-webhooks.js';
import type { SimConfig } from './sim-config.js';
import type { InjectMessage } from './types.js';

export interface InjectDeps {
  config: SimConfig;
  org: OrgIndex;
  files: FileStore;
  sessions: SessionBook;
  baseUrl: string;
}

/** The `data` object of a `/v1.0/im/bot/messages/get` frame. */
export function robotMessageData(
  deps: InjectDeps,
  input: InjectMessage,
): { data: Record<string, unknown>; msgId: string; conversationId: string } {
  const { config, org } = deps;
  const conversation = input.conversation ?? { type: 'single' as const };
  const group = conversation.type === 'group' ? conversation : undefined;
  const msgtype = input.msgtype ?? 'text';
  if (group && ['audio', 'video', 'file'].includes(msgtype)) {
    // DingTalk does not let users @-send audio, video or files to a bot in a group.
    throw new Error(`DingTalk cannot deliver ${msgtype} messages from a group to a robot`);
  }
  const user = org.user(input.userId);
  const createAt = config.now();
  const conversationId = group ? group.id : singleConversationId(input.userId);
  const conversationType = group ? '2' : '1';
  const session = deps.sessions.mint({ conversationId, conversationType, userId: input.userId }, createAt, deps.baseUrl);
  const chatbotUserId = lwcpId(`bot:${config.robotCode}`);
  const msgId = input.msgId ?? newMsgId();
  const data: Record<string, unknown> = {
    conversationId,
    conversationType,
    ...(group ? { conversationTitle: group.title ?? org.group(group.id)?.title ?? '群聊' } : {}),
    chatbotCorpId: config.corpId,
    chatbotUserId,
    msgId,
    senderNick: user?.name ?? input.userId,
    senderStaffId: input.userId,
    senderId: lwcpId(`user:${input.userId}`),
    senderCorpId: config.corpId,
    senderUnionId: user?.unionid ?? unionIdOf(input.userId),
    senderPlatform: 'Win',
    isAdmin: user?.isAdmin ?? false,
    ...(group ? { isInAtList: group.atBot !== false, atUsers: group.atBot !== false ? [{ dingtalkId: chatbotUserId }] : [] } : {}),
    sessionWebhook: session.url,
    sessionWebhookExpiredTime: session.expiresAt,
    createAt,
    robotCode: config.robotCode,
    msgtype,
  };
  if (msgtype === 'text') {
    // In groups the @mention is stripped but a leading space is left in the text.
    data.text = { content: `${group ? ' ' : ''}${input.text ?? ''}` };
  } else {
    data.content = input.content ?? mintContent(deps.files, input, msgtype);
  }
  return { data, msgId, conversationId };
}

function mintContent(files: FileStore, input: InjectMessage, msgtype: string): Record<string, unknown> {
  const sample = sampleBytes(msgtype, input.fileName);
  const downloadCode = files.register(input.bytes ?? sample.bytes, input.fileName ?? sample.fileName);
  switch (msgtype) {
    case 'picture':
      return { pictureDownloadCode: downloadCode, downloadCode };
    case 'richText':
      return { richText: [{ text: input.text ?? '' }, { pictureDownloadCode: downloadCode, downloadCode, type: 'picture' }] };
    case 'audio':
      return { downloadCode, recognition: input.text ?? '', duration: '3000' };
    case 'video':
      return { duration: '5', videoType: 'mp4', downloadCode };
    default:
      return {
        spaceId: String(100000 + Math.floor(Math.random() * 900000)),
        fileName: input.fileName ?? sample.fileName,
        downloadCode,
        fileId: randomUUID().replace(/-/g, '').slice(0, 12),
      };
  }
}
