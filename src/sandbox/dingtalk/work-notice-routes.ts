// Work notifications (工作通知): `topapi/message/corpconversation/asyncsend_v2` and its send-progress and
// send-result APIs, answered from the sandbox organisation. DingTalk's daily rules are kept: the whole
// organisation (`to_all_user`) at most 3 times a day, and the same content reaches a person once a day
// (a repeat is not delivered and shows in the result's forbidden list). Error codes of the limits are not in
// our protocol notes: 43010 (to_all_user over the daily limit) is a guess in DingTalk's style.
import { createHash } from 'node:crypto';
import { asRecord, oapiError, oapiOk, type Route } from './http.js';
import type { OrgIndex } from './org.js';
import type { Recorder } from './recorder.js';
import type { SimConfig } from './sim-config.js';

/** Most people / departments one asyncsend_v2 call takes. */
const MAX_USERS = 100;
const MAX_DEPTS = 20;
const TO_ALL_PER_DAY = 3;

interface WorkTask {
  delivered: string[];
  invalid: string[];
  forbidden: string[];
  invalidDepts: number[];
  polls: number;
}

/** The state of the work-notification APIs (per simulator). */
export class WorkNotices {
  readonly tasks = new Map<number, WorkTask>();
  /** day → content hash → people who got it. */
  private readonly received = new Map<string, Map<string, Set<string>>>();
  private readonly toAll = new Map<string, number>();
  private nextTask = 1000;

  constructor(
    private readonly config: SimConfig,
    private readonly org: OrgIndex,
  ) {}

  /** Days are China days (UTC+8), as DingTalk counts them. */
  day(): string {
    return new Date(this.config.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  }

  toAllToday(): number {
    return this.toAll.get(this.day()) ?? 0;
  }

  countToAll(): void {
    this.toAll.set(this.day(), this.toAllToday() + 1);
  }

  /** Delivers `msg` to `people` (known, reachable, not given the same content today). */
  deliver(people: string[], msg: unknown, invalidDepts: number[]): number {
    const hash = createHash('sha256').update(JSON.stringify(msg)).digest('hex');
    const day = this.received.get(this.day()) ?? new Map<string, Set<string>>();
    this.received.set(this.day(), day);
    const got = day.get(hash) ?? new Set<string>();
    day.set(hash, got);
    const task: WorkTask = { delivered: [], invalid: [], forbidden: [], invalidDepts, polls: 0 };
    for (const userId of new Set(people)) {
      if (!this.org.user(userId) || !this.org.reachable(userId)) task.invalid.push(userId);
      else if (got.has(userId)) task.forbidden.push(userId);
      else {
        got.add(userId);
        task.delivered.push(userId);
      }
    }
    const id = (this.nextTask += 1);
    this.tasks.set(id, task);
    return id;
  }

  /** Members of a department and of all its sub-departments. */
  membersDeep(deptId: number): string[] {
    const out: string[] = [];
    const queue = [deptId];
    for (let dept = queue.shift(); dept !== undefined; dept = queue.shift()) {
      out.push(...this.org.members(dept).map((u) => u.userid));
      queue.push(...this.org.children(dept).map((d) => d.dept_id));
    }
    return out;
  }
}

const list = (value: unknown) =>
  String(value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** The three routes. */
export function workNoticeRoutes(config: SimConfig, org: OrgIndex, work: WorkNotices, recorder: Recorder): Record<string, Route> {
  const taskOf = (body: unknown) => work.tasks.get(Number(asRecord(body).task_id));
  return {
    'POST /topapi/message/corpconversation/asyncsend_v2': {
      auth: 'query',
      handle: (req) => {
        const body = asRecord(req.body);
        const users = list(body.userid_list);
        const depts = list(body.dept_id_list).map(Number);
        const toAll = body.to_all_user === true || body.to_all_user === 'true';
        if (!body.agent_id) return oapiError(40035, '不合法的参数：agent_id');
        if (!body.msg || typeof body.msg !== 'object') return oapiError(40035, '不合法的参数：msg');
        if (users.length > MAX_USERS) return oapiError(40035, `userid_list 一次最多 ${MAX_USERS} 个`);
        if (depts.length > MAX_DEPTS) return oapiError(40035, `dept_id_list 一次最多 ${MAX_DEPTS} 个`);
        if (!toAll && users.length === 0 && depts.length === 0) return oapiError(40035, '不合法的参数：接收者为空');
        if (toAll && work.toAllToday() >= TO_ALL_PER_DAY) return oapiError(43010, '超过当天全员发送工作通知的次数上限');
        if (toAll) work.countToAll();
        const invalidDepts = depts.filter((d) => !org.department(d));
        const people = toAll
          ? org.org.users.map((u) => u.userid)
          : [...users, ...depts.filter((d) => org.department(d)).flatMap((d) => work.membersDeep(d))];
        const taskId = work.deliver(people, body.msg, invalidDepts);
        const delivered = work.tasks.get(taskId)!.delivered;
        if (delivered.length > 0) recorder.output({ at: config.now(), via: 'workNotice', userIds: delivered, content: body.msg });
        return oapiOk({ task_id: taskId });
      },
    },
    'POST /topapi/message/corpconversation/getsendprogress': {
      auth: 'query',
      handle: (req) => {
        const task = taskOf(req.body);
        if (!task) return oapiError(40035, '不合法的参数：task_id');
        // Asynchronous, as DingTalk: the first look finds it under way.
        task.polls += 1;
        const done = task.polls > 1;
        return oapiOk({ progress: { progress_in_percent: done ? 100 : 50, status: done ? 2 : 1 } });
      },
    },
    'POST /topapi/message/corpconversation/getsendresult': {
      auth: 'query',
      handle: (req) => {
        const task = taskOf(req.body);
        if (!task) return oapiError(40035, '不合法的参数：task_id');
        return oapiOk({
          send_result: {
            invalid_user_id_list: task.invalid,
            forbidden_user_id_list: task.forbidden,
            failed_user_id_list: [],
            read_user_id_list: [],
            unread_user_id_list: task.delivered,
            invalid_dept_id_list: task.invalidDepts,
            forbidden_list: task.forbidden.map((userid) => ({ code: '143105', count: 1, userid })),
          },
        });
      },
    },
  };
}
