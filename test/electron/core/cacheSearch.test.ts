import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSearch, type SearchKind } from '../../../domain/search';
import { openCache, type WorkstationCache } from '../../../electron/core/cache';
import { customerPuts, put, removeTempDirs, tempDir } from './helpers';

const { changes, customers } = customerPuts(0, 400);
const john = {
  ...customers[7]!.customer,
  firstName: 'John',
  lastName: 'Smith',
  email: 'john.smith@example.com',
  accountNumber: 'A31415926',
  phones: [
    { kind: 'mobile' as const, number: '+12127364019' },
    { kind: 'home' as const, number: '+13035550178' },
  ],
};

/** Whether every step of a query plan reads through an index: no `SCAN` of a table. */
function usesIndexesOnly(plan: string[]): boolean {
  return plan.length > 0 && plan.every((step) => /^SEARCH \S+ USING (COVERING )?INDEX|^SEARCH \S+ USING INTEGER PRIMARY KEY|VIRTUAL TABLE INDEX \d+:L/.test(step));
}

describe('customer search (by phone digits, name, email, account number)', () => {
  let cache: WorkstationCache;
  const find = (query: string, kind: SearchKind | 'auto' = 'auto', limit = 50) => cache.search(planSearch(query, kind), limit);
  const ids = (query: string, kind: SearchKind | 'auto' = 'auto') => find(query, kind).map((hit) => hit.customerId);

  beforeAll(() => {
    cache = openCache({ file: join(tempDir(), 'cache.db'), key: Buffer.alloc(32, 5) });
    cache.applyPull(changes, changes.at(-1)!.seq);
    cache.applyPull([put(changes.at(-1)!.seq + 1, 'customer', john, john.id)], changes.at(-1)!.seq + 1);
  });
  afterAll(() => {
    cache.close();
    removeTempDirs();
  });

  it('finds a customer by the full phone number, its last four digits, or a run in the middle', () => {
    for (const query of ['(212) 736-4019', '4019', '7364', '2736', '5550178']) {
      expect(ids(query, 'phone'), query).toContain(john.id);
    }
    expect(ids('+1 212 736 4019')).toContain(john.id);
    expect(find('2127364019')[0]).toEqual({ customerId: john.id, matchedBy: 'phone' });
    expect(ids('12', 'phone')).toEqual([]);
  });

  it('lists numbers ending in the digits a caller reads out before numbers merely containing them', () => {
    // eight customers whose numbers contain 8821 in the middle, then one whose number ends in it
    const seq = changes.at(-1)!.seq + 10;
    const decoys = customers.slice(200, 208).map((c, i) => ({ ...c.customer, phones: [{ kind: 'mobile' as const, number: `+1415882${1000 + i}` }] }));
    const caller = { ...customers[300]!.customer, phones: [{ kind: 'mobile' as const, number: '+13125558821' }] };
    cache.applyPull(
      [...decoys, caller].map((c, i) => put(seq + i, 'customer', c, c.id)),
      seq + decoys.length,
    );
    const hits = find('8821', 'phone', 20).map((h) => h.customerId);
    expect(hits[0]).toBe(caller.id);
    expect(hits).toEqual(expect.arrayContaining(decoys.map((c) => c.id)));
    expect(find('8821', 'phone', 1).map((h) => h.customerId)).toEqual([caller.id]);
  });

  it('finds a customer by a name prefix, last name first or first name first', () => {
    for (const query of ['smi', 'Smith', 'smith jo', 'SMITH JOHN', 'john sm', 'John Smith']) {
      expect(ids(query, 'name'), query).toContain(john.id);
    }
    expect(ids('smith ja', 'name')).not.toContain(john.id);
    expect(find('john smi', 'name').find((hit) => hit.customerId === john.id)?.matchedBy).toBe('name');
  });

  it('finds a customer by an email prefix and by an account number', () => {
    expect(ids('john.smi', 'email')).toContain(john.id);
    expect(ids('john.smith@example.com')).toContain(john.id);
    expect(find('A31415926')).toEqual([{ customerId: john.id, matchedBy: 'account' }]);
    expect(ids('a3141', 'account')).toContain(john.id);
    const other = customers[123]!.customer;
    expect(ids(other.accountNumber)).toEqual([other.id]);
    expect(ids(other.email)).toContain(other.id);
  });

  it('lists each customer once, in a stable order, up to the limit', () => {
    const hits = find('smith', 'auto', 50);
    expect(new Set(hits.map((h) => h.customerId)).size).toBe(hits.length);
    expect(find('smith', 'auto', 50)).toEqual(hits);
    expect(find('a', 'name', 7)).toHaveLength(7);
  });

  it('answers every kind of search from an index, never by scanning a table', () => {
    const plans = [
      { kind: 'phone', term: '7364' },
      { kind: 'name', term: 'smith jo' },
      { kind: 'email', term: 'john.sm' },
      { kind: 'account', term: 'a3141' },
    ] as const;
    for (const plan of plans) {
      const steps = cache.searchQueryPlan(plan);
      expect(steps.join(' | '), plan.kind).not.toMatch(/\bSCAN (record|record_body|customer_search)\b/);
      expect(usesIndexesOnly(steps), `${plan.kind}: ${steps.join(' | ')}`).toBe(true);
    }
    expect(cache.searchQueryPlan({ kind: 'name', term: 'smi' }).join(' ')).toMatch(/INDEX customer_search_name_lf.*INDEX customer_search_name_fl/);
    expect(cache.searchQueryPlan({ kind: 'phone', term: '7364' }).join(' ')).toMatch(/VIRTUAL TABLE INDEX \d+:L/);
  });
});
