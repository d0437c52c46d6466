import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startCentralStore, type CentralStore } from '../../central';
import { createCertificateAuthority, issueServerCertificate, loadCertificateAuthority } from '../../central/pki/certificates';
import { API } from '../../domain';

describe('data directory and configuration', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'caredesk-datadir-test-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  async function start(dataDir: string): Promise<CentralStore> {
    const store = await startCentralStore({ dataDir, port: 0 });
    cleanup.push(() => store.close());
    return store;
  }

  /** the health route of the enrolment listener, the one that takes a client without a device certificate; both listeners show the same server certificate */
  async function health(store: CentralStore, ca: string): Promise<number> {
    const agent = new Agent({ connect: { ca } });
    try {
      return (await request(new URL(API.health, store.enrolmentUrl), { dispatcher: agent })).statusCode;
    } finally {
      await agent.destroy();
    }
  }

  it('keeps its CA across restarts', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const caPem = first.caPem;
    await first.close();
    const second = await start(dataDir);
    expect(second.caPem).toBe(caPem);
    expect(await health(second, caPem)).toBe(200);
  });

  it('serves the TLS material named in config.json, and makes no development CA', async () => {
    const dataDir = tempDir();
    const etc = join(tempDir(), 'etc');
    mkdirSync(etc);
    const ca = await createCertificateAuthority('Provider Production', new Date());
    const server = await issueServerCertificate(await loadCertificateAuthority(ca), { dns: ['localhost'], ips: ['127.0.0.1'] }, new Date());
    const files = { cert: server.certPem, key: server.keyPem, ca: ca.certPem, caKey: ca.keyPem };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(etc, `${name}.pem`), content);
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({ tls: Object.fromEntries(Object.keys(files).map((name) => [name, join(etc, `${name}.pem`)])), sessionPolicy: { idleLockMinutes: 5, maxOfflineHours: 24 } }),
    );
    const store = await start(dataDir);
    expect(store.caPem).toBe(ca.certPem);
    expect(existsSync(join(dataDir, 'pki', 'ca.pem'))).toBe(false);
    expect(await health(store, ca.certPem)).toBe(200);
  });

  it('refuses a config.json it does not understand, naming the field', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ sessionPolicy: { idleLockMinutes: 60, maxOfflineHours: 24 } }));
    await expect(startCentralStore({ dataDir, port: 0 })).rejects.toMatchObject({ code: 'validation', issues: [expect.objectContaining({ field: 'sessionPolicy.idleLockMinutes' })] });
  });

  it('refuses audit checkpoints sent anywhere but an http(s) endpoint, or never (issue 16), naming the field', async () => {
    for (const [auditCheckpoints, field] of [
      [{ url: 'file:///etc/passwd' }, 'auditCheckpoints.url'],
      [{ intervalMinutes: 0 }, 'auditCheckpoints.intervalMinutes'],
      [{ file: '' }, 'auditCheckpoints.file'],
      [{ signWith: 'rsa' }, 'auditCheckpoints'],
    ] as const) {
      const dataDir = tempDir();
      writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ auditCheckpoints }));
      await expect(startCentralStore({ dataDir, port: 0 }), field).rejects.toMatchObject({ code: 'validation', issues: [expect.objectContaining({ field })] });
    }
  });
});
