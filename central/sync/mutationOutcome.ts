import type { FieldIssue, HoldReason, Mutation, MutationResult } from '../../domain';
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

/** Nothing written: the store keeps it for a supervisor's review (review/heldMutations.ts). */
export function held(m: Mutation, reason: HoldReason, message: string): MutationResult {
  return { id: m.id, seq: m.seq, status: 'held', applied: [], conflicts: [], rejection: null, held: { reason, message }, serverSeq: null };
}
