// Inbound events for tests that drive a bare bot (createBot) rather than the bot harness.
import type { MessageEvent } from '../../src/bot/inbound.js';

/** A one-to-one text message from 张三 (citizen-zhang), as the Stream delivers it. */
export function zhangSays(text: string, id: string, receivedAt: number): MessageEvent {
  return {
    kind: 'message',
    id,
    conversation: { id: 'cid-single-zhang', type: 'single' },
    sender: { userId: 'citizen-zhang', name: '张三' },
    text,
    attachments: [],
    mentioned: true,
    receivedAt,
  };
}
