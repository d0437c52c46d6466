import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Where the Electron runtime binary is, fetching it once if it is missing (electron ≥ 42 does not
 * download at install). Returns null, with the reason, where it cannot be had: then the console
 * cannot open on this machine, and the caller says so plainly.
 */
export function findElectronBinary(): { path: string } | { path: null; reason: string } {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('electron/package.json'));
  const locate = () => {
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkgDir, 'dist');
    const binary = join(dist, readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : null;
  };
  const found = locate();
  if (found) return { path: found };
  console.log('Fetching the Electron runtime (once)…');
  const result = spawnSync(process.execPath, [join(pkgDir, 'install.js')], { encoding: 'utf8', timeout: 300_000 });
  const after = locate();
  if (after) return { path: after };
  const detail = `${result.stderr ?? ''}${result.error?.message ?? ''}`.trim().split('\n').find((line) => /error|fail|ENOTFOUND|ECONN|fetch/i.test(line));
  return { path: null, reason: detail ?? `the download exited with ${result.status}` };
}
