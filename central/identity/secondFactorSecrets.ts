import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { CareDeskError, RECOVERY_CODES } from '../../domain';

/**
 * TOTP secrets at rest (issue 14): sealed with AES-256-GCM under the store's second-factor key
 * (`second-factor.key` in the data dir, kept apart from the database and its backups), bound to the
 * user they belong to (the user id is the additional data: a sealed secret copied onto another user's
 * row does not open). Recovery codes and challenge tokens are stored as keyed hashes only.
 */
const VERSION = 'v1';

export function sealSecret(key: Buffer, userId: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`totp:${userId}`));
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64'), sealed.toString('base64'), cipher.getAuthTag().toString('base64')].join('.');
}

export function openSecret(key: Buffer, userId: string, sealed: string): string {
  const [version, iv, data, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !data || !tag) throw new CareDeskError('internal', 'a second factor is stored in a form this store cannot read');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(`totp:${userId}`));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Ten codes of 16 characters of base32 (80 bits each), grouped by four for reading aloud or typing. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES.count }, () => {
    const chars = [...randomBytes(16)].map((b) => ALPHABET[b & 31]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/** Keyed, so that a copy of the database without the key file cannot even try codes offline. */
export function recoveryCodeHash(key: Buffer, code: string): string {
  return createHmac('sha256', key).update(`recovery:${code.trim().toLowerCase()}`).digest('hex');
}

/** A half-done sign-in's token, stored only as its SHA-256 like a session's. */
export function challengeHash(token: string): string {
  return createHash('sha256').update(`challenge:${token}`).digest('hex');
}
