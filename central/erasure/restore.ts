import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { CareDeskError } from '../../domain';
import { prepareDataDir } from '../dataDir';
import { checkpoint, inTransaction, openDatabase } from '../storage/database';
import { newGeneration } from '../sync/generation';
import { writeCheckpoint } from '../audit/checkpoints';
import { eraseCustomer } from './eraseCustomer';
import { readLedger } from './ledger';

/**
 * Restores the central database from a backup, with the store stopped, then re-applies the erasure
 * ledger (issue 11): a backup taken before an erasure holds the erased values again, and this is what
 * erases them again — every customer in the ledger is erased as the erasure did (an audit row
 * `erasure.reapplied` each), and the file is checkpointed. The ledger, the keys and the CA are not in
 * a backup and are not touched. The store gets a new generation (sync/generation.ts): the desks'
 * cursors belong to the log before, and each desk syncs again from the start, keeping its outbox.
 * Returns the number of erasures re-applied. On PostgreSQL the operator restores the database with
 * its own tools and then calls this without `from`: what follows is the same. Last, a signed `restore`
 * checkpoint of the head as restored (audit/checkpoints.ts): checkpoints of the rows the backup did not
 * have are superseded by it, and the shorter chain verifies.
 */
export async function restoreDatabase(dataDir: string, from: string | null, now = new Date()): Promise<number> {
  const material = await prepareDataDir(dataDir, now);
  const { database } = material;
  if (database.kind === 'sqlite') {
    if (from === null) throw new CareDeskError('validation', 'give --from FILE: a backup made with the backup command');
    if (!existsSync(from)) throw new Error(`no backup at ${from}`);
  } else if (from !== null) {
    throw new CareDeskError('validation', 'this store is on PostgreSQL: restore the database with its own tools (pg_restore, a base backup), then run restore without --from to re-apply the erasure ledger');
  }
  // the ledger first: a database put back without it would serve what was erased
  const ledger = readLedger(material.erasureLedgerFile);
  if (database.kind === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${database.file}${suffix}`, { force: true });
    copyFileSync(from!, database.file);
  }
  const db = await openDatabase(database);
  try {
    await newGeneration(db);
    for (const entry of ledger) await inTransaction(db, (tx) => eraseCustomer(tx, { ...entry, now, erasedAt: new Date(entry.at), reapplied: true }));
    await checkpoint(db);
    // the chain may now be shorter than its last checkpoint: a signed restore says so (issue 16), so it verifies
    await writeCheckpoint(db, material.auditCheckpoints, now, 'restore');
    return ledger.length;
  } finally {
    await db.destroy();
  }
}
