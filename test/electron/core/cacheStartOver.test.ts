import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { planSearch } from '../../../domain/search';
import type { MutationResult } from '../../../domain/sync/protocol';
import { META, openCache, type MutationDraft, type WorkstationCache } from '../../../electron/core/cache';
import { customerPuts, removeTempDirs, tempDir } from './helpers';

/**
 * After a restore of the central store (protocol 3: its generation changed) the cache starts over:
 * every pulled record, search key and the cursor go, in one transaction, and the next pull is a first
 * sync. What only this desk holds stays — the outbox in every state, the purges it has yet to report,
 * its view events, its client id — and what is pending is numbered after the store's count of this
 * client's mutations, which the restore took back.
 */
const CLIENT = '8d3c1f5e-2a4b-4c6d-8e9f-0a1b2c3d4e5f';
const VERIFICATION = '5b9e7c1a-0d2f-4e3a-9b8c-7d6e5f4a3b2c';
const GENERATION = '3f2c1b0a-9e8d-4c7b-a6f5-e4d3c2b1a090';
const key = Buffer.alloc(32, 12);
const { changes, customers } = customerPuts(0, 12);
const lastSeq = changes.at(-1)!.seq;
const [alice, bob, carol, dave] = customers.map((c) => c.customer);

function rename(customer: typeof alice, lastName: string): MutationDraft {
  return { entity: 'customer', entityId: customer!.id, customerId: customer!.id, base: { lastName: customer!.lastName }, changes: { lastName }, reason: 'caller spelled it', verificationId: VERIFICATION };
}
const result = (id: string, seq: number, status: MutationResult['status'], extra: Partial<MutationResult> = {}): MutationResult => ({ id, seq, status, applied: [], conflicts: [], rejection: null, serverSeq: null, ...extra });

describe('a cache starting over after a restore of the central store', () => {
  let cache: WorkstationCache;
  const nameHits = (query: string) => cache.search(planSearch(query, 'name'), 50).map((hit) => hit.customerId);

  beforeEach(() => {
    cache = openCache({ file: join(tempDir(), 'cache.db'), key, now: () => new Date('2026-11-28T09:00:00.000Z') });
    cache.applyPull(changes, lastSeq);
    cache.setMeta(META.clientId, CLIENT);
    cache.setMeta(META.generation, GENERATION);
    return () => cache.close();
  });
  afterAll(() => removeTempDirs());

  it('drops the records, search keys, cursor and generation, and keeps the outbox, purges, views and client id', () => {
    const applied = cache.enqueueMutation(rename(alice, 'Applied'));
    const rejected = cache.enqueueMutation(rename(bob, 'Refused'));
    const first = cache.enqueueMutation(rename(carol, 'Zebedee'));
    const second = cache.enqueueMutation(rename(dave, 'Quillfeather'));
    // applied, and not pulled yet: it waits for a number of the change log the restore dropped
    cache.recordResults([result(applied.id, applied.seq, 'applied', { serverSeq: lastSeq + 3 }), result(rejected.id, rejected.seq, 'rejected', { rejection: { code: 'forbidden', message: 'no', issues: [] } })], lastSeq + 3);
    expect(cache.effectiveRecord('customer', alice!.id)).toMatchObject({ lastName: 'Applied' });
    // an erasure pulled and not yet reported, and a profile opened
    const erased = customers[5]!.customer.id;
    cache.applyPull([{ t: 'del', seq: lastSeq + 1, entity: 'customer', id: erased, customerId: erased }], lastSeq + 1);
    const view = cache.recordView('customer', carol!.id);

    // the restored store had counted 0 of this client's mutations (the desk sent 4)
    cache.startOver(0);

    expect(cache.getRecord('customer', alice!.id)).toBeNull();
    expect(cache.getRecord('billingAccount', customers[0]!.billingAccount.id)).toBeNull();
    expect(nameHits(bob!.lastName)).toEqual([]);
    expect(cache.getMeta(META.cursor)).toBeNull();
    expect(cache.getMeta(META.generation)).toBeNull();
    expect(cache.getMeta(META.clientId)).toBe(CLIENT);
    expect(cache.pendingPurges(10)).toEqual([erased]);
    expect(cache.pendingViews(10)).toEqual([view]);
    // pending in their order, numbered after the store's count; the refused one still shown
    expect(cache.pendingMutations(10)).toEqual([{ ...first, seq: 1 }, { ...second, seq: 2 }]);
    expect(cache.rejected().map((r) => r.mutationId)).toEqual([rejected.id]);
    expect(cache.enqueueMutation(rename(alice, 'Next')).seq).toBe(3);
    // the applied edit went with the log it waited for: the first sync shows what the restored store holds
    cache.applyPull(changes, lastSeq);
    expect(cache.getRecord('customer', alice!.id)).toMatchObject({ lastName: alice!.lastName });
    expect(cache.effectiveRecord('customer', alice!.id)).toMatchObject({ lastName: 'Next' });
    expect(cache.changesOf('customer', alice!.id).map((c) => c.changes)).toEqual([{ lastName: 'Next' }]);
  });

  it('shows the pending edits again over what the first sync that follows pulls', () => {
    const edit = cache.enqueueMutation(rename(carol, 'Zebedee'));
    cache.startOver(7);
    expect(cache.pendingMutations(10)).toEqual([{ ...edit, seq: 8 }]);
    cache.beginInitialSync();
    cache.applyPull(changes, lastSeq);
    cache.finishInitialSync();
    expect(cache.effectiveRecord('customer', carol!.id)).toMatchObject({ lastName: 'Zebedee' });
    expect(nameHits('zebedee')).toEqual([carol!.id]);
    expect(nameHits(alice!.lastName)).toContain(alice!.id);
    expect(cache.getMeta(META.cursor)).toBe(String(lastSeq));
  });

  it('starts over in the middle of a first sync cut short', () => {
    cache.startOver(0);
    cache.beginInitialSync();
    cache.applyPull(changes.slice(0, 5), changes[4]!.seq);
    // the restore is noticed again before the first sync finished
    cache.startOver(0);
    expect(cache.isInitialSync()).toBe(true);
    cache.applyPull(changes, lastSeq);
    cache.finishInitialSync();
    expect(cache.getRecord('customer', alice!.id)).toMatchObject({ id: alice!.id });
    expect(nameHits(dave!.lastName)).toContain(dave!.id);
  });
});
