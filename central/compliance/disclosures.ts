import {
  BillingAccount,
  CareDeskError,
  Customer,
  DisclosureRecord,
  Invoice,
  LEGAL_BASIS_RULES,
  Payment,
  PaymentMethod,
  ServiceLine,
  ValidationError,
  approvalIssue,
  disclosedItems,
  disclosureFieldIssues,
  type DisclosureApproveRequest,
  type DisclosurePrepareRequest,
  type DisclosureResult,
  type FieldIssue,
} from '../../domain';
import { appendAudit, type AuditEntry } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction, type Tx } from '../storage/database';
import { readRecord, recordsOfCustomer, writeRecords } from '../storage/recordStore';

type Ctx = Pick<StoreContext, 'db' | 'clock' | 'feed'>;
type Audit = Omit<AuditEntry, 'outcome'>;
type Outcome = { refused: FieldIssue; code: 'validation' | 'forbidden' | 'conflict'; customerId: string | null } | { result: DisclosureResult; seq: number | null };

/**
 * The disclosure register (DESIGN §1 "Special cases", issue 14), kept by the central store: a
 * disclosure is recorded before anything leaves. `disclosure.prepare` records who asked, on which
 * legal basis, about whom, exactly which items (only those the basis allows: domain/disclosure.ts),
 * the document it rests on and whether a non-disclosure order applies; the preparer and the time are
 * the store's. `disclosure.approve` by another compliance officer (never the preparer) releases it:
 * the store reads the items then and hands them to the approving officer, and the register says who
 * approved and when. Every refusal is audited with the rule; no audit row holds a value.
 */
export async function prepareDisclosure(ctx: Ctx, session: SessionContext, request: DisclosurePrepareRequest): Promise<DisclosureResult> {
  const { user } = session;
  const audit: Audit = { action: 'disclosure.prepared', userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'disclosureRecord', entityId: request.id, customerId: request.customerId };
  const outcome = await inTransaction<Outcome>(ctx.db, async (tx) => {
    const issues = disclosureFieldIssues(request.legalBasis, request.fieldsDisclosed);
    if (issues.length) return { refused: issues[0]!, code: 'validation', customerId: request.customerId };
    const customer = await readRecord(tx, 'customer', request.customerId);
    if (!customer?.data) return { refused: { field: 'customerId', rule: 'not_found', message: 'no such customer (or their data was erased)' }, code: 'validation', customerId: null };
    const existing = await readRecord(tx, 'disclosureRecord', request.id);
    if (existing?.data) {
      // a retried request: the same officer's same disclosure is answered as recorded; anything else is another disclosure's id
      const record = DisclosureRecord.parse(existing.data);
      const same = record.preparedBy === user.id && JSON.stringify(prepared(record)) === JSON.stringify(prepared({ ...request, fieldsDisclosed: request.fieldsDisclosed }));
      if (same) return { result: { record, disclosed: null }, seq: null };
      return { refused: { field: 'id', rule: 'disclosure.id_taken', message: 'this id names another disclosure: a new disclosure needs a new id' }, code: 'conflict', customerId: request.customerId };
    }
    const now = ctx.clock();
    const record = DisclosureRecord.parse({ ...request, status: 'prepared', preparedBy: user.id, preparedAt: now.toISOString(), approvedBy: null, approvedAt: null });
    const [seq] = await writeRecords(tx, [{ op: 'create', entity: 'disclosureRecord', id: record.id, customerId: record.customerId, data: record, fields: Object.keys(record).filter((f) => f !== 'id') }], {
      at: now,
      by: user.id,
      reason: `Disclosure prepared for ${record.requester}: ${LEGAL_BASIS_RULES[record.legalBasis].label}, ${record.documentReference}`,
      audit: { ...audit, outcome: 'ok', fields: record.fieldsDisclosed, detail: `${record.legalBasis}${record.nonDisclosureOrder ? ', non-disclosure order' : ''}: prepared, awaiting another officer's approval` },
    });
    return { result: { record, disclosed: null }, seq: seq! };
  });
  return settle(ctx, audit, outcome);
}

export async function approveDisclosure(ctx: Ctx, session: SessionContext, request: DisclosureApproveRequest): Promise<DisclosureResult> {
  const { user } = session;
  const audit: Audit = { action: 'disclosure.approved', userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'disclosureRecord', entityId: request.disclosureId };
  const outcome = await inTransaction<Outcome>(ctx.db, async (tx) => {
    const stored = await readRecord(tx, 'disclosureRecord', request.disclosureId);
    if (!stored?.data) throw new CareDeskError('not_found', 'no such disclosure', [{ field: 'disclosureId', rule: 'not_found', message: 'no such disclosure' }]);
    const record = DisclosureRecord.parse(stored.data);
    const refusal = approvalIssue(record, user.id);
    if (refusal) return { refused: refusal, code: refusal.rule === 'disclosure.same_person' ? 'forbidden' : 'conflict', customerId: record.customerId };
    // the register's record was made by this store, but the limit is the law's: judged again before anything leaves
    const beyond = disclosureFieldIssues(record.legalBasis, record.fieldsDisclosed);
    if (beyond.length) return { refused: beyond[0]!, code: 'validation', customerId: record.customerId };
    const source = await sourceOf(tx, record.customerId);
    if (!source) return { refused: { field: 'disclosureId', rule: 'disclosure.customer_erased', message: 'the customer’s data was erased: there is nothing to disclose' }, code: 'conflict', customerId: record.customerId };
    const now = ctx.clock();
    const approved = DisclosureRecord.parse({ ...record, status: 'approved', approvedBy: user.id, approvedAt: now.toISOString() });
    const [seq] = await writeRecords(tx, [{ op: 'update', entity: 'disclosureRecord', id: approved.id, customerId: approved.customerId, data: approved, fields: ['status', 'approvedBy', 'approvedAt'] }], {
      at: now,
      by: user.id,
      reason: 'Disclosure approved',
      audit: { ...audit, customerId: approved.customerId, outcome: 'ok', fields: approved.fieldsDisclosed, detail: `${approved.legalBasis}: approved, items released to the approving officer` },
    });
    return { result: { record: approved, disclosed: disclosedItems(approved.fieldsDisclosed, source) }, seq: seq! };
  });
  return settle(ctx, audit, outcome);
}

/** The fields a retried prepare must repeat exactly. */
function prepared(r: Pick<DisclosureRecord, 'customerId' | 'requester' | 'legalBasis' | 'fieldsDisclosed' | 'documentReference' | 'nonDisclosureOrder'>) {
  return [r.customerId, r.requester, r.legalBasis, r.fieldsDisclosed, r.documentReference, r.nonDisclosureOrder];
}

async function sourceOf(tx: Tx, customerId: string) {
  const records = await recordsOfCustomer(tx, customerId);
  const of = <T>(entity: string, parse: (data: unknown) => T) => records.filter((r) => r.entity === entity).map((r) => parse(r.data));
  const customer = of('customer', (d) => Customer.parse(d))[0];
  if (!customer) return null;
  return {
    customer,
    serviceLines: of('serviceLine', (d) => ServiceLine.parse(d)),
    billingAccount: of('billingAccount', (d) => BillingAccount.parse(d))[0] ?? null,
    paymentMethods: of('paymentMethod', (d) => PaymentMethod.parse(d)),
    invoices: of('invoice', (d) => Invoice.parse(d)),
    payments: of('payment', (d) => Payment.parse(d)),
  };
}

async function settle(ctx: Ctx, audit: Audit, outcome: Outcome): Promise<DisclosureResult> {
  if ('refused' in outcome) {
    const { refused, code, customerId } = outcome;
    await inTransaction(ctx.db, (tx) => appendAudit(tx, ctx.clock(), { ...audit, customerId, outcome: 'denied', detail: refused.rule }));
    throw code === 'validation' ? new ValidationError([refused]) : new CareDeskError(code, refused.message, [refused]);
  }
  if (outcome.seq !== null) ctx.feed.publish({ kind: 'advanced', head: outcome.seq });
  return outcome.result;
}
