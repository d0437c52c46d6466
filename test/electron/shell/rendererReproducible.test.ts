import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type buildRenderer } from '../../../scripts/buildRenderer';

/**
 * The renderer that ships does not depend on where it was built: two checkouts in different
 * directories, one named like a CI workspace with 40 hex characters, build the same bytes, and
 * neither bundle names its directory. Built under vitest (NODE_ENV=test), as the bundle tests are:
 * a development build would name every source file by its absolute path.
 */
const repo = resolve(import.meta.dirname, '../../..');
const SOURCES = ['renderer', 'domain', 'scripts/buildRenderer.ts', 'electron.vite.config.ts', 'tsconfig.json', 'package.json'];

const parent = mkdtempSync(join(tmpdir(), 'caredesk-repro-'));
const checkouts = [join(parent, `caredesk-${randomBytes(20).toString('hex')}`), join(parent, 'elsewhere', 'desk')];
afterAll(() => rmSync(parent, { recursive: true, force: true }));

type Bundle = Map<string, Buffer>;
const bundles: Bundle[] = [];

function checkout(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const source of SOURCES) cpSync(join(repo, source), join(dir, source), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

function readBundle(outDir: string): Bundle {
  const files = readdirSync(outDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  const paths = files.map((entry) => join(entry.parentPath, entry.name).slice(outDir.length + 1)).sort();
  return new Map(paths.map((path) => [path, readFileSync(join(outDir, path))]));
}

/** the first place `what` occurs, with a little context, for a failure that reads in one line */
function around(text: string, what: string | RegExp): string | null {
  const at = typeof what === 'string' ? text.indexOf(what) : text.search(what);
  return at < 0 ? null : text.slice(Math.max(0, at - 60), at + 100);
}

beforeAll(async () => {
  expect(process.env.NODE_ENV).toBe('test');
  for (const dir of checkouts) {
    checkout(dir);
    // each checkout's own script and configuration, so every path in them is that checkout's
    const script = (await import(pathToFileURL(join(dir, 'scripts/buildRenderer.ts')).href)) as { buildRenderer: typeof buildRenderer };
    bundles.push(readBundle(await script.buildRenderer(join(dir, 'out/renderer'))));
  }
}, 180_000);

describe('the renderer bundle', () => {
  it('is the same, file for file and byte for byte, from two directories', () => {
    const [first, second] = bundles as [Bundle, Bundle];
    expect([...first.keys()]).toContain('index.html');
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [path, bytes] of first) expect(second.get(path)?.equals(bytes), path).toBe(true);
  });

  it('names neither directory it was built in, nor any other absolute path of the build machine', () => {
    for (const bundle of bundles) {
      const text = [...bundle.values()].map((bytes) => bytes.toString('latin1')).join('\n');
      for (const dir of [...checkouts, repo]) expect(around(text, dir), dir).toBeNull();
      expect(around(text, /\bjsxDEV\b|\bfileName:/)).toBeNull();
      expect(around(text, /["'`](\/(home|root|tmp|work|Users|var)\/|[A-Z]:\\\\)/)).toBeNull();
    }
  });
});
