// The organisation as the notice target picker sees it: `GET /api/org/departments` (every department, flat, with
// its parent) and `GET /api/org/users?q=` (people found by name or id, at most 20). Read through the same DingTalk
// contacts APIs the notice resolver uses (department/listsub, user/list), so the simulator and real DingTalk
// answer alike; the directory is kept for five minutes, so the picker does not walk the contacts on every key.
import type Router from '@koa/router';
import type { Clock } from '../clock.js';
import type { OpenApiClient } from '../dingtalk/openapi.js';
import { HttpError } from '../http/errors.js';
import { createRouter } from '../http/routers.js';

/** The root department of every DingTalk organisation. */
const ROOT_DEPT = 1;
/** How long a directory read is reused. */
export const ORG_CACHE_MS = 5 * 60_000;
/** Most people one search answers. */
export const USER_RESULTS_MAX = 20;

export interface OrgRoutesOptions {
  openapi: Pick<OpenApiClient, 'listSubDepartments' | 'listDepartmentMembers'>;
  clock: Pick<Clock, 'now'>;
}

/** A department below the root; `parentId` 1 is the root. */
export interface OrgDepartment {
  id: number;
  name: string;
  parentId: number;
}

/** A person found by the search, with the departments they are in. */
export interface OrgUser {
  userId: string;
  name: string;
  departments: { id: number; name: string }[];
}

/** `GET /api/org/departments`, `GET /api/org/users?q=`. */
export function orgRoutes(options: OrgRoutesOptions): Router {
  const directory = cachedDirectory(options);
  const router = createRouter();
  router.get('/api/org/departments', async (ctx) => {
    const items = await directory.departments();
    ctx.body = { total: items.length, items };
  });
  router.get('/api/org/users', async (ctx) => {
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim() : '';
    if (q === '' || Array.from(q).length > 32) throw new HttpError(400, 'invalid_query', 'q 应为 1 到 32 个字的姓名或钉钉 ID');
    const people = await directory.people();
    const found = people.filter((p) => p.name.includes(q) || p.userId === q);
    ctx.body = { total: found.length, items: found.slice(0, USER_RESULTS_MAX) };
  });
  return router;
}

// One walk of the contacts at a time, shared by the requests that arrive meanwhile, reused for ORG_CACHE_MS.
function cachedDirectory(options: OrgRoutesOptions) {
  const cached = <T>(load: () => Promise<T>) => {
    let entry: { at: number; value: Promise<T> } | undefined;
    return (): Promise<T> => {
      const now = options.clock.now();
      if (!entry || now - entry.at >= ORG_CACHE_MS) {
        const value = load();
        entry = { at: now, value };
        // A failed read is not kept: the next request tries again.
        value.catch(() => {
          if (entry?.value === value) entry = undefined;
        });
      }
      return entry.value;
    };
  };
  const departments = cached(() => walkDepartments(options.openapi));
  const people = cached(async () => readPeople(options.openapi, await departments()));
  return { departments, people };
}

async function walkDepartments(openapi: OrgRoutesOptions['openapi']): Promise<OrgDepartment[]> {
  const out: OrgDepartment[] = [];
  const seen = new Set<number>([ROOT_DEPT]);
  for (let level = [ROOT_DEPT]; level.length > 0; ) {
    const children = await Promise.all(level.map(async (parentId) => ({ parentId, subs: await openapi.listSubDepartments(parentId) })));
    level = [];
    for (const { parentId, subs } of children) {
      for (const sub of subs) {
        if (seen.has(sub.id)) continue;
        seen.add(sub.id);
        out.push({ id: sub.id, name: sub.name, parentId });
        level.push(sub.id);
      }
    }
  }
  return out;
}

// Active members only: people who left cannot receive a notice.
async function readPeople(openapi: OrgRoutesOptions['openapi'], departments: OrgDepartment[]): Promise<OrgUser[]> {
  const byId = new Map<string, OrgUser>();
  const all = [{ id: ROOT_DEPT, name: '根部门' }, ...departments];
  const members = await Promise.all(all.map(async (d) => ({ d, members: await openapi.listDepartmentMembers(d.id) })));
  for (const { d, members: list } of members) {
    for (const member of list) {
      if (!member.active) continue;
      const user = byId.get(member.userId) ?? { userId: member.userId, name: member.name, departments: [] };
      if (d.id !== ROOT_DEPT) user.departments.push({ id: d.id, name: d.name });
      byId.set(member.userId, user);
    }
  }
  for (const user of byId.values()) user.departments.sort((a, b) => a.id - b.id);
  return [...byId.values()].sort((a, b) => a.userId.localeCompare(b.userId));
}
