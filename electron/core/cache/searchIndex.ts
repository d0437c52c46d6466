import { MIN_PHONE_DIGITS, SEARCH_KIND_OF, customerSearchKeys, type SearchKind, type SearchPlan, type SearchToken } from '../../../domain/search';
import { BatchInsert } from './batchInsert';
import { combinedStatement, rankCombined, type CombinedRow } from './combinedSearch';
import type { Db, SyncMode } from './sqlite';

export interface SearchMatch {
  customerId: string;
  matchedBy: SearchKind;
  /** a combined search's rank of the match (lower first; equal ranks: the words cannot tell them apart) */
  rank?: number;
}

/** The first matches of a search and how many customers matched in all, counted up to a cap. */
export interface SearchAnswer {
  matches: SearchMatch[];
  /** how many matched, at most the cap */
  total: number;
  /** more than `total` matched: counting stopped at the cap */
  capped: boolean;
}

/** The index walks of one-kind searches (the phone's without its index while a first sync runs). */
type Walks = Record<Exclude<SearchKind, 'phone'> | 'nameFirstLast' | 'phone' | 'phoneWithoutIndex', ReturnType<Db['prepare']>>;

/** The prepared statements of combined searches, by their SQL; their shapes are few, but a hostile caller could make many. */
const MAX_COMBINED_STATEMENTS = 64;

/**
 * The search keys of each customer's effective view, and the queries over them. Every kind of
 * search is answered from an index, never a scan (DESIGN §7: a scan of an encrypted 1M-row table
 * costs 0.4–0.5 s, an index seek well under a millisecond); only while a first sync runs, before
 * its indexes exist, do searches scan:
 * - name, email, account: B-tree prefix ranges `key >= term AND key < successor(term)`;
 * - phone digits, any run of at least MIN_PHONE_DIGITS: an FTS5 trigram index over the
 *   space-separated digits, asked with LIKE '%digits%'. With `detail=none` it stores no positions,
 *   so it is small and builds in one pass after a first sync (about 0.2 s per 100k customers,
 *   against 2.5 s for a B-tree of every suffix); FTS5 checks each candidate against the row.
 */
export class SearchIndex {
  private readonly phonesOf;
  private readonly append: BatchInsert;
  private readonly replace;
  private readonly update;
  private readonly remove;
  private readonly indexPhones;
  private readonly unindexPhones;
  private readonly queries: Walks;
  private readonly counts: Walks;
  private readonly combined = new Map<string, ReturnType<Db['prepare']>>();

  constructor(
    private readonly db: Db,
    private readonly mode: SyncMode,
  ) {
    const columns = ['cust', 'customer_id', 'name_lf', 'name_fl', 'email', 'account', 'phones'];
    this.phonesOf = db.prepare('SELECT phones FROM customer_search WHERE cust = ?').pluck();
    this.append = new BatchInsert(db, 'customer_search', columns);
    this.replace = db.prepare(`INSERT OR REPLACE INTO customer_search (${columns.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.update = db.prepare('UPDATE customer_search SET customer_id = ?, name_lf = ?, name_fl = ?, email = ?, account = ?, phones = ? WHERE cust = ?');
    this.remove = db.prepare('DELETE FROM customer_search WHERE cust = ?');
    this.indexPhones = db.prepare('INSERT INTO phone_search (rowid, phones) VALUES (?, ?)');
    this.unindexPhones = db.prepare("INSERT INTO phone_search (phone_search, rowid, phones) VALUES ('delete', ?, ?)");
    const range = (column: string) =>
      db.prepare(`SELECT customer_id FROM customer_search WHERE ${column} >= ? AND ${column} < ? ORDER BY ${column} LIMIT ?`).pluck();
    this.queries = {
      name: range('name_lf'),
      nameFirstLast: range('name_fl'),
      email: range('email'),
      account: range('account'),
      phone: db
        .prepare('SELECT c.customer_id FROM phone_search AS f CROSS JOIN customer_search AS c ON c.cust = f.rowid WHERE f.phones LIKE ? LIMIT ?')
        .pluck(),
      // while a first sync runs the trigram index is empty; it is built once at the end
      phoneWithoutIndex: db.prepare('SELECT customer_id FROM customer_search WHERE instr(phones, ?) > 0 LIMIT ?').pluck(),
    };
    // the same walks, yielding the row number only: a name, email or account range is read from its index alone
    const rangeCount = (column: string) => db.prepare(`SELECT cust FROM customer_search WHERE ${column} >= ? AND ${column} < ? LIMIT ?`).pluck();
    this.counts = {
      name: rangeCount('name_lf'),
      nameFirstLast: rangeCount('name_fl'),
      email: rangeCount('email'),
      account: rangeCount('account'),
      phone: db.prepare('SELECT rowid FROM phone_search WHERE phones LIKE ? LIMIT ?').pluck(),
      phoneWithoutIndex: db.prepare('SELECT cust FROM customer_search WHERE instr(phones, ?) > 0 LIMIT ?').pluck(),
    };
  }

  /**
   * Indexes a customer's effective view under `cust`, the rid of its record. During a first sync
   * a pulled customer is appended (`fromPull`) and the trigram index waits for the end.
   */
  put(cust: number, customerId: string, customer: Record<string, unknown>, fromPull = false): void {
    const keys = customerSearchKeys(customer);
    // each number ends with a space, so "ends with 1234" is the trigram-indexable pattern `%1234 %`
    const phones = keys.phones.map((digits) => `${digits} `).join('');
    const row = [cust, customerId, keys.nameLastFirst, keys.nameFirstLast, keys.email, keys.account, phones] as const;
    if (this.mode.initial) {
      if (fromPull) this.append.add(row);
      else this.replace.run(...row);
      return;
    }
    const old = this.phonesOf.get(cust) as string | undefined;
    if (old === undefined) {
      this.replace.run(...row);
      this.indexPhones.run(cust, phones);
      return;
    }
    if (old !== phones) this.unindexPhones.run(cust, old);
    this.update.run(...row.slice(1), cust);
    if (old !== phones) this.indexPhones.run(cust, phones);
  }

  /** Forgets the customer indexed under `cust`. */
  delete(cust: number): void {
    if (this.mode.initial) {
      this.remove.run(cust);
      return;
    }
    const old = this.phonesOf.get(cust) as string | undefined;
    if (old === undefined) return;
    this.unindexPhones.run(cust, old);
    this.remove.run(cust);
  }

  /** Every customer's search keys gone, the trigram index emptied: the cache starts over. */
  clear(): void {
    this.discard();
    this.db.exec("DELETE FROM customer_search; INSERT INTO phone_search (phone_search) VALUES ('delete-all');");
  }

  /** How many customers have search keys: every customer this cache holds (a scan while a first sync has its indexes aside). */
  count(): number {
    return this.db.prepare('SELECT count(*) FROM customer_search').pluck().get() as number;
  }

  /** Writes rows buffered by a first sync. */
  flush(): void {
    this.append.flush();
  }

  discard(): void {
    this.append.discard();
  }

  /** Customers matching any plan, in plan order then index order, each once, at most `limit`. */
  find(plans: readonly SearchPlan[], limit: number): SearchMatch[] {
    const found = new Map<string, SearchKind>();
    for (const plan of plans) {
      const before = found.size;
      for (const [query, params] of this.queriesFor(plan)) {
        if (found.size >= limit) break;
        // a whole number found as a whole number: the "contains" walk would only read the same trigram lists again
        if (plan.kind === 'phone' && found.size > before && isWholeNumber(plan.term)) break;
        for (const customerId of query.all([...params, limit + found.size]) as string[]) {
          if (!found.has(customerId)) found.set(customerId, plan.kind);
          if (found.size >= limit) break;
        }
      }
    }
    return [...found].map(([customerId, matchedBy]) => ({ customerId, matchedBy }));
  }

  /**
   * How many customers match any plan, counted up to `cap` (and whether there were more): each
   * plan's walks again, yielding row numbers only, each stopping at cap + 1.
   */
  countMatches(plans: readonly SearchPlan[], cap: number): { total: number; capped: boolean } {
    const seen = new Set<number>();
    for (const plan of plans) {
      // numbers containing the digits include those ending in them: one walk counts both
      const walks = this.queriesFor(plan, this.counts);
      for (const [query, params] of plan.kind === 'phone' ? walks.slice(-1) : walks) {
        if (seen.size > cap) break;
        for (const cust of query.all([...params, cap + 1]) as number[]) seen.add(cust);
      }
    }
    return { total: Math.min(seen.size, cap), capped: seen.size > cap };
  }

  /**
   * Customers every word matches (`combinedStatement`: one statement, one index walk), ranked
   * (domain's `combinedRank`), the first `limit` of them and how many matched up to `cap`. The
   * ranking reads at most cap + 1 matches: past the cap the list is "1,000+" anyway.
   */
  findCombined(tokens: readonly SearchToken[], limit: number, cap: number): SearchAnswer {
    if (tokens.length === 0) return { matches: [], total: 0, capped: false };
    const rows = this.combinedQuery(tokens, cap + 1) as CombinedRow[];
    const ranked = rankCombined(tokens, rows);
    const matchedBy = SEARCH_KIND_OF[tokens[0]!.kind];
    return {
      matches: ranked.slice(0, limit).map(({ row, rank }) => ({ customerId: row.customer_id, matchedBy, rank })),
      total: Math.min(ranked.length, cap),
      capped: ranked.length > cap,
    };
  }

  /** The combined statement run (`plan`: its EXPLAIN QUERY PLAN instead, for the tests that show it walks an index). */
  combinedQuery(tokens: readonly SearchToken[], limit: number, plan = false): unknown[] {
    const { sql, params } = combinedStatement(tokens, prefixSuccessor, limit, !this.mode.initial);
    if (plan) return this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params);
    let statement = this.combined.get(sql);
    if (!statement) {
      if (this.combined.size >= MAX_COMBINED_STATEMENTS) this.combined.clear();
      statement = this.db.prepare(sql);
      this.combined.set(sql, statement);
    }
    return statement.all(params);
  }

  /** The SQL and parameters each plan runs: one place, shared by `find` and the query-plan check. */
  queriesFor(plan: SearchPlan, queries: Walks = this.queries): [ReturnType<Db['prepare']>, unknown[]][] {
    if (plan.kind === 'phone') {
      const digits = plan.term.replace(/\D/g, '');
      if (digits.length < MIN_PHONE_DIGITS) return [];
      if (this.mode.initial) return [[queries.phoneWithoutIndex, [digits]]];
      // numbers ending in the digits first (a caller reads out the last four), then any that contain them
      return [
        [queries.phone, [`%${digits} %`]],
        [queries.phone, [`%${digits}%`]],
      ];
    }
    const term = plan.term.trim();
    if (!term) return [];
    const bounds = [term, prefixSuccessor(term)];
    if (plan.kind === 'name') return [[queries.name, bounds], [queries.nameFirstLast, bounds]];
    return [[queries[plan.kind], bounds]];
  }
}

/** A whole national number (10 digits) or longer: stored numbers ending in it are the number itself. */
function isWholeNumber(digits: string): boolean {
  return digits.replace(/\D/g, '').length >= 10;
}

/**
 * The least string greater than every string starting with `prefix`: its last code point plus
 * one. SQLite compares TEXT as UTF-8 bytes, which orders like code points, so
 * `key >= prefix AND key < successor` is exactly "starts with prefix", and a B-tree range.
 */
export function prefixSuccessor(prefix: string): string {
  const points = [...prefix];
  for (let i = points.length - 1; i >= 0; i--) {
    const code = points[i]!.codePointAt(0)!;
    if (code < 0x10ffff) {
      const next = code + 1 === 0xd800 ? 0xe000 : code + 1;
      return points.slice(0, i).join('') + String.fromCodePoint(next);
    }
  }
  return '\u{10ffff}'.repeat(points.length + 1);
}
