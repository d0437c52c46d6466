import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'electron-vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The shell as `npm run build` makes it: a sandboxed preload must be one CommonJS file that needs
 * nothing but electron, and the main process loads the native add-ons from node_modules.
 */
let out: string;
beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'caredesk-out-'));
  process.env.CAREDESK_OUT_DIR = out;
  try {
    await build({ configFile: join(import.meta.dirname, '../../../electron.vite.config.ts'), logLevel: 'warn' });
  } finally {
    delete process.env.CAREDESK_OUT_DIR;
  }
}, 180_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

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
});
