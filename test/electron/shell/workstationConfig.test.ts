import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configPath, readWorkstationFile } from '../../../electron/main/workstationConfig';

const dir = mkdtempSync(join(tmpdir(), 'caredesk-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

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

  it('refuses plain HTTP, a missing CA, or anything it does not know', () => {
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ serverUrl: 'http://central.example', caPem: PEM }));
    expect(() => readWorkstationFile(join(dir, 'b.json'))).toThrow();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ serverUrl: 'https://central.example' }));
    expect(() => readWorkstationFile(join(dir, 'c.json'))).toThrow(/caPem or caFile/);
    writeFileSync(join(dir, 'd.json'), JSON.stringify({ serverUrl: 'https://central.example', caPem: PEM, password: 'x' }));
    expect(() => readWorkstationFile(join(dir, 'd.json'))).toThrow();
  });
});
