// The OpenAPI calls of notices (src/broadcast): batch sends at low priority that are never repeated blindly,
// read status, and the contacts walk (§3.2, §7). Part of the OpenAPI client (openapi.ts).
import { ExternalError } from '../errors.js';
import { callApi, type RequestContext } from './openapi-request.js';

/** Whom one work notification goes to. */
export interface WorkNoticeTarget {
  userIds?: string[];
  deptIds?: number[];
  toAll?: boolean;
}

/** The send result of a work-notification task. */
export interface WorkNoticeResult {
  delivered: string[];
  read: string[];
  invalid: string[];
  /** Refused by DingTalk's rules (the same content once a day per person, the per-person daily cap). */
  forbidden: string[];
}

/** Answer of one notice batch (`oToMessages/batchSend`, ≤ 20 people). */
export interface NoticeSendResult {
  processQueryKey: string;
  invalid: string[];
  flowControlled: string[];
}

/** How a notice call behaves: low priority, no blind retry, a hook when it leaves (see ApiRequest). */
export interface NoticeCallOptions {
  beforeSend?: () => Promise<void>;
}

/** A member of a department as `/topapi/v2/user/list` pages it. */
export interface DepartmentMember {
  userId: string;
  name: string;
  /** false for people who left or never activated DingTalk. */
  active: boolean;
}

/** The notice methods of the OpenAPI client, over its request context. */
export function noticeCalls(ctx: RequestContext, robotCode: string, agentId?: string) {
  const agent = () => {
    if (!agentId) throw new ExternalError('dingtalk', 'work notifications need DINGTALK_AGENT_ID', { retryable: false });
    return Number(agentId);
  };
  return {
    /**
     * A work notification (`asyncsend_v2`): ≤ 100 people, ≤ 20 departments (with their sub-departments) or the
     * whole organisation; asynchronous, so the answer is a task id for the progress and result APIs.
     */
    async sendWorkNotice(to: WorkNoticeTarget, msg: object, options: NoticeCallOptions = {}): Promise<number> {
      const body = {
        agent_id: agent(),
        msg,
        ...(to.toAll ? { to_all_user: true } : {}),
        ...(to.userIds?.length ? { userid_list: to.userIds.join(',') } : {}),
        ...(to.deptIds?.length ? { dept_id_list: to.deptIds.join(',') } : {}),
      };
      const { task_id: taskId } = await callApi<{ task_id?: number }>(ctx, {
        api: 'oapi',
        method: 'POST',
        path: '/topapi/message/corpconversation/asyncsend_v2',
        label: 'corpconversation/asyncsend_v2',
        body,
        priority: 'low',
        answeredOnly: true,
        ...(options.beforeSend ? { beforeSend: options.beforeSend } : {}),
      });
      if (taskId === undefined) throw new ExternalError('dingtalk', 'asyncsend_v2 answered without task_id', { retryable: false });
      return taskId;
    },

    /** True once DingTalk has finished a work-notification task (status 2). */
    async workNoticeDone(taskId: number): Promise<boolean> {
      const { progress } = await callApi<{ progress?: { status?: number } }>(ctx, {
        api: 'oapi',
        method: 'POST',
        path: '/topapi/message/corpconversation/getsendprogress',
        label: 'corpconversation/getsendprogress',
        body: { agent_id: agent(), task_id: taskId },
        priority: 'low',
      });
      return progress?.status === 2;
    },

    /** Who a finished task reached, who read it, who DingTalk refused (invalid, or forbidden by its daily rules). */
    async workNoticeResult(taskId: number): Promise<WorkNoticeResult> {
      type Lists = Record<
        'invalid_user_id_list' | 'forbidden_user_id_list' | 'failed_user_id_list' | 'read_user_id_list' | 'unread_user_id_list',
        string[] | undefined
      >;
      const { send_result: r } = await callApi<{ send_result?: Partial<Lists> }>(ctx, {
        api: 'oapi',
        method: 'POST',
        path: '/topapi/message/corpconversation/getsendresult',
        label: 'corpconversation/getsendresult',
        body: { agent_id: agent(), task_id: taskId },
        priority: 'low',
      });
      const read = r?.read_user_id_list ?? [];
      return {
        delivered: [...read, ...(r?.unread_user_id_list ?? [])],
        read,
        invalid: [...(r?.invalid_user_id_list ?? []), ...(r?.failed_user_id_list ?? [])],
        forbidden: r?.forbidden_user_id_list ?? [],
      };
    },

    /** One notice batch to ≤ 20 people, behind conversation calls; a call that got no answer is not repeated. */
    async sendNoticeBatch(userIds: string[], msgKey: string, msgParam: object, options: NoticeCallOptions = {}): Promise<NoticeSendResult> {
      if (userIds.length > 20) throw new RangeError('oToMessages/batchSend takes at most 20 userIds (§6.3)');
      const answer = await callApi<{ processQueryKey?: string; invalidStaffIdList?: string[]; flowControlledStaffIdList?: string[] }>(ctx, {
        api: 'new',
        method: 'POST',
        path: '/v1.0/robot/oToMessages/batchSend',
        label: 'oToMessages/batchSend',
        body: { robotCode, userIds, msgKey, msgParam: JSON.stringify(msgParam) },
        priority: 'low',
        answeredOnly: true,
        ...(options.beforeSend ? { beforeSend: options.beforeSend } : {}),
      });
      return {
        processQueryKey: answer.processQueryKey ?? '',
        invalid: answer.invalidStaffIdList ?? [],
        flowControlled: answer.flowControlledStaffIdList ?? [],
      };
    },

    /** A notice to one group the robot is in, with the same rules as sendNoticeBatch. */
    async sendNoticeToGroup(
      openConversationId: string,
      msgKey: string,
      msgParam: object,
      options: NoticeCallOptions = {},
    ): Promise<string> {
      const answer = await callApi<{ processQueryKey?: string }>(ctx, {
        api: 'new',
        method: 'POST',
        path: '/v1.0/robot/groupMessages/send',
        label: 'groupMessages/send',
        body: { robotCode, openConversationId, msgKey, msgParam: JSON.stringify(msgParam) },
        priority: 'low',
        answeredOnly: true,
        ...(options.beforeSend ? { beforeSend: options.beforeSend } : {}),
      });
      return answer.processQueryKey ?? '';
    },

    /** Who read a one-to-one batch (`oToMessages/readStatus`). */
    async readStatus(processQueryKey: string): Promise<{ userId: string; read: boolean }[]> {
      const query = new URLSearchParams({ robotCode, processQueryKey });
      const answer = await callApi<{ messageReadInfoList?: { userId?: string; readStatus?: string }[] }>(ctx, {
        api: 'new',
        method: 'GET',
        path: `/v1.0/robot/oToMessages/readStatus?${query}`,
        label: 'oToMessages/readStatus',
        priority: 'low',
      });
      return (answer.messageReadInfoList ?? []).map((r) => ({ userId: r.userId ?? '', read: r.readStatus === 'READ' }));
    },

    /** Direct sub-departments with names (`/topapi/v2/department/listsub`). */
    async listSubDepartments(deptId: number): Promise<{ id: number; name: string }[]> {
      const { result } = await callApi<{ result?: { dept_id?: number; name?: string }[] }>(ctx, {
        api: 'oapi',
        method: 'POST',
        path: '/topapi/v2/department/listsub',
        label: 'department/listsub',
        body: { dept_id: deptId, language: 'zh_CN' },
        priority: 'low',
      });
      return (result ?? []).map((d) => ({ id: Number(d.dept_id), name: d.name ?? '' }));
    },

    /** Every direct member of a department, page by page (`/topapi/v2/user/list`, 100 a page). */
    async listDepartmentMembers(deptId: number): Promise<DepartmentMember[]> {
      const members: DepartmentMember[] = [];
      for (let cursor: number | undefined = 0; cursor !== undefined; ) {
        const {
          result,
        }: { result?: { has_more?: boolean; next_cursor?: number; list?: { userid?: string; name?: string; active?: boolean }[] } } =
          await callApi(ctx, {
            api: 'oapi',
            method: 'POST',
            path: '/topapi/v2/user/list',
            label: 'user/list',
            priority: 'low',
            body: { dept_id: deptId, cursor, size: 100, order_field: 'custom', contain_access_limit: false, language: 'zh_CN' },
          });
        for (const user of result?.list ?? [])
          members.push({ userId: user.userid ?? '', name: user.name ?? '', active: user.active !== false });
        cursor = result?.has_more && result.next_cursor !== undefined ? result.next_cursor : undefined;
      }
      return members;
    },
  };
}
