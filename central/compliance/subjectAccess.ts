import { createHash } from 'node:crypto';
import {
  CHANGING_ACTIONS,
  CareDeskError,
  DisclosureRecord,
  SubjectAccessReport,
  WITHHELD_ENTITIES,
  project,
  reportedDisclosure,
  type EntityName,
  type SubjectAccessRequest,
  type SubjectAccessResult,
} from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction } from '../storage/database';
import { readRecord, recordsOfCustomer } from '../storage/recordStore';

/**
 * A subject access report (issue 14), as domain/subjectAccess.ts says: every record of the customer
 * as the compliance role reads it, each change and each audited access with the role that made it,
 * the staff recipients by role, and the third parties of approved disclosures — a disclosure under a
 * non-disclosure order withheld whole (record, history, audit rows), with no mark that anything was.
 * Read and audited in one transaction: the report is an export, its audit row names the counts and
 * the file's SHA-256, never a value. The file goes to the officer's desk, which keeps nothing of it.
 */
export async function subjectAccessReport(ctx: Pick<StoreContext, 'db' | 'clock'>, session: SessionContext, request: SubjectAccessRequest): Promise<SubjectAccessResult> {
  const { user } = session;
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const customer = await readRecord(tx, 'customer', request.customerId);
    if (!customer?.data) throw new CareDeskError('not_found', 'no such customer (or their data was erased)', [{ field: 'customerId', rule: 'not_found', message: 'no such customer' }]);
    const held = await recordsOfCustomer(tx, request.customerId);
    const disclosures = held.filter((r) => r.entity === 'disclosureRecord').map((r) => DisclosureRecord.parse(r.data));
    const reported = disclosures.filter(reportedDisclosure);
    // a withheld entity's rows (its history, its audit rows) stay out of every part of the report; reported disclosures are told as `disclosures`
    const told = (entity: string | null) => !entity || !WITHHELD_ENTITIES.includes(entity as EntityName);

    const records = held.flatMap((r) => {
      if (WITHHELD_ENTITIES.includes(r.entity)) return [];
      const data = project(r.entity, r.data, 'compliance');
      return data ? [{ entity: r.entity, id: r.id, data }] : [];
    });
    const history = await tx
      .selectFrom('record_history as h')
      .leftJoin('users as u', 'u.id', 'h.user_id')
      .select(['h.at', 'h.entity', 'h.id', 'h.kind', 'h.fields', 'u.role'])
      .where('h.customer_id', '=', request.customerId)
      .orderBy('h.seq')
      .execute();
    const changes = history.filter((h) => told(h.entity)).map((h) => ({ at: h.at, entity: h.entity, id: h.id, kind: h.kind, fields: JSON.parse(h.fields) as string[], role: h.role ?? null }));
    const audit = await tx.selectFrom('audit_log').select(['at', 'action', 'role', 'entity', 'fields', 'outcome']).where('customer_id', '=', request.customerId).orderBy('seq').execute();
    const accesses = audit.filter((a) => told(a.entity)).map((a) => ({ at: a.at, action: a.action, role: a.role, entity: a.entity, fields: JSON.parse(a.fields) as string[], outcome: a.outcome }));
    const tally = new Map<string, { role: string; viewed: number; changed: number }>();
    for (const a of accesses) {
      if (!a.role || a.outcome !== 'ok') continue;
      const entry = tally.get(a.role) ?? { role: a.role, viewed: 0, changed: 0 };
      if ((CHANGING_ACTIONS as readonly string[]).includes(a.action)) entry.changed += 1;
      else entry.viewed += 1;
      tally.set(a.role, entry);
    }
    const report = SubjectAccessReport.parse({
      customerId: request.customerId,
      generatedAt: now.toISOString(),
      records,
      changes,
      accesses,
      recipients: [...tally.values()].sort((a, b) => a.role.localeCompare(b.role)),
      disclosures: reported.map((d) => ({ requester: d.requester, legalBasis: d.legalBasis, fieldsDisclosed: d.fieldsDisclosed, documentReference: d.documentReference, approvedAt: d.approvedAt! })),
    });
    const file = `${JSON.stringify(report, null, 2)}\n`;
    const sha256 = createHash('sha256').update(file, 'utf8').digest('hex');
    await appendAudit(tx, now, {
      action: 'subject_access.exported',
      outcome: 'ok',
      userId: user.id,
      role: user.role,
      deviceId: session.deviceId,
      entity: 'customer',
      entityId: request.customerId,
      customerId: request.customerId,
      fields: [...new Set(records.map((r) => r.entity))],
      detail: `${records.length} records, ${changes.length} changes, ${accesses.length} accesses, ${report.disclosures.length} disclosures; sha256 ${sha256}`,
    });
    const accountNumber = String(customer.data.accountNumber ?? 'customer').replace(/[^A-Za-z0-9-]/g, '');
    return { report, saveAs: `subject-access-${accountNumber}-${now.toISOString().slice(0, 10)}.json`, file, sha256 };
  });
}
