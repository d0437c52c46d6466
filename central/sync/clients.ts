import { CareDeskError, type RegisterClientResponse } from '../../domain';
import type { Clock } from '../context';
import type { SessionContext } from '../identity/sessions';
import { isPostgres, type Tx } from '../storage/database';
import type { CentralDb } from '../storage/schema';

/**
 * A client id is one workstation cache: one user on one device (DESIGN §5). It is bound to both on
 * first use, so a mutation stream can never be replayed under someone else's name.
 */
export async function registerClient(db: CentralDb, clock: Clock, session: SessionContext, clientId: string): Promise<RegisterClientResponse> {
  await db
    .insertInto('clients')
    .values({ client_id: clientId, user_id: session.user.id, device_id: session.deviceId, last_seq: 0, created_at: clock().toISOString() })
    .onConflict((oc) => oc.column('client_id').doNothing())
    .execute();
  const client = await boundClient(db, session, clientId);
  return { clientId, lastSeq: client.lastSeq };
}

/** The client, if it is registered to this session's user and device; otherwise `forbidden`. */
export async function boundClient(db: CentralDb, session: SessionContext, clientId: string): Promise<{ lastSeq: number }> {
  const row = await db.selectFrom('clients').select(['user_id', 'device_id', 'last_seq']).where('client_id', '=', clientId).executeTakeFirst();
  if (!row || row.user_id !== session.user.id || row.device_id !== session.deviceId) {
    throw new CareDeskError('forbidden', 'this client id belongs to another user or device, or is not registered');
  }
  return { lastSeq: Number(row.last_seq) };
}

/**
 * The last sequence number this client used, read in the push's transaction, its row locked until
 * the commit (PostgreSQL), so that one client's mutations are taken one at a time whichever node
 * each push reaches.
 */
export async function clientLastSeq(tx: Tx, clientId: string): Promise<number> {
  const query = tx.selectFrom('clients').select('last_seq').where('client_id', '=', clientId);
  const row = await (isPostgres(tx) ? query.forUpdate() : query).executeTakeFirstOrThrow();
  return Number(row.last_seq);
}

/** The client's sequence number `seq` is used up (by the mutation it carried, applied or refused). */
export async function useClientSeq(tx: Tx, clientId: string, seq: number): Promise<void> {
  await tx.updateTable('clients').set({ last_seq: seq }).where('client_id', '=', clientId).execute();
}
