import { SEARCH_KIND_OF, combinedRank, type SearchToken } from '../../../domain/search';

/**
 * A search of several words ("4151 breit") as ONE statement over the search keys: the word likely
 * to match the fewest customers walks its index (the trigram index for digits, a B-tree range for
 * a name, email or account prefix), and each customer it yields is kept only if every other word
 * matches its row, read by primary key. No statement here scans `customer_search`: a scan of the
 * encrypted table at 1M customers costs 0.4–0.5 s (TOOLCHAIN.md), an index walk of a few hundred
 * entries well under a millisecond.
 *
 * Every value is a bound parameter and every comparison literal (`instr`, B-tree ranges): the
 * only LIKE pattern is built from digits, so nothing the rep types is read as SQL, LIKE or FTS
 * syntax.
 */

/** A customer every word matched, with the keys the ranking reads. */
export interface CombinedRow {
  cust: number;
  customer_id: string;
  name_lf: string;
  name_fl: string;
  phones: string;
}

/** The least string greater than every string starting with `prefix` (see searchIndex.ts). */
type Successor = (prefix: string) => string;

/**
 * About what share of the customers a word matches, to pick the one whose index is walked. Digits
 * are near uniform (a run of d digits sits in one of about (11 - d)·10^-d numbers, 1.4 per
 * customer); a name prefix follows surnames' skew (a common surname is 1–2 % of a customer base),
 * so it is estimated from its length only; fewer than 3 digits never drive (they match most).
 */
export function estimatedShare(token: SearchToken): number {
  const length = token.term.length;
  switch (token.kind) {
    case 'phoneFull':
      return 1e-9;
    case 'phoneLast4':
      return 1.4e-4;
    case 'phoneMiddle':
      return length < 3 ? Infinity : Math.max(1e-9, (11 - Math.min(length, 10)) * 10 ** -length * 1.4);
    case 'account':
      return 10 ** -(length - 1);
    case 'email':
      return token.term.includes('@') ? 1e-6 : 0.01 / Math.max(1, length - 2);
    case 'name':
      return [1, 0.1, 0.03, 0.01][length] ?? 0.01 / (length - 2);
  }
}

/**
 * The statement that finds the customers every word matches, at most `limit` of them. A name word
 * matches the start of any word of the customer's name (or the start of the email), so a surname
 * of two words ("Van Dijk", "De la Cruz") is found by what the rep heard of either. The walks find
 * only a last or first name's *start*, so when a name word drives, the name words read together
 * from each one on ("a van dijk", "van dijk") walk the name indexes too: a customer whose name
 * starts with any of those phrases is found even when the rarest word sits inside the name.
 */
export function combinedStatement(tokens: readonly SearchToken[], successor: Successor, limit: number, indexed: boolean): { sql: string; params: unknown[] } {
  const driver = tokens.reduce((best, t) => (estimatedShare(t) < estimatedShare(best) ? t : best));
  // while a first sync runs its indexes are set aside: every search scans then, and every word is checked on the row
  const driving = indexed ? driverSql(driver, successor) : { sql: 'SELECT cust FROM customer_search', params: [], token: null };
  if (driving.token?.kind === 'name') {
    const names = tokens.filter((t) => t.kind === 'name').map((t) => t.term);
    for (let from = 0; from < names.length - 1; from++) {
      const phrase = names.slice(from).join(' ');
      for (const column of ['name_lf', 'name_fl']) {
        driving.sql += ` UNION ALL SELECT cust FROM customer_search WHERE ${column} >= ? AND ${column} < ?`;
        driving.params.push(phrase, successor(phrase));
      }
    }
  }
  const checks = tokens.filter((t) => t !== driving.token).map((t) => rowCheck(t, successor));
  const where = checks.length ? `WHERE ${checks.map((c) => c.sql).join(' AND ')}` : '';
  return {
    sql: `SELECT c.cust, c.customer_id, c.name_lf, c.name_fl, c.phones FROM (${driving.sql}) AS d CROSS JOIN customer_search AS c ON c.cust = d.cust ${where} LIMIT ?`,
    params: [...driving.params, ...checks.flatMap((c) => c.params), limit],
  };
}

/** The walk of one word's index. */
function driverSql(token: SearchToken, successor: Successor): { sql: string; params: unknown[]; token: SearchToken | null } {
  const range = (column: string) => `SELECT cust FROM customer_search WHERE ${column} >= ? AND ${column} < ?`;
  const bounds = [token.term, successor(token.term)];
  switch (SEARCH_KIND_OF[token.kind]) {
    case 'phone':
      return { sql: 'SELECT rowid AS cust FROM phone_search WHERE phones LIKE ?', params: [`%${token.term}${endsNumber(token) ? ' ' : ''}%`], token };
    case 'name':
      // a name word is the start of the last name, of the first name, or (as a one-word search) of the email
      return { sql: `${range('name_lf')} UNION ALL ${range('name_fl')} UNION ALL ${range('email')}`, params: [...bounds, ...bounds, ...bounds], token };
    case 'email':
      return { sql: range('email'), params: bounds, token };
    case 'account':
      return { sql: range('account'), params: bounds, token };
  }
}

/** The test one word makes of a row the walk yielded. */
function rowCheck(token: SearchToken, successor: Successor): { sql: string; params: unknown[] } {
  const inRange = (column: string) => `(c.${column} >= ? AND c.${column} < ?)`;
  const bounds = [token.term, successor(token.term)];
  switch (SEARCH_KIND_OF[token.kind]) {
    case 'phone':
      return { sql: 'instr(c.phones, ?) > 0', params: [endsNumber(token) ? `${token.term} ` : token.term] };
    case 'name':
      // the start of a word of the name: name_lf holds every word of both names, one space apart (foldText)
      return { sql: `(instr(' ' || c.name_lf, ?) > 0 OR ${inRange('email')})`, params: [` ${token.term}`, ...bounds] };
    case 'email':
      return { sql: inRange('email'), params: bounds };
    case 'account':
      return { sql: inRange('account'), params: bounds };
  }
}

/**
 * Whether the digits must end a number: a full number is a whole number (not part of a longer one),
 * and four digits are the last four a caller reads out. Each stored number ends with a space, so
 * "ends with" is the pattern `%digits %` — about 7 times fewer trigram candidates than `%digits%`.
 */
function endsNumber(token: SearchToken): boolean {
  return token.kind === 'phoneFull' || token.kind === 'phoneLast4';
}

/** The rows in the order the rep should see them (domain's `combinedRank`), each customer once, with its rank. */
export function rankCombined(tokens: readonly SearchToken[], rows: readonly CombinedRow[]): { row: CombinedRow; rank: number }[] {
  const seen = new Map<number, { row: CombinedRow; rank: number }>();
  for (const row of rows) {
    if (seen.has(row.cust)) continue;
    const rank = combinedRank(tokens, { nameLastFirst: row.name_lf, nameFirstLast: row.name_fl, phones: row.phones.split(' ').filter(Boolean) });
    seen.set(row.cust, { row, rank });
  }
  return [...seen.values()].sort((a, b) => a.rank - b.rank || (a.row.name_lf < b.row.name_lf ? -1 : a.row.name_lf > b.row.name_lf ? 1 : 0) || a.row.cust - b.row.cust);
}
