import { ValidationError } from '../../../domain/errors';
import { getPath, sameValue } from '../../../domain/records';
import type { PendingChange } from '../../../domain/console/contract';
import { unverifiedHoldExpiry } from '../../../domain/entities';
import type { ListedEntry } from '../cache/outboxTable';

/**
 * What an edit really changes against the record the user sees: the base (the values seen) and the
 * new values, each only for paths that differ. Nothing differing is refused, naming the rule.
 */
export function changedFields(current: Record<string, unknown>, changes: Record<string, unknown>): { base: Record<string, unknown>; changed: Record<string, unknown> } {
  const base: Record<string, unknown> = {};
  const changed: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(changes)) {
    const seen = getPath(current, path) ?? null;
    if (sameValue(seen, value)) continue;
    base[path] = seen;
    changed[path] = value;
  }
  if (Object.keys(changed).length === 0) {
    throw new ValidationError([{ field: '(changes)', rule: 'changes.none', message: 'nothing differs from the current record' }]);
  }
  return { base, changed };
}

/** An outbox entry as the console lists it. */
export function pendingChange(m: Pick<ListedEntry, 'id' | 'changes' | 'status' | 'reason' | 'createdAt' | 'rejection' | 'hold' | 'unverifiedHold'>): PendingChange {
  return {
    mutationId: m.id,
    fields: Object.keys(m.changes),
    status: m.status,
    reason: m.reason,
    createdAt: m.createdAt,
    rejection: m.rejection ?? null,
    hold: m.hold ?? null,
    unverified: m.unverifiedHold ? { expiresAt: unverifiedHoldExpiry(m.createdAt) } : null,
  };
}
