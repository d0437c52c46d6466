import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'electron-vite';
import { findElectronBinary } from './electronBinary';

/**
 * `npm run dist [-- electron-builder options]`: builds out/ (electron-vite) and packages it with
 * build/electron-builder.yml into release/, for this platform unless told otherwise. Packaging
 * needs the Electron runtime, and its headers for the native add-ons, from outside the package
 * registries: where the runtime cannot be downloaded, this says so in one sentence and stops
 * before building anything.
 */
const ROOT = join(import.meta.dirname, '..');

async function dist(args: string[]): Promise<number> {
  const electron = findElectronBinary();
  if (electron.path === null) {
    console.error(
      `CareDesk cannot be packaged on this machine: the Electron runtime cannot be downloaded here (${electron.reason}), so run \`npm run dist\` on one that can reach the Electron downloads.`,
    );
    return 1;
  }
  await build({ configFile: join(ROOT, 'electron.vite.config.ts') });
  const cli = createRequire(import.meta.url).resolve('electron-builder/cli.js');
  const packaging = spawnSync(process.execPath, [cli, '--config', 'build/electron-builder.yml', '--publish', 'never', ...args], { cwd: ROOT, stdio: 'inherit' });
  return packaging.status ?? 1;
}

process.exitCode = await dist(process.argv.slice(2));
