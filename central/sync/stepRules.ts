import { LEGAL_HOLD_LABELS, statusChange, type EntityName, type FieldIssue, type LegalHold } from '../../domain';
import type { Actor } from '../identity/sessions';
import type { Tx } from '../storage/database';
import { recordsOfCustomer } from '../storage/recordStore';
import { eraseCustomer } from '../erasure/eraseCustomer';
import type { LedgerEntry } from '../erasure/ledger';

/**
 * The guards and effects that lifecycle steps name (domain/lifecycles.ts: `guard`, `effect`), as the
 * central store carries them out against what it holds. A guard refuses the step with a reason; an
 * effect runs in the step's own transaction, after the step is written.
 */

/** Why the store refuses the step `changes` take, or null. */
export async function stepGuardViolation(tx: Tx, entity: EntityName, current: Record<string, unknown>, changes: Record<string, unknown>, customerId: string | null): Promise<FieldIssue | null> {
  const step = statusChange(entity, current, changes)?.step;
  if (step?.guard !== 'no_legal_hold' || !customerId) return null;
  const holds = (await recordsOfCustomer(tx, customerId)).filter((r) => r.entity === 'legalHold' && r.data.status === 'active').map((r) => r.data as LegalHold);
  if (holds.length === 0) return null;
  const why = holds.map((h) => `${LEGAL_HOLD_LABELS[h.kind]} (${h.reference})`).join('; ');
  return { field: 'status', rule: 'erasure.legal_hold', message: `a legal hold blocks this erasure: ${why}. Compliance must release it first.` };
}

/** Carries out the effect of the step `changes` took, if its lifecycle names one; the ledger entry of an erasure it carried out. */
export async function runStepEffect(tx: Tx, session: Actor, entity: EntityName, id: string, before: Record<string, unknown>, changes: Record<string, unknown>, customerId: string | null, now: Date): Promise<LedgerEntry | null> {
  const step = statusChange(entity, before, changes)?.step;
  if (step?.effect !== 'erase' || !customerId) return null;
  // a request filed before scopes were offered erases the whole account
  const scope = before.scope === 'contact' ? 'contact' : 'account';
  const run = { requestId: id, customerId, scope, approvedBy: session.user.id, now } as const;
  await eraseCustomer(tx, run);
  return { requestId: id, customerId, scope, approvedBy: run.approvedBy, at: now.toISOString() };
}
