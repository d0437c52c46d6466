import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCentral } from '../../central';
import { enrolDevice } from '../../central/identity/devices';
import { loadWorkstationConfig, writableOnlyByRoot } from '../../electron/main/workstationConfig';
import { keysAndCsr } from '../central/harness';
import { centralCli } from '../support/cli';

/**
 * The README's section for the IT admin, run as written: every shell line in it is one this test
 * knows how to run (an unknown line fails the test, so the section cannot gain an untested command),
 * the Linux lines into a scratch folder instead of /etc, the CLI lines against a real data dir, and
 * the configuration example loaded as a desk loads it.
 */
const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('## For the IT admin'), readme.indexOf('\n## ', readme.indexOf('## For the IT admin') + 5));
const blocks = (lang: string) => [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const shellLines = blocks('sh').flatMap((b) => b.split('\n')).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

const work = mkdtempSync(join(tmpdir(), 'caredesk-itadmin-'));
const etc = join(work, 'etc');
const dataDir = join(work, 'central');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const asRoot = process.getuid?.() === 0;

describe('the README for the IT admin', () => {
  it('has its commands and its configuration example', () => {
    expect(section.length).toBeGreaterThan(500);
    expect(blocks('json')).toHaveLength(1);
    expect(shellLines.filter((l) => l.includes('install'))).not.toHaveLength(0);
    expect(shellLines.filter((l) => l.startsWith('npm run central -- '))).not.toHaveLength(0);
    const known = /^(sudo apt-get install |sudo install |npm run central -- )/;
    expect(shellLines.filter((l) => !known.test(l)), 'a README line this test does not run').toEqual([]);
  });

  it('names Debian packages that exist on the machines it runs on', () => {
    const packages = shellLines.filter((l) => l.startsWith('sudo apt-get install ')).flatMap((l) => l.split(/\s+/).slice(3).filter((w) => !w.startsWith('-')));
    expect(packages).toContain('gnome-keyring');
    for (const name of packages) {
      const status = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout;
      expect(status, name).toContain('install ok installed');
    }
  });

  it('puts the configuration where a Linux desk reads it, which then accepts it', () => {
    const example = JSON.parse(blocks('json')[0]!) as { caFile: string };
    const here = join(work, 'from-it');
    mkdirSync(here);
    writeFileSync(join(here, 'workstation.json'), JSON.stringify(example));
    writeFileSync(join(here, example.caFile), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    for (const line of shellLines.filter((l) => l.startsWith('sudo install '))) {
      let words = line.replace(/^sudo /, '').split(/\s+/).map((w) => w.replace(/^\/etc\//, `${etc}/`));
      // only root may give files to root; elsewhere the ownership part of the rule is checked below
      if (!asRoot) words = words.filter((w, i, all) => !['-o', '-g'].includes(w) && !['-o', '-g'].includes(all[i - 1]!));
      execFileSync(words[0]!, words.slice(1), { cwd: here });
    }
    const machine = join(etc, 'caredesk', 'workstation.json');
    const trusted = asRoot ? writableOnlyByRoot : (stats: { mode: number }) => (stats.mode & 0o022) === 0;
    const config = loadWorkstationConfig({ machine, user: join(work, 'nowhere.json') }, { platform: 'linux', trusted: trusted as never });
    expect(config).toMatchObject({ serverUrl: 'https://central.example.net:8443', updates: { enabled: true, url: 'https://updates.example.net/caredesk' } });
    expect(statSync(machine).mode & 0o777).toBe(0o644);
    if (asRoot) expect(statSync(machine).uid).toBe(0);
  });

  describe('its central store commands', () => {
    const substitutes: Record<string, string> = {};
    beforeAll(async () => {
      expect((await centralCli(dataDir, 'init')).code).toBe(0);
      expect((await centralCli(dataDir, 'add-user', '--username', 'jo.leaver', '--role', 'care_rep', '--display-name', 'Jo Leaver', '--password', 'correct horse battery staple')).code).toBe(0);
      substitutes['<username>'] = 'jo.leaver';
    }, 120_000);

    it('run as written, in order, each doing what the README says', async () => {
      for (const line of shellLines.filter((l) => l.startsWith('npm run central -- '))) {
        const args = line
          .slice('npm run central -- '.length)
          .split(/\s+/)
          .map((w) => substitutes[w] ?? w);
        const result = await centralCli(dataDir, ...args);
        expect(result.code, `${line}\n${result.stdout}${result.stderr}`).toBe(0);
        if (args[0] === 'enrolment-code') {
          // the code works once: a desk enrols with it
          const code = /enrolment code: (\S+)/.exec(result.stdout)![1]!;
          const central = await openCentral({ dataDir });
          try {
            const { csrPem } = await keysAndCsr('Desk 14');
            substitutes['<device-id>'] = (await enrolDevice(central.context, { code, csrPem, deviceName: 'Desk 14' }, '127.0.0.1')).deviceId;
          } finally {
            await central.close();
          }
        }
        if (args[0] === 'list-devices') expect(result.stdout).toContain(substitutes['<device-id>']);
        if (args[0] === 'verify-audit') expect(result.stdout).toMatch(/audit log intact/);
      }
      const central = await openCentral({ dataDir });
      try {
        const device = await central.db.selectFrom('devices').select('revoked_at').where('id', '=', substitutes['<device-id>']!).executeTakeFirstOrThrow();
        expect(device.revoked_at).not.toBeNull();
        const actions = (await central.db.selectFrom('audit_log').select('action').execute()).map((r) => r.action);
        expect(actions).toEqual(expect.arrayContaining(['device.enrolled', 'device.revoked', 'user.disabled', 'user.enabled']));
      } finally {
        await central.close();
      }
    }, 180_000);
  });
});
