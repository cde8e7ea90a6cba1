// The sample organisation as the web chat's "who are you" list: people grouped by role, the groups, and
// department names for the back-office panel.
import type { SandboxOrg, SandboxRole } from '../dingtalk/index.js';

/** Role labels, in the order the picker shows them. */
export const ROLE_LABELS: Record<SandboxRole, string> = {
  citizen: '群众',
  clerk: '企业办事员',
  reviewer: '部门审核员',
  admin: '管理员',
  broadcaster: '信息发布员',
};

export interface PersonView {
  userId: string;
  name: string;
  title?: string;
  department?: string;
}

export interface PeopleView {
  roles: { role: SandboxRole; label: string; people: PersonView[] }[];
  groups: { id: string; title: string; members: PersonView[] }[];
}

/** People by role and the groups with their members. */
export function peopleView(org: SandboxOrg): PeopleView {
  const person = (userId: string): PersonView | undefined => {
    const user = org.users.find((u) => u.userid === userId);
    if (!user) return undefined;
    const department = org.departments.find((d) => d.dept_id === user.dept_id_list[0])?.name;
    return { userId: user.userid, name: user.name, ...(user.title ? { title: user.title } : {}), ...(department ? { department } : {}) };
  };
  const roles = (Object.keys(ROLE_LABELS) as SandboxRole[]).map((role) => ({
    role,
    label: ROLE_LABELS[role],
    people: org.users.filter((u) => u.roles.includes(role)).flatMap((u) => person(u.userid) ?? []),
  }));
  const groups = org.groups.map((g) => ({ id: g.id, title: g.title, members: g.members.flatMap((id) => person(id) ?? []) }));
  return { roles: roles.filter((r) => r.people.length > 0), groups };
}

/** Department code (DepartmentSpec.id in the matters) → its name in the organisation. */
export function departmentNames(org: SandboxOrg): Record<string, string> {
  return Object.fromEntries(org.departments.filter((d) => d.code).map((d) => [d.code as string, d.name]));
}
