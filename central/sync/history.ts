import { CareDeskError, ENTITY_NAMES, type HistoryResponse, Id, accessOf, parseOrThrow, policyField, visibleEntities, type EntityName } from '../../domain';
import { z } from 'zod';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction } from '../storage/database';
import { readRecord, recordHistory } from '../storage/recordStore';

const Entity = z.enum(ENTITY_NAMES as [EntityName, ...EntityName[]]);

/**
 * A record's change history as the reader's role may see it (issue 10: the reason is kept, and shown
 * where the history is shown): each change with when, who and why, naming only the fields the role
 * is not hidden from; a change to hidden fields alone is left out, reason and all. Reading it is a
 * sensitive read, audited like a profile view; a role that does not see the entity is refused.
 */
export async function readHistory(ctx: Pick<StoreContext, 'db' | 'clock'>, session: SessionContext, entityParam: string, idParam: string): Promise<HistoryResponse> {
  const entity = parseOrThrow(Entity, entityParam, ['entity']);
  const id = parseOrThrow(Id, idParam, ['id']);
  const { user } = session;
  const audit = { action: 'record.history', userId: user.id, role: user.role, deviceId: session.deviceId, entity, entityId: id } as const;
  if (!visibleEntities(user.role).includes(entity)) {
    await inTransaction(ctx.db, (tx) => appendAudit(tx, ctx.clock(), { ...audit, outcome: 'denied', detail: 'role does not see this entity' }));
    throw new CareDeskError('forbidden', `the ${user.role} role does not see ${entity} records`);
  }
  return inTransaction(ctx.db, async (tx) => {
    const now = ctx.clock();
    const stored = await readRecord(tx, entity, id);
    if (!stored) throw new CareDeskError('not_found', `no ${entity} ${id}`);
    const entries = (await recordHistory(tx, entity, id)).flatMap((change) => {
      const fields = change.fields.filter((path) => accessOf(entity, policyField(path), user.role) !== 'hidden');
      return fields.length ? [{ at: change.at, by: change.userName, kind: change.kind, fields, reason: change.reason }] : [];
    });
    await appendAudit(tx, now, { ...audit, customerId: stored.customerId, outcome: 'ok' });
    return { entries };
  });
}
