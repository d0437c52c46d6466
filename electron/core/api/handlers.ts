import type { Session } from '../session/session';
import { openBilling, recordAdjustment, replaceCard } from './billing';
import { escalateConflict, listConflicts, resolveConflict } from './conflicts';
import { countCustomers, openCustomer, searchCustomers, verificationAttempts, verifyCaller } from './customers';
import type { HandlerTable } from './dispatch';
import { callOnline, performOffline, routedOperationHandlers } from './operations';
import { listChanges, listQueue } from './queues';
import { listServiceLines } from './serviceLines';

/** The console API handler table: one function per contract channel (domain/console/contract.ts). */
export function createHandlerTable(session: Session): HandlerTable {
  const open = () => session.unlocked();
  return {
    'session.status': async () => session.snapshot(),
    'device.enrol': ({ code, deviceName }) => session.enrol(code, deviceName),
    'session.signIn': ({ username, password }) => session.signIn(username, password),
    'session.unlock': ({ password }) => session.unlock(password),
    'session.secondFactor': (proof) => session.secondFactor(proof),
    'session.recoveryCodesSaved': () => session.recoveryCodesSaved(),
    'session.reauthenticate': (input) => session.reauthenticate(input),
    'session.lock': () => session.lock(),
    'session.signOut': () => session.signOut(),
    'session.idle': async () => session.idleState(),
    'session.stillHere': async () => session.idleState(),
    'workspace.get': async () => open().cache.keptWorkspace(),
    'workspace.save': async (workspace) => {
      open().cache.keepWorkspace(workspace);
      return { ok: true as const };
    },
    'customers.search': async ({ query, kind, limit }) => searchCustomers(open(), query, kind, limit),
    'customers.count': async ({ query, kind }) => countCustomers(open(), query, kind),
    'customers.open': async ({ customerId }) => openCustomer(open(), customerId),
    'customer.verifyCaller': ({ customerId, method, answer }) => verifyCaller(open(), customerId, method, answer),
    'customers.verificationAttempts': ({ customerId }) => verificationAttempts(open(), customerId),
    'conflicts.list': async () => listConflicts(open()),
    'conflicts.resolve': async ({ mutationId, field, keep }) => resolveConflict(open(), mutationId, field, keep),
    'conflicts.escalate': async ({ mutationId, field, note }) => escalateConflict(open(), mutationId, field, note),
    'changes.list': async () => listChanges(open()),
    'changes.dismiss': async ({ mutationId }) => {
      const s = open();
      s.cache.dismissRejected(mutationId);
      s.engine.outboxChanged();
      return { ok: true as const };
    },
    'changes.discard': async ({ mutationId }) => {
      const s = open();
      s.announce([s.cache.discardPending(mutationId)]);
      s.engine.outboxChanged();
      return { ok: true as const };
    },
    'billing.open': async ({ customerId }) => openBilling(open(), customerId),
    'paymentMethod.replaceCard': ({ customerId, paymentMethodId, card }) => replaceCard(open(), customerId, paymentMethodId, card),
    'billingAccount.recordAdjustment': ({ customerId, kind, amountCents, reason, requestedBy }) => recordAdjustment(open(), customerId, kind, amountCents, reason, requestedBy),
    'records.change': async ({ operation, id, values, reason, holdUnverified }) => performOffline(open(), operation, id, values, reason, { holdUnverified }),
    'records.history': ({ entity, id }) => {
      const s = open();
      return callOnline(s, 'read the change history', (token) => s.client.history(token, entity, id));
    },
    'records.list': async ({ entity }) => listQueue(open(), entity),
    'serviceLines.list': async (query) => listServiceLines(open(), query),
    'erasure.certificate': ({ requestId }) => {
      const s = open();
      return callOnline(s, 'read an erasure certificate', (token) => s.client.erasureCertificate(token, requestId));
    },
    ...routedOperationHandlers(open),
    'sync.status': async () => open().engine.status(),
    'sync.now': async () => {
      const s = open();
      await s.engine.syncNow();
      return s.engine.status();
    },
  };
}
