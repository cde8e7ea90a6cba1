// JSON paths as the template errors name them (`timeLimit.promisedDays`, `fields[0].label`): read and
// write a copy of a template at one, so that an input and the error about it share one name.

/** `fields[0].label` → ['fields', 0, 'label']. */
export function pathKeys(path) {
  const keys = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) keys.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  return keys;
}

/** The value at `path` (undefined when a step is missing). */
export function getAt(value, path) {
  return pathKeys(path).reduce((node, key) => (node === undefined || node === null ? undefined : node[key]), value);
}

/** A copy of `value` with `path` set to `next` (copies only the objects on the way); undefined removes the key. */
export function setAt(value, path, next) {
  const keys = pathKeys(path);
  const write = (node, depth) => {
    const key = keys[depth];
    const copy = Array.isArray(node) ? [...node] : { ...(node ?? {}) };
    if (depth === keys.length - 1) {
      if (next === undefined && !Array.isArray(copy)) delete copy[key];
      else copy[key] = next;
    } else copy[key] = write(node?.[key] ?? (typeof keys[depth + 1] === 'number' ? [] : {}), depth + 1);
    return copy;
  };
  return keys.length === 0 ? next : write(value, 0);
}

/** The errors (from a 422's details) by path; '' for errors about the whole template. */
export function errorsByPath(details) {
  const byPath = new Map();
  for (const detail of details ?? []) {
    const list = byPath.get(detail.path ?? '') ?? [];
    list.push(detail.message);
    byPath.set(detail.path ?? '', list);
  }
  return byPath;
}
