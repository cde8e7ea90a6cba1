// DingTalk OpenAPI client: robot sends (§3.2), card instances (§4b), files (§2), contacts (§7); JSON calls go over
// kept-alive node:http(s) (request-text.ts), file downloads with fetch.
// Every call goes through one rate limiter and the retry rules of openapi-request.ts.
import { ExternalError } from '../errors.js';
import type { Logger } from '../logger.js';
import { systemClock, type Clock } from '../clock.js';
import { createLimiter } from './limiter.js';
import { callApi, defaultRetry, requestJson, type RequestContext, type RetryPolicy } from './openapi-request.js';
import { noticeCalls } from './openapi-notices.js';
import { createTokenCache } from './token-cache.js';

export type { DepartmentMember, NoticeCallOptions, NoticeSendResult, WorkNoticeResult, WorkNoticeTarget } from './openapi-notices.js';

/** Where DingTalk is, who the app is, and how fast it may call. */
export interface OpenApiOptions {
  apiBase: string;
  oapiBase: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
  /** DINGTALK_AGENT_ID: needed only for work notifications. */
  agentId?: string;
  /** Ceiling on calls per second (DINGTALK_QPS): for the process, or for every instance with `redisUrl`. */
  qps: number;
  /** Redis that shares the limit among instances (REDIS_URL); unset = a limiter local to the process. */
  redisUrl?: string;
  logger: Logger;
  clock?: Clock;
  /** Retry timing; tests shorten it. */
  retry?: Partial<RetryPolicy>;
  /** Source of jitter in [0, 1). */
  random?: () => number;
  timeoutMs?: number;
}

/** Outcome of `sendToUsers` over all its chunks. */
export interface BatchSendResult {
  processQueryKeys: string[];
  /** Skipped by DingTalk's per-user flow control: send again later. */
  flowControlled: string[];
  /** Not users of this organisation. */
  invalid: string[];
  /** In chunks whose call failed (only when another chunk succeeded; otherwise the call throws). */
  failed: string[];
}

/** One card-platform card for `createAndDeliverCard`. */
export interface CardDelivery {
  outTrackId: string;
  templateId: string;
  /** String values only, each ≤ 1 KB (§4b). */
  cardParamMap: Record<string, string>;
  /** `dtv1.card//IM_ROBOT.<userId>` or `dtv1.card//IM_GROUP.<openConversationId>`. */
  openSpaceId: string;
  robotCode?: string;
  callbackType?: 'STREAM' | 'HTTP';
  /** Group only: users to @-mention, userId → nickname. */
  atUserIds?: Record<string, string>;
}

/** The parts of a user profile the bot uses. */
export interface DingTalkUser {
  userId: string;
  name: string;
  deptIds: number[];
  isAdmin: boolean;
  title?: string;
}

/** Creates the client; `close()` stops its limiter. */
export function createOpenApiClient(options: OpenApiOptions) {
  const clock = options.clock ?? systemClock;
  const limiter = createLimiter(options.qps, {
    redisUrl: options.redisUrl,
    id: `yiciban-dingtalk:${options.clientId}`,
    onError: (error) => options.logger.error({ err: error }, 'the shared DingTalk rate limiter lost Redis; calls fail until it is back'),
  });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const tokens = createTokenCache({
    clock,
    fetchToken: () => limiter.schedule(() => fetchAppToken(options, timeoutMs)),
  });
  const ctx: RequestContext = {
    apiBase: options.apiBase,
    oapiBase: options.oapiBase,
    tokens,
    limiter,
    retry: { ...defaultRetry, ...options.retry },
    clock,
    random: options.random ?? Math.random,
    logger: options.logger,
    timeoutMs,
  };
  const robotCode = options.robotCode;

  async function sendChunk(userIds: string[], msgKey: string, msgParam: string) {
    return callApi<{ processQueryKey?: string; invalidStaffIdList?: string[]; flowControlledStaffIdList?: string[] }>(ctx, {
      api: 'new',
      method: 'POST',
      path: '/v1.0/robot/oToMessages/batchSend',
      label: 'oToMessages/batchSend',
      body: { robotCode, userIds, msgKey, msgParam },
    });
  }

  return {
    /** Single-chat messages, 20 users per call (§6.3); flow-controlled users must be retried later. */
    async sendToUsers(userIds: string[], msgKey: string, msgParam: object | string): Promise<BatchSendResult> {
      const param = typeof msgParam === 'string' ? msgParam : JSON.stringify(msgParam);
      const result: BatchSendResult = { processQueryKeys: [], flowControlled: [], invalid: [], failed: [] };
      let firstError: unknown;
      for (let i = 0; i < userIds.length; i += 20) {
        const chunk = userIds.slice(i, i + 20);
        try {
          const answer = await sendChunk(chunk, msgKey, param);
          if (answer.processQueryKey) result.processQueryKeys.push(answer.processQueryKey);
          result.flowControlled.push(...(answer.flowControlledStaffIdList ?? []));
          result.invalid.push(...(answer.invalidStaffIdList ?? []));
        } catch (error) {
          firstError ??= error;
          result.failed.push(...chunk);
        }
      }
      if (firstError && result.failed.length === userIds.length) throw firstError;
      return result;
    },

    /** A message to a group the robot is in. */
    async sendToGroup(openConversationId: string, msgKey: string, msgParam: object | string): Promise<{ processQueryKey: string }> {
      const answer = await callApi<{ processQueryKey?: string }>(ctx, {
        api: 'new',
        method: 'POST',
        path: '/v1.0/robot/groupMessages/send',
        label: 'groupMessages/send',
        body: { robotCode, openConversationId, msgKey, msgParam: typeof msgParam === 'string' ? msgParam : JSON.stringify(msgParam) },
      });
      return { processQueryKey: answer.processQueryKey ?? '' };
    },

    /** Replies through a message's sessionWebhook (no token, custom-robot body format, §3.1). */
    async sendBySessionWebhook(url: string, body: object): Promise<void> {
      const { status, body: answer } = await requestJson(
        url,
        { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body },
        'sessionWebhook',
        timeoutMs,
      );
      const { errcode, errmsg } = answer as { errcode?: number; errmsg?: string };
      if (status >= 200 && status < 300 && (errcode === 0 || errcode === undefined)) return;
      throw new ExternalError('dingtalk', `DingTalk sessionWebhook: HTTP ${status} errcode ${errcode} ${errmsg ?? ''}`.trim(), {
        status,
        code: errcode === undefined ? undefined : String(errcode),
        retryable: status >= 500 || errcode === 660026 || errcode === -1,
      });
    },

    /**
     * Creates a card-platform card and delivers it in one call. `param.cardAlreadyExist` counts as success:
     * outTrackIds are derived from the outbox job, so it means an earlier attempt of this very send got through.
     */
    async createAndDeliverCard(card: CardDelivery): Promise<{ outTrackId: string; alreadyExisted: boolean }> {
      const code = card.robotCode ?? robotCode;
      const group = card.openSpaceId.includes('IM_GROUP.');
      const space = group
        ? {
            imGroupOpenSpaceModel: { supportForward: true },
            imGroupOpenDeliverModel: { robotCode: code, ...(card.atUserIds ? { atUserIds: card.atUserIds } : {}) },
          }
        : { imRobotOpenSpaceModel: { supportForward: true }, imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: code } };
      try {
        const answer = await callApi<{ result?: { deliverResults?: { success?: boolean; errorMsg?: string }[] } }>(ctx, {
          api: 'new',
          method: 'POST',
          path: '/v1.0/card/instances/createAndDeliver',
          label: 'card/createAndDeliver',
          body: {
            cardTemplateId: card.templateId,
            outTrackId: card.outTrackId,
            callbackType: card.callbackType ?? 'STREAM',
            cardData: { cardParamMap: card.cardParamMap },
            openSpaceId: card.openSpaceId,
            userIdType: 1,
            ...space,
          },
        });
        const failed = (answer.result?.deliverResults ?? []).find((r) => r.success === false);
        if (failed) {
          throw new ExternalError('dingtalk', `DingTalk card/createAndDeliver: delivery failed: ${failed.errorMsg ?? ''}`, {
            code: 'deliverFailed',
            retryable: false,
          });
        }
        return { outTrackId: card.outTrackId, alreadyExisted: false };
      } catch (error) {
        if (error instanceof ExternalError && error.code === 'param.cardAlreadyExist')
          return { outTrackId: card.outTrackId, alreadyExisted: true };
        throw error;
      }
    },

    /** Replaces the card's whole cardParamMap (the renderer always sends every variable). */
    async updateCard(outTrackId: string, cardParamMap: Record<string, string>): Promise<void> {
      await callApi(ctx, {
        api: 'new',
        method: 'PUT',
        path: '/v1.0/card/instances',
        label: 'card/update',
        body: { outTrackId, cardData: { cardParamMap }, cardUpdateOptions: { updateCardDataByKey: false }, userIdType: 1 },
      });
    },

    /** Resolves a message's downloadCode to its temporary URL and fetches the bytes. */
    async downloadFile(downloadCode: string): Promise<{ downloadUrl: string; bytes: Uint8Array; contentType?: string }> {
      const { downloadUrl } = await callApi<{ downloadUrl?: string }>(ctx, {
        api: 'new',
        method: 'POST',
        path: '/v1.0/robot/messageFiles/download',
        label: 'messageFiles/download',
        body: { downloadCode, robotCode },
      });
      if (!downloadUrl) throw new ExternalError('dingtalk', 'DingTalk messageFiles/download: no downloadUrl', { retryable: false });
      let response: Response;
      try {
        response = await fetch(downloadUrl, { signal: AbortSignal.timeout(timeoutMs * 3) });
      } catch (cause) {
        throw new ExternalError('dingtalk', 'DingTalk file download: network error', { retryable: true, cause });
      }
      if (!response.ok) {
        throw new ExternalError('dingtalk', `DingTalk file download: HTTP ${response.status}`, {
          status: response.status,
          retryable: response.status >= 500,
        });
      }
      const contentType = response.headers.get('content-type') ?? undefined;
      return { downloadUrl, bytes: new Uint8Array(await response.arrayBuffer()), ...(contentType ? { contentType } : {}) };
    },

    /** One user's profile (`/topapi/v2/user/get`). */
    async getUser(userId: string): Promise<DingTalkUser> {
      const { result } = await callApi<{
        result?: { userid?: string; name?: string; dept_id_list?: number[]; admin?: boolean; title?: string };
      }>(ctx, { api: 'oapi', method: 'POST', path: '/topapi/v2/user/get', label: 'user/get', body: { userid: userId, language: 'zh_CN' } });
      return {
        userId: result?.userid ?? userId,
        name: result?.name ?? '',
        deptIds: result?.dept_id_list ?? [],
        isAdmin: result?.admin === true,
        ...(result?.title ? { title: result.title } : {}),
      };
    },

    /**
     * Who an H5 page's 免登 auth code (`dd.runtime.permission.requestAuthCode`) belongs to
     * (`/topapi/v2/user/getuserinfo`, https://open.dingtalk.com/document/orgapp/obtain-the-userid-of-a-user-by-using-the-log-free):
     * a code is single-use and lives 5 minutes, so the call is not retried (a retry would spend it twice).
     */
    async userOfAuthCode(code: string): Promise<{ userId: string; name: string }> {
      const { result } = await callApi<{ result?: { userid?: string; name?: string } }>(ctx, {
        api: 'oapi',
        method: 'POST',
        path: '/topapi/v2/user/getuserinfo',
        label: 'user/getuserinfo',
        body: { code },
        answeredOnly: true,
      });
      if (!result?.userid) throw new ExternalError('dingtalk', 'DingTalk user/getuserinfo: no userid in the answer', { retryable: false });
      return { userId: result.userid, name: result.name ?? '' };
    },

    /** Direct members of one department (`/topapi/user/listid`). */
    async listDepartmentUserIds(deptId: number): Promise<string[]> {
      const { result } = await callApi<{ result?: { userid_list?: string[] } }>(ctx, {
        api: 'oapi',
        method: 'POST',
        path: '/topapi/user/listid',
        label: 'user/listid',
        body: { dept_id: deptId },
      });
      return result?.userid_list ?? [];
    },

    /** Ids of the direct sub-departments (`/topapi/v2/department/listsubid`); the root is 1. */
    async listSubDepartmentIds(deptId: number): Promise<number[]> {
      const { result } = await callApi<{ result?: { dept_id_list?: number[] } }>(ctx, {
        api: 'oapi',
        method: 'POST',
        path: '/topapi/v2/department/listsubid',
        label: 'department/listsubid',
        body: { dept_id: deptId },
      });
      return result?.dept_id_list ?? [];
    },

    ...noticeCalls(ctx, robotCode, options.agentId),

    /** How many times the token endpoint was called (tests, metrics). */
    tokenFetches: () => tokens.fetches,

    /** Resolves once the rate limiter can schedule calls (connected to Redis when shared). */
    ready: () => limiter.ready(),

    close: () => limiter.close(),
  };
}

/** The client's methods. */
export type OpenApiClient = ReturnType<typeof createOpenApiClient>;

/** `POST /v1.0/oauth2/accessToken`; DingTalk answers 400 invalidClientIdOrSecret to bad credentials. */
async function fetchAppToken(options: OpenApiOptions, timeoutMs: number): Promise<{ token: string; expiresInSec: number }> {
  const { status, body } = await requestJson(
    `${options.apiBase}/v1.0/oauth2/accessToken`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: { appKey: options.clientId, appSecret: options.clientSecret },
    },
    'oauth2/accessToken',
    timeoutMs,
  );
  const answer = body as { accessToken?: string; expireIn?: number; code?: string; message?: string };
  if (status === 200 && answer.accessToken) return { token: answer.accessToken, expiresInSec: answer.expireIn ?? 7200 };
  if (status === 400 || status === 401) {
    throw new ExternalError(
      'dingtalk',
      `DingTalk rejected the client id/secret when fetching an access token (HTTP ${status} ${answer.code ?? ''} ${answer.message ?? ''}); check DINGTALK_CLIENT_ID/DINGTALK_CLIENT_SECRET`,
      { status, code: answer.code, retryable: false },
    );
  }
  throw new ExternalError('dingtalk', `DingTalk oauth2/accessToken: HTTP ${status} ${answer.code ?? ''}`.trim(), {
    status,
    code: answer.code,
    retryable: status >= 500 || status === 429 || status === 403 || status === 200,
  });
}
