import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { CareDeskError, ValidationError } from '../../domain';

/**
 * The organisation's certificates (DESIGN §1, "SSL with mutual authentication"): a CA, the server
 * certificate it signs, and one client certificate per enrolled workstation. ECDSA P-256 throughout.
 */
// Node's global Web Crypto (typed as the DOM's, which @peculiar/x509 expects)
x509.cryptoProvider.set(globalThis.crypto);
const subtle = globalThis.crypto.subtle;

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
/** Certificates start an hour early so a peer whose clock is slightly behind still accepts them. */
const BACKDATE = 3_600_000;

export interface KeyedCertificate {
  certPem: string;
  keyPem: string;
}

/** The issuing CA as loaded for signing. */
export interface CertificateAuthority {
  cert: x509.X509Certificate;
  key: CryptoKey;
  certPem: string;
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f; // positive, as RFC 5280 requires
  return bytes.toString('hex');
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

export async function createCertificateAuthority(organisation: string, now: Date): Promise<KeyedCertificate> {
  const keys = await subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${organisation} CA, O=${organisation}`,
    notBefore: new Date(now.getTime() - BACKDATE),
    notAfter: new Date(now.getTime() + 3650 * DAY),
    signingAlgorithm: SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

export async function loadCertificateAuthority(material: KeyedCertificate): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(material.certPem);
  const der = x509.PemConverter.decodeFirst(material.keyPem);
  const key = await subtle.importKey('pkcs8', der, EC_KEY, false, ['sign']);
  return { cert, key, certPem: material.certPem };
}

export async function issueServerCertificate(ca: CertificateAuthority, names: { dns: string[]; ips: string[] }, now: Date): Promise<KeyedCertificate> {
  const keys = await subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${names.dns[0] ?? names.ips[0] ?? 'central'}`,
    issuer: ca.cert.subject,
    notBefore: new Date(now.getTime() - BACKDATE),
    notAfter: new Date(now.getTime() + 365 * DAY),
    signingAlgorithm: SIGNING,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: 'dns' as const, value })),
        ...names.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

/** Reads a workstation's certificate request, refusing one whose self-signature does not verify. */
export async function readCertificateRequest(csrPem: string): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch {
    throw new ValidationError([{ field: 'csrPem', rule: 'csr.format', message: 'not a PEM certificate request' }]);
  }
  const verified = await csr.verify().catch(() => false);
  if (!verified) throw new ValidationError([{ field: 'csrPem', rule: 'csr.signature', message: 'the request is not signed by its own key' }]);
  const algorithm = csr.publicKey.algorithm as EcKeyAlgorithm;
  if (algorithm.name !== 'ECDSA' || !['P-256', 'P-384'].includes(algorithm.namedCurve)) {
    throw new ValidationError([{ field: 'csrPem', rule: 'csr.key', message: 'the device key must be ECDSA P-256 or P-384' }]);
  }
  return csr;
}

/** A device certificate: CN = device id, client authentication only, one year. */
export async function signDeviceCertificate(ca: CertificateAuthority, csr: x509.Pkcs10CertificateRequest, deviceId: string, now: Date): Promise<string> {
  try {
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialNumber(),
      subject: `CN=${deviceId}`,
      issuer: ca.cert.subject,
      notBefore: new Date(now.getTime() - BACKDATE),
      notAfter: new Date(now.getTime() + 365 * DAY),
      signingAlgorithm: SIGNING,
      publicKey: csr.publicKey,
      signingKey: ca.key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      ],
    });
    return cert.toString('pem');
  } catch (err) {
    throw new CareDeskError('validation', `cannot sign the device certificate: ${(err as Error).message}`);
  }
}

/** The identity of a certificate: SHA-256 of its DER encoding, lower-case hex. */
export function certificateFingerprint(certDerOrPem: Buffer | string): string {
  const der = typeof certDerOrPem === 'string' ? Buffer.from(x509.PemConverter.decodeFirst(certDerOrPem)) : certDerOrPem;
  return createHash('sha256').update(der).digest('hex');
}

export function certificateExpiry(certPem: string): Date {
  return new x509.X509Certificate(certPem).notAfter;
}
