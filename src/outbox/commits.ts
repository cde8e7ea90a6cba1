// Combining two store commits into one, so a state change and its follow-up become durable together.
import type { Commit } from '../store/store.js';

/** One commit holding everything of `a` and then `b` (lists concatenated, meta keys of `b` win). */
export function mergeCommits(a: Commit, b: Commit | void | undefined): Commit {
  if (!b) return a;
  return defined({
    inbox: list(a.inbox, b.inbox),
    applications: list(a.applications, b.applications),
    dialogs:
      a.dialogs || b.dialogs
        ? defined({ put: list(a.dialogs?.put, b.dialogs?.put), remove: list(a.dialogs?.remove, b.dialogs?.remove) })
        : undefined,
    jobs:
      a.jobs || b.jobs
        ? defined({
            put: list(a.jobs?.put, b.jobs?.put),
            remove: list(a.jobs?.remove, b.jobs?.remove),
            dead: list(a.jobs?.dead, b.jobs?.dead),
            revive: list(a.jobs?.revive, b.jobs?.revive),
          })
        : undefined,
    records:
      a.records || b.records
        ? defined({ put: list(a.records?.put, b.records?.put), remove: list(a.records?.remove, b.records?.remove) })
        : undefined,
    meta: a.meta || b.meta ? { ...a.meta, ...b.meta } : undefined,
  });
}

function list<T>(x: T[] | undefined, y: T[] | undefined): T[] | undefined {
  return x || y ? [...(x ?? []), ...(y ?? [])] : undefined;
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
