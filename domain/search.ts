import { phoneDigits } from './validation/phone';

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
