import type { FieldIssue, Mutation, MutationResult } from '../../domain';
import type { LedgerEntry } from '../erasure/ledger';

/** What applying one pushed mutation came to (applyMutation.ts, applyCreate.ts). */
export interface MutationOutcome {
  result: MutationResult;
  /** the record the mutation touched, for the audit row */
  customerId: string | null;
  /** a new version of the record was written */
  wrote: boolean;
  /** the step it took erased a customer (issue 11): after the commit, the ledger gets its line and the database is checkpointed */
  erasure?: LedgerEntry;
}

export function rejected(m: Mutation, code: string, message: string, issues: FieldIssue[] = []): MutationResult {
  return { id: m.id, seq: m.seq, status: 'rejected', applied: [], conflicts: [], rejection: { code, message, issues }, held: null, serverSeq: null };
}
