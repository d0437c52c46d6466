import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { planSearch } from '../../../domain/search';
import type { PullChange } from '../../../domain/sync/protocol';
import { openCache, type MutationDraft, type WorkstationCache } from '../../../electron/core/cache';
import { fillDisk, freeDisk } from '../../support/fullDisk';
import { customerPuts, removeTempDirs, tempDir } from './helpers';

/**
 * A full disk under the real encrypted cache (SQLITE_FULL from SQLite itself, see fullDisk.ts): the
 * write fails whole with an error that names the cause, nothing saved before is lost, and the
 * cache opens again with its key and carries on once there is room.
 */
const CLIENT = '8d3c1f5e-2a4b-4c6d-8e9f-0a1b2c3d4e5f';
const DISK_FULL = { code: 'disk_full', message: expect.stringMatching(/disk is full.*nothing saved before was lost/i) };
const key = Buffer.alloc(32, 41);

afterAll(() => removeTempDirs());

function rename(customerId: string, lastName: string): MutationDraft {
  return { entity: 'customer', entityId: customerId, customerId, base: {}, changes: { lastName }, reason: 'caller spelled it', verificationId: null };
}

function loadInPages(cache: WorkstationCache, changes: readonly PullChange[], size: number): void {
  for (let i = 0; i < changes.length; i += size) {
    const page = changes.slice(i, i + size);
    cache.applyPull(page, page.at(-1)!.seq);
  }
}

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (err) {
    return err;
  }
  throw new Error('expected the write to fail');
}

/** Everything a user could see of the cache, to compare before and after a failed write. */
function snapshot(cache: WorkstationCache, customerIds: readonly string[]) {
  return {
    cursor: cache.getMeta('cursor'),
    outbox: cache.pendingMutations(1000),
    counts: cache.outboxCounts(),
    customers: customerIds.map((id) => ({ server: cache.storedRecord('customer', id), effective: cache.effectiveRecord('customer', id) })),
  };
}

describe('a full disk under the local cache', () => {
  it('refuses an edit whole, naming the cause, keeps every queued edit, and takes the same edit once there is room', () => {
    const file = join(tempDir(), 'cache.db');
    const { changes, customers } = customerPuts(0, 30);
    const cache = openCache({ file, key });
    cache.applyPull(changes, changes.at(-1)!.seq);
    cache.setMeta('client_id', CLIENT);
    const ids = customers.map((c) => c.customer.id);
    const queued = [cache.enqueueMutation(rename(ids[0]!, 'Abernathy')), cache.enqueueMutation(rename(ids[1]!, 'Babbington'))];

    fillDisk(cache);
    // edits go on queueing while the file's last pages have room; the first that needs a new page fails
    let failure: unknown = null;
    let failed: MutationDraft | null = null;
    for (let i = 2; i < ids.length && !failure; i++) {
      const before = snapshot(cache, ids);
      const draft = rename(ids[i]!, `Zebedee${'e'.repeat(i)}`);
      try {
        queued.push(cache.enqueueMutation(draft));
      } catch (err) {
        [failure, failed] = [err, draft];
        // no partial write: the outbox entry and the search keys of the view are one transaction
        expect(snapshot(cache, ids)).toEqual(before);
        expect(cache.search(planSearch(`zebedee${'e'.repeat(i)}`, 'name'), 5)).toEqual([]);
      }
    }
    expect(failure).toMatchObject(DISK_FULL);
    expect((failure as Error).message).toContain('database or disk is full');
    expect(cache.pendingMutations(1000)).toEqual(queued);
    expect(thrown(() => cache.enqueueMutation(failed!))).toMatchObject(DISK_FULL);

    freeDisk(cache);
    const mutation = cache.enqueueMutation(failed!);
    expect(mutation.seq).toBe(queued.at(-1)!.seq + 1);
    expect(cache.pendingMutations(1000)).toEqual([...queued, mutation]);
    expect(cache.effectiveRecord('customer', failed!.entityId)).toMatchObject(failed!.changes);
    cache.close();
  });

  it('rolls a pulled page back whole, cursor included, and applies it after the cache opens again', () => {
    const file = join(tempDir(), 'cache.db');
    const { changes, customers } = customerPuts(0, 60);
    const half = Math.floor(changes.length / 2);
    const first = openCache({ file, key });
    loadInPages(first, changes.slice(0, half), 40);
    first.setMeta('client_id', CLIENT);
    const edit = first.enqueueMutation(rename(customers[0]!.customer.id, 'Abernathy'));
    const ids = customers.map((c) => c.customer.id);
    const before = snapshot(first, ids);

    fillDisk(first);
    const rest = changes.slice(half);
    expect(thrown(() => first.applyPull(rest, rest.at(-1)!.seq))).toMatchObject(DISK_FULL);
    expect(snapshot(first, ids)).toEqual(before);
    first.close();

    // a new connection: room again (as after space was freed and the cache opened once more)
    const second = openCache({ file, key });
    expect(snapshot(second, ids)).toEqual(before);
    second.applyPull(rest, rest.at(-1)!.seq);
    expect(second.getMeta('cursor')).toBe(String(changes.at(-1)!.seq));
    for (const { customer } of customers) expect(second.storedRecord('customer', customer.id)?.data).toEqual(customer);
    expect(second.pendingMutations(10)).toEqual([edit]);
    second.close();
  });

  it('leaves a first sync cut by a full disk resumable: the cache opens, the sync goes on and builds its indexes', () => {
    const file = join(tempDir(), 'cache.db');
    const { changes, customers } = customerPuts(0, 200);
    const first = openCache({ file, key });
    first.beginInitialSync();
    loadInPages(first, changes.slice(0, 100), 50);

    fillDisk(first);
    const page = changes.slice(100, 400);
    expect(thrown(() => first.applyPull(page, page.at(-1)!.seq))).toMatchObject(DISK_FULL);
    // building the indexes set aside needs room too: refused whole, the sync stays open
    expect(thrown(() => first.finishInitialSync())).toMatchObject(DISK_FULL);
    expect(first.isInitialSync()).toBe(true);
    expect(first.getMeta('cursor')).toBe(String(changes[99]!.seq));
    first.close();

    const second = openCache({ file, key });
    expect(second.isInitialSync()).toBe(true);
    expect(second.getMeta('cursor')).toBe(String(changes[99]!.seq));
    loadInPages(second, changes.slice(100), 50);
    second.finishInitialSync();
    expect(second.isInitialSync()).toBe(false);
    expect(second.durability().journalMode).toBe('wal');
    for (const { customer } of [customers[0]!, customers[199]!]) {
      expect(second.search(planSearch(customer.accountNumber), 5)).toEqual([{ customerId: customer.id, matchedBy: 'account' }]);
      expect(second.search(planSearch(customer.phones[0]!.number.slice(-7), 'phone'), 50).map((m) => m.customerId)).toContain(customer.id);
    }
    second.close();
  });

  it("refuses a snapshot page whole (its records and where the snapshot resumes), and the first sync resumes from the last page kept", () => {
    const file = join(tempDir(), 'cache.db');
    const { changes, customers } = customerPuts(0, 200);
    // as the snapshot stream delivers them: each record with the text it travelled in
    const pages = [changes.slice(0, 150), changes.slice(150, 450), changes.slice(450)].map((page) => page.map((c) => (c.t === 'put' ? { ...c, json: JSON.stringify(c.data) } : c)));
    const head = changes.at(-1)!.seq;
    const first = openCache({ file, key });
    first.beginInitialSync();
    first.applySnapshotPage(pages[0]!, { at: head, next: 'after-page-1' });
    const ids = customers.map((c) => c.customer.id);
    const before = snapshot(first, ids);

    fillDisk(first);
    expect(thrown(() => first.applySnapshotPage(pages[1]!, { at: head, next: 'after-page-2' }))).toMatchObject(DISK_FULL);
    expect(snapshot(first, ids)).toEqual(before);
    expect(first.snapshotProgress()).toEqual({ at: head, next: 'after-page-1' });
    first.close();

    const second = openCache({ file, key });
    expect(second.isInitialSync()).toBe(true);
    expect(second.snapshotProgress()).toEqual({ at: head, next: 'after-page-1' });
    second.applySnapshotPage(pages[1]!, { at: head, next: 'after-page-2' });
    second.applySnapshotPage(pages[2]!, { at: head, next: null });
    second.finishInitialSync();
    expect(second.snapshotProgress()).toBeNull();
    expect(second.getMeta('cursor')).toBe(String(head));
    for (const { customer } of customers) expect(second.storedRecord('customer', customer.id)?.data).toEqual(customer);
    second.close();
  });

  it('says a new cache could not be made because the disk is full, not that the key does not fit, and makes it once there is room', () => {
    const file = join(tempDir(), 'cache.db');
    // the limit must be on the connection openCache makes: set as it configures it, before the migrations
    const pragma = Database.prototype.pragma;
    const spy = vi.spyOn(Database.prototype, 'pragma').mockImplementation(function (this: Database.Database, source: string, options?: Database.PragmaOptions) {
      if (source === 'journal_mode = WAL') pragma.call(this, `max_page_count = ${Math.max(1, Number(pragma.call(this, 'page_count', { simple: true })))}`);
      return pragma.call(this, source, options);
    });
    try {
      expect(thrown(() => openCache({ file, key }))).toMatchObject({ code: 'disk_full', message: expect.stringContaining('database or disk is full') });
    } finally {
      spy.mockRestore();
    }
    const cache = openCache({ file, key });
    cache.setMeta('client_id', CLIENT);
    cache.close();
    const reopened = openCache({ file, key });
    expect(reopened.getMeta('client_id')).toBe(CLIENT);
    reopened.close();
  });
});
