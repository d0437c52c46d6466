import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planSearch } from '../../../domain/search';
import type { PullChange } from '../../../domain/sync/protocol';
import { openCache } from '../../../electron/core/cache';
import { customerPuts, put, removeTempDirs, tempDir } from './helpers';

const CLIENT = '8d3c1f5e-2a4b-4c6d-8e9f-0a1b2c3d4e5f';

function loadInPages(cache: ReturnType<typeof openCache>, changes: PullChange[], pageSize = 5000): void {
  for (let i = 0; i < changes.length; i += pageSize) {
    const page = changes.slice(i, i + pageSize);
    cache.applyPull(page, page.at(-1)!.seq);
  }
}

describe('the first sync: indexes set aside, rows appended, indexes built once at the end (DESIGN §7)', () => {
  afterAll(() => removeTempDirs());

  it('loads 20,000 customers with their service lines and billing accounts, after which every kind of search works from an index', () => {
    const { changes, customers } = customerPuts(0, 20_000);
    const cache = openCache({ file: join(tempDir(), 'cache.db'), key: Buffer.alloc(32, 21) });
    cache.beginInitialSync();
    expect(cache.isInitialSync()).toBe(true);
    loadInPages(cache, changes);
    cache.finishInitialSync();
    expect(cache.isInitialSync()).toBe(false);
    expect(cache.getMeta('cursor')).toBe(String(changes.at(-1)!.seq));

    for (const index of [0, 4_321, 12_345, 19_999]) {
      const { customer, serviceLines, billingAccount } = customers[index]!;
      const found = (query: string, kind: 'phone' | 'name' | 'email' | 'account') =>
        cache.search(planSearch(query, kind), 50).map((hit) => hit.customerId);
      const digits = customer.phones[0]!.number.slice(2);
      expect(found(digits, 'phone')).toContain(customer.id);
      expect(found(digits.slice(3, 8), 'phone')).toContain(customer.id);
      expect(found(`${customer.lastName} ${customer.firstName}`, 'name')).toContain(customer.id);
      expect(found(`${customer.firstName} ${customer.lastName.slice(0, 2)}`, 'name')).toContain(customer.id);
      expect(found(customer.email.slice(0, 8), 'email')).toContain(customer.id);
      expect(found(customer.accountNumber, 'account')).toEqual([customer.id]);
      expect(cache.getRecord('customer', customer.id)).toEqual(customer);
      expect(cache.recordsOfCustomer('serviceLine', customer.id)).toEqual(serviceLines);
      expect(cache.recordsOfCustomer('billingAccount', customer.id)).toEqual([billingAccount]);
    }
    for (const kind of ['phone', 'name', 'email', 'account'] as const) {
      expect(cache.searchQueryPlan({ kind, term: kind === 'phone' ? '4567' : 'smi' }).join(' | ')).not.toMatch(/\bSCAN (record|record_body|customer_search)\b/);
    }
    cache.close();
  });

  it('keeps the latest version of a record pulled twice and drops one deleted during the sync', () => {
    const { changes, customers } = customerPuts(0, 50);
    const [a, b, c] = customers.map((d) => d.customer);
    let seq = changes.at(-1)!.seq;
    const later: PullChange[] = [
      put(++seq, 'customer', { ...a!, lastName: 'Renamed' }, a!.id),
      { t: 'del', seq: ++seq, entity: 'customer', id: b!.id, customerId: b!.id },
      { t: 'del', seq: ++seq, entity: 'billingAccount', id: customers[1]!.billingAccount.id, customerId: b!.id },
      // deleted, then created again: the later put wins
      { t: 'del', seq: ++seq, entity: 'customer', id: c!.id, customerId: c!.id },
      put(++seq, 'customer', { ...c!, firstName: 'Back' }, c!.id),
    ];
    const cache = openCache({ file: join(tempDir(), 'cache.db'), key: Buffer.alloc(32, 22) });
    cache.beginInitialSync();
    loadInPages(cache, changes, 40);
    cache.applyPull(later, seq);
    // readable, though not yet indexed, while the sync runs
    expect(cache.getRecord('customer', a!.id)).toMatchObject({ lastName: 'Renamed' });
    expect(cache.getRecord('customer', b!.id)).toBeNull();
    cache.finishInitialSync();

    expect(cache.getRecord('customer', a!.id)).toMatchObject({ lastName: 'Renamed' });
    expect(cache.getRecord('customer', b!.id)).toBeNull();
    expect(cache.recordsOfCustomer('billingAccount', b!.id)).toEqual([]);
    expect(cache.getRecord('customer', c!.id)).toMatchObject({ firstName: 'Back' });
    const names = (query: string) => cache.search(planSearch(query, 'name'), 50).map((hit) => hit.customerId);
    expect(names(`renamed ${a!.firstName}`)).toEqual([a!.id]);
    expect(names(`${a!.lastName} ${a!.firstName}`)).not.toContain(a!.id);
    expect(names(`${b!.lastName} ${b!.firstName}`)).not.toContain(b!.id);
    expect(names(`${c!.lastName} back`)).toEqual([c!.id]);
    expect(cache.search(planSearch(b!.phones[0]!.number.slice(2), 'phone'), 50).map((h) => h.customerId)).not.toContain(b!.id);
    cache.close();
  });

  it('resumes after the cache was closed mid-sync', () => {
    const file = join(tempDir(), 'cache.db');
    const key = Buffer.alloc(32, 23);
    const { changes, customers } = customerPuts(0, 300);
    const half = Math.floor(changes.length / 2);
    const first = openCache({ file, key });
    first.beginInitialSync();
    loadInPages(first, changes.slice(0, half), 100);
    first.close();

    const second = openCache({ file, key });
    expect(second.isInitialSync()).toBe(true);
    expect(second.getMeta('cursor')).toBe(String(changes[half - 1]!.seq));
    loadInPages(second, changes.slice(half), 100);
    second.finishInitialSync();
    for (const { customer } of [customers[0]!, customers[299]!]) {
      expect(second.search(planSearch(customer.accountNumber), 5)).toEqual([{ customerId: customer.id, matchedBy: 'account' }]);
    }
    second.close();
  });

  it('shows pending edits over the data of a first sync', () => {
    const { changes, customers } = customerPuts(0, 20);
    const alice = customers[5]!.customer;
    const cache = openCache({ file: join(tempDir(), 'cache.db'), key: Buffer.alloc(32, 24) });
    cache.applyPull(changes.slice(0, 30), changes[29]!.seq);
    cache.setMeta('client_id', CLIENT);
    cache.enqueueMutation({ entity: 'customer', entityId: alice.id, customerId: alice.id, base: {}, changes: { lastName: 'Zebedee' }, reason: 'caller spelled it', verificationId: null });
    cache.beginInitialSync();
    loadInPages(cache, changes, 25);
    cache.finishInitialSync();
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Zebedee' });
    expect(cache.search(planSearch('zebedee', 'name'), 5)).toEqual([{ customerId: alice.id, matchedBy: 'name' }]);
    cache.close();
  });
});
