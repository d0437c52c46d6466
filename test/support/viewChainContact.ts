import { META } from '../../electron/core/cache';
import { loadDeviceIdentity } from '../../electron/core/device/identity';
import { viewHeadSigner } from '../../electron/core/device/viewHeadSigner';
import { openOsKeychain } from '../../electron/core/keychain';
import type { CentralClient } from '../../electron/core/sync/centralClient';
import { cacheConnection } from './fullDisk';
import type { TestWorkstation } from './workstation';

/**
 * A contact that reports a desk's chain of offline reads while the reads still wait in its cache
 * (issue 16): the pull a desk makes, with the head sealed in its encrypted cache and signed by the
 * device key in its OS keychain, exactly as the sync engine sends it (engine.ts `viewHead`). The
 * engine itself pushes the reads first; a desk's reads made while a sync runs wait like this.
 * Tests only: the session keeps its client to itself.
 */
export async function reportViewHeadWhileReadsWait(ws: TestWorkstation): Promise<number> {
  const session = ws.core.session.unlocked();
  const { cache } = session;
  const clientId = cache.getMeta(META.clientId)!;
  const identity = await loadDeviceIdentity(ws.dataDir, await openOsKeychain(ws.keychainService));
  const head = viewHeadSigner(identity!)(clientId, cache.sealViewChain());
  const client = (ws.core.session as unknown as { client: CentralClient }).client;
  await client.pull(session.token!, { cursor: Number(cache.getMeta(META.cursor)), generation: cache.getMeta(META.generation), viewHead: { clientId, head } }, undefined, () => undefined);
  return head.seq;
}

/** What a modified CareDesk with the cache key could do to a read not yet sent: drop a view, here by the customer it opened. Its number in the chain. */
export function dropCachedView(ws: TestWorkstation, entityId: string): number {
  const db = cacheConnection(ws.core.session.unlocked().cache);
  const row = db.prepare('SELECT chain_seq AS seq FROM view_event WHERE entity_id = ? AND chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1').get(entityId) as { seq: number } | undefined;
  if (!row) throw new Error(`no sealed view of ${entityId} in the cache`);
  db.prepare('DELETE FROM view_event WHERE chain_seq = ?').run(row.seq);
  return row.seq;
}
