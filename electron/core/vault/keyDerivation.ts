import { hkdfSync } from 'node:crypto';
import { hashRaw } from '@node-rs/argon2';

/**
 * The key-encryption key of a cache (DESIGN §4): Argon2id of the password, joined with the
 * device secret from the OS keychain, through HKDF-SHA256. Neither half alone derives it: a
 * copied disk lacks the device secret, an open OS session lacks the password.
 */
export interface Argon2Params {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** OWASP's first Argon2id choice is m=46 MiB, t=1; we spend more (about 0.3 s on a 2-core laptop). */
export const DEFAULT_ARGON2: Argon2Params = { memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 };

export const KDF_NAME = 'argon2id(password, salt) || deviceSecret -> hkdf-sha256(salt, info)';
export const KEK_INFO = 'caredesk/cache-kek/v1';
const ARGON2ID = 2; // Algorithm.Argon2id (an ambient const enum, not importable under isolatedModules)

export async function deriveKek(password: string, deviceSecret: Buffer, salt: Buffer, params: Argon2Params, info = KEK_INFO): Promise<Buffer> {
  const stretched = await hashRaw(password, {
    algorithm: ARGON2ID,
    salt,
    memoryCost: params.memoryKiB,
    timeCost: params.iterations,
    parallelism: params.parallelism,
    outputLen: 32,
  });
  const ikm = Buffer.concat([stretched, deviceSecret]);
  try {
    return Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
  } finally {
    stretched.fill(0);
    ikm.fill(0);
  }
}
