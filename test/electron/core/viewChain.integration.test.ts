import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { VIEW_CHAIN_GENESIS, viewChainPreimage, type ViewChainContent } from '../../../domain/sync/viewChain';
import { META } from '../../../electron/core/cache';
import { loadDeviceIdentity } from '../../../electron/core/device/identity';
import { openOsKeychain } from '../../../electron/core/keychain';
import { startTestCentral, DEMO_SEED, type TestCentral } from '../../support/central';
import { cacheConnection } from '../../support/fullDisk';
import { signInDesk } from '../../support/secondFactor';
import { dropCachedView, reportViewHeadWhileReadsWait } from '../../support/viewChainContact';
import { startWorkstation, type TestWorkstation } from '../../support/workstation';

/**
 * The chain of offline reads on a real desk (issue 16, item 2): the encrypted cache numbers the
 * profiles opened and searches made with no gap, each linked to the one before; the head is signed
 * with the device key the OS keychain holds and reported at each contact; and a read dropped or
 * altered in the cache after its head was reported is an audit row at the real central store.
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 }).customer;

let central: TestCentral;
let rep: TestWorkstation;
const cacheOf = (ws: TestWorkstation) => ws.core.session.unlocked().cache;

beforeAll(async () => {
  central = await startTestCentral({ customers: 6, users: { 'rep.chain': 'care_rep' } });
  rep = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl, deviceName: 'desk of rep.chain', sync: { retry: { baseMs: 100, maxMs: 500 } } });
  await signInDesk(rep, 'rep.chain');
  await rep.call('sync.now');
});
afterAll(async () => {
  await rep?.dispose();
  await central?.dispose();
});

/** The reads the cache holds in the chain, by number, with their links (read through its own connection, decrypted). */
function cachedChain(ws: TestWorkstation) {
  return cacheConnection(cacheOf(ws))
    .prepare(
      `SELECT 'view' AS kind, chain_seq AS seq, chain_prev AS prev, id, entity, entity_id AS entityId, at, search_id AS searchId, NULL AS kinds, NULL AS resultCount FROM view_event WHERE chain_seq IS NOT NULL
       UNION ALL SELECT 'search', chain_seq, chain_prev, id, NULL, NULL, at, NULL, kinds, result_count FROM search_event WHERE chain_seq IS NOT NULL ORDER BY 2`,
    )
    .all() as { kind: 'view' | 'search'; seq: number; prev: string; id: string; entity: string; entityId: string; at: string; searchId: string | null; kinds: string; resultCount: number }[];
}

const chainRow = async (clientId: string) => central.store.db.selectFrom('view_chains').selectAll().where('client_id', '=', clientId).executeTakeFirst();
const faults = async (clientId: string) =>
  (await central.store.db.selectFrom('audit_log').select('detail').where('action', '=', 'offline_views.chain_broken').where('entity_id', '=', clientId).orderBy('seq').execute()).map((r) => r.detail);

describe('the chain of offline reads on a desk', () => {
  it('numbers searches and profiles opened with no gap, each linked by its hash, and the store holds the signed head', async () => {
    const cache = cacheOf(rep);
    const clientId = cache.getMeta(META.clientId)!;
    await rep.call('customers.search', { query: demo(0).lastName });
    await rep.call('customers.open', { customerId: demo(0).id });
    await rep.call('customers.open', { customerId: demo(1).id });
    // sealed as the engine seals them at a contact: numbered 1, 2, 3 in the order made, each after the one before
    const tip = cache.sealViewChain();
    const chain = cachedChain(rep);
    expect(chain.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'search'],
      [2, 'view'],
      [3, 'view'],
    ]);
    let hash = VIEW_CHAIN_GENESIS;
    for (const e of chain) {
      expect(e.prev).toBe(hash);
      const event = e.kind === 'view' ? { id: e.id, entity: e.entity, entityId: e.entityId, at: e.at, ...(e.searchId ? { searchId: e.searchId } : {}) } : { id: e.id, kinds: JSON.parse(e.kinds), resultCount: e.resultCount, at: e.at };
      hash = createHash('sha256').update(viewChainPreimage({ seq: e.seq, prev: e.prev }, { kind: e.kind, event } as ViewChainContent)).digest('hex');
    }
    expect(tip).toEqual({ seq: 3, hash });

    await rep.call('sync.now');
    // reported, signed by this desk's key (no fault), every entry received, and gone from the cache
    expect(await chainRow(clientId)).toMatchObject({ device_id: (await deviceId()).deviceId, reported_hash: hash, received_hash: hash });
    expect(Number((await chainRow(clientId))!.received_seq)).toBe(3);
    expect(await faults(clientId)).toEqual([]);
    expect(cachedChain(rep)).toEqual([]);
    // the next read follows the head
    await rep.call('customers.open', { customerId: demo(2).id });
    expect(cache.sealViewChain().seq).toBe(4);
    await rep.call('sync.now');
    expect(Number((await chainRow(clientId))!.reported_seq)).toBe(4);
    expect(await faults(clientId)).toEqual([]);
  });

  it('a read dropped, and one altered, in the encrypted cache after their head was reported are flagged at the store', async () => {
    const cache = cacheOf(rep);
    const clientId = cache.getMeta(META.clientId)!;
    for (const i of [3, 4, 5]) await rep.call('customers.open', { customerId: demo(i).id });
    // a contact while the reads wait (a pull): the head of 7 is reported, signed by the device key in the OS keychain
    expect(await reportViewHeadWhileReadsWait(rep)).toBe(7);
    expect(Number((await chainRow(clientId))!.reported_seq)).toBe(7);

    // then someone with the cache key (a modified CareDesk) drops the 6th read and points the 7th at another customer
    expect(dropCachedView(rep, demo(4).id)).toBe(6);
    expect(cacheConnection(cache).prepare('UPDATE view_event SET entity_id = ? WHERE chain_seq = 7').run(demo(0).id).changes).toBe(1);
    await rep.call('sync.now');

    expect(await faults(clientId)).toEqual([
      expect.stringMatching(/^entry 6 is missing \(covered by the head the desk reported at .*\) \(view_chain\.gap\)$/),
      expect.stringMatching(/^entry 7 is not the one the head reported at .* signs \(view_chain\.altered\)$/),
    ]);
    // the push did the rest of its work: the reads that came are audited, the desk is in sync
    const views = await central.store.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'record.view').where('device_id', '=', (await deviceId()).deviceId).execute();
    expect(views.map((v) => v.entity_id)).toEqual(expect.arrayContaining([demo(3).id]));
    expect((await rep.call('sync.status')).error).toBeNull();
  });
});

async function deviceId() {
  const identity = await loadDeviceIdentity(rep.dataDir, await openOsKeychain(rep.keychainService));
  return { deviceId: identity!.deviceId, keyPem: identity!.keyPem };
}
