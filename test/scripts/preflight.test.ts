import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's first command starts with scripts/preflight.sh: on a fresh machine it must name what
 * is missing and the command that installs it, quickly and without a gyp trace. The stubs put a
 * machine's view of itself first on PATH; with no terminal and no --yes, the preflight may install
 * nothing, so it prints the command and exits 1.
 */
const stubs = mkdtempSync(join(tmpdir(), 'caredesk-preflight-'));
afterAll(() => rmSync(stubs, { recursive: true, force: true }));

function stub(dir: string, name: string, script: string): string {
  const folder = join(stubs, dir);
  spawnSync('mkdir', ['-p', folder]);
  const file = join(folder, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return folder;
}

function preflight(pathPrefix: string, args: string[] = []) {
  const result = spawnSync('bash', ['scripts/preflight.sh', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${pathPrefix}:${process.env.PATH}` },
    // a bound, not a measurement: a preflight that hangs (a prompt nobody answers, a download) fails here
    timeout: 20_000,
  });
  return { status: result.status, signal: result.signal, output: `${result.stdout}${result.stderr}` };
}

describe('the preflight', () => {
  it('names libsecret-1-dev and the command that installs it when pkg-config cannot find libsecret', () => {
    // pkg-config that knows no package at all, as on a machine without the -dev packages
    const dir = stub('no-libsecret', 'pkg-config', 'exit 1');
    const { status, signal, output } = preflight(dir);
    expect(signal).toBeNull();
    expect(status).toBe(1);
    expect(output).toContain('libsecret-1-dev');
    expect(output).toMatch(/apt-get install -y --no-install-recommends [^\n]*libsecret-1-dev/);
    expect(output).not.toMatch(/gyp|node-gyp|stack/i);
  });

  it('names the supported Node and how to get it when the machine has Node 20', () => {
    const dir = stub('node-20', 'node', 'echo 20.20.2');
    const { status, output } = preflight(dir);
    expect(status).toBe(1);
    expect(output).toContain('this machine has 20.20.2');
    expect(output).toMatch(/npm install --global --prefix \/usr\/local [^\n]*node-linux-[a-z0-9]+@24/);
  });

  it('passes on a machine that has everything, and the Node it accepts is the one package.json declares', () => {
    const { status, output } = preflight('/nonexistent');
    expect(output).toContain('ready:');
    expect(status).toBe(0);
    const { engines } = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
    const script = readFileSync('scripts/preflight.sh', 'utf8');
    const min = /^NODE_MIN=([\d.]+)/m.exec(script)?.[1];
    expect(engines.node).toBe(`>=${min}`);
  });

  it('refuses an option it does not know rather than guessing', () => {
    const { status, output } = preflight('/nonexistent', ['--yse']);
    expect(status).toBe(2);
    expect(output).toContain('unknown option --yse');
  });
});
