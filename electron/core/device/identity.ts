import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { CareDeskError } from '../../../domain/errors';
import type { Keychain } from '../keychain';

x509.cryptoProvider.set(globalThis.crypto);

/**
 * The workstation's device certificate (DESIGN §1: "the workstation proves itself with a device
 * certificate"). The private key lives only in the OS keychain; the certificate is public and
 * kept in the data dir.
 */
export interface DeviceIdentity {
  deviceId: string;
  certificatePem: string;
  keyPem: string;
}

const KEY_ACCOUNT = 'device-key';
const identityFile = (dataDir: string) => join(dataDir, 'device.json');

export async function loadDeviceIdentity(dataDir: string, keychain: Keychain): Promise<DeviceIdentity | null> {
  if (!existsSync(identityFile(dataDir))) return null;
  const { deviceId, certificatePem } = JSON.parse(readFileSync(identityFile(dataDir), 'utf8')) as { deviceId: string; certificatePem: string };
  const keyPem = await keychain.get(KEY_ACCOUNT);
  if (!keyPem) {
    throw new CareDeskError('device_not_enrolled', 'This workstation’s device key is missing from the OS keychain. Ask IT for a new enrolment code.');
  }
  return { deviceId, certificatePem, keyPem };
}

/** A fresh key pair and a certificate request to send with an enrolment code. */
export async function createDeviceRequest(deviceName: string): Promise<{ csrPem: string; keyPem: string }> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await globalThis.crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${deviceName.replace(/[,=+<>#;"\\]/g, ' ')}`,
    keys,
    signingAlgorithm: algorithm,
  });
  const pkcs8 = await globalThis.crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { csrPem: csr.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

export async function saveDeviceIdentity(dataDir: string, keychain: Keychain, identity: DeviceIdentity): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  await keychain.set(KEY_ACCOUNT, identity.keyPem);
  const tmp = `${identityFile(dataDir)}.tmp`;
  writeFileSync(tmp, JSON.stringify({ deviceId: identity.deviceId, certificatePem: identity.certificatePem }, null, 2), { mode: 0o600 });
  renameSync(tmp, identityFile(dataDir));
}

/** On revocation: the key leaves the keychain and the certificate the disk. */
export async function forgetDeviceIdentity(dataDir: string, keychain: Keychain): Promise<void> {
  await keychain.delete(KEY_ACCOUNT);
  rmSync(identityFile(dataDir), { force: true });
}
