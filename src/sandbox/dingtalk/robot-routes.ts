// Robot OpenAPI (§3.2): batch single-chat sends, group sends, read status, recall, file download.
import type { Faults } from './faults.js';
import type { FileStore } from './files.js';
import { apiError, asRecord, ok, parseJsonObject, str, type Route, type SimResponse } from './http.js';
import { processQueryKey, singleConversationId } from './ids.js';
import { checkMsgParam } from './msg-catalogue.js';
import type { OrgIndex } from './org.js';
import type { Recorder } from './recorder.js';
import type { SimConfig } from './sim-config.js';

/** A message the bot sent through the OpenAPI, kept for read-status queries. */
export interface SentMessage {
  kind: 'oto' | 'group';
  userIds: string[];
  conversationId?: string;
  readAt: Map<string, number>;
  recalled: boolean;
}

export interface RobotDeps {
  config: SimConfig;
  recorder: Recorder;
  faults: Faults;
  org: OrgIndex;
  files: FileStore;
  sent: Map<string, SentMessage>;
  /** Group conversations the bot is in (org groups and groups seen in injected messages). */
  groupMembers: (openConversationId: string) => string[] | undefined;
  baseUrl: () => string;
}

const MAX_USERS = 20;
const MAX_GROUP_PARAM_BYTES = 15_000;

// Error codes for bad parameters are not documented per API; these reuse codes DingTalk uses elsewhere.
const paramError = (message: string) => apiError(400, 'param.error', message);

/** Parses the shared robotCode/msgKey/msgParam triple; a response when something is wrong. */
function readMessage(deps: RobotDeps, body: Record<string, unknown>): SimResponse | { msgKey: string; content: Record<string, unknown> } {
  if (body.robotCode !== deps.config.robotCode) return apiError(400, 'invalid.robotCode', `robotCode 不存在：${String(body.robotCode)}`);
  const msgKey = str(body.msgKey);
  if (!msgKey) return paramError('msgKey 不能为空');
  // msgParam is a JSON *string*; an object here is the classic mistake.
  if (typeof body.msgParam !== 'string') return paramError('msgParam 必须是 JSON 字符串');
  const content = parseJsonObject(body.msgParam);
  if (!content) return apiError(400, 'param.isNotJson', 'msgParam 不是合法的 JSON');
  const problem = checkMsgParam(msgKey, content);
  return problem ? paramError(problem) : { msgKey, content };
}

function isResponse(value: object): value is SimResponse {
  return 'status' in value;
}

/** The robot message routes. */
export function robotRoutes(deps: RobotDeps): Record<string, Route> {
  const { config, recorder, faults, org, sent } = deps;
  return {
    'POST /v1.0/robot/oToMessages/batchSend': {
      auth: 'header',
      handle: (req) => {
        const body = asRecord(req.body);
        const userIds = body.userIds;
        if (!Array.isArray(userIds) || userIds.length === 0 || !userIds.every((id) => typeof id === 'string' && id)) {
          return paramError('userIds 不能为空');
        }
        if (userIds.length > MAX_USERS) return paramError(`userIds 一次最多 ${MAX_USERS} 个`);
        const message = readMessage(deps, body);
        if (isResponse(message)) return message;
        const invalid = userIds.filter((id) => !org.user(id) || !org.reachable(id));
        const throttled = userIds.filter((id) => org.user(id) && faults.isFlowControlled(id));
        const delivered = [...new Set(userIds.filter((id) => !invalid.includes(id) && !throttled.includes(id)))];
        const key = processQueryKey();
        sent.set(key, { kind: 'oto', userIds: delivered, readAt: new Map(), recalled: false });
        if (delivered.length > 0) {
          recorder.output({
            at: config.now(),
            via: 'oToMessages',
            userIds: delivered,
            msgKey: message.msgKey,
            content: message.content,
            conversationId: delivered.length === 1 ? singleConversationId(delivered[0] as string) : undefined,
            processQueryKey: key,
          });
        }
        return ok({ processQueryKey: key, invalidStaffIdList: invalid, flowControlledStaffIdList: throttled, filteredStaffIdList: [] });
      },
    },
    'POST /v1.0/robot/groupMessages/send': {
      auth: 'header',
      handle: (req) => {
        const body = asRecord(req.body);
        const conversationId = str(body.openConversationId);
        if (!conversationId) return paramError('openConversationId 不能为空');
        if (typeof body.msgParam === 'string' && Buffer.byteLength(body.msgParam) > MAX_GROUP_PARAM_BYTES) {
          return paramError(`msgParam 超过 ${MAX_GROUP_PARAM_BYTES} 字节`);
        }
        const message = readMessage(deps, body);
        if (isResponse(message)) return message;
        const members = deps.groupMembers(conversationId);
        if (!members) return apiError(400, 'invalid.openConversationId', '机器人不在该群或群不存在');
        const key = processQueryKey();
        sent.set(key, { kind: 'group', userIds: members, conversationId, readAt: new Map(), recalled: false });
        recorder.output({
          at: config.now(),
          via: 'groupMessages',
          conversationId,
          msgKey: message.msgKey,
          content: message.content,
          processQueryKey: key,
        });
        return ok({ processQueryKey: key });
      },
    },
    'GET /v1.0/robot/oToMessages/readStatus': {
      auth: 'header',
      handle: (req) => {
        const message = sent.get(req.query.processQueryKey ?? '');
        if (message?.kind !== 'oto' || req.query.robotCode !== config.robotCode) return paramError('processQueryKey 不存在');
        const messageReadInfoList = message.userIds.map((userId) => {
          const readAt = message.readAt.get(userId);
          return { name: org.user(userId)?.name ?? '', userId, readStatus: readAt ? 'READ' : 'UNREAD', readTimestamp: readAt ?? 0 };
        });
        return ok({ sendStatus: message.recalled ? 'RECALLED' : 'SUCCESS', messageReadInfoList });
      },
    },
    'POST /v1.0/robot/groupMessages/query': {
      auth: 'header',
      handle: (req) => {
        const body = asRecord(req.body);
        const message = sent.get(str(body.processQueryKey) ?? '');
        if (message?.kind !== 'group' || message.conversationId !== body.openConversationId) return paramError('processQueryKey 不存在');
        const maxResults = body.maxResults === undefined ? 200 : Number(body.maxResults);
        if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 200) return paramError('maxResults 取值 1–200');
        const readers = [...message.readAt.keys()];
        const start = Number(str(body.nextToken) || '0') || 0;
        const page = readers.slice(start, start + maxResults);
        const hasMore = start + maxResults < readers.length;
        return ok({
          sendStatus: message.recalled ? 'RECALLED' : 'SUCCESS',
          readUserIds: page,
          readUsers: page.map((userId) => ({ userId, unionId: org.user(userId)?.unionid ?? '' })),
          nextToken: hasMore ? String(start + maxResults) : '',
          hasMore,
        });
      },
    },
    // Recall of single-chat messages is spelled `otoMessages` (lower case), unlike the send path.
    'POST /v1.0/robot/otoMessages/batchRecall': { auth: 'header', handle: (req) => recall(deps, asRecord(req.body), 'oto') },
    'POST /v1.0/robot/groupMessages/recall': { auth: 'header', handle: (req) => recall(deps, asRecord(req.body), 'group') },
    'POST /v1.0/robot/messageFiles/download': {
      auth: 'header',
      handle: (req) => {
        const body = asRecord(req.body);
        const code = str(body.downloadCode);
        if (body.robotCode !== config.robotCode) return apiError(400, 'invalid.robotCode', 'robotCode 不存在');
        if (!code || !deps.files.get(code)) return paramError('downloadCode 无效或已过期');
        return ok({ downloadUrl: `${deps.baseUrl()}/sim/files/${code}` });
      },
    },
  };
}

function recall(deps: RobotDeps, body: Record<string, unknown>, kind: 'oto' | 'group'): SimResponse {
  const keys = body.processQueryKeys;
  if (body.robotCode !== deps.config.robotCode) return apiError(400, 'invalid.robotCode', 'robotCode 不存在');
  if (!Array.isArray(keys) || keys.length === 0) return paramError('processQueryKeys 不能为空');
  const successResult: string[] = [];
  const failedResult: Record<string, string> = {};
  for (const key of keys.map(String)) {
    const message = deps.sent.get(key);
    if (!message || message.kind !== kind) failedResult[key] = '消息不存在';
    else {
      message.recalled = true;
      successResult.push(key);
    }
  }
  return ok({ successResult, failedResult });
}
