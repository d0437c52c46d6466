import { customerIdOf } from '../../../domain/entities';
import { PolicyError } from '../../../domain/errors';
import type { QueueEntity } from '../../../domain/operations';
import { visibleEntities } from '../../../domain/policy';
import type { PendingChange, QueuedChange } from '../../../domain/console/contract';
import type { OpenSession } from '../session/session';
import { displayName } from './customers';
import { pendingChange } from './edits';

type Row = Record<string, unknown> & { id: string };
const NEWEST_FIRST = ['filedAt', 'placedAt', 'createdAt', 'receivedAt', 'recordedAt', /* the registers (issue 14) */ 'preparedAt', 'at', 'heldAt'];

/**
 * A queue (erasure requests, legal holds, leads, inquiries, credits and adjustments held for approval)
 * as this role sees it in its cache, with the records it created here and has not yet pushed; each
 * with its customer's name and account number, so that an approver sees whose data it is without
 * opening (and so reading) the profile, the currency of the billing account it is on, and this
 * user's changes of it (a decision pending, or refused by the central store with the reason).
 */
export function listQueue(s: OpenSession, entity: QueueEntity): { record: Row; customerName: string | null; accountNumber: string | null; currency: string | null; changes: PendingChange[] }[] {
  if (!visibleEntities(s.user.role).includes(entity)) throw new PolicyError(`the ${s.user.role} role does not see ${entity} records`);
  const when = (r: Row) => String(NEWEST_FIRST.map((f) => r[f]).find((v) => typeof v === 'string') ?? '');
  return (s.cache.effectiveRecordsOf(entity) as Row[])
    .sort((a, b) => when(b).localeCompare(when(a)))
    .map((record) => {
      const customerId = customerIdOf(entity, record);
      const customer = customerId ? s.cache.getRecord('customer', customerId) : null;
      const customerName = customer ? displayName(customer) : null;
      const accountNumber = typeof customer?.accountNumber === 'string' ? customer.accountNumber : null;
      const account = typeof record.billingAccountId === 'string' ? s.cache.getRecord('billingAccount', record.billingAccountId) : null;
      const currency = typeof account?.currency === 'string' ? account.currency : null;
      return { record, customerName, accountNumber, currency, changes: s.cache.changesOf(entity, record.id).map(pendingChange) };
    });
}

/** Every change this desk holds for the central store, oldest first, each with its customer's name. */
export function listChanges(s: OpenSession): QueuedChange[] {
  return s.cache.queuedChanges().map((entry) => {
    const customer = entry.customerId ? s.cache.getRecord('customer', entry.customerId) : null;
    return { ...pendingChange(entry), entity: entry.entity, entityId: entry.entityId, customerId: entry.customerId, customerName: customer ? displayName(customer) : null, discardable: entry.status === 'pending' && entry.sentIn === null };
  });
}
