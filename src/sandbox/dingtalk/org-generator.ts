// A generated organisation for tests and the broadcast benchmark: `people` persons spread evenly over
// departments of `perDepartment` (each under one of ten bureaus under the root), plus the sandbox's own people.
import type { SandboxDepartment, SandboxOrg, SandboxUser } from './org.js';

/** Options of generateOrg. */
export interface GeneratedOrgOptions {
  people: number;
  /** People per leaf department (default 100, a page of `/topapi/v2/user/list`). */
  perDepartment?: number;
  /** The organisation to add to (its departments and people are kept). */
  base?: SandboxOrg;
}

/** Department ids of the generated bureaus start here; their units follow from 10,000. */
export const GENERATED_BUREAU_BASE = 9_000;

/** Builds the organisation; person n is `staff-<n>` (1-based, zero-padded to 5 digits). */
export function generateOrg(options: GeneratedOrgOptions): SandboxOrg {
  const perDepartment = options.perDepartment ?? 100;
  const base = options.base ?? { departments: [{ dept_id: 1, name: '一次办政务服务中心' }], users: [], groups: [] };
  const departments: SandboxDepartment[] = [...base.departments];
  const users: SandboxUser[] = [...base.users];
  for (let b = 0; b < 10; b++) departments.push({ dept_id: GENERATED_BUREAU_BASE + b, name: `第${b + 1}局`, parent_id: 1 });
  const units = Math.ceil(options.people / perDepartment);
  for (let u = 0; u < units; u++)
    departments.push({ dept_id: 10_000 + u, name: `第${u + 1}科`, parent_id: GENERATED_BUREAU_BASE + (u % 10) });
  for (let n = 1; n <= options.people; n++) {
    const unit = 10_000 + Math.floor((n - 1) / perDepartment);
    users.push({ userid: `staff-${String(n).padStart(5, '0')}`, name: `职员${n}`, dept_id_list: [unit], roles: ['clerk'] });
  }
  return { ...base, departments, users, groups: base.groups };
}
