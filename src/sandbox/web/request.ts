// Request helpers of the web chat API: zod-validated JSON bodies and query strings, and the person and
// conversation a request names (404 when unknown, 403 when the person is not in the group).
import type { Context } from 'koa';
import { z } from 'zod';
import { HttpError, readJson } from '../../http/errors.js';
import { singleConversationId, type InjectConversation, type SandboxGroup, type SandboxOrg, type SandboxUser } from '../dingtalk/index.js';

/** Parses `value` with `schema`; a 400 naming every problem otherwise. */
export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '请求体'}: ${issue.message}`);
  throw new HttpError(400, 'invalid_request', `请求参数不正确（${problems.join('; ')}）`);
}

/** Reads and validates a JSON body of at most `maxBytes`. */
export async function body<T>(ctx: Context, schema: z.ZodType<T>, maxBytes = 64 * 1024): Promise<T> {
  return parse(schema, await readJson(ctx, maxBytes));
}

/** `single` (the person's chat with the bot) or the id of one of the organisation's groups. */
export const conversationParam = z.string().min(1).max(200);
export const userIdParam = z.string().min(1).max(100);

/** Where a request happens: the person, the conversation id and how the simulator names it. */
export interface Place {
  person: SandboxUser;
  conversationId: string;
  group?: SandboxGroup;
}

/** Resolves a person and a conversation of the sample organisation. */
export function placeOf(org: SandboxOrg, userId: string, conversation: string): Place {
  const person = personOf(org, userId);
  if (conversation === 'single') return { person, conversationId: singleConversationId(userId) };
  const group = org.groups.find((g) => g.id === conversation);
  if (!group) throw new HttpError(404, 'unknown_conversation', `没有这个群聊：${conversation}`);
  if (!group.members.includes(userId)) throw new HttpError(403, 'not_a_member', `${person.name}不在「${group.title}」中`);
  return { person, conversationId: group.id, group };
}

/** The person with this userId, or a 404. */
export function personOf(org: SandboxOrg, userId: string): SandboxUser {
  const person = org.users.find((u) => u.userid === userId);
  if (!person) throw new HttpError(404, 'unknown_person', `沙箱组织中没有这个人：${userId}`);
  return person;
}

/** The simulator's conversation for an injected message. */
export function injectConversation(place: Place, atBot: boolean): InjectConversation {
  return place.group ? { type: 'group', id: place.group.id, title: place.group.title, atBot } : { type: 'single' };
}
