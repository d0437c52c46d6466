import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

/**
 * Issue 10's measure of "operations as data": one new offline-editable field of an existing entity
 * is three edits — the entity schema, the role × field policy row, the operation that declares it
 * editable — and nothing else. A copy of the tree gets exactly those three edits (each must match
 * once), the copy is compared with this tree file by file (three differ), and newField.flow.test.ts runs
 * in the copy against a real central store and two real desks.
 */
const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');
const EDITS: Record<string, [from: string, to: string]> = {
  'domain/entities/customer.ts': ['  consents: Consents,\n', "  consents: Consents,\n  preferredLanguage: z.enum(['en', 'es', 'fr']).optional(),\n"],
  'domain/policy/fieldPolicy.ts': [
    '    consents:         [W,       R,       H,       W,          R,          H],\n',
    '    consents:         [W,       R,       H,       W,          R,          H],\n    preferredLanguage:[W,       R,       R,       W,          R,          H],\n',
  ],
  'domain/operations.ts': [
    "  'serviceLine.edit':",
    "  'customer.editPreferences': edit('customer', ['preferredLanguage'], { verifiedCaller: true }),\n  'serviceLine.edit':",
  ],
};

const copy = mkdtempSync(join(tmpdir(), 'caredesk-new-field-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** the project's own files: tracked, and new ones not ignored (so it also holds before a commit) */
function projectFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
}

it('takes one new offline-editable field in three files, and it flows from console to another desk with its audit row', () => {
  const files = projectFiles();
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(ROOT, file), join(copy, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');

  for (const [file, [from, to]] of Object.entries(EDITS)) {
    const text = readFileSync(join(copy, file), 'utf8');
    expect(text.split(from).length - 1, `${file} has the line the edit expects exactly once`).toBe(1);
    writeFileSync(join(copy, file), text.replace(from, to));
  }
  const changed = files.filter((file) => readFileSync(join(copy, file), 'utf8') !== readFileSync(join(ROOT, file), 'utf8'));
  expect(changed.sort()).toEqual(Object.keys(EDITS).sort());

  // the same compiler check the project passes: the three edits are the whole change
  const typecheck = spawnSync('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], { cwd: copy, encoding: 'utf8', timeout: 240_000 });
  expect(typecheck.status, typecheck.stdout + typecheck.stderr).toBe(0);

  const run = spawnSync('npx', ['vitest', 'run', 'test/operations/newField.flow.test.ts'], {
    cwd: copy,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, CAREDESK_NEW_FIELD_FLOW: '1' },
  });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  expect(run.stdout).toMatch(/1 passed/);
}, 600_000);
