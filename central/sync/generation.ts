import { randomUUID } from 'node:crypto';
import { CareDeskError, staleSyncState } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { changeHead, readMeta, writeMeta, writeMetaOnce } from '../storage/changeLog';
import { inTransaction } from '../storage/database';
import type { CentralDb } from '../storage/schema';

/**
 * The store's generation (`StoreGeneration`, protocol 3): a random id kept in `meta`, made the first
 * time the database is opened and replaced by every restore (erasure/restore.ts). A restore puts the
 * change log back to the backup's head, and the next changes take numbers that desks synced since
 * already hold; the generation is how a desk learns that its cursor points into a log that is gone.
 */
const GENERATION = 'store_generation';

/** The generation of this database, made now if it has none (a new database, or one from before protocol 3). */
export async function storeGeneration(db: CentralDb): Promise<string> {
  await writeMetaOnce(db, GENERATION, randomUUID());
  return (await readMeta(db, GENERATION))!;
}

/** A new generation: after a restore, every desk's cursor belongs to the one before. */
export async function newGeneration(db: CentralDb): Promise<string> {
  const generation = randomUUID();
  await writeMeta(db, GENERATION, generation);
  return generation;
}

/**
 * Refuses a pull whose cursor belongs to another generation of the log (`resync_required`), before
 * anything is streamed, with the pull's own audit row saying why. Only desks speaking protocol 3 are
 * asked: an older desk cannot start over and keeps today's behaviour.
 */
export async function refuseStalePull(
  ctx: Pick<StoreContext, 'db' | 'clock' | 'generation'>,
  session: SessionContext,
  protocol: number,
  desk: { cursor: number; generation?: string },
): Promise<void> {
  if (protocol < 3) return;
  const head = await changeHead(ctx.db);
  if (!staleSyncState(desk, { head, generation: ctx.generation })) return;
  const was = desk.generation ? `generation ${desk.generation}` : 'no generation';
  await inTransaction(ctx.db, (tx) =>
    appendAudit(tx, ctx.clock(), {
      action: 'sync.pull',
      outcome: 'conflict',
      userId: session.user.id,
      role: session.user.role,
      deviceId: session.deviceId,
      detail: `resync required: cursor ${desk.cursor} of ${was}; the store is at generation ${ctx.generation}, head ${head} (restored from a backup)`,
    }),
  );
  throw resyncRequired();
}

/**
 * Refuses a push from a desk that synced with another generation, whole and before anything of it
 * is applied: the restore lost what the desk pushed after the backup was taken, so its mutations are
 * numbered past a gap nothing can fill. The desk learns the client's last sequence number here again
 * (client registration), numbers its outbox after it, and pushes once more; each mutation is still
 * applied once per id (push.ts), so one the backup already had is answered as a resend.
 */
export function refuseStalePush(ctx: Pick<StoreContext, 'generation'>, desk: { generation?: string }): void {
  if (staleSyncState(desk, { generation: ctx.generation })) throw resyncRequired();
}

function resyncRequired(): CareDeskError {
  return new CareDeskError(
    'resync_required',
    'The central store was restored from a backup since this workstation last synced: it syncs again from the start. Your unsent changes are kept and sent again.',
  );
}

