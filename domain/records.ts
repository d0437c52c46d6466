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

/** JSON with object keys sorted, so equal values have one spelling. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  ) ?? 'null';
}

export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || canonicalJson(a ?? null) === canonicalJson(b ?? null);
}
