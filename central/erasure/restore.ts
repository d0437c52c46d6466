import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { prepareDataDir } from '../dataDir';
import { checkpoint, inTransaction, openDatabase } from '../storage/database';
import { newGeneration } from '../sync/generation';
import { eraseCustomer } from './eraseCustomer';
import { readLedger } from './ledger';

/**
 * Restores the central database from a backup, with the store stopped, then re-applies the erasure
 * ledger (issue 11): a backup taken before an erasure holds the erased values again, and this is what
 * erases them again — every customer in the ledger is erased as the erasure did (an audit row
 * `erasure.reapplied` each), and the file is checkpointed. The ledger, the keys and the CA are not in
 * a backup and are not touched. The store gets a new generation (sync/generation.ts): the desks'
 * cursors belong to the log before, and each desk syncs again from the start, keeping its outbox.
 * Returns the number of erasures re-applied.
 */
export async function restoreDatabase(dataDir: string, from: string, now = new Date()): Promise<number> {
  if (!existsSync(from)) throw new Error(`no backup at ${from}`);
  const material = await prepareDataDir(dataDir, now);
  // the ledger first: a database put back without it would serve what was erased
  const ledger = readLedger(material.erasureLedgerFile);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${material.databaseFile}${suffix}`, { force: true });
  copyFileSync(from, material.databaseFile);
  const db = await openDatabase(material.databaseFile);
  try {
    await newGeneration(db);
    for (const entry of ledger) await inTransaction(db, (tx) => eraseCustomer(tx, { ...entry, now, erasedAt: new Date(entry.at), reapplied: true }));
    await checkpoint(db);
    return ledger.length;
  } finally {
    await db.destroy();
  }
}
