import { readFileSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../../scripts/buildRenderer';

/**
 * The renderer is a web page with no Node and no secrets (DESIGN §2): what is built from
 * renderer/ holds no Node built-in, no way to reach Electron, and no key material.
 */
let outDir: string;
let code: string;

beforeAll(async () => {
  outDir = await buildRenderer(mkdtempSync(join(tmpdir(), 'caredesk-renderer-')));
  const files = readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(js|html|css)$/.test(f));
  code = files.map((f) => readFileSync(join(outDir, f), 'utf8')).join('\n');
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const builtins = builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.replace(/[/]/g, '\\/'));

describe('the built renderer', () => {
  it('was built', () => {
    expect(code.length).toBeGreaterThan(10_000);
  });

  it('requires and imports no Node built-in module, nor electron', () => {
    const requires = new RegExp(`require\\(\\s*["'\`](node:[\\w/]+|${builtins.join('|')}|electron)["'\`]\\s*\\)`, 'g');
    const imports = new RegExp(`(from|import\\(?)\\s*["'\`](node:[\\w/]+|${builtins.join('|')}|electron)["'\`]`, 'g');
    expect(code.match(requires) ?? []).toEqual([]);
    expect(code.match(imports) ?? []).toEqual([]);
    expect(code).not.toMatch(/\bprocess\.binding\b|\bipcRenderer\b|__non_webpack_require__|createRequire/);
  });

  it('contains no key material or credentials', () => {
    expect(code).not.toMatch(/-----BEGIN [A-Z ]+-----/);
    expect(code).not.toMatch(/PRIVATE KEY|PRAGMA\s+(re)?key/i);
    // a raw 128-bit-or-longer key in hex, or a long base64 blob
    expect(code.match(/\b[0-9a-f]{32,}\b/gi) ?? []).toEqual([]);
    expect(code.match(/[A-Za-z0-9+/]{120,}={0,2}/g) ?? []).toEqual([]);
    // the demo and test passwords stay in the central store's tooling and tests
    expect(code).not.toMatch(/correct horse battery staple|caredesk-test/);
  });
});
