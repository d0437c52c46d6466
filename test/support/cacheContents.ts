import Database from 'better-sqlite3-multiple-ciphers';
import { CACHE_CIPHER } from '../../electron/core/cache/openCache';
import { openOsKeychain } from '../../electron/core/keychain';
import { Vault } from '../../electron/core/vault';
import { PASSWORD } from './central';
import { TEST_KDF, type TestWorkstation } from './workstation';

export interface CacheContents {
  /** the cache file; its -wal and -shm sit beside it */
  file: string;
  records: { entity: string; id: string; data: Record<string, unknown> }[];
  outbox: Record<string, unknown>[];
  views: Record<string, unknown>[];
}

/**
 * What a user's encrypted cache on a workstation holds, read as an attacker with the password and
 * the OS keychain would: the cache key from the vault, then a read-only connection of its own.
 */
export async function cacheContents(ws: TestWorkstation, username: string, password = PASSWORD): Promise<CacheContents> {
  const vault = new Vault({ dataDir: ws.dataDir, keychain: await openOsKeychain(ws.keychainService), kdf: TEST_KDF });
  const userId = vault.userIdFor(username);
  if (!userId) throw new Error(`${username} has no cache on this workstation`);
  const key = await vault.unlock(userId, password);
  const file = vault.cachePath(userId);
  const db = new Database(file, { readonly: true });
  try {
    db.pragma(`cipher = '${CACHE_CIPHER}'`);
    db.pragma(`key = "x'${key.toString('hex')}'"`);
    const records = (db.prepare('SELECT entity, id, data FROM record_body').all() as { entity: string; id: string; data: string }[]).map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
    return { file, records, outbox: db.prepare('SELECT * FROM outbox').all() as Record<string, unknown>[], views: db.prepare('SELECT * FROM view_event').all() as Record<string, unknown>[] };
  } finally {
    db.close();
    key.fill(0);
  }
}
