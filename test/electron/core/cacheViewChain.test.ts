import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VIEW_CHAIN_GENESIS, viewChainPreimage } from '../../../domain/sync/viewChain';
import { openCache } from '../../../electron/core/cache';
import { removeTempDirs, tempDir } from './helpers';

const key = Buffer.alloc(32, 7);
const C = ['7d3c1c55-9f0a-4c55-8f43-0c3a1b1f0001', '7d3c1c55-9f0a-4c55-8f43-0c3a1b1f0002', '7d3c1c55-9f0a-4c55-8f43-0c3a1b1f0003'];

/**
 * The chain of offline reads in the encrypted cache (issue 16): sealing numbers views and searches with
 * no gap in the order they were made, links each to the one before, and never changes a sealed read.
 */
describe('the chain of offline reads in the cache', () => {
  afterAll(() => removeTempDirs());
  let clock = Date.parse('2026-12-04T09:00:00.000Z');
  const now = () => new Date((clock += 1000));

  it('numbers views and searches in the order made, each linked by its hash, and keeps the head across a reopen and a start-over', () => {
    const file = join(tempDir(), 'cache.db');
    const cache = openCache({ file, key, now });
    expect(cache.sealViewChain()).toEqual({ seq: 0, hash: VIEW_CHAIN_GENESIS });
    const search = cache.recordSearch(['name'], 3, null);
    cache.recordView('customer', C[0]!, search);
    cache.recordView('customer', C[1]!);
    const tip = cache.sealViewChain();
    const { views, searches } = cache.chainedReads(10);
    expect([...searches.map((s) => [s.chain!.seq, s.id]), ...views.map((v) => [v.chain!.seq, v.entityId])]).toEqual([
      [1, search],
      [2, C[0]],
      [3, C[1]],
    ]);
    let hash = VIEW_CHAIN_GENESIS;
    for (const [kind, { chain, ...event }] of [['search', searches[0]!], ['view', views[0]!], ['view', views[1]!]] as const) {
      expect(chain!.prev).toBe(hash);
      hash = createHash('sha256').update(viewChainPreimage(chain!, { kind, event } as never)).digest('hex');
    }
    expect(tip).toEqual({ seq: 3, hash });
    // sealing again adds nothing; a search sealed is not updated again: the typing goes on as a new one
    expect(cache.sealViewChain()).toEqual(tip);
    const next = cache.recordSearch(['name'], 1, search);
    expect(next).not.toBe(search);
    expect(cache.chainedReads(10).searches.map((s) => [s.id, s.resultCount])).toEqual([[search, 3]]);

    // a push takes the first two of the chain, views and searches together, with no hole
    const firstTwo = cache.chainedReads(2);
    expect([...firstTwo.searches, ...firstTwo.views].map((e) => e.chain!.seq).sort()).toEqual([1, 2]);
    cache.clearViews(views.map((v) => v.id));
    cache.clearSearches([search]);
    cache.close();

    const reopened = openCache({ file, key, now });
    reopened.startOver(0);
    expect(reopened.sealViewChain().seq).toBe(4);
    expect(reopened.chainedReads(10).searches.map((s) => [s.id, s.chain!.seq, s.chain!.prev])).toEqual([[next, 4, hash]]);
    reopened.close();
  });
});
