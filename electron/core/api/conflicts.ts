import type { ConflictView } from '../../../domain/console/contract';
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

/** Keep theirs (drop my value) or apply mine over theirs (a new mutation based on their value). */
export function resolveConflict(s: OpenSession, mutationId: string, field: string, keep: 'mine' | 'theirs'): ConflictView[] {
  s.cache.resolveConflict(mutationId, field, keep);
  s.engine.kick();
  return listConflicts(s);
}
