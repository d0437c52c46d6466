import { randomBytes } from 'node:crypto';
import { writeMeta } from '../storage/changeLog';
import { inTransaction } from '../storage/database';
import type { CentralDb } from '../storage/schema';
import { rewrapRows, rowsNotWrappedBy } from './cardVault';
import { keyringFromFile, newMasterKeyId, readKeyFile, writeKeyFile, type MasterKey } from './masterKeys';

export interface RotationSummary {
  newKeyId: string;
  rewrapped: number;
  /** the old keys removed from the key file: no data key is wrapped with them any more */
  retired: string[];
}

const BATCH = 2000;

/**
 * Moves every card to a new master key (PCI DSS 3.6.1.4: keys change at the end of their period).
 * 1. The new key becomes current in the key file (old keys stay), so the store wraps new cards with it.
 * 2. Each data key under an older key is unwrapped and wrapped again, in memory, batch by batch.
 *    Card numbers are never decrypted.
 * 3. A last pass inside a write transaction: the store seals a card only while it holds the write
 *    lock (replaceCard.ts), so a card it sealed with the old key just before step 1 is committed
 *    by then and is wrapped again here.
 * 4. Old keys leave the file, now that nothing uses them.
 */
export async function rotateMasterKey(db: CentralDb, keyFile: string, now: Date): Promise<RotationSummary> {
  const before = readKeyFile(keyFile);
  const newKey: MasterKey = { id: newMasterKeyId(now), key: randomBytes(32) };
  const newEntry = { [newKey.id]: newKey.key.toString('base64') };
  writeKeyFile(keyFile, { current: newKey.id, keys: { ...before.keys, ...newEntry } });
  const keyring = keyringFromFile(keyFile);
  try {
    let rewrapped = 0;
    for (;;) {
      const rows = await rowsNotWrappedBy(db, newKey.id, BATCH);
      if (!rows.length) break;
      await inTransaction(db, (tx) => rewrapRows(tx, keyring, rows, newKey));
      rewrapped += rows.length;
    }
    rewrapped += await inTransaction(db, async (tx) => {
      await writeMeta(tx, 'card_vault.master_key', newKey.id);
      const late = await rowsNotWrappedBy(tx, newKey.id);
      await rewrapRows(tx, keyring, late, newKey);
      return late.length;
    });
    writeKeyFile(keyFile, { current: newKey.id, keys: newEntry });
    return { newKeyId: newKey.id, rewrapped, retired: Object.keys(before.keys) };
  } finally {
    newKey.key.fill(0);
  }
}
