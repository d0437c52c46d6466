import { phoneDigits } from './validation/phone';
import { ValidationError } from './errors';

/**
 * How a customer is found: the keys the workstation cache indexes and the reading of what a rep
 * types. Pure, so the cache's index writer and its query agree on one spelling.
 */
export type SearchKind = 'phone' | 'name' | 'email' | 'account';

/** Lower case without accents, single spaces: "José  O'Brien" → "jose o'brien". */
export function foldText(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export interface CustomerSearchKeys {
  /** "last first", for "smith" or "smith jo" */
  nameLastFirst: string;
  /** "first last", for "john sm" */
  nameFirstLast: string;
  email: string | null;
  account: string | null;
  /** national digits of each phone number */
  phones: string[];
}

interface Searchable {
  firstName?: unknown;
  lastName?: unknown;
  email?: unknown;
  accountNumber?: unknown;
  phones?: unknown;
}

export function customerSearchKeys(customer: Searchable): CustomerSearchKeys {
  const first = typeof customer.firstName === 'string' ? foldText(customer.firstName) : '';
  const last = typeof customer.lastName === 'string' ? foldText(customer.lastName) : '';
  const phones = Array.isArray(customer.phones)
    ? customer.phones.flatMap((p: unknown) => {
        const number = (p as { number?: unknown } | null)?.number;
        return typeof number === 'string' ? [phoneDigits(number)] : [];
      })
    : [];
  return {
    nameLastFirst: `${last} ${first}`.trim(),
    nameFirstLast: `${first} ${last}`.trim(),
    email: typeof customer.email === 'string' ? customer.email.toLowerCase() : null,
    account: typeof customer.accountNumber === 'string' ? customer.accountNumber.toLowerCase() : null,
    phones,
  };
}

export interface SearchPlan {
  kind: SearchKind;
  /** the normalised text to match: digits for phones, folded text otherwise */
  term: string;
}

/** The fewest digits a phone search needs: fewer would match a large part of the customer base. */
export const MIN_PHONE_DIGITS = 3;

/**
 * What the rep typed, read as one or more searches. "(212) 555-01" is a phone search; "a1234" an
 * account number; anything with "@" an email; letters a name (and an email prefix).
 */
export function planSearch(query: string, kind: SearchKind | 'auto' = 'auto'): SearchPlan[] {
  const text = query.trim();
  const digits = text.replace(/\D/g, '');
  const folded = foldText(text);
  // a North American number typed with its country code: the index holds national digits
  const phoneTerm = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  if (kind !== 'auto') {
    const term = kind === 'phone' ? phoneTerm : folded;
    return term ? [{ kind, term }] : [];
  }
  if (/^[\d\s()+.-]+$/.test(text)) {
    const plans: SearchPlan[] = [];
    if (digits.length >= MIN_PHONE_DIGITS) plans.push({ kind: 'phone', term: phoneTerm });
    if (digits.length >= 4) plans.push({ kind: 'account', term: `a${digits}` });
    return plans;
  }
  if (/^a\d+$/i.test(text)) return [{ kind: 'account', term: folded }];
  if (text.includes('@')) return [{ kind: 'email', term: folded }];
  return folded ? [{ kind: 'name', term: folded }, { kind: 'email', term: folded }] : [];
}

// ── combined fragments ───────────────────────────────────────────────────────────────────────
// At a million customers one fragment matches hundreds ("4151" ends about a thousand numbers), so a
// rep types what they hear together: "4151 breit", "mitchell 201", "j mitchell 4151". Each word is
// read on its own here, once, and the cache keeps only the customers every word matches.

/** What one typed word is taken for. */
export type SearchTokenKind = 'phoneFull' | 'phoneLast4' | 'phoneMiddle' | 'name' | 'email' | 'account';

export interface SearchToken {
  kind: SearchTokenKind;
  /**
   * what to match, normalised as the index holds it: national digits for a phone (a full number
   * has exactly the index's digits), folded text for a name or email prefix, "a" + digits for an
   * account number
   */
  term: string;
}

/** The kind of search each word kind is, as the audit log and the result list name it. */
export const SEARCH_KIND_OF: Record<SearchTokenKind, SearchKind> = {
  phoneFull: 'phone',
  phoneLast4: 'phone',
  phoneMiddle: 'phone',
  name: 'name',
  email: 'email',
  account: 'account',
};

/** The most words a combined search reads: more narrows nothing a rep needs, and bounds the query built from them. */
export const MAX_SEARCH_WORDS = 6;
/** As the console contract bounds a query: a longer text is refused before any word is read. */
export const MAX_SEARCH_LENGTH = 100;

/**
 * One typed word:
 * - digits (with phone punctuation): 10 national digits, or 11 starting with the country code 1, are
 *   a full number; exactly 4 the last four digits a caller reads out (a number must end in them: in
 *   a combined search, as in `planSearch`'s first walk); any other run a part anywhere in a number;
 * - "a" + digits: an account number (prefix);
 * - "@", or a mix of letters with digits, dots, underscores or plus signs: an email prefix;
 * - anything else: a name prefix (of the first or last name), accents and case folded.
 * The result is matched literally (bound parameters, no LIKE or FTS syntax from the rep): quotes,
 * stars or "NEAR(" are characters like any other and simply match no one.
 */
export function classifyToken(word: string): SearchToken | null {
  const text = word.trim();
  if (!text) return null;
  if (/^[\d()+.-]+$/.test(text) && /\d/.test(text)) {
    const digits = text.replace(/\D/g, '');
    if (digits.length === 10 || (digits.length === 11 && digits.startsWith('1'))) return { kind: 'phoneFull', term: digits.slice(-10) };
    return { kind: digits.length === 4 ? 'phoneLast4' : 'phoneMiddle', term: digits };
  }
  const folded = foldText(text);
  if (/^a\d+$/.test(folded)) return { kind: 'account', term: folded };
  if (folded.includes('@') || (/\p{L}/u.test(folded) && /[\d._+]/.test(folded))) return { kind: 'email', term: folded };
  return { kind: 'name', term: folded };
}

/**
 * The words of a combined search, or null when the text is one search of the kind read by
 * `planSearch` (one word, an explicit kind, or a phone number typed with spaces such as
 * "212 555 0143"). Too long a text, or more than MAX_SEARCH_WORDS words, is refused by name.
 */
export function combinedSearch(query: string, kind: SearchKind | 'auto' = 'auto'): SearchToken[] | null {
  if (query.length > MAX_SEARCH_LENGTH) {
    throw new ValidationError([{ field: 'query', rule: 'search.length', message: `a search is at most ${MAX_SEARCH_LENGTH} characters` }]);
  }
  const text = query.trim();
  if (kind !== 'auto' || /^[\d\s()+.-]+$/.test(text)) return null;
  const words = text.split(/\s+/);
  if (words.length < 2) return null;
  if (words.length > MAX_SEARCH_WORDS) {
    throw new ValidationError([{ field: 'query', rule: 'search.words', message: `a search combines at most ${MAX_SEARCH_WORDS} words` }]);
  }
  return words.map(classifyToken).filter((t): t is SearchToken => t !== null);
}

/** The kinds a combined search used, each once, in the order typed: what the audit log records (never the words). */
export function kindsOfTokens(tokens: readonly SearchToken[]): SearchKind[] {
  return [...new Set(tokens.map((t) => SEARCH_KIND_OF[t.kind]))];
}

/**
 * How far the console counts the customers a search matched: past it the list says "1,000+".
 * Counting further would cost an index walk per keystroke and tell the rep nothing more.
 */
export const SEARCH_COUNT_CAP = 1_000;

/** A matched customer's keys as the combined ranking reads them. */
export interface RankedKeys {
  nameLastFirst: string;
  nameFirstLast: string;
  phones: readonly string[];
}

/** The name words of a combined search read together, in the order typed ("van d", "smith jo"), when there are two or more. */
export function namePhrase(tokens: readonly SearchToken[]): string | null {
  const names = tokens.filter((t) => t.kind === 'name').map((t) => t.term);
  return names.length > 1 ? names.join(' ') : null;
}

/**
 * Where a customer every word matched stands among the others (lower first): the caller is the
 * one whose number *ends* in the digits read out (their first number on file before another), whose
 * name reads as typed — last name first ("smith jo", "van d"), then first name first ("john sm") —
 * and otherwise whose *last* name starts with each name word heard (then the first name; then
 * another word of the name or only the email), "smith jo" before "Jo Smithers". Ties keep the
 * index order (last name, first name).
 */
export function combinedRank(tokens: readonly SearchToken[], keys: RankedKeys): number {
  let rank = 0;
  let wordByWord = 0;
  for (const token of tokens) {
    if (SEARCH_KIND_OF[token.kind] === 'phone') {
      // the first number on file is the customer's main line: a caller most often calls from it
      if (!keys.phones[0]?.endsWith(token.term)) rank += keys.phones.some((digits) => digits.endsWith(token.term)) ? 0.25 : 1;
    } else if (token.kind === 'name') {
      if (!keys.nameLastFirst.startsWith(token.term)) wordByWord += keys.nameFirstLast.startsWith(token.term) ? 1 : 2;
    }
  }
  const phrase = namePhrase(tokens);
  if (phrase === null) return rank + wordByWord;
  if (keys.nameLastFirst.startsWith(phrase)) return rank;
  if (keys.nameFirstLast.startsWith(phrase)) return rank + Math.min(wordByWord, 1);
  return rank + wordByWord + 0.5;
}
