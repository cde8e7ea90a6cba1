// The sample organisation behind the simulator (config/sandbox/org.json): departments, people, groups.
import { existsSync, readFileSync } from 'node:fs';
import path, { resolve } from 'node:path';
import { ROOT_DIR } from '../../root-dir.js';

export type SandboxRole = 'citizen' | 'clerk' | 'reviewer' | 'admin' | 'broadcaster';

export interface SandboxDepartment {
  dept_id: number;
  name: string;
  parent_id?: number;
  /** Short code matching DepartmentSpec.id in config/matters (e.g. "scjg"). */
  code?: string;
}

export interface SandboxIdentity {
  /** 18-digit 居民身份证号 with a valid ISO 7064 MOD 11-2 check digit. */
  idCard?: string;
  company?: { name: string; creditCode: string };
}

export interface SandboxUser {
  userid: string;
  name: string;
  title?: string;
  mobile?: string;
  unionid?: string;
  dept_id_list: number[];
  roles: SandboxRole[];
  isAdmin?: boolean;
  leader?: boolean;
  identity?: SandboxIdentity;
  /** false: the person left (DingTalk's user list says active: false; sends call them invalid). */
  active?: boolean;
}

export interface SandboxGroup {
  id: string;
  title: string;
  members: string[];
}

export interface SandboxOrg {
  corpId?: string;
  name?: string;
  departments: SandboxDepartment[];
  users: SandboxUser[];
  groups: SandboxGroup[];
}

const candidates = [path.join(ROOT_DIR, 'config/sandbox/org.json'), resolve('config/sandbox/org.json')];

/** Reads config/sandbox/org.json (in the project root, else under the working directory). */
export function loadSandboxOrg(path?: string): SandboxOrg {
  const file = path ?? candidates.find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`config/sandbox/org.json not found (looked in ${candidates.join(', ')})`);
  const org = JSON.parse(readFileSync(file, 'utf8')) as SandboxOrg;
  return { departments: org.departments ?? [], users: org.users ?? [], groups: org.groups ?? [], corpId: org.corpId, name: org.name };
}

/** Looks people and departments up by id. */
export function createOrgIndex(org: SandboxOrg) {
  const users = new Map(org.users.map((user) => [user.userid, user]));
  const departments = new Map(org.departments.map((dept) => [dept.dept_id, dept]));
  const groups = new Map(org.groups.map((group) => [group.id, group]));
  return {
    org,
    user: (userId: string) => users.get(userId),
    /** A person who can receive messages (known and not left). */
    reachable: (userId: string) => users.get(userId)?.active !== false,
    department: (deptId: number) => departments.get(deptId),
    group: (id: string) => groups.get(id),
    children: (deptId: number) => org.departments.filter((dept) => dept.parent_id === deptId),
    members: (deptId: number) => org.users.filter((user) => user.dept_id_list.includes(deptId)),
  };
}

export type OrgIndex = ReturnType<typeof createOrgIndex>;
