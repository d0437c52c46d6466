import type { EntityName } from './entities';
import { performers } from './operations';
import type { Role } from './roles';

/**
 * What an approved erasure does to each kind of record of the customer (policy: customers may
 * "remove personal data by phoning customer service"; issue 11). The one place this is written
 * down: the central store's erasure follows it, and the certificate names each record's category
 * and, for what is kept, the legal basis.
 *
 * - `erase`: the record is tombstoned everywhere (every desk deletes it at its next pull).
 * - `retain`: a billing record the law requires is kept at its legal minimum — out of every view
 *   (tombstoned for desks, kept apart in the central store without the fields named in `strip`) —
 *   and purged when its retention ends.
 *
 * Entities not listed hold no customer data of their own (or are the erasure's own evidence: the
 * erasure request and legal holds keep their ids; the request's free-text reason is cleared).
 */
export interface ErasureRule {
  action: 'erase' | 'retain';
  /** what a certificate calls it */
  category: string;
  /** for `retain`: the legal basis, and how long */
  basis?: string;
  retainYears?: number;
  /** for `retain`: personal fields dropped from what is kept */
  strip?: readonly string[];
}

const TAX_RECORDS = 'tax and accounting records (kept 7 years)';

export const ERASURE_RULES: Partial<Record<EntityName, ErasureRule>> = {
  customer: { action: 'erase', category: 'contact data (name, email, phones, addresses, consents)' },
  serviceLine: { action: 'erase', category: 'service lines (numbers, E911 address)' },
  paymentMethod: { action: 'erase', category: 'payment cards (card vault entries deleted with their data keys)' },
  order: { action: 'erase', category: 'orders' },
  lead: { action: 'erase', category: 'prospect details of a lead converted into this customer' },
  inquiry: { action: 'erase', category: 'email inquiries linked to the customer' },
  billingAccount: { action: 'retain', category: 'billing account (balance, status)', basis: TAX_RECORDS, retainYears: 7, strip: ['billingAddress'] },
  // line descriptions name the service numbers: the invoice's total and period are what is kept
  invoice: { action: 'retain', category: 'invoices', basis: TAX_RECORDS, retainYears: 7, strip: ['lines'] },
  payment: { action: 'retain', category: 'payments', basis: TAX_RECORDS, retainYears: 7 },
  billingAdjustment: { action: 'retain', category: 'credits and adjustments', basis: TAX_RECORDS, retainYears: 7 },
};

/** The text an erasure request's reason becomes when its customer is erased: the request stays as evidence, its free text does not. */
export const ERASED_REASON = 'Erased with the customer';

/** Who may read an erasure's certificate: those who decide erasure requests (a filer's own supervisor once teams exist, issue 14). */
export const CERTIFICATE_READERS: readonly Role[] = performers('erasureRequest.decide');

