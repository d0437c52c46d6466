import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** Argon2id at the OWASP minimum (m = 19 MiB, t = 2, p = 1): about 40 ms here. */
const PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

/** Made once, ahead of the first sign-in, so that even the first unknown username costs one verify. */
let decoy: Promise<string> | null = null;
export function prepareDecoy(): Promise<string> {
  decoy ??= hashPassword(randomBytes(18).toString('base64'));
  return decoy;
}

/**
 * Checks `password` against `passwordHash`, or against a decoy hash when the user does not exist,
 * so an unknown username costs the same time as a wrong password and the answer reveals nothing.
 */
export async function checkPassword(passwordHash: string | null, password: string): Promise<boolean> {
  const target = passwordHash ?? (await prepareDecoy());
  const ok = await verify(target, password).catch(() => false);
  return ok && passwordHash !== null;
}

/** A generated password for a new account: 20 characters, about 120 bits. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
