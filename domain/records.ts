import { ValidationError } from './errors';

/** Reading and writing fields of plain records by mutation path (`email`, `consents.sms`). */

export function getPath(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A copy of `record` with `path` set to `value`; the original is not changed. */
export function setPath<T extends Record<string, unknown>>(record: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  if (rest.length === 0) return { ...record, [head]: value };
  const child = record[head];
  const base = child !== null && typeof child === 'object' ? (child as Record<string, unknown>) : {};
  return { ...record, [head]: setPath(base, rest.join('.'), value) };
}

export function applyChanges<T extends Record<string, unknown>>(record: T, changes: Record<string, unknown>): T {
  let out = record;
  for (const [path, value] of Object.entries(changes)) out = setPath(out, path, value);
  return out;
}

/**
 * How deep a JSON value nests objects and arrays: a scalar is 0, `{}` and `[]` are 1, `{"a":[]}` is 2.
 * Counted with a stack of our own, never by recursion, and no further than just past `cap`.
 */
export function jsonDepth(value: unknown, cap = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > cap) return deepest;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** Deeper than this, a JSON value is refused, at the store's door and in canonicalJson (rule `json.depth`). Records nest 3 levels. */
export const MAX_JSON_DEPTH = 32;

/**
 * JSON with object keys sorted, so equal values have one spelling. JSON.stringify recurses, so a
 * value deeper than MAX_JSON_DEPTH (a hostile desk's merge base, say) is refused before it can
 * exhaust the stack: a ValidationError naming `json.depth`, not a crash.
 */
export function canonicalJson(value: unknown): string {
  if (jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new ValidationError([{ field: '(value)', rule: 'json.depth', message: `nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  ) ?? 'null';
}

export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || canonicalJson(a ?? null) === canonicalJson(b ?? null);
}
