import { createPrivateKey, sign } from 'node:crypto';
import { viewHeadMessage, type ViewChainHead } from '../../../domain/sync/viewChain';
import type { DeviceIdentity } from './identity';

/**
 * Signs the head of a cache's chain of offline reads (issue 16, domain/sync/viewChain.ts) with the
 * device key, the one the desk proves itself with in mutual TLS (ECDSA, SHA-256, DER): the store
 * checks it against the device certificate it issued, so a head is this desk's and no other's.
 */
export function viewHeadSigner(identity: Pick<DeviceIdentity, 'deviceId' | 'keyPem'>): (clientId: string, head: { seq: number; hash: string }) => ViewChainHead {
  const key = createPrivateKey(identity.keyPem);
  return (clientId, head) => ({ seq: head.seq, hash: head.hash, signature: sign('sha256', Buffer.from(viewHeadMessage(identity.deviceId, clientId, head)), key).toString('base64') });
}
