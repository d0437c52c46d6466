import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  configFiles,
  configPath,
  loadWorkstationConfig,
  machineConfigPath,
  readWorkstationFile,
  writableOnlyByRoot,
  type ConfigFiles,
} from '../../../electron/main/workstationConfig';

const dir = mkdtempSync(join(tmpdir(), 'caredesk-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const UPDATES_PEM = '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n';

function file(name: string, content: object): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(content));
  return path;
}

/** these files are the test's own, not root's: the ownership rule has its own test below */
const anyOwner = { platform: 'linux' as const, trusted: () => true };
const machine = (content: object) => file(`machine-${Math.random().toString(36).slice(2)}/workstation.json`, content);
const user = (content: object) => file(`user-${Math.random().toString(36).slice(2)}.json`, content);
const nowhere = join(dir, 'no-such-folder/workstation.json');

describe('the workstation configuration', () => {
  it('is named by CAREDESK_WORKSTATION_CONFIG, else sits in the app data folder', () => {
    expect(configPath({ CAREDESK_WORKSTATION_CONFIG: '/etc/caredesk/ws.json' }, '/home/u/.config/CareDesk')).toBe('/etc/caredesk/ws.json');
    expect(configPath({}, '/home/u/.config/CareDesk')).toBe('/home/u/.config/CareDesk/workstation.json');
  });

  it('reads the central store URL and the CA to pin, from the file or beside it', () => {
    writeFileSync(join(dir, 'ca.pem'), PEM);
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ serverUrl: 'https://central.example:8443', caFile: 'ca.pem', enrolmentCode: 'ABCD-EFGH-1234' }));
    expect(readWorkstationFile(join(dir, 'a.json'))).toEqual({ serverUrl: 'https://central.example:8443', caPem: PEM, enrolmentCode: 'ABCD-EFGH-1234' });
  });

  it('reads an enrolment listener that is not on the default port, over HTTPS only', () => {
    writeFileSync(join(dir, 'e.json'), JSON.stringify({ serverUrl: 'https://central.example:8443', enrolmentUrl: 'https://enrol.example:9443', caPem: PEM }));
    expect(readWorkstationFile(join(dir, 'e.json'))).toEqual({ serverUrl: 'https://central.example:8443', enrolmentUrl: 'https://enrol.example:9443', caPem: PEM });
    writeFileSync(join(dir, 'f.json'), JSON.stringify({ serverUrl: 'https://central.example:8443', enrolmentUrl: 'http://enrol.example:9443', caPem: PEM }));
    expect(() => readWorkstationFile(join(dir, 'f.json'))).toThrow(/enrolmentUrl/);
  });

  it('refuses plain HTTP, a missing CA, or anything it does not know', () => {
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ serverUrl: 'http://central.example', caPem: PEM }));
    expect(() => readWorkstationFile(join(dir, 'b.json'))).toThrow();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ serverUrl: 'https://central.example' }));
    expect(() => readWorkstationFile(join(dir, 'c.json'))).toThrow(/caPem or caFile/);
    writeFileSync(join(dir, 'd.json'), JSON.stringify({ serverUrl: 'https://central.example', caPem: PEM, password: 'x' }));
    expect(() => readWorkstationFile(join(dir, 'd.json'))).toThrow();
  });
});

describe('the machine-wide configuration', () => {
  it('sits where an installer or MDM puts it, whatever the environment says', () => {
    expect(machineConfigPath('linux')).toBe('/etc/caredesk/workstation.json');
    expect(machineConfigPath('win32')).toBe('C:\\ProgramData\\CareDesk\\workstation.json');
    expect(machineConfigPath('darwin')).toBe('/Library/Application Support/CareDesk/workstation.json');
  });

  it('is read by an installed desk, which ignores CAREDESK_WORKSTATION_CONFIG; in development that variable wins', () => {
    const env = { CAREDESK_WORKSTATION_CONFIG: '/home/u/dev.json' };
    expect(configFiles({ platform: 'linux', env, userDataDir: '/home/u/.config/CareDesk', packaged: true })).toEqual({
      machine: '/etc/caredesk/workstation.json',
      user: '/home/u/.config/CareDesk/workstation.json',
    });
    expect(configFiles({ platform: 'linux', env, userDataDir: '/home/u/.config/CareDesk', packaged: false })).toEqual({ machine: null, user: '/home/u/dev.json' });
    expect(configFiles({ platform: 'linux', env: {}, userDataDir: '/home/u/.config/CareDesk', packaged: false }).machine).toBe('/etc/caredesk/workstation.json');
  });

  it('takes precedence over the user-writable file, for the server and for the update switch', () => {
    const files: ConfigFiles = {
      machine: machine({ serverUrl: 'https://central.example', caPem: PEM, updates: { enabled: true, url: 'https://updates.example/desk' } }),
      user: user({ serverUrl: 'https://elsewhere.example', caPem: UPDATES_PEM }),
    };
    expect(loadWorkstationConfig(files, anyOwner)).toMatchObject({
      file: files.machine,
      serverUrl: 'https://central.example',
      caPem: PEM,
      updates: { enabled: true, url: 'https://updates.example/desk', caPem: PEM },
    });
  });

  it('carries no enrolment code: the same file reaches every desk, so a code in it would enrol any copy', () => {
    const files: ConfigFiles = {
      machine: machine({ serverUrl: 'https://central.example', caPem: PEM, enrolmentCode: 'ABCD-EFGH-JKMN-PQRS' }),
      user: nowhere,
    };
    expect(() => loadWorkstationConfig(files, anyOwner)).toThrow(/enrolmentCode does not belong in the machine-wide configuration/);
  });

  it('keeps updates off when it switches them off, whatever the user-writable file says', () => {
    const files: ConfigFiles = {
      machine: machine({ serverUrl: 'https://central.example', caPem: PEM, updates: { enabled: false } }),
      user: user({ serverUrl: 'https://central.example', caPem: PEM, updates: { enabled: true, url: 'https://mine.example' } }),
    };
    expect(loadWorkstationConfig(files, anyOwner).updates).toEqual({ enabled: false, reason: `updates are switched off in ${files.machine}` });
  });

  it('does not let a user-writable file turn updates on or off, or change the update URL', () => {
    const on = user({ serverUrl: 'https://central.example', caPem: PEM, updates: { enabled: true, url: 'https://mine.example' } });
    expect(() => loadWorkstationConfig({ machine: nowhere, user: on }, anyOwner)).toThrow(/updates can be set only in the machine-wide configuration/);
    const off = user({ serverUrl: 'https://central.example', caPem: PEM, updates: { enabled: false } });
    expect(() => loadWorkstationConfig({ machine: nowhere, user: off }, anyOwner)).toThrow(/updates can be set only in the machine-wide configuration/);
    const plain = user({ serverUrl: 'https://central.example', caPem: PEM });
    expect(loadWorkstationConfig({ machine: nowhere, user: plain }, anyOwner)).toMatchObject({
      file: plain,
      serverUrl: 'https://central.example',
      updates: { enabled: false, reason: `updates are switched on only in ${nowhere}` },
    });
    expect(loadWorkstationConfig({ machine: null, user: plain }, anyOwner).updates).toEqual({ enabled: false, reason: 'updates are off in development' });
  });

  it('trusts the update server through its own CA when one is given, and needs its URL, over HTTPS', () => {
    writeFileSync(join(dir, 'updates-ca.pem'), UPDATES_PEM);
    const own = machine({ serverUrl: 'https://central.example', caPem: PEM, updates: { enabled: true, url: 'https://updates.example', caFile: join(dir, 'updates-ca.pem') } });
    expect(loadWorkstationConfig({ machine: own, user: nowhere }, anyOwner).updates).toEqual({ enabled: true, url: 'https://updates.example', caPem: UPDATES_PEM });
    const noUrl = machine({ serverUrl: 'https://central.example', caPem: PEM, updates: { enabled: true } });
    expect(() => loadWorkstationConfig({ machine: noUrl, user: nowhere }, anyOwner)).toThrow(/updates.url is needed/);
    const plainHttp = machine({ serverUrl: 'https://central.example', caPem: PEM, updates: { enabled: true, url: 'http://updates.example' } });
    expect(() => loadWorkstationConfig({ machine: plainHttp, user: nowhere }, anyOwner)).toThrow(/updates\.url/);
  });

  it('is refused on Linux and macOS unless it and its folder belong to root and no one else may write them', () => {
    expect(writableOnlyByRoot({ uid: 0, mode: 0o100644 })).toBe(true);
    expect(writableOnlyByRoot({ uid: 0, mode: 0o040755 })).toBe(true);
    expect(writableOnlyByRoot({ uid: 1000, mode: 0o100644 })).toBe(false);
    expect(writableOnlyByRoot({ uid: 0, mode: 0o100664 })).toBe(false);
    expect(writableOnlyByRoot({ uid: 0, mode: 0o100666 })).toBe(false);
    const files = { machine: machine({ serverUrl: 'https://central.example', caPem: PEM }), user: nowhere };
    expect(() => loadWorkstationConfig(files, { platform: 'linux', trusted: () => false })).toThrow(/may be written by users other than root/);
    expect(() => loadWorkstationConfig(files, { platform: 'darwin', trusted: () => false })).toThrow(/may be written by users other than root/);
    // on Windows the installer restricts the folder (build/installer.nsh)
    expect(loadWorkstationConfig(files, { platform: 'win32', trusted: () => false }).serverUrl).toBe('https://central.example');
  });
});
