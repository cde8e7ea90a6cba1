// Old OAPI contact lookups (§7) and H5 login codes (§8), answered from the sandbox organisation.
import { randomBytes } from 'node:crypto';
import { asRecord, oapiError, oapiOk, type Route } from './http.js';
import { unionIdOf } from './ids.js';
import type { OrgIndex, SandboxUser } from './org.js';
import type { SimConfig } from './sim-config.js';

const AUTH_CODE_TTL_MS = 5 * 60_000;

/** Single-use 5-minute codes, as `dd.requestAuthCode` hands them to an H5 page. */
export class AuthCodes {
  private readonly codes = new Map<string, { userId: string; expiresAt: number }>();

  constructor(private readonly config: SimConfig) {}

  mint(userId: string): string {
    const code = randomBytes(12).toString('hex');
    this.codes.set(code, { userId, expiresAt: this.config.now() + AUTH_CODE_TTL_MS });
    return code;
  }

  redeem(code: string): string | undefined {
    const found = this.codes.get(code);
    this.codes.delete(code);
    return found && found.expiresAt > this.config.now() ? found.userId : undefined;
  }
}

function userDetail(user: SandboxUser) {
  return {
    userid: user.userid,
    unionid: user.unionid ?? unionIdOf(user.userid),
    name: user.name,
    title: user.title ?? '',
    mobile: user.mobile ?? '',
    dept_id_list: user.dept_id_list,
    leader: user.leader ?? false,
    active: user.active !== false,
    admin: user.isAdmin ?? false,
    boss: false,
    hide_mobile: false,
    exclusive_account: false,
  };
}

// Error codes: 60003 department not found, 60121 user not found (DingTalk's contact errcodes);
// 40035 for bad parameters and 40078 for an unknown/used login code are guesses.
const deptMissing = () => oapiError(60003, '部门不存在');
const badParam = (what: string) => oapiError(40035, `不合法的参数：${what}`);

/** The `/topapi/...` routes (POST, `?access_token=`). */
export function oapiRoutes(config: SimConfig, org: OrgIndex, codes: AuthCodes): Record<string, Route> {
  const dept = (body: unknown) => {
    const id = Number(asRecord(body).dept_id);
    return Number.isInteger(id) ? org.department(id) : undefined;
  };
  return {
    'POST /topapi/v2/department/listsubid': {
      auth: 'query',
      handle: (req) => {
        const found = dept(req.body);
        if (!found) return deptMissing();
        return oapiOk({ result: { dept_id_list: org.children(found.dept_id).map((d) => d.dept_id) } });
      },
    },
    'POST /topapi/v2/department/listsub': {
      auth: 'query',
      handle: (req) => {
        const found = dept(req.body);
        if (!found) return deptMissing();
        const result = org.children(found.dept_id).map((d) => ({
          dept_id: d.dept_id,
          name: d.name,
          parent_id: d.parent_id ?? 0,
          create_dept_group: true,
          auto_add_user: true,
        }));
        return oapiOk({ result });
      },
    },
    'POST /topapi/user/listid': {
      auth: 'query',
      handle: (req) => {
        const found = dept(req.body);
        if (!found) return deptMissing();
        return oapiOk({ result: { userid_list: org.members(found.dept_id).map((u) => u.userid) } });
      },
    },
    'POST /topapi/v2/user/list': {
      auth: 'query',
      handle: (req) => {
        const body = asRecord(req.body);
        const found = dept(body);
        if (!found) return deptMissing();
        const cursor = Number(body.cursor ?? 0);
        const size = Number(body.size);
        if (!Number.isInteger(cursor) || cursor < 0) return badParam('cursor');
        if (!Number.isInteger(size) || size < 1 || size > 100) return badParam('size 取值 1–100');
        const members = org.members(found.dept_id);
        const page = members.slice(cursor, cursor + size);
        const hasMore = cursor + size < members.length;
        return oapiOk({ result: { has_more: hasMore, ...(hasMore ? { next_cursor: cursor + size } : {}), list: page.map(userDetail) } });
      },
    },
    'POST /topapi/v2/user/get': {
      auth: 'query',
      handle: (req) => {
        const user = org.user(String(asRecord(req.body).userid ?? ''));
        if (!user) return oapiError(60121, '找不到该用户');
        return oapiOk({ result: { ...userDetail(user), role_list: [], dept_order_list: [], leader_in_dept: [] } });
      },
    },
    'POST /topapi/v2/user/getuserinfo': {
      auth: 'query',
      handle: (req) => {
        const userId = codes.redeem(String(asRecord(req.body).code ?? ''));
        const user = userId ? org.user(userId) : undefined;
        if (!user) return oapiError(40078, '不存在的临时授权码');
        const admin = user.isAdmin ?? false;
        return oapiOk({
          result: {
            userid: user.userid,
            unionid: user.unionid ?? unionIdOf(user.userid),
            associated_unionid: '',
            name: user.name,
            device_id: `sandbox-device-${config.corpId}`,
            sys: admin,
            sys_level: admin ? 1 : 0,
          },
        });
      },
    },
  };
}
