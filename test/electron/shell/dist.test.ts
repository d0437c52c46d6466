import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm run dist` where the Electron runtime cannot be downloaded (as on these machines): one
 * sentence, a failing exit, no stack trace, nothing built. The download is made to fail the same
 * way everywhere: an empty cache, no unpacked runtime, and a mirror on a closed local port.
 */
const repo = resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'caredesk-dist-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run dist without the Electron runtime', () => {
  it('stops with one sentence that says why and where to run it, and a failing exit', () => {
    const unreachable = 'http://127.0.0.1:9/';
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'scripts/dist.ts')], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        CAREDESK_OUT_DIR: join(scratch, 'out'),
        ELECTRON_OVERRIDE_DIST_PATH: join(scratch, 'no-electron'),
        electron_config_cache: join(scratch, 'cache'),
        ELECTRON_MIRROR: unreachable,
        npm_config_electron_mirror: unreachable,
        NPM_CONFIG_ELECTRON_MIRROR: unreachable,
      },
    });
    expect(result.status).toBe(1);
    const complaint = result.stderr.trim();
    expect(complaint.split('\n')).toHaveLength(1);
    expect(complaint).toMatch(/^CareDesk cannot be packaged on this machine: the Electron runtime cannot be downloaded here \(.+\), so run `npm run dist` on one that can reach the Electron downloads\.$/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s+at /m);
    expect(existsSync(join(scratch, 'out'))).toBe(false);
  });
});
