import { CERTIFICATE_READERS, CareDeskError, Id, parseOrThrow, type ErasureCertificate } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction } from '../storage/database';
import { readRecord } from '../storage/recordStore';
import type { ErasedRecord, RetainedRecord } from './eraseCustomer';

/**
 * An erasure's certificate (issue 11), built from what the erasure wrote down (`erasures`), the
 * request (who filed, when) and each desk's confirmation (`erasure_acks`). Read by the roles
 * domain/erasure.ts names; every read, and every refusal, is an audit row.
 */
export async function readCertificate(ctx: Pick<StoreContext, 'db' | 'clock'>, session: SessionContext, requestIdParam: string): Promise<ErasureCertificate> {
  const requestId = parseOrThrow(Id, requestIdParam, ['requestId']);
  const { user } = session;
  const audit = { action: 'erasure.certificate_read', userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'erasureRequest', entityId: requestId } as const;
  if (!CERTIFICATE_READERS.includes(user.role)) {
    await inTransaction(ctx.db, (tx) => appendAudit(tx, ctx.clock(), { ...audit, outcome: 'denied', detail: 'role may not read erasure certificates' }));
    throw new CareDeskError('forbidden', `the ${user.role} role does not read erasure certificates`);
  }
  return inTransaction(ctx.db, async (tx) => {
    const erasure = await tx.selectFrom('erasures').selectAll().where('request_id', '=', requestId).executeTakeFirst();
    if (!erasure) throw new CareDeskError('not_found', 'no completed erasure for this request');
    const request = (await readRecord(tx, 'erasureRequest', requestId))?.data ?? null;
    const names = async (id: unknown) => (typeof id === 'string' ? ((await tx.selectFrom('users').select('display_name').where('id', '=', id).executeTakeFirst())?.display_name ?? null) : null);
    const desks = await tx
      .selectFrom('erasure_acks')
      .innerJoin('devices', 'devices.id', 'erasure_acks.device_id')
      .select(['devices.name', 'erasure_acks.confirmed_at'])
      .where('erasure_acks.request_id', '=', requestId)
      .orderBy('devices.name')
      .execute();
    await appendAudit(tx, ctx.clock(), { ...audit, customerId: erasure.customer_id, outcome: 'ok' });
    return {
      requestId,
      customerId: erasure.customer_id,
      scope: erasure.scope === 'contact' ? 'contact' : 'account',
      filedBy: await names(request?.filedBy),
      filedAt: typeof request?.filedAt === 'string' ? request.filedAt : null,
      approvedBy: (await names(erasure.approved_by)) ?? erasure.approved_by,
      completedAt: erasure.completed_at,
      erased: JSON.parse(erasure.erased) as ErasedRecord[],
      retained: JSON.parse(erasure.retained) as RetainedRecord[],
      desks: desks.map((d) => ({ device: d.name, confirmedAt: d.confirmed_at })),
    };
  });
}
