// JSON API of the web chat: who is in the organisation, a conversation's history, and what a person does —
// type a message, send a picture or file, click a card button. Everything goes through the DingTalk
// simulator, so the bot receives real Stream callbacks.
import type Router from '@koa/router';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import type { DingTalkSimulator } from '../dingtalk/index.js';
import { peopleView } from './people.js';
import { body, conversationParam, injectConversation, parse, personOf, placeOf, userIdParam } from './request.js';
import { viewOf, type Transcript } from './transcript.js';
import { isInline, type UploadStore } from './uploads.js';

export interface ChatApiDeps {
  dingtalk: DingTalkSimulator;
  transcript: Transcript;
  uploads: UploadStore;
}

/** Largest file a person may send (DingTalk allows more; the sandbox keeps files in memory). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** In a group, a message starting with this mention reaches the bot. */
const MENTION = /^@一次办\s*/u;

const placeQuery = z.object({ userId: userIdParam, conversation: conversationParam });
const messageBody = placeQuery.extend({ text: z.string().trim().min(1).max(2000), atBot: z.boolean().optional() });
const uploadBody = placeQuery.extend({
  kind: z.enum(['picture', 'file']),
  fileName: z.string().trim().min(1).max(200),
  mime: z.string().max(100).optional(),
  // Base64 keeps the API plain JSON; 4/3 of the byte limit plus padding.
  dataBase64: z
    .string()
    .min(1)
    .max(Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 4),
});
const clickBody = z.object({
  userId: userIdParam,
  outTrackId: z.string().min(1).max(200),
  params: z.record(z.string().max(100), z.string().max(1024)).refine((p) => Object.keys(p).length <= 20, '最多 20 个参数'),
});

/** Mounts the chat routes on `router` (prefix /sandbox/api). */
export function chatApi(router: Router, deps: ChatApiDeps): void {
  const { dingtalk, transcript, uploads } = deps;
  const org = dingtalk.org;

  router.get('/people', (ctx) => {
    ctx.body = peopleView(org);
  });

  router.get('/history', (ctx) => {
    const query = parse(placeQuery, ctx.query);
    const place = placeOf(org, query.userId, query.conversation);
    ctx.body = {
      conversationId: place.conversationId,
      entries: transcript.history(place.conversationId).map((e) => viewOf(e, query.userId)),
    };
  });

  router.post('/messages', async (ctx) => {
    const input = await body(ctx, messageBody);
    const place = placeOf(org, input.userId, input.conversation);
    let text = input.text;
    let atBot = input.atBot ?? false;
    const mention = place.group ? MENTION.exec(text) : null;
    if (mention) {
      atBot = true;
      text = text.slice(mention[0].length).trim();
    }
    if (text === '') throw new HttpError(400, 'empty_message', '@一次办 之后请写上要说的话');
    const delivered = !place.group || atBot;
    const sent = dingtalk.injectMessage({ userId: input.userId, text, conversation: injectConversation(place, atBot) });
    const entry = transcript.addUser({
      conversationId: place.conversationId,
      userId: input.userId,
      name: place.person.name,
      text: input.text,
      delivered,
    });
    ctx.status = 201;
    ctx.body = { msgId: sent.msgId, delivered, entry };
  });

  router.post('/uploads', async (ctx) => {
    const input = await body(ctx, uploadBody, 8 * 1024 * 1024);
    const place = placeOf(org, input.userId, input.conversation);
    if (place.group && input.kind === 'file')
      throw new HttpError(400, 'file_in_group', '钉钉不支持在群里给机器人发文件，请在单聊中发送，或发送图片');
    const bytes = Buffer.from(input.dataBase64, 'base64');
    if (bytes.length === 0) throw new HttpError(400, 'empty_file', '文件是空的');
    if (bytes.length > MAX_UPLOAD_BYTES) throw new HttpError(413, 'file_too_large', `文件不能超过 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
    const upload = uploads.put(bytes, input.fileName, input.mime ?? '');
    const sent = dingtalk.injectMessage({
      userId: input.userId,
      msgtype: input.kind,
      fileName: input.fileName,
      bytes,
      conversation: injectConversation(place, true),
    });
    const entry = transcript.addUser({
      conversationId: place.conversationId,
      userId: input.userId,
      name: place.person.name,
      delivered: true,
      attachment: {
        kind: input.kind === 'picture' && isInline(upload) ? 'picture' : 'file',
        fileName: input.fileName,
        size: bytes.length,
        url: `/sandbox/api/files/${upload.id}`,
      },
    });
    ctx.status = 201;
    ctx.body = { msgId: sent.msgId, entry };
  });

  router.get('/files/:id', (ctx) => {
    const upload = uploads.get(ctx.params.id ?? '');
    if (!upload) throw new HttpError(404, 'unknown_file', '文件不存在（沙箱重置后会清空）');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'private, max-age=3600');
    if (!isInline(upload)) ctx.attachment(upload.fileName);
    ctx.type = upload.mime;
    ctx.body = upload.bytes;
  });

  router.post('/click', async (ctx) => {
    const input = await body(ctx, clickBody);
    const person = personOf(org, input.userId);
    if (!dingtalk.cards.has(input.outTrackId)) throw new HttpError(404, 'unknown_card', '这张卡片不存在（沙箱重置后旧卡片失效）');
    const result = await dingtalk
      .clickCard({ outTrackId: input.outTrackId, userId: person.userid, params: input.params })
      .catch((error: unknown) => {
        throw new HttpError(403, 'card_not_visible', `${person.name}看不到这张卡片（${(error as Error).message}）`);
      });
    ctx.body = result;
  });
}
