import type { Session } from '../session/session';
import { openBilling, recordAdjustment, replaceCard, updateBillingAccount } from './billing';
import { listConflicts, resolveConflict } from './conflicts';
import { openCustomer, searchCustomers, updateCustomer, verifyCaller } from './customers';
import type { HandlerTable } from './dispatch';

/** The console API handler table: one function per contract channel (domain/console/contract.ts). */
export function createHandlerTable(session: Session): HandlerTable {
  const open = () => session.unlocked();
  return {
    'session.status': async () => session.snapshot(),
    'device.enrol': ({ code, deviceName }) => session.enrol(code, deviceName),
    'session.signIn': ({ username, password }) => session.signIn(username, password),
    'session.unlock': ({ password }) => session.unlock(password),
    'session.lock': () => session.lock(),
    'session.signOut': () => session.signOut(),
    'customers.search': async ({ query, kind, limit }) => searchCustomers(open(), query, kind, limit),
    'customers.open': async ({ customerId }) => openCustomer(open(), customerId),
    'customers.verifyCaller': ({ customerId, method, answer }) => verifyCaller(open(), customerId, method, answer),
    'customers.update': async ({ customerId, changes, reason }) => updateCustomer(open(), customerId, changes, reason),
    'conflicts.list': async () => listConflicts(open()),
    'conflicts.resolve': async ({ mutationId, field, keep }) => resolveConflict(open(), mutationId, field, keep),
    'changes.dismiss': async ({ mutationId }) => {
      open().cache.dismissRejected(mutationId);
      return { ok: true as const };
    },
    'billing.open': async ({ customerId }) => openBilling(open(), customerId),
    'billing.updateAccount': async ({ customerId, changes, reason }) => updateBillingAccount(open(), customerId, changes, reason),
    'billing.replaceCard': ({ customerId, paymentMethodId, card }) => replaceCard(open(), customerId, paymentMethodId, card),
    'billing.recordAdjustment': ({ customerId, kind, amountCents, reason }) => recordAdjustment(open(), customerId, kind, amountCents, reason),
    'sync.status': async () => open().engine.status(),
    'sync.now': async () => {
      const s = open();
      await s.engine.syncNow();
      return s.engine.status();
    },
  };
}
