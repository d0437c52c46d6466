import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A 256-bit key sealed with AES-256-GCM under a key-encryption key. */
export interface WrappedKey {
  alg: 'aes-256-gcm';
  nonce: string;
  ciphertext: string;
  tag: string;
}

export function wrapKey(kek: Buffer, key: Buffer, aad: string): WrappedKey {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(key), cipher.final()]);
  return { alg: 'aes-256-gcm', nonce: nonce.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** The key, or null when the tag does not verify (wrong password, other device, altered file). */
export function unwrapKey(kek: Buffer, wrapped: WrappedKey, aad: string): Buffer | null {
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(wrapped.nonce, 'base64'));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(wrapped.tag, 'base64'));
  const plain = decipher.update(Buffer.from(wrapped.ciphertext, 'base64'));
  try {
    return Buffer.concat([plain, decipher.final()]);
  } catch {
    return null;
  } finally {
    plain.fill(0);
  }
}
