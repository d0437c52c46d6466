import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * One module owns each table: every statement that writes a central table — Kysely's
 * insertInto, updateTable, deleteFrom — is in one file; other modules decide and call it. Read from
 * the source as text, like the linter's layering rule; migrations make the tables and are not counted.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CENTRAL = join(ROOT, 'central');
const WRITE = /\b(?:insertInto|updateTable|deleteFrom)\(\s*'([a-z_]+)'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function writersByTable(): Map<string, Set<string>> {
  const writers = new Map<string, Set<string>>();
  for (const file of sourceFiles(CENTRAL)) {
    for (const [, table] of readFileSync(file, 'utf8').matchAll(WRITE)) {
      if (!writers.has(table!)) writers.set(table!, new Set());
      writers.get(table!)!.add(relative(ROOT, file));
    }
  }
  return writers;
}

describe('the central store’s tables', () => {
  it('are each written by one module', () => {
    const writers = writersByTable();
    // the scan finds the writes it is meant to find, or it proves nothing
    expect(writers.get('users')).toEqual(new Set(['central/identity/users.ts']));
    expect(writers.size).toBeGreaterThan(20);
    const shared = [...writers].filter(([, files]) => files.size > 1).map(([table, files]) => `${table}: ${[...files].sort().join(', ')}`);
    expect(shared).toEqual([]);
  });
});
