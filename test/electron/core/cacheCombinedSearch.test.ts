import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CareDeskError } from '../../../domain/errors';
import { SEARCH_COUNT_CAP, combinedSearch, planSearch } from '../../../domain/search';
import { countCustomers, searchCustomers } from '../../../electron/core/api/customers';
import { openCache, type WorkstationCache } from '../../../electron/core/cache';
import type { OpenSession } from '../../../electron/core/session/session';
import { customerPuts, put, removeTempDirs, tempDir } from './helpers';

/**
 * Words a rep types together ("4151 breit") on a real encrypted cache: the customers every word
 * matches, the caller first, found through one index walk; and what a hostile text gets.
 */
const { changes, customers } = customerPuts(0, 400);
const base = (i: number) => customers[i]!.customer;
const phone = (number: string) => [{ kind: 'mobile' as const, number }];
// the caller, and customers each matching only some of what the rep heard
const caller = { ...base(10), firstName: 'Ada', lastName: 'Breitwieser', email: 'ada.breitwieser@example.com', phones: phone('+12125554151') };
const sameName = { ...base(11), firstName: 'Zed', lastName: 'Breitwieser', email: 'zed.b@example.com', phones: phone('+12125559999') };
const sameDigits = { ...base(12), firstName: 'Olga', lastName: 'Adams', email: 'olga.adams@example.com', phones: phone('+13125554151') };
const digitsInside = { ...base(13), firstName: 'Bea', lastName: 'Breitwald', email: 'bea.breitwald@example.com', phones: phone('+14155541510') };
const firstNamed = { ...base(14), firstName: 'Breitwen', lastName: 'Carter', email: 'b.carter@example.com', phones: phone('+16175554151') };
// surnames of two words, and a customer each of their words matches on its own
const vanDijk = { ...base(15), firstName: 'Anna', lastName: 'Van Dijk', email: 'anna.vd@example.com', phones: phone('+12025557788') };
const vance = { ...base(16), firstName: 'Dirk', lastName: 'Vance', email: 'dirk.vance@example.com', phones: phone('+13035557788') };
const delaCruz = { ...base(17), firstName: 'María', lastName: 'De la Cruz', email: 'maria.dlc@example.com', phones: phone('+17135553030') };
// two customers the words "6262 kowal" cannot tell apart
const kowalczyk = { ...base(18), firstName: 'Jan', lastName: 'Kowalczyk', email: 'jan.k@example.com', phones: phone('+12125556262') };
const kowalski = { ...base(19), firstName: 'Ewa', lastName: 'Kowalski', email: 'ewa.k@example.com', phones: phone('+13125556262') };
const crafted = [caller, sameName, sameDigits, digitsInside, firstNamed, vanDijk, vance, delaCruz, kowalczyk, kowalski];

let cache: WorkstationCache;
const session = () =>
  ({
    cache,
    user: { id: '00000000-0000-4000-8000-000000000001', username: 'rep', displayName: 'Rep', role: 'care_rep', status: 'active' },
    verifications: new Map(),
    viewsRecorded: new Map(),
    clock: () => new Date('2026-12-04T10:00:00Z'),
  }) as unknown as OpenSession;
const search = (query: string, limit = 20) => searchCustomers(session(), query, 'auto', limit);
const ids = (query: string) => search(query).hits.map((h) => h.id);

beforeAll(() => {
  cache = openCache({ file: join(tempDir(), 'cache.db'), key: Buffer.alloc(32, 9) });
  cache.applyPull(changes, changes.at(-1)!.seq);
  const seq = changes.at(-1)!.seq + 1;
  cache.applyPull(
    crafted.map((c, i) => put(seq + i, 'customer', c, c.id)),
    seq + crafted.length - 1,
  );
});
afterAll(() => {
  cache.close();
  removeTempDirs();
});

describe('a combined search (last digits, name, email, account number typed together)', () => {
  it('finds only the customers every word matches, the caller first', () => {
    const result = search('4151 breitw');
    // four digits are the last four: a number with them inside does not match; the caller's last
    // name starts with the word, another's first name: the caller first
    expect(result.hits.map((h) => h.id)).toEqual([caller.id, firstNamed.id]);
    expect(result).toMatchObject({ total: 2, capped: false });
    // the phone shown is the number the digits are in
    expect(result.hits[0]).toMatchObject({ name: 'Ada Breitwieser', phone: '+12125554151', matchedBy: 'phone' });
  });

  it('gives the same answer whatever the order of the words', () => {
    expect(ids('breitw 4151')).toEqual(ids('4151 breitw'));
    expect(ids('BREITWIESER 4151 ada')).toEqual([caller.id]);
    expect(ids('a breitwieser 4151')).toEqual([caller.id]);
  });

  it('combines an email prefix, a full number, a middle run or an account number with the rest', () => {
    expect(ids('ada.breitw 4151')).toEqual([caller.id]);
    expect(ids('breitwieser (212)555-4151')).toEqual([caller.id]);
    expect(ids('555415 breitw').sort()).toEqual([caller.id, digitsInside.id, firstNamed.id].sort());
    expect(ids(`${caller.accountNumber} breitw`)).toEqual([caller.id]);
    expect(ids('mitchell 2125554151')).toEqual([]);
  });

  it('reads names alone as written first ("smith jo"), and word by word only when no name reads so', () => {
    expect(ids('breitwieser ada')).toEqual([caller.id]);
    expect(ids('ada breitw')).toEqual([caller.id]);
    // no name starts "a breitwieser" or "breitwieser z…" the other way round: the words are taken apart
    expect(ids('a breitwieser')).toEqual([caller.id]);
    expect(ids('zed breitw').sort()).toEqual([sameName.id]);
    expect(ids('breitwi zzzzq')).toEqual([]);
  });

  it('reads a surname of two or three words by any of its words ("van d 7788", "dijk 7788", "de la cruz"), the one so named first', () => {
    // a name word starts any word of the name; the name that reads as typed comes first
    expect(ids('van d 7788')).toEqual([vanDijk.id, vance.id]);
    expect(ids('dijk 7788')).toEqual([vanDijk.id]);
    expect(ids('cruz 3030')).toEqual([delaCruz.id]);
    expect(ids('a van dijk 7788')).toEqual([vanDijk.id]);
    // names alone: the rarest word is inside the name, and the words from "van" on start it
    expect(ids('a van dijk')).toEqual([vanDijk.id]);
    expect(ids('7788 van dijk')).toEqual([vanDijk.id]);
    expect(ids('van dijk')).toEqual([vanDijk.id]);
    expect(ids('anna van d')).toEqual([vanDijk.id]);
    expect(ids('de la cruz')).toEqual([delaCruz.id]);
    expect(ids('de la c 3030')).toEqual([delaCruz.id]);
    expect(ids('maria de la')).toEqual([delaCruz.id]);
    // and still word by word: Dirk Vance is "van" (last name) and "d" (first name)
    expect(ids('vanc d')).toEqual([vance.id]);
    // a name-only phrase walks the name indexes too: no scan
    for (const query of ['van dijk', 'de la cruz', 'a van dijk']) {
      expect(cache.combinedQueryPlan(combinedSearch(query)!).join(' | '), query).not.toMatch(/\bSCAN (c|customer_search)\b/);
    }
  });

  it('says how many of the first customers the words cannot tell apart, so the rep asks the caller for more', () => {
    expect(search('6262 kowal')).toMatchObject({ total: 2, tiedAtTop: 2 });
    expect(search('6262 kowalc')).toMatchObject({ total: 1, tiedAtTop: 0 });
    expect(search('e 6262 kowal')).toMatchObject({ total: 1, tiedAtTop: 0 });
    // ranked apart: the caller's last name starts with the word, the other's first name
    expect(search('4151 breitw')).toMatchObject({ total: 2, tiedAtTop: 0 });
    // one word is not ranked: its list says how many matched instead
    expect(search('6262')).toMatchObject({ tiedAtTop: 0 });
  });

  it('finds no one when one word matches no one', () => {
    expect(search('4151 breitw zzzzq')).toEqual({ hits: [], total: 0, capped: false, tiedAtTop: 0 });
    expect(ids('0000 breitw')).toEqual([]);
  });

  it('walks one index and reads the other words from the row: no scan of the search keys', () => {
    for (const query of ['4151 breitw', 'breitw 201', 'ada.breitw 4151', `${caller.accountNumber} ada`]) {
      const steps = cache.combinedQueryPlan(combinedSearch(query)!);
      expect(steps.join(' | '), query).not.toMatch(/\bSCAN (c|customer_search)\b/);
      expect(steps.join(' | '), query).toMatch(/USING (INTEGER PRIMARY KEY|INDEX customer_search_|COVERING INDEX customer_search_)|VIRTUAL TABLE INDEX/);
    }
    expect(cache.combinedQueryPlan(combinedSearch('4151 breitw')!).join(' | ')).toMatch(/VIRTUAL TABLE INDEX \d+:L/);
    expect(cache.combinedQueryPlan(combinedSearch('breitw 201')!).join(' | ')).toMatch(/INDEX customer_search_name_lf/);
  });

  it('counts the matches up to the cap, and says when there were more', () => {
    const broad = combinedSearch('a 1')!;
    const all = cache.searchCombined(broad, 5, 1_000);
    expect(all.matches).toHaveLength(5);
    expect(all.total).toBeGreaterThan(5);
    expect(all.capped).toBe(false);
    expect(cache.searchCombined(broad, 5, 6)).toMatchObject({ total: 6, capped: true });
    // words typed together: a cut list is counted as it is ranked (every match up to the cap is read anyway)
    const combinedCut = search('a 1', 3);
    expect(combinedCut.hits).toHaveLength(3);
    expect(combinedCut.total).toBeGreaterThan(3);
    // one word: a cut list comes uncounted, and the console asks for its count next (customers.count):
    // at a million customers the count reads up to 1,001 rows, which would double the wait for the list
    expect(cache.countMatches(planSearch('a'), 7)).toEqual({ total: 7, capped: true });
    const cut = search('a', 3);
    expect(cut.hits).toHaveLength(3);
    expect(cut).toMatchObject({ total: null, capped: false });
    const counted = countCustomers(session(), 'a', 'auto');
    expect(counted).toEqual(cache.countMatches(planSearch('a'), SEARCH_COUNT_CAP));
    expect(counted.total).toBeGreaterThan(3);
    // a list that is not cut is its own count
    expect(search('breitwieser')).toMatchObject({ total: 2, capped: false });
  });
});

describe('what a hostile text gets', () => {
  it('takes quotes, stars, LIKE wildcards and FTS or SQL syntax as plain characters: no one, no exception', () => {
    for (const query of ['"breitw* 4151', 'NEAR(breitw 4151', "breitw' OR '1'='1", '4151 %', '4151 _', 'breitw %%', '4151 breitw")', "'; DROP TABLE record; --  4151", '* *', 'breitw\u0000 4151']) {
      const result = search(query);
      expect(result.hits, query).toEqual([]);
    }
    // the cache is intact after all of it
    expect(ids('4151 breitw')[0]).toBe(caller.id);
  });

  it('refuses too many words or too long a text with an error naming the field, never one carrying SQL', () => {
    for (const query of [Array.from({ length: 500 }, (_, i) => `w${i}`).join(' '), 'x'.repeat(10_240), `${'4151 '.repeat(2_000)}breitw`, 'a b c d e f g']) {
      let error: unknown = null;
      try {
        search(query);
      } catch (err) {
        error = err;
      }
      expect(error, query.slice(0, 20)).toBeInstanceOf(CareDeskError);
      expect((error as CareDeskError).issues[0]?.field).toBe('query');
      expect((error as CareDeskError).message).not.toMatch(/SELECT|customer_search|SQLITE/i);
    }
  });

  it('records a combined search by its kinds and count, never a word of it', () => {
    const before = cache.pendingSearches(1_000).length;
    const s = session();
    searchCustomers(s, '4151 breitw', 'auto', 20);
    s.lastSearch = null;
    searchCustomers(s, 'ada.breitw 2125554151', 'auto', 20);
    const rows = cache.pendingSearches(1_000).slice(before);
    expect(rows.map((r) => [r.kinds, r.resultCount])).toEqual([
      [['phone', 'name'], 2],
      [['email', 'phone'], 1],
    ]);
    // everything stored but the event's random id (whose hex digits could spell anything)
    expect(rows.every((r) => /^[0-9a-f-]{36}$/.test(r.id))).toBe(true);
    const stored = JSON.stringify(rows.map(({ id: _id, ...rest }) => rest)).toLowerCase();
    for (const fragment of ['4151', 'breitw', 'ada', '2125554151', '212']) expect(stored).not.toContain(fragment);
  });
});
