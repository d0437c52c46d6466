import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { CareDeskError } from '../../../domain/errors';

/**
 * The two files of the vault: `users/<userId>/vault.json` (the wrapped cache key and how its
 * wrapping key is derived, so the parameters can be raised later) and `users/accounts.json`
 * (username → user id, for an offline unlock and for "which user was locked").
 */
export const VAULT_FORMAT = 'caredesk-vault/1';

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const VaultFile = z.object({
  format: z.literal(VAULT_FORMAT),
  userId: z.string(),
  username: z.string(),
  kdf: z.object({
    name: z.string(),
    argon2: z.object({
      memoryKiB: z.number().int().min(8),
      iterations: z.number().int().min(1),
      parallelism: z.number().int().min(1).max(255),
      salt: Base64,
    }),
    hkdfInfo: z.string(),
  }),
  wrappedKey: z.object({ alg: z.literal('aes-256-gcm'), nonce: Base64, ciphertext: Base64, tag: Base64 }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type VaultFile = z.infer<typeof VaultFile>;

export const AccountsFile = z.object({
  format: z.literal(1),
  accounts: z.record(z.string(), z.string()),
});
export type AccountsFile = z.infer<typeof AccountsFile>;

export function readJsonFile<S extends z.ZodType>(file: string, schema: S, what: string): z.output<S> | null {
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new CareDeskError('cache_unreadable', `the ${what} at ${file} is not readable JSON; it was left as it is`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new CareDeskError('cache_unreadable', `the ${what} at ${file} is not in the expected format; it was left as it is`);
  return parsed.data;
}

/** Write-then-rename, flushed, so a crash leaves either the old file or the new one, never half of one. */
export function writeJsonFileAtomically(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(value, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}
