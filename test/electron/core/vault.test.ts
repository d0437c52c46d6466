import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CareDeskError } from '../../../domain/errors';
import type { Keychain } from '../../../electron/core/keychain';
import { DEFAULT_ARGON2, DEVICE_SECRET_ACCOUNT, Vault } from '../../../electron/core/vault';
import { TEST_KDF, removeTempDirs, tempDir, testKeychain } from './helpers';

const USER = '6f1c2a4e-3b7d-4c55-9a11-0d2e5f7a8b90';
const OTHER_USER = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    return err instanceof CareDeskError ? err.code : String(err);
  }
}

describe('the vault: a random cache key, wrapped under password and device secret', () => {
  let keychain: Keychain;
  let clear: () => Promise<void>;
  beforeAll(async () => ({ keychain, clear } = await testKeychain()));
  afterEach(async () => clear());
  afterAll(() => removeTempDirs());

  it('creates a random 256-bit cache key that is stored only wrapped, with the KDF described', async () => {
    const dataDir = tempDir();
    const vault = new Vault({ dataDir, keychain, kdf: TEST_KDF });
    const key = await vault.create(USER, 'Jdoe', 'correct horse');
    expect(key).toHaveLength(32);
    const file = readFileSync(join(dataDir, 'users', USER, 'vault.json'), 'utf8');
    expect(file).not.toContain(key.toString('hex'));
    expect(file).not.toContain(key.toString('base64'));
    const parsed = JSON.parse(file);
    expect(parsed.kdf.argon2).toMatchObject({ memoryKiB: TEST_KDF.memoryKiB, iterations: 1, parallelism: 1 });
    expect(parsed.kdf.name).toMatch(/argon2id.*deviceSecret.*hkdf-sha256/);
    expect(parsed.wrappedKey.alg).toBe('aes-256-gcm');
    expect(vault.userIdFor('jdoe')).toBe(USER);
    expect(vault.userIdFor('someone')).toBeNull();
    expect(vault.hasCache(USER)).toBe(true);
    expect(vault.cachePath(USER)).toBe(join(dataDir, 'users', USER, 'cache.db'));
    // the device secret is in the OS keychain, 32 random bytes
    expect(Buffer.from((await keychain.get(DEVICE_SECRET_ACCOUNT))!, 'base64')).toHaveLength(32);
  });

  it('unlocks with the password alone on this workstation', async () => {
    const vault = new Vault({ dataDir: tempDir(), keychain, kdf: TEST_KDF });
    const key = await vault.create(USER, 'jdoe', 'correct horse');
    expect((await vault.unlock(USER, 'correct horse')).equals(key)).toBe(true);
  });

  it('refuses a wrong password', async () => {
    const vault = new Vault({ dataDir: tempDir(), keychain, kdf: TEST_KDF });
    await vault.create(USER, 'jdoe', 'correct horse');
    await expect(vault.unlock(USER, 'wrong horse')).rejects.toMatchObject({ code: 'unauthenticated', message: 'wrong password' });
  });

  it('opens nothing with the password alone when the device secret is gone from the keychain', async () => {
    const vault = new Vault({ dataDir: tempDir(), keychain, kdf: TEST_KDF });
    await vault.create(USER, 'jdoe', 'correct horse');
    await keychain.delete(DEVICE_SECRET_ACCOUNT);
    expect(await codeOf(vault.unlock(USER, 'correct horse'))).toBe('cache_unreadable');
    // nor with a new device secret (another workstation's keychain, or a recreated one)
    await new Vault({ dataDir: tempDir(), keychain, kdf: TEST_KDF }).create(OTHER_USER, 'other', 'pw');
    expect(await codeOf(vault.unlock(USER, 'correct horse'))).toBe('unauthenticated');
  });

  it("binds a wrapped key to its user: one user's vault file does not open as another's", async () => {
    const dataDir = tempDir();
    const vault = new Vault({ dataDir, keychain, kdf: TEST_KDF });
    await vault.create(USER, 'jdoe', 'pw-one');
    await vault.create(OTHER_USER, 'other', 'pw-one');
    const mine = JSON.parse(readFileSync(join(dataDir, 'users', USER, 'vault.json'), 'utf8'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dataDir, 'users', OTHER_USER, 'vault.json'), JSON.stringify({ ...mine, userId: OTHER_USER }));
    expect(await codeOf(vault.unlock(OTHER_USER, 'pw-one'))).toBe('unauthenticated');
  });

  it('rewraps the same cache key under a new password, with the current KDF cost', async () => {
    const dataDir = tempDir();
    const key = await new Vault({ dataDir, keychain, kdf: TEST_KDF }).create(USER, 'jdoe', 'old password');
    const stronger = { ...TEST_KDF, memoryKiB: 16 * 1024, iterations: 2 };
    const vault = new Vault({ dataDir, keychain, kdf: stronger });
    await vault.rewrap(USER, key, 'new password');
    expect((await vault.unlock(USER, 'new password')).equals(key)).toBe(true);
    expect(await codeOf(vault.unlock(USER, 'old password'))).toBe('unauthenticated');
    expect(JSON.parse(readFileSync(join(dataDir, 'users', USER, 'vault.json'), 'utf8')).kdf.argon2).toMatchObject({ memoryKiB: 16 * 1024, iterations: 2 });
  });

  it('uses strong Argon2id parameters unless told otherwise', async () => {
    expect(DEFAULT_ARGON2.memoryKiB).toBeGreaterThanOrEqual(64 * 1024);
    expect(DEFAULT_ARGON2.iterations).toBeGreaterThanOrEqual(3);
    const dataDir = tempDir();
    const vault = new Vault({ dataDir, keychain });
    const key = await vault.create(USER, 'jdoe', 'correct horse');
    expect(JSON.parse(readFileSync(join(dataDir, 'users', USER, 'vault.json'), 'utf8')).kdf.argon2).toMatchObject(DEFAULT_ARGON2);
    expect((await vault.unlock(USER, 'correct horse')).equals(key)).toBe(true);
  });

  it('wipes a revoked user: cache files, vault file and account mapping', async () => {
    const dataDir = tempDir();
    const vault = new Vault({ dataDir, keychain, kdf: TEST_KDF });
    await vault.create(USER, 'jdoe', 'pw');
    await vault.create(OTHER_USER, 'other', 'pw');
    const { writeFileSync } = await import('node:fs');
    for (const suffix of ['', '-wal', '-shm']) writeFileSync(`${vault.cachePath(USER)}${suffix}`, 'x');
    await vault.wipe(USER);
    for (const suffix of ['', '-wal', '-shm']) expect(existsSync(`${vault.cachePath(USER)}${suffix}`)).toBe(false);
    expect(existsSync(join(dataDir, 'users', USER))).toBe(false);
    expect(vault.hasCache(USER)).toBe(false);
    expect(vault.userIdFor('jdoe')).toBeNull();
    expect(vault.userIdFor('other')).toBe(OTHER_USER);
    expect(await codeOf(vault.unlock(USER, 'pw'))).toBe('not_found');
    // the other user's cache still opens: the shared device secret stays while a cache needs it
    expect((await vault.unlock(OTHER_USER, 'pw'))).toHaveLength(32);
    await vault.wipe(OTHER_USER);
    expect(await keychain.get(DEVICE_SECRET_ACCOUNT)).toBeNull();
  });

  it('wipes a revoked device: every cache and the device secret', async () => {
    const dataDir = tempDir();
    const vault = new Vault({ dataDir, keychain, kdf: TEST_KDF });
    await vault.create(USER, 'jdoe', 'pw');
    await vault.wipeDevice();
    expect(existsSync(join(dataDir, 'users'))).toBe(false);
    expect(await keychain.get(DEVICE_SECRET_ACCOUNT)).toBeNull();
  });

  it('sets aside, untouched, a cache the current password no longer opens, so a new one can start', async () => {
    const dataDir = tempDir();
    const vault = new Vault({ dataDir, keychain, kdf: TEST_KDF });
    await vault.create(USER, 'jdoe', 'old');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(vault.cachePath(USER), 'old cache bytes');
    const folder = await vault.setAside(USER);
    expect(readdirSync(folder).sort()).toEqual(['cache.db', 'vault.json']);
    expect(readFileSync(join(folder, 'cache.db'), 'utf8')).toBe('old cache bytes');
    expect(vault.hasCache(USER)).toBe(false);
    const key = await vault.create(USER, 'jdoe', 'new');
    expect((await vault.unlock(USER, 'new')).equals(key)).toBe(true);
  });

  it('says so plainly when the keychain stops answering, and creates nothing', async () => {
    const dataDir = tempDir();
    const locked: Keychain = {
      get: async () => {
        throw new Error('Cannot create an item in a locked collection');
      },
      set: async () => {
        throw new Error('Cannot create an item in a locked collection');
      },
      delete: async () => false,
    };
    const vault = new Vault({ dataDir, keychain: locked, kdf: TEST_KDF });
    await expect(vault.create(USER, 'jdoe', 'pw')).rejects.toMatchObject({ code: 'no_keychain', message: expect.stringMatching(/locked collection/) });
    expect(vault.hasCache(USER)).toBe(false);
    expect(existsSync(join(dataDir, 'users', USER, 'vault.json'))).toBe(false);
  });

  it('refuses to create over an existing cache, and rejects a user id that is not a plain name', async () => {
    const vault = new Vault({ dataDir: tempDir(), keychain, kdf: TEST_KDF });
    await vault.create(USER, 'jdoe', 'pw');
    expect(await codeOf(vault.create(USER, 'jdoe', 'pw'))).toBe('conflict');
    expect(() => vault.cachePath('../../etc')).toThrow(CareDeskError);
  });
});
