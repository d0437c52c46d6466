import { createHash, hkdfSync } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hashRaw } from '@node-rs/argon2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CareDeskError } from '../../../domain/errors';
import { openCache } from '../../../electron/core/cache';
import type { Keychain } from '../../../electron/core/keychain';
import { DEVICE_SECRET_ACCOUNT, Vault } from '../../../electron/core/vault';
import { TEST_KDF, cacheFileHashes, customerPuts, piiOf, plaintextFound, removeTempDirs, runFixture, tempDir, testKeychain } from './helpers';

const USER = '6f1c2a4e-3b7d-4c55-9a11-0d2e5f7a8b90';
const PASSWORD = 'correct horse battery';
const seeded = customerPuts(0, 150);
const pii = seeded.customers.slice(0, 12).flatMap(piiOf);

function companions(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`];
}

/** Seeds a cache the way sync does after the first pull: normal pulls, committed to the WAL. */
function seed(file: string, key: Buffer | null) {
  const cache = openCache({ file, key });
  for (let i = 0; i < seeded.changes.length; i += 100) {
    const page = seeded.changes.slice(i, i + 100);
    cache.applyPull(page, page.at(-1)!.seq);
  }
  return cache;
}

function openError(file: string, key: Buffer): string {
  try {
    openCache({ file, key }).close();
    return 'opened';
  } catch (err) {
    return err instanceof CareDeskError ? err.code : String(err);
  }
}

describe('the cache is encrypted at rest (DESIGN §4)', () => {
  let keychain: Keychain;
  let clear: () => Promise<void>;
  beforeAll(async () => ({ keychain, clear } = await testKeychain()));
  afterEach(async () => clear());
  afterAll(() => removeTempDirs());

  it("keeps no customer's name, email, phone number or address readable in the database, its WAL or its shared-memory file", async () => {
    const vault = new Vault({ dataDir: tempDir(), keychain, kdf: TEST_KDF });
    const key = await vault.create(USER, 'jdoe', PASSWORD);
    const file = vault.cachePath(USER);
    const cache = seed(file, key);
    // while open, the latest pages are in the write-ahead log
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    expect(plaintextFound(companions(file), pii)).toEqual([]);
    // and only the user's OS account may read the files at all
    for (const part of companions(file)) expect(statSync(part).mode & 0o077, part).toBe(0);
    cache.close();
    expect(plaintextFound(companions(file), pii)).toEqual([]);
  });

  it('the same data in a plain cache is readable, so the scan above can fail', () => {
    const file = join(tempDir(), 'plain.db');
    const cache = seed(file, null);
    expect(plaintextFound(companions(file), pii)).toEqual(pii);
    cache.close();
    expect(plaintextFound(companions(file), pii)).toEqual(pii);
  });

  it('does not open with the keychain secret alone, with the password alone, or with a raw key made from either, and leaves the file as it was', async () => {
    const vault = new Vault({ dataDir: tempDir(), keychain, kdf: TEST_KDF });
    const key = await vault.create(USER, 'jdoe', PASSWORD);
    const file = vault.cachePath(USER);
    seed(file, key).close();
    const before = cacheFileHashes(file);

    // the device secret is there, the password is wrong
    await expect(vault.unlock(USER, 'wrong password')).rejects.toMatchObject({ code: 'unauthenticated' });
    // raw keys made from what one half gives
    const deviceSecret = Buffer.from((await keychain.get(DEVICE_SECRET_ACCOUNT))!, 'base64');
    const stretched = await hashRaw(PASSWORD, { salt: Buffer.alloc(16), memoryCost: TEST_KDF.memoryKiB, timeCost: 1, outputLen: 32 });
    const guesses = [
      deviceSecret,
      createHash('sha256').update(deviceSecret).digest(),
      createHash('sha256').update(PASSWORD).digest(),
      stretched,
      Buffer.from(hkdfSync('sha256', deviceSecret, Buffer.alloc(0), 'caredesk/cache-kek/v1', 32)),
    ];
    for (const guess of guesses) expect(openError(file, guess)).toBe('cache_unreadable');
    // the password is right, the device secret is gone from the keychain
    await keychain.delete(DEVICE_SECRET_ACCOUNT);
    await expect(vault.unlock(USER, PASSWORD)).rejects.toMatchObject({ code: 'cache_unreadable' });

    expect(cacheFileHashes(file)).toEqual(before);
  });

  it('does not open with a wrong key while a WAL holds unwritten pages, and leaves both files as they were', () => {
    const dir = tempDir();
    const file = join(dir, 'cache.db');
    const key = Buffer.alloc(32, 7);
    seed(file, key).close();
    // a process that dies with committed edits still in the WAL
    const result = runFixture('crashingCache.ts', { ...process.env, CUSTOMER_ID: seeded.customers[0]!.customer.id }, ['pending', file, key.toString('hex')]);
    expect(result.status).toBe(0);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    const before = cacheFileHashes(file);
    expect(openError(file, Buffer.alloc(32, 8))).toBe('cache_unreadable');
    expect(cacheFileHashes(file)).toEqual(before);
    const cache = openCache({ file, key });
    expect(cache.pendingMutations(10)).toHaveLength(3);
    cache.close();
  });

  it('a first sync cut off mid-page and then a wrong key: the file and its journal are untouched, and the right key rolls the page back', () => {
    const file = join(tempDir(), 'cache.db');
    const key = Buffer.alloc(32, 9);
    const result = runFixture('crashingCache.ts', process.env, ['first-sync', file, key.toString('hex')]);
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(`${file}-journal`)).toBe(true);
    const before = cacheFileHashes(file);
    expect(openError(file, Buffer.alloc(32, 1))).toBe('cache_unreadable');
    expect(cacheFileHashes(file)).toEqual(before);

    const cache = openCache({ file, key });
    expect(cache.isInitialSync()).toBe(true);
    cache.finishInitialSync();
    const first = customerPuts(0, 200);
    expect(cache.getMeta('cursor')).toBe(String(first.changes.at(-1)!.seq));
    expect(cache.getRecord('customer', first.customers[199]!.customer.id)).toMatchObject({ lastName: first.customers[199]!.customer.lastName });
    expect(cache.getRecord('customer', customerPuts(200, 1).customers[0]!.customer.id)).toBeNull();
    cache.close();
  });
});
