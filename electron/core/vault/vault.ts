import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CareDeskError, ValidationError } from '../../../domain/errors';
import { NO_KEYCHAIN_MESSAGE, type Keychain } from '../keychain';
import { DEFAULT_ARGON2, KDF_NAME, KEK_INFO, deriveKek, type Argon2Params } from './keyDerivation';
import { unwrapKey, wrapKey } from './keyWrap';
import { AccountsFile, VAULT_FORMAT, VaultFile, readJsonFile, writeJsonFileAtomically } from './vaultFiles';

/** The keychain entry holding this workstation's device secret (one per workstation, shared by its users). */
export const DEVICE_SECRET_ACCOUNT = 'device-secret';

const CACHE_FILE = 'cache.db';
const CACHE_COMPANIONS = ['-wal', '-shm', '-journal', '-journal.parked'];
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface VaultDeps {
  /** one directory per workstation: the vault keeps `users/…` under it */
  dataDir: string;
  keychain: Keychain;
  /** Argon2id cost for new wrappings; tests may lower it. Stored in vault.json, so it can be raised later. */
  kdf?: Argon2Params;
  now?: () => Date;
}

/**
 * The key hierarchy of DESIGN §4, per user per workstation: a random 256-bit cache key, stored
 * only wrapped under a key derived from the password and the device secret (see keyDerivation).
 * The vault hands the cache key to whoever opens the cache and keeps no copy of it.
 */
export class Vault {
  private readonly kdf: Argon2Params;
  private readonly now: () => Date;
  private deviceSecretInFlight: Promise<Buffer> | null = null;

  constructor(private readonly deps: VaultDeps) {
    this.kdf = deps.kdf ?? DEFAULT_ARGON2;
    this.now = deps.now ?? (() => new Date());
  }

  userIdFor(username: string): string | null {
    return this.readAccounts().accounts[normaliseUsername(username)] ?? null;
  }

  hasCache(userId: string): boolean {
    return existsSync(this.vaultPath(userId));
  }

  cachePath(userId: string): string {
    return join(this.userDir(userId), CACHE_FILE);
  }

  /**
   * A new cache key for a user signing in online for the first time on this workstation. Cache
   * files left without a vault.json are removed first: their key is gone, nothing can read them.
   */
  async create(userId: string, username: string, password: string): Promise<Buffer> {
    if (this.hasCache(userId)) {
      throw new CareDeskError('conflict', 'this user already has a cache on this workstation: unlock it, or wipe it first');
    }
    this.removeCacheFiles(userId);
    const cacheKey = randomBytes(32);
    await this.saveWrapped(userId, normaliseUsername(username), cacheKey, password, null);
    const accounts = this.readAccounts();
    accounts.accounts[normaliseUsername(username)] = userId;
    writeJsonFileAtomically(this.accountsPath(), accounts);
    return cacheKey;
  }

  /** The cache key, with the password alone on this workstation (offline unlock). */
  async unlock(userId: string, password: string): Promise<Buffer> {
    const file = this.readVault(userId);
    const deviceSecret = await this.deviceSecret(false);
    if (!deviceSecret) {
      throw new CareDeskError(
        'cache_unreadable',
        "this workstation's device secret is missing from the OS keychain, so its local cache cannot be opened; sign in online to start a new one",
      );
    }
    const { argon2 } = file.kdf;
    const kek = await deriveKek(password, deviceSecret, Buffer.from(argon2.salt, 'base64'), argon2, file.kdf.hkdfInfo);
    deviceSecret.fill(0);
    try {
      const key = unwrapKey(kek, file.wrappedKey, wrapAad(userId));
      if (!key) throw new CareDeskError('unauthenticated', 'wrong password');
      return key;
    } finally {
      kek.fill(0);
    }
  }

  /** After a password change signed in online: the same cache key, wrapped under the new password (and current KDF cost). */
  async rewrap(userId: string, cacheKey: Buffer, newPassword: string): Promise<void> {
    const file = this.readVault(userId);
    await this.saveWrapped(userId, file.username, cacheKey, newPassword, file.createdAt);
  }

  /**
   * Moves the user's cache files and vault.json, untouched, into `users/<userId>/aside/<time>/`
   * and returns that folder: for a cache the current password no longer opens (the password was
   * changed elsewhere), so a new one can be created without overwriting or deleting the old one.
   */
  async setAside(userId: string): Promise<string> {
    const folder = join(this.userDir(userId), 'aside', this.now().toISOString().replace(/[:.]/g, '-'));
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const db = this.cachePath(userId);
    for (const file of [this.vaultPath(userId), ...['', ...CACHE_COMPANIONS].map((suffix) => `${db}${suffix}`)]) {
      if (existsSync(file)) renameSync(file, join(folder, basename(file)));
    }
    return folder;
  }

  /**
   * Deletes the user's cache files, vault.json and account mapping (revocation). The device secret
   * is shared by the workstation's users; when no other user's cache is left, nothing needs it any
   * more and it leaves the keychain too (a new one is made for the next cache).
   */
  async wipe(userId: string): Promise<void> {
    this.removeCacheFiles(userId);
    rmSync(this.vaultPath(userId), { force: true });
    rmSync(this.userDir(userId), { recursive: true, force: true });
    const accounts = this.readAccounts();
    const kept = Object.entries(accounts.accounts).filter(([, id]) => id !== userId);
    if (kept.length !== Object.keys(accounts.accounts).length) {
      writeJsonFileAtomically(this.accountsPath(), { format: 1, accounts: Object.fromEntries(kept) });
    }
    if (!this.anyCacheLeft()) await this.fromKeychain(() => this.deps.keychain.delete(DEVICE_SECRET_ACCOUNT));
  }

  /** A revoked device: every user's cache and the device secret go. */
  async wipeDevice(): Promise<void> {
    for (const userId of new Set(Object.values(this.readAccounts().accounts))) await this.wipe(userId);
    rmSync(join(this.deps.dataDir, 'users'), { recursive: true, force: true });
    await this.deps.keychain.delete(DEVICE_SECRET_ACCOUNT);
  }

  private async saveWrapped(userId: string, username: string, cacheKey: Buffer, password: string, createdAt: string | null): Promise<void> {
    if (cacheKey.length !== 32) throw new CareDeskError('internal', 'a cache key is 32 bytes');
    const deviceSecret = (await this.deviceSecret(true))!;
    const salt = randomBytes(16);
    const kek = await deriveKek(password, deviceSecret, salt, this.kdf, KEK_INFO);
    deviceSecret.fill(0);
    const now = this.now().toISOString();
    const file: VaultFile = {
      format: VAULT_FORMAT,
      userId,
      username,
      kdf: { name: KDF_NAME, argon2: { ...this.kdf, salt: salt.toString('base64') }, hkdfInfo: KEK_INFO },
      wrappedKey: wrapKey(kek, cacheKey, wrapAad(userId)),
      createdAt: createdAt ?? now,
      updatedAt: now,
    };
    kek.fill(0);
    writeJsonFileAtomically(this.vaultPath(userId), file);
  }

  /** The device secret, created on first use when `create` is set. Calls are serialised so two creations cannot race. */
  private async deviceSecret(create: boolean): Promise<Buffer | null> {
    while (this.deviceSecretInFlight) await this.deviceSecretInFlight.catch(() => undefined);
    const stored = await this.fromKeychain(() => this.deps.keychain.get(DEVICE_SECRET_ACCOUNT));
    if (stored) return Buffer.from(stored, 'base64');
    if (!create) return null;
    const creating = (async () => {
      const secret = randomBytes(32);
      await this.fromKeychain(() => this.deps.keychain.set(DEVICE_SECRET_ACCOUNT, secret.toString('base64')));
      return secret;
    })();
    this.deviceSecretInFlight = creating;
    try {
      return await creating;
    } finally {
      this.deviceSecretInFlight = null;
    }
  }

  /** A keychain that stopped answering (locked, its service gone) is reported as such, never worked around. */
  private async fromKeychain<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof CareDeskError) throw err;
      throw new CareDeskError('no_keychain', `${NO_KEYCHAIN_MESSAGE} (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    }
  }

  private readVault(userId: string): VaultFile {
    const file = readJsonFile(this.vaultPath(userId), VaultFile, 'vault file');
    if (!file) throw new CareDeskError('not_found', 'there is no cache for this user on this workstation; sign in online first');
    if (file.userId !== userId) throw new CareDeskError('cache_unreadable', 'the vault file belongs to another user; it was left as it is');
    return file;
  }

  private readAccounts(): AccountsFile {
    return readJsonFile(this.accountsPath(), AccountsFile, 'account list') ?? { format: 1, accounts: {} };
  }

  /** Whether any user's wrapped cache key (vault.json) is still on this workstation. */
  private anyCacheLeft(): boolean {
    const users = join(this.deps.dataDir, 'users');
    if (!existsSync(users)) return false;
    return readdirSync(users, { withFileTypes: true }).some((entry) => entry.isDirectory() && existsSync(join(users, entry.name, 'vault.json')));
  }

  private removeCacheFiles(userId: string): void {
    const db = this.cachePath(userId);
    for (const suffix of ['', ...CACHE_COMPANIONS]) rmSync(`${db}${suffix}`, { force: true });
  }

  private userDir(userId: string): string {
    if (!USER_ID.test(userId)) throw new ValidationError([{ field: 'userId', rule: 'user_id.format', message: 'a user id is 1–64 letters, digits, dashes or underscores' }]);
    return join(this.deps.dataDir, 'users', userId);
  }

  private vaultPath(userId: string): string {
    return join(this.userDir(userId), 'vault.json');
  }

  private accountsPath(): string {
    return join(this.deps.dataDir, 'users', 'accounts.json');
  }
}

/** Binds a wrapped key to its user and format: a vault.json copied onto another user's entry does not unwrap. */
function wrapAad(userId: string): string {
  return `${VAULT_FORMAT}|${userId}`;
}

function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}
