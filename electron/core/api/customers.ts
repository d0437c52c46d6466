import type { CustomerProfile, SearchCount, SearchHit, SearchResult } from '../../../domain/console/contract';
import { CareDeskError, PolicyError, parseOrThrow } from '../../../domain/errors';
import { OPERATIONS, editablePaths, mayPerform, needsVerifiedCaller } from '../../../domain/operations';
import { SEARCH_COUNT_CAP, combinedSearch, kindsOfTokens, planSearch, type SearchKind } from '../../../domain/search';
import type { SearchMatch } from '../cache';
import { VerifyRequest } from '../../../domain/sync/protocol';
import type { PostalAddress } from '../../../domain/validation';
import type { OpenSession } from '../session/session';
import { pendingChange } from './edits';
import { callOnline, isCurrent, performOnline } from './operations';

type Row = Record<string, unknown> & { id: string };

/** A customer's name as lists show it (search results, conflicts, queues). */
export function displayName(customer: Record<string, unknown>): string {
  return [customer.firstName, customer.lastName].filter((v) => typeof v === 'string').join(' ') || '(no name)';
}

/** Searches typed in one go (each keystroke a search) are one audit event while they follow each other this closely and nothing is opened. */
export const SEARCH_AUDIT_PAUSE_MS = 10_000;

/**
 * What the rep typed, read by domain/search.ts: several words ("4151 breit") are one combined
 * search, the customers every word matches; one word (or a phone number typed with spaces) is a
 * search of the kinds it reads as. Either way the first `limit` hits and how many matched in all
 * (counted up to SEARCH_COUNT_CAP): a short list is its own count; a combined search counts as it
 * ranks (it reads every match up to the cap anyway); a one-word search's cut list is counted on
 * its own call, `countCustomers`, after the console shows it.
 */
export function searchCustomers(s: OpenSession, query: string, kind: SearchKind | 'auto', limit: number): SearchResult {
  const tokens = combinedSearch(query, kind);
  // names alone ("smith jo", "john smi") are first read as before, a prefix of "last first" or
  // "first last" (one B-tree range each); only when no one's name reads so are the words taken
  // apart ("j mitchell"), since a common surname walked on its own is thousands of rows at 1M
  const asWritten = tokens?.every((t) => t.kind === 'name') ? searchOneKind(s, query, kind, limit) : null;
  if (asWritten && asWritten.hits.length > 0) return asWritten;
  if (tokens) {
    const answer = s.cache.searchCombined(tokens, limit, SEARCH_COUNT_CAP);
    const phoneTerms = tokens.filter((t) => t.kind.startsWith('phone')).map((t) => t.term);
    const hits = hitsOf(s, answer.matches, phoneTerms);
    recordSearch(s, kindsOfTokens(tokens), hits);
    const top = answer.matches[0]?.rank;
    const tied = answer.matches.filter((m) => m.rank === top).length;
    return { hits, total: Math.max(answer.total, hits.length), capped: answer.capped, tiedAtTop: tied > 1 ? tied : 0 };
  }
  return searchOneKind(s, query, kind, limit);
}

/** One word (or a phone number typed with spaces, or an explicit kind): the kinds `planSearch` reads it as. */
function searchOneKind(s: OpenSession, query: string, kind: SearchKind | 'auto', limit: number): SearchResult {
  const plans = planSearch(query, kind);
  if (plans.length === 0) return { hits: [], total: 0, capped: false, tiedAtTop: 0 };
  const phoneTerm = plans.find((p) => p.kind === 'phone')?.term;
  const hits = hitsOf(s, s.cache.search(plans, limit), phoneTerm ? [phoneTerm] : []);
  recordSearch(s, [...new Set(plans.map((p) => p.kind))], hits);
  // a cut list is counted on its own call: at 1M customers a last-4 count reads up to 1,001 rows
  return { hits, total: hits.length < limit ? hits.length : null, capped: false, tiedAtTop: 0 };
}

/**
 * How many customers a one-word search matched, up to SEARCH_COUNT_CAP: the figure of a list
 * `searchCustomers` cut and left uncounted. The same plans as that search (`planSearch`), each
 * walk yielding row numbers only. Not an audit event: the search it counts was one already.
 */
export function countCustomers(s: OpenSession, query: string, kind: SearchKind | 'auto'): SearchCount {
  return s.cache.countMatches(planSearch(query, kind), SEARCH_COUNT_CAP);
}

/**
 * A search is a sensitive read (issue 14): it is reported for the audit log with its kinds and
 * result count, never the query. The search being typed is updated rather than repeated.
 */
function recordSearch(s: OpenSession, kinds: SearchKind[], hits: readonly SearchHit[]): void {
  const now = s.clock().getTime();
  const last = s.lastSearch;
  const continuing = last && !last.opened && now - last.at < SEARCH_AUDIT_PAUSE_MS ? last.id : null;
  const id = s.cache.recordSearch(kinds, hits.length, continuing);
  s.lastSearch = { id, at: now, found: new Set(hits.map((h) => h.id)), opened: false };
}

/** The list rows of the matched customers; the phone shown is the one the typed digits are in. */
function hitsOf(s: OpenSession, matches: readonly SearchMatch[], phoneTerms: readonly string[]): SearchHit[] {
  return matches.flatMap(({ customerId, matchedBy }) => {
    const c = s.cache.effectiveRecord('customer', customerId);
    if (!c) return [];
    const phones = Array.isArray(c.phones) ? (c.phones as { number: string }[]).map((p) => p.number) : [];
    const address = c.serviceAddress as PostalAddress | undefined;
    return [
      {
        id: customerId,
        accountNumber: typeof c.accountNumber === 'string' ? c.accountNumber : null,
        accountStatus: typeof c.accountStatus === 'string' ? c.accountStatus : null,
        name: displayName(c),
        matchedBy,
        phone: phones.find((p) => phoneTerms.length > 0 && phoneTerms.every((term) => p.replace(/\D/g, '').includes(term))) || phones[0] || null,
        email: typeof c.email === 'string' ? c.email : null,
        location: address ? `${address.city}, ${address.state}` : null,
      },
    ];
  });
}

export function customerProfile(s: OpenSession, customerId: string): CustomerProfile {
  const customer = s.cache.effectiveRecord('customer', customerId) as Row | null;
  if (!customer) throw new CareDeskError('not_found', 'This customer is not in your cache.');
  const role = s.user.role;
  const changes = s.cache.changesOf('customer', customerId).map(pendingChange);
  const verification = s.verifications.get(customerId) ?? null;
  return {
    customer,
    serviceLines: s.cache.effectiveRecordsOfCustomer('serviceLine', customerId) as CustomerProfile['serviceLines'],
    billing: (s.cache.effectiveRecordsOfCustomer('billingAccount', customerId)[0] as CustomerProfile['billing']) ?? null,
    changes,
    editablePaths: editablePaths('customer', role),
    verificationRequired: needsVerifiedCaller(OPERATIONS['customer.editContact'], role),
    verification: verification && !isCurrent(verification.validUntil, s.clock()) ? { ...verification, verified: false } : verification,
  };
}

/** A view of one customer is recorded once per this span; refreshes of an open profile are not new reads. */
export const VIEW_AUDIT_INTERVAL_MS = 10 * 60_000;

/** Opening a profile is a sensitive read: it is recorded and reported for the audit log. */
export function openCustomer(s: OpenSession, customerId: string): CustomerProfile {
  const profile = customerProfile(s, customerId);
  const now = s.clock().getTime();
  const last = s.viewsRecorded.get(customerId);
  // opened from the last search's results: the view names it, so the log says which search found whom
  const search = s.lastSearch?.found.has(customerId) ? s.lastSearch : null;
  if (last === undefined || now - last >= VIEW_AUDIT_INTERVAL_MS || (search && !search.opened)) {
    s.cache.recordView('customer', customerId, search?.id);
    s.viewsRecorded.set(customerId, now);
  }
  if (search) s.lastSearch = { ...search, opened: true };
  return profile;
}

/** The caller's answers are checked only by the central store (an online operation): the result is kept for this session. */
export async function verifyCaller(s: OpenSession, customerId: string, method: 'ssn_last4' | 'account_pin', answer: string) {
  const body = parseOrThrow(VerifyRequest, { method, answer });
  const result = await performOnline(s, 'customer.verifyCaller', (token) => s.client.verify(token, customerId, body));
  s.verifications.set(customerId, {
    verified: result.verified,
    verificationId: result.verificationId,
    validUntil: result.validUntil,
    attemptsLeft: result.attemptsLeft,
  });
  return result;
}

/** The caller's attempts left before anyone asks them anything: only the central store counts them (per customer, across all users). */
export function verificationAttempts(s: OpenSession, customerId: string) {
  if (!mayPerform('customer.verifyCaller', s.user.role)) throw new PolicyError(`the ${s.user.role} role does not verify callers`);
  return callOnline(s, 'read the caller’s attempts left', (token) => s.client.verificationAttempts(token, customerId));
}
