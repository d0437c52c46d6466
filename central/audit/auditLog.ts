import { createHash } from 'node:crypto';
import { canonicalJson, type AuditAction, type AuditEvent, type Role } from '../../domain';
import { takeWriteOrder, type Tx } from '../storage/database';
import type { CentralDb, CentralSchema } from '../storage/schema';

/**
 * The append-only, hash-chained audit log (DESIGN §3): each row's hash covers the previous row's
 * hash and the row itself, so editing, removing or reordering a row breaks the chain after it.
 * Rows name fields, never values, so an erasure never has to reach into the audit log.
 */
export interface AuditEntry {
  action: AuditAction;
  outcome: AuditEvent['outcome'];
  userId?: string | null;
  role?: Role | null;
  deviceId?: string | null;
  entity?: string | null;
  entityId?: string | null;
  customerId?: string | null;
  fields?: readonly string[];
  detail?: string | null;
  eventId?: string | null;
}

type AuditRow = CentralSchema['audit_log'];

function rowHash(prevHash: string, row: Omit<AuditRow, 'hash'>): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(row)).digest('hex');
}

/** Appends one row, in the caller's transaction: the row commits with what it records, or not at all. */
export async function appendAudit(tx: Tx, at: Date, entry: AuditEntry): Promise<void> {
  // the chain's head is read and extended by one writer at a time (a transaction that took the order late)
  await takeWriteOrder(tx);
  const last = await tx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const row: Omit<AuditRow, 'hash'> = {
    seq: (last ? Number(last.seq) : 0) + 1,
    at: at.toISOString(),
    user_id: entry.userId ?? null,
    role: entry.role ?? null,
    device_id: entry.deviceId ?? null,
    action: entry.action,
    entity: entry.entity ?? null,
    entity_id: entry.entityId ?? null,
    customer_id: entry.customerId ?? null,
    fields: JSON.stringify(entry.fields ?? []),
    outcome: entry.outcome,
    detail: entry.detail?.slice(0, 500) ?? null,
    event_id: entry.eventId ?? null,
  };
  await tx.insertInto('audit_log').values({ ...row, hash: rowHash(last?.hash ?? '', row) }).execute();
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** the first row whose hash does not follow from its content and the row before it */
  firstBadSeq?: number;
}

/** Recomputes the chain from the first row, page by page. */
export async function verifyAuditChain(db: CentralDb, pageSize = 5000): Promise<AuditVerification> {
  let prevHash = '';
  let after = 0;
  let rows = 0;
  for (;;) {
    const page = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
    for (const { hash, ...row } of page) {
      const normalised = { ...row, seq: Number(row.seq) };
      if (rowHash(prevHash, normalised) !== hash || normalised.seq !== rows + 1) {
        return { ok: false, rows: rows + 1, firstBadSeq: normalised.seq };
      }
      prevHash = hash;
      rows++;
      after = normalised.seq;
    }
    if (page.length < pageSize) return { ok: true, rows };
  }
}
