import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { UpdateSettings } from './workstationConfig';

/**
 * Updates from the provider's own server (electron-updater, generic provider) over HTTPS, trusting
 * only the organisation's CA, switched on and addressed by the machine-wide configuration. On
 * Linux the updater stays off: the deb comes from the provider's apt repository or MDM, and
 * electron-updater would need a password prompt to install it. What electron-updater checks
 * itself: the update's SHA-512 from latest.yml and, on Windows, the installer's Authenticode
 * publisher (win.signtoolOptions.publisherName in build/electron-builder.yml).
 */

/** The part of electron-updater's AppUpdater the desk uses. */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdatesAndNotify(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Electron's certificate as a verify proc sees it: PEM, and the chain above it. */
export interface PresentedCertificate {
  data: string;
  issuerCert?: PresentedCertificate;
}
export type VerifyProc = (request: { hostname: string; certificate: PresentedCertificate }, callback: (verdict: number) => void) => void;

/** the session electron-updater downloads through (its NET_SESSION_NAME), where the verify proc goes */
export const UPDATER_SESSION = 'electron-updater';
const CHECK_EVERY_MS = 6 * 3_600_000;
const ACCEPT = 0;
const REJECT = -2;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

export type UpdatePlan = { run: true; url: string; caPem: string } | { run: false; reason: string };

export function updatePlan(settings: UpdateSettings, platform: NodeJS.Platform, packaged: boolean): UpdatePlan {
  if (!settings.enabled) return { run: false, reason: settings.reason };
  if (platform === 'linux') return { run: false, reason: 'on Linux updates come from the provider’s apt repository or MDM' };
  if (!packaged) return { run: false, reason: 'updates apply to an installed CareDesk only' };
  return { run: true, url: settings.url, caPem: settings.caPem };
}

function certificates(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((one) => new X509Certificate(one));
}

function current(cert: X509Certificate, now: Date): boolean {
  return cert.validFromDate <= now && now <= cert.validToDate;
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/**
 * Whether a server certificate names `hostname` and chains, through the intermediates the server
 * sent, to one of the CAs in `caPem`. The operating system's roots play no part: a certificate any
 * public CA issued for the update host is refused.
 */
export function chainsToCa(hostname: string, presented: PresentedCertificate, caPem: string, now: Date = new Date()): boolean {
  const anchors = certificates(caPem);
  const chain: X509Certificate[] = [];
  for (let cert: PresentedCertificate | undefined = presented; cert && chain.length < 8; cert = cert.issuerCert) chain.push(...certificates(cert.data));
  const leaf = chain[0];
  if (!leaf || !current(leaf, now)) return false;
  if (!(isIP(hostname) ? leaf.checkIP(hostname) : leaf.checkHost(hostname))) return false;
  if (leaf.keyUsage && !leaf.keyUsage.includes(SERVER_AUTH)) return false;
  let cert = leaf;
  for (let depth = 0; depth < chain.length; depth++) {
    if (anchors.some((anchor) => anchor.fingerprint256 === cert.fingerprint256 || signedBy(cert, anchor))) return true;
    const issuer = chain.find((candidate) => candidate !== cert && candidate.ca && current(candidate, now) && signedBy(cert, candidate));
    if (!issuer) return false;
    cert = issuer;
  }
  return false;
}

export function trustOnly(caPem: string, now: () => Date = () => new Date()): VerifyProc {
  return (request, callback) => {
    let verdict = REJECT;
    try {
      if (chainsToCa(request.hostname, request.certificate, caPem, now())) verdict = ACCEPT;
    } catch {
      // an unreadable certificate is refused like an untrusted one
    }
    callback(verdict);
  };
}

/**
 * Points the updater at the configured server, makes its session trust only the configured CA,
 * and checks now and every few hours; the update installs when the app quits. Returns a stop.
 */
export function startUpdates(options: {
  plan: UpdatePlan & { run: true };
  updater: Updater;
  session: { setCertificateVerifyProc(proc: VerifyProc): void };
  log: (message: string) => void;
}): () => void {
  const { plan, updater, session, log } = options;
  session.setCertificateVerifyProc(trustOnly(plan.caPem));
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.allowDowngrade = false;
  updater.allowPrerelease = false;
  updater.setFeedURL({ provider: 'generic', url: plan.url });
  updater.on('error', (error) => log(`update check failed: ${error.message}`));
  const check = () => void updater.checkForUpdatesAndNotify().catch((error: Error) => log(`update check failed: ${error.message}`));
  check();
  const timer = setInterval(check, CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
