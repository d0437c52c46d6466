import { randomUUID } from 'node:crypto';
import type { BillingView } from '../../../domain/console/contract';
import type { AdjustmentKind, AdjustmentRequester, PaymentMethod } from '../../../domain/entities';
import { CareDeskError, PolicyError, parseOrThrow } from '../../../domain/errors';
import { editablePaths, mayPerform } from '../../../domain/operations';
import { visibleEntities } from '../../../domain/policy';
import { AdjustmentRequest } from '../../../domain/sync/protocol';
import { parseCardDetails } from '../../../domain/validation/card';
import type { OpenSession } from '../session/session';
import { billingPolicyOf } from '../session/unlockContact';
import { VIEW_AUDIT_INTERVAL_MS } from './customers';
import { pendingChange } from './edits';
import { assertMayPerform, callerVerificationFor, performOnline } from './operations';

type Row = Record<string, unknown> & { id: string };
const byNewest = (key: string) => (a: Row, b: Row) => String(b[key] ?? '').localeCompare(String(a[key] ?? ''));

/**
 * A customer's billing tab, from the cache: only what the role's projection holds (masked payment
 * methods; a care rep has no invoices, payments or payment methods at all, and is refused).
 */
export function billingView(s: OpenSession, customerId: string): BillingView {
  const role = s.user.role;
  if (!visibleEntities(role).includes('invoice')) throw new PolicyError(`the ${role} role does not see invoices, payments or payment methods`);
  if (!s.cache.getRecord('customer', customerId)) throw new CareDeskError('not_found', 'This customer is not in your cache.');
  const rows = (entity: 'invoice' | 'payment' | 'paymentMethod' | 'billingAdjustment') => s.cache.recordsOfCustomer(entity, customerId) as Row[];
  const account = (s.cache.effectiveRecordsOfCustomer('billingAccount', customerId)[0] as BillingView['account']) ?? null;
  return {
    customerId,
    account,
    invoices: rows('invoice').sort(byNewest('periodStart')) as BillingView['invoices'],
    payments: rows('payment').sort(byNewest('at')) as BillingView['payments'],
    paymentMethods: rows('paymentMethod').sort((a, b) => Number(b.isDefault === true) - Number(a.isDefault === true)) as BillingView['paymentMethods'],
    adjustments: rows('billingAdjustment').sort(byNewest('recordedAt')) as BillingView['adjustments'],
    changes: account ? s.cache.changesOf('billingAccount', String(account.id)).map(pendingChange) : [],
    editablePaths: editablePaths('billingAccount', role),
    may: { replaceCard: mayPerform('paymentMethod.replaceCard', role), recordAdjustment: mayPerform('billingAccount.recordAdjustment', role), reverseAdjustment: mayPerform('billingAdjustment.reverse', role) },
    approvalAboveCents: billingPolicyOf(s.cache)?.adjustmentApprovalAboveCents ?? null,
  };
}

/** Opening the billing tab is a read of billing data: recorded for the audit log, once per customer per 10 minutes. */
export function openBilling(s: OpenSession, customerId: string): BillingView {
  const view = billingView(s, customerId);
  const key = `billing:${customerId}`;
  const now = s.clock().getTime();
  const last = s.viewsRecorded.get(key);
  if (view.account && (last === undefined || now - last >= VIEW_AUDIT_INTERVAL_MS)) {
    s.cache.recordView('billingAccount', view.account.id);
    s.viewsRecorded.set(key, now);
    s.engine.kick();
  }
  return view;
}

/**
 * A new card in place of a payment method (PCI DSS 3.4.1, 3.5.1, 3.3.1). The card is checked with
 * the domain's rules here, then sent straight to the central store: it never enters the cache, the
 * outbox, an event or an error message. What comes back is the masked form; the next pull brings
 * the new payment method into the cache like any record. The customer reads it out on a call: it
 * goes with this session's verification of their caller, or not at all.
 */
export async function replaceCard(s: OpenSession, customerId: string, paymentMethodId: string, card: Record<string, unknown>): Promise<{ paymentMethod: PaymentMethod }> {
  assertMayPerform(s, 'paymentMethod.replaceCard');
  const current = s.cache.getRecord('paymentMethod', paymentMethodId);
  if (!current || current.customerId !== customerId) throw new CareDeskError('not_found', 'This payment method is not in your cache (it may have been replaced already).');
  const verificationId = callerVerificationFor(s, 'paymentMethod.replaceCard', customerId, {});
  parseCardDetails(card, s.clock());
  const result = await performOnline(s, 'paymentMethod.replaceCard', (token) => s.client.replaceCard(token, paymentMethodId, { replacementId: randomUUID(), card, verificationId }));
  return { paymentMethod: result.paymentMethod };
}

/**
 * A credit or adjustment with its reason: online only, against the balance the central store holds
 * now. One the caller asked for goes with this session's verification of them; an internal one with none.
 */
export async function recordAdjustment(s: OpenSession, customerId: string, kind: AdjustmentKind, amountCents: number, reason: string, requestedBy: AdjustmentRequester) {
  assertMayPerform(s, 'billingAccount.recordAdjustment');
  const account = s.cache.recordsOfCustomer('billingAccount', customerId)[0];
  if (!account) throw new CareDeskError('not_found', 'This customer has no billing account in your cache.');
  const verificationId = callerVerificationFor(s, 'billingAccount.recordAdjustment', customerId, { requestedBy });
  const request = parseOrThrow(AdjustmentRequest, { id: randomUUID(), kind, amountCents, reason, requestedBy, verificationId });
  const result = await performOnline(s, 'billingAccount.recordAdjustment', (token) => s.client.recordAdjustment(token, String(account.id), request));
  return { adjustment: result.adjustment };
}
