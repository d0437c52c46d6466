import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'electron-vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../../scripts/buildRenderer';

/**
 * The shell as `npm run build` makes it: a sandboxed preload must be one CommonJS file that needs
 * nothing but electron, and the main process loads the native add-ons from node_modules. Its
 * renderer is the one the bundle tests and the e2e suite build with buildRenderer: what they test
 * is what ships.
 */
let out: string;
let tested: string;
beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'caredesk-out-'));
  tested = await buildRenderer(mkdtempSync(join(tmpdir(), 'caredesk-renderer-')));
  process.env.CAREDESK_OUT_DIR = out;
  try {
    await build({ configFile: join(import.meta.dirname, '../../../electron.vite.config.ts'), logLevel: 'warn' });
  } finally {
    delete process.env.CAREDESK_OUT_DIR;
  }
}, 180_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(tested, { recursive: true, force: true });
});

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('the built shell', () => {
  it('has a preload that requires electron and nothing else, and exposes one API', () => {
    const preload = readFileSync(join(out, 'preload/index.cjs'), 'utf8');
    expect([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toContain('"caredesk"');
  });

  it('keeps the native add-ons out of the main bundle', () => {
    const main = readFileSync(join(out, 'main/index.js'), 'utf8');
    for (const native of ['better-sqlite3-multiple-ciphers', 'keytar', '@node-rs/argon2']) {
      expect(main).toMatch(new RegExp(`from "${native.replace('/', '\\/')}"`));
    }
  });

  it('builds the renderer beside them', () => {
    expect(readFileSync(join(out, 'renderer/index.html'), 'utf8')).toContain('Content-Security-Policy');
  });

  it('ships, byte for byte, the renderer that buildRenderer makes for the tests', () => {
    const shipped = join(out, 'renderer');
    expect(files(shipped)).toEqual(files(tested));
    for (const file of files(tested)) expect(readFileSync(join(shipped, file)).equals(readFileSync(join(tested, file))), file).toBe(true);
  });
});
