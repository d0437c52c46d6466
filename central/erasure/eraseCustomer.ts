import { CONTACT_ERASURE, ERASED_REASON, ERASURE_RULES, type Customer, type EntityName, type ErasureScope } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import { shredCards } from '../billing/cardVault';
import { forgetInquiryMail } from '../inquiries/ingest';
import { expectConfirmations } from './confirmations';
import { retainRecord } from './retention';
import type { Tx } from '../storage/database';
import { forgetReasons, readRecord, recordsOfCustomer, writeRecords, type RecordWrite } from '../storage/recordStore';
import { forgetResultValues } from '../sync/push';
import { forgetCaller } from '../verification/callerVerification';
import { forgetHeldMutations } from '../review/heldMutations';

/** One record in a certificate: ids, entity, field names and category, never a value. */
export interface ErasedRecord {
  entity: EntityName;
  id: string;
  fields: string[];
  category: string;
}
export interface RetainedRecord extends ErasedRecord {
  basis: string;
  /** null: kept while the account is open (a contact-data erasure keeps what the service needs) */
  retainUntil: string | null;
}

export interface ErasureRun {
  requestId: string;
  customerId: string;
  /** what the customer asked to have erased (domain/erasure.ts) */
  scope: ErasureScope;
  /** the approver: the user whose approval this erasure carries out */
  approvedBy: string;
  now: Date;
  /** re-applied from the ledger after a restore (restore.ts): the request may be missing from the backup, the desks purged long ago */
  reapplied?: boolean;
  /** when the erasure was first carried out (the ledger's time, on a re-application): retention counts from then, not from the restore */
  erasedAt?: Date;
}

/**
 * Carries out an approved erasure request, inside the approval's own transaction (issue 11;
 * domain/erasure.ts says what happens to each kind of record): every record of the customer is
 * tombstoned, so each desk deletes it at its next pull; billing records the law requires are kept
 * apart at their legal minimum, out of every view; the change reasons, the verification answers and
 * their records, the held edits, the conflict values and decline reasons stored with push results and the card vault
 * entries (with their wrapped data keys) go. The request itself stays, as evidence, with its
 * free-text reason cleared, and becomes `completed` (the central store's own step). What was erased
 * and kept is written down for the certificate, never a value.
 */
export async function eraseCustomer(tx: Tx, run: ErasureRun): Promise<{ erased: ErasedRecord[]; retained: RetainedRecord[] }> {
  const { customerId, now } = run;
  const { erased, retained, writes } = run.scope === 'contact' ? await contactErasure(tx, customerId, now) : await accountErasure(tx, run);
  const seqs = await writeRecords(tx, writes, { at: now, by: null });

  const request = (await readRecord(tx, 'erasureRequest', run.requestId))?.data;
  const completedSeq = request
    ? (await writeRecords(tx, [{ op: 'update', entity: 'erasureRequest', id: run.requestId, customerId, data: { ...request, status: 'completed', reason: ERASED_REASON }, fields: ['status', 'reason'] }], { at: now, by: null }))[0]!
    : 0;
  await forgetReasons(tx, customerId);
  // the mail behind an erased inquiry (its Message-ID often names the sender)
  await forgetInquiryMail(tx, erased.filter((r) => r.entity === 'inquiry').map((r) => r.id));
  await forgetHeldMutations(tx, customerId);
  await forgetResultValues(tx, customerId);
  // the account goes: so do its caller-verification secrets and its cards; a contact erasure keeps both for the account
  if (run.scope === 'account') await forgetCaller(tx, customerId);
  const cards = run.scope === 'account' ? await shredCards(tx, customerId) : 0;

  await tx
    .insertInto('erasures')
    .values({
      request_id: run.requestId,
      customer_id: customerId,
      scope: run.scope,
      approved_by: run.approvedBy,
      completed_at: now.toISOString(),
      erased: JSON.stringify(erased),
      retained: JSON.stringify(retained),
      head_seq: Math.max(completedSeq, ...seqs),
    })
    .onConflict((c) => c.column('request_id').doNothing())
    .execute();
  const desks = run.reapplied ? 0 : await expectConfirmations(tx, run.requestId);
  await appendAudit(tx, now, {
    action: run.reapplied ? 'erasure.reapplied' : 'erasure.completed',
    userId: run.approvedBy,
    role: null,
    deviceId: null,
    entity: 'erasureRequest',
    entityId: run.requestId,
    customerId,
    fields: [...new Set(erased.map((r) => r.entity))],
    outcome: 'ok',
    detail: `${run.scope === 'contact' ? 'contact data: ' : ''}${erased.length} records erased, ${retained.length} retained, ${cards} card vault entries shredded, ${desks} desks to confirm`,
  });
  return { erased, retained };
}

interface ErasureWrites {
  erased: ErasedRecord[];
  retained: RetainedRecord[];
  writes: RecordWrite[];
}

/** The whole account: every record tombstoned, billing kept apart at its legal minimum (ERASURE_RULES). */
async function accountErasure(tx: Tx, run: ErasureRun): Promise<ErasureWrites> {
  const { customerId, now } = run;
  const erased: ErasedRecord[] = [];
  const retained: RetainedRecord[] = [];
  const tombstones: RecordWrite[] = [];
  for (const record of await recordsOfCustomer(tx, customerId)) {
    const rule = ERASURE_RULES[record.entity];
    if (!rule) continue;
    const fields = Object.keys(record.data).filter((f) => f !== 'id');
    tombstones.push({ op: 'delete', entity: record.entity, id: record.id, customerId, fields: [] });
    if (rule.action === 'erase') {
      erased.push({ entity: record.entity, id: record.id, fields, category: rule.category });
      continue;
    }
    const until = new Date(run.erasedAt ?? now);
    until.setUTCFullYear(until.getUTCFullYear() + (rule.retainYears ?? 0));
    const kept = Object.fromEntries(Object.entries(record.data).filter(([field]) => !(rule.strip ?? []).includes(field)));
    await retainRecord(tx, { entity: record.entity, id: record.id, customer_id: customerId, data: JSON.stringify(kept), basis: rule.basis!, retain_until: until.toISOString(), request_id: run.requestId });
    retained.push({ entity: record.entity, id: record.id, fields: Object.keys(kept).filter((f) => f !== 'id'), category: rule.category, basis: rule.basis!, retainUntil: until.toISOString() });
    if (rule.strip?.length) erased.push({ entity: record.entity, id: record.id, fields: rule.strip.filter((f) => f in record.data), category: rule.category });
  }
  return { erased, retained, writes: tombstones };
}

/**
 * Contact data only (CONTACT_ERASURE): the customer record keeps what the service needs and is
 * marked `erasedContactAt`, which tells every desk to purge; inquiries and a converted lead go whole.
 */
async function contactErasure(tx: Tx, customerId: string, now: Date): Promise<ErasureWrites> {
  const erased: ErasedRecord[] = [];
  const retained: RetainedRecord[] = [];
  const writes: RecordWrite[] = [];
  for (const record of await recordsOfCustomer(tx, customerId)) {
    if (record.entity === 'customer') {
      const data = CONTACT_ERASURE.strip(record.data as Customer, now.toISOString());
      writes.push({ op: 'update', entity: 'customer', id: record.id, customerId, data, fields: [...CONTACT_ERASURE.fields, 'erasedContactAt'] });
      erased.push({ entity: 'customer', id: record.id, fields: CONTACT_ERASURE.fields.filter((f) => f in record.data), category: CONTACT_ERASURE.category });
      retained.push({ entity: 'customer', id: record.id, fields: [...CONTACT_ERASURE.kept], category: 'the account holder', basis: CONTACT_ERASURE.basis, retainUntil: null });
    } else if (CONTACT_ERASURE.entities.includes(record.entity)) {
      writes.push({ op: 'delete', entity: record.entity, id: record.id, customerId, fields: [] });
      erased.push({ entity: record.entity, id: record.id, fields: Object.keys(record.data).filter((f) => f !== 'id'), category: ERASURE_RULES[record.entity]!.category });
    }
  }
  return { erased, retained, writes };
}
