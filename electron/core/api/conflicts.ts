import type { ConflictView } from '../../../domain/console/contract';
import { PolicyError } from '../../../domain/errors';
import { ESCALATING_ROLES } from '../../../domain/operations';
import type { OpenSession } from '../session/session';
import { displayName } from './customers';

export function listConflicts(s: OpenSession): ConflictView[] {
  return s.cache.conflicts().flatMap((entry) => {
    const customer = entry.customerId ? s.cache.effectiveRecord('customer', entry.customerId) : null;
    const customerName = customer ? displayName(customer) : '(customer no longer visible)';
    return entry.conflicts.map((c) => ({
      mutationId: entry.mutationId,
      customerId: entry.customerId ?? entry.entityId,
      customerName,
      customerVisible: customer !== null,
      accountNumber: typeof customer?.accountNumber === 'string' ? customer.accountNumber : null,
      field: c.field,
      base: c.base,
      mine: c.mine,
      reason: entry.reason,
      createdAt: entry.createdAt,
      theirs: c.theirs,
      changedBy: c.changedBy,
      changedAt: c.changedAt,
      // conflicts filed before protocol 4 carry no reason of the other change
      changeReason: c.changeReason ?? null,
    }));
  });
}

/** A supervisor decides: my value goes to the central store as an escalation, which it holds for review. */
export function escalateConflict(s: OpenSession, mutationId: string, field: string, note: string): ConflictView[] {
  if (!ESCALATING_ROLES.includes(s.user.role)) throw new PolicyError(`the ${s.user.role} role decides conflicts itself`);
  s.cache.escalateConflict(mutationId, field, note);
  s.engine.kick();
  return listConflicts(s);
}

/** Keep theirs (drop my value) or apply mine over theirs (a new mutation based on their value). */
export function resolveConflict(s: OpenSession, mutationId: string, field: string, keep: 'mine' | 'theirs'): ConflictView[] {
  s.cache.resolveConflict(mutationId, field, keep);
  s.engine.kick();
  return listConflicts(s);
}
