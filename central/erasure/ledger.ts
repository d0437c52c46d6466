import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ERASURE_SCOPES, Id, IsoDateTime } from '../../domain';
import { appendDurably } from '../storage/appendDurably';
import type { CentralDb } from '../storage/schema';

/**
 * The erasure ledger (issue 11): one line per completed erasure, in a file the operator keeps apart
 * from the database and its backups (`erasureLedgerFile` in config.json; by default beside the
 * database in the data directory, which a backup of the database file alone does not copy). It is
 * what makes an erasure hold across a restore: restoring a backup taken before an erasure brings
 * the erased values back, and re-applying the ledger (restore.ts) erases them again. It holds ids
 * only: request, customer, scope, approver, time (a line written before scopes were offered erased a whole account).
 */
export const LedgerEntry = z.strictObject({ requestId: Id, customerId: Id, scope: z.enum(ERASURE_SCOPES).default('account'), approvedBy: Id, at: IsoDateTime });
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/** Appends entries and syncs the file before returning: an erasure the store reported done is on disk. */
export function appendToLedger(file: string, entries: readonly LedgerEntry[]): void {
  if (entries.length === 0) return;
  appendDurably(file, entries.map((e) => `${JSON.stringify(LedgerEntry.parse(e))}\n`).join(''));
}

export function readLedger(file: string): LedgerEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = LedgerEntry.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`erasure ledger ${file}, line ${i + 1}: not a ledger entry`);
      return parsed.data;
    });
}

/**
 * An erasure committed whose ledger line was never written (the process died between the two) is
 * written now: at every start, the database's completed erasures missing from the ledger go in.
 */
export async function reconcileLedger(db: CentralDb, file: string): Promise<number> {
  const known = new Set(readLedger(file).map((e) => e.requestId));
  const rows = await db.selectFrom('erasures').select(['request_id', 'customer_id', 'scope', 'approved_by', 'completed_at']).orderBy('completed_at').execute();
  const missing = rows.filter((r) => !known.has(r.request_id)).map((r) => ({ requestId: r.request_id, customerId: r.customer_id, scope: r.scope as LedgerEntry['scope'], approvedBy: r.approved_by, at: r.completed_at }));
  appendToLedger(file, missing);
  return missing.length;
}
