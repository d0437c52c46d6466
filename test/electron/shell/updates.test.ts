import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCertificateAuthority, issueServerCertificate, loadCertificateAuthority } from '../../../central/pki/certificates';
import { chainsToCa, startUpdates, trustOnly, updatePlan, type Updater, type VerifyProc } from '../../../electron/main/updates';

/**
 * The desk updates itself only from the provider's server, only over a certificate the
 * organisation's CA issued, and only where the machine-wide configuration says so.
 */
const NOW = new Date();
const YEAR = 365 * 86_400_000;
let caPem: string;
let updatesCert: string;
let otherCaCert: string;
let forgedCert: string;
let expiredCert: string;
let ipCert: string;

beforeAll(async () => {
  const ca = await loadCertificateAuthority(await createCertificateAuthority('Provider', NOW));
  const evil = await loadCertificateAuthority(await createCertificateAuthority('Provider', NOW));
  caPem = ca.certPem;
  updatesCert = (await issueServerCertificate(ca, { dns: ['updates.example'], ips: [] }, NOW)).certPem;
  ipCert = (await issueServerCertificate(ca, { dns: [], ips: ['10.0.0.5'] }, NOW)).certPem;
  expiredCert = (await issueServerCertificate(ca, { dns: ['updates.example'], ips: [] }, new Date(NOW.getTime() - 2 * YEAR))).certPem;
  // an attacker's CA with the same name: the certificate looks right and names the right host
  forgedCert = (await issueServerCertificate(evil, { dns: ['updates.example'], ips: [] }, NOW)).certPem;
  otherCaCert = evil.certPem;
});

describe('whether the desk updates itself', () => {
  const on = { enabled: true as const, url: 'https://updates.example/desk', caPem: 'CA' };

  it('only where the machine-wide configuration switches updates on', () => {
    expect(updatePlan({ enabled: false, reason: 'updates are switched off in /etc/caredesk/workstation.json' }, 'win32', true)).toEqual({
      run: false,
      reason: 'updates are switched off in /etc/caredesk/workstation.json',
    });
    expect(updatePlan(on, 'win32', true)).toEqual({ run: true, url: 'https://updates.example/desk', caPem: 'CA' });
    expect(updatePlan(on, 'darwin', true)).toMatchObject({ run: true });
  });

  it('never on Linux, where the apt repository or MDM updates it, nor when it is not installed', () => {
    expect(updatePlan(on, 'linux', true)).toMatchObject({ run: false, reason: expect.stringMatching(/apt repository or MDM/) });
    expect(updatePlan(on, 'win32', false)).toMatchObject({ run: false });
  });
});

describe('the update server’s certificate', () => {
  const presented = (pem: string, issuer?: string) => ({ data: pem, ...(issuer ? { issuerCert: { data: issuer } } : {}) });

  it('is trusted when the organisation CA issued it for that host', () => {
    expect(chainsToCa('updates.example', presented(updatesCert), caPem)).toBe(true);
    expect(chainsToCa('updates.example', presented(updatesCert, caPem), caPem)).toBe(true);
    expect(chainsToCa('10.0.0.5', presented(ipCert), caPem)).toBe(true);
  });

  it('is refused for another host, after it expired, or from any other CA, even one that claims the same name', () => {
    expect(chainsToCa('evil.example', presented(updatesCert), caPem)).toBe(false);
    expect(chainsToCa('updates.example', presented(expiredCert), caPem)).toBe(false);
    expect(chainsToCa('updates.example', presented(forgedCert), caPem)).toBe(false);
    expect(chainsToCa('updates.example', presented(forgedCert, otherCaCert), caPem)).toBe(false);
    // the attacker sends the real CA as the issuer: its signature is not on the forged certificate
    expect(chainsToCa('updates.example', presented(forgedCert, caPem), caPem)).toBe(false);
  });

  it('decides the verify proc of the updater’s session: accept (0) or refuse (-2), never the OS roots (-3)', () => {
    const verdicts: number[] = [];
    const proc = trustOnly(caPem);
    proc({ hostname: 'updates.example', certificate: presented(updatesCert) }, (verdict) => verdicts.push(verdict));
    proc({ hostname: 'updates.example', certificate: presented(forgedCert) }, (verdict) => verdicts.push(verdict));
    proc({ hostname: 'updates.example', certificate: presented('-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----') }, (verdict) => verdicts.push(verdict));
    proc({ hostname: 'updates.example', certificate: presented('') }, (verdict) => verdicts.push(verdict));
    expect(verdicts).toEqual([0, -2, -2, -2]);
  });
});

describe('the updater', () => {
  afterEach(() => vi.useRealTimers());

  function fakeUpdater() {
    const calls: string[] = [];
    let onError: ((error: Error) => void) | undefined;
    const updater: Updater & { feed?: unknown } = {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      allowDowngrade: true,
      allowPrerelease: true,
      setFeedURL(options) {
        updater.feed = options;
      },
      checkForUpdatesAndNotify: async () => calls.push('check'),
      on: (_event, listener) => (onError = listener),
    };
    return { updater, calls, fail: (error: Error) => onError?.(error) };
  }

  it('asks the configured server over the session that trusts only the organisation CA, now and every six hours', async () => {
    vi.useFakeTimers();
    const { updater, calls, fail } = fakeUpdater();
    let proc: VerifyProc | undefined;
    const log: string[] = [];
    const stop = startUpdates({
      plan: { run: true, url: 'https://updates.example/desk', caPem },
      updater,
      session: { setCertificateVerifyProc: (installed) => (proc = installed) },
      log: (message) => log.push(message),
    });
    expect(updater.feed).toEqual({ provider: 'generic', url: 'https://updates.example/desk' });
    expect(updater).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true, allowDowngrade: false, allowPrerelease: false });
    const verdicts: number[] = [];
    proc?.({ hostname: 'updates.example', certificate: { data: updatesCert } }, (verdict) => verdicts.push(verdict));
    proc?.({ hostname: 'updates.example', certificate: { data: forgedCert } }, (verdict) => verdicts.push(verdict));
    expect(verdicts).toEqual([0, -2]);

    expect(calls).toEqual(['check']);
    await vi.advanceTimersByTimeAsync(6 * 3_600_000);
    expect(calls).toEqual(['check', 'check']);
    fail(new Error('net::ERR_CERT_INVALID'));
    expect(log).toEqual(['update check failed: net::ERR_CERT_INVALID']);
    stop();
    await vi.advanceTimersByTimeAsync(12 * 3_600_000);
    expect(calls).toHaveLength(2);
  });
});
