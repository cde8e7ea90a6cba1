// The organisation of the notice tests: the sandbox's, plus two bureaus with sub-departments, one person in
// both, one who left, and the broadcaster in the first (the author is never a recipient).
import { loadSandboxOrg, type SandboxOrg, type SandboxUser } from '../../src/sandbox/dingtalk/org.js';
import type { Harness } from './harness.js';
import { ADMIN_TOKEN } from './harness.js';

const person = (userid: string, dept: number[], extra: Partial<SandboxUser> = {}): SandboxUser => ({
  userid,
  name: userid,
  dept_id_list: dept,
  roles: ['clerk'],
  ...extra,
});
const many = (prefix: string, n: number, dept: number) => Array.from({ length: n }, (_, i) => person(`${prefix}-${i + 1}`, [dept]));

/** Bureau 300 (sub 301) and bureau 400 (sub 401): 71 people who can receive, `both-1` in 301 and 400, `left-1` gone. */
export function noticeOrg(): SandboxOrg {
  const base = loadSandboxOrg();
  return {
    ...base,
    departments: [
      ...base.departments,
      { dept_id: 300, name: '甲局', parent_id: 1 },
      { dept_id: 301, name: '甲局一科', parent_id: 300 },
      { dept_id: 400, name: '乙局', parent_id: 1 },
      { dept_id: 401, name: '乙局一科', parent_id: 400 },
    ],
    users: [
      ...base.users.map((u) => (u.userid === 'broadcaster-sun' ? { ...u, dept_id_list: [...u.dept_id_list, 300] } : u)),
      ...many('jia', 25, 300),
      ...many('jiayi', 10, 301),
      ...many('yi', 30, 400),
      ...many('yiyi', 5, 401),
      person('both-1', [301, 400]),
      person('left-1', [400], { active: false }),
    ],
  };
}

/** Everyone notice 300+400 (with sub-departments) must reach exactly once. */
export function expectedRecipients(org: SandboxOrg): string[] {
  const depts = new Set([300, 301, 400, 401]);
  return org.users
    .filter((u) => u.active !== false && u.userid !== 'broadcaster-sun' && u.dept_id_list.some((d) => depts.has(d)))
    .map((u) => u.userid);
}

/** Calls the admin API. */
export async function api(h: Harness, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${h.app.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

/** True for the content of a notice titled `title`. */
export const titled = (title: string) => (content: unknown) => JSON.stringify(content).includes(title);
