import { CONSENT_KEYS, type Customer, type EntityName, type ErasureScope } from './entities';
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
  // issue 14: an edit held for a supervisor's review holds the values it would set, and the rep's note
  heldEdit: { action: 'erase', category: "edits held for a supervisor's review" },
  // issue 16: a callback's reason is the rep's words about the caller
  callbackRequest: { action: 'erase', category: 'callbacks the caller asked for' },
  billingAccount: { action: 'retain', category: 'billing account (balance, status)', basis: TAX_RECORDS, retainYears: 7, strip: ['billingAddress'] },
  // line descriptions name the service numbers: the invoice's total and period are what is kept
  invoice: { action: 'retain', category: 'invoices', basis: TAX_RECORDS, retainYears: 7, strip: ['lines'] },
  // the masked card a payment used goes with the cards (crypto-shredded): the amount, date and outcome are what is kept
  payment: { action: 'retain', category: 'payments', basis: TAX_RECORDS, retainYears: 7, strip: ['card'] },
  billingAdjustment: { action: 'retain', category: 'credits and adjustments', basis: TAX_RECORDS, retainYears: 7 },
};

/**
 * The scopes a caller may ask for (ErasureRequest.scope): `account` erases as ERASURE_RULES say and
 * closes the account; `contact` keeps the account and its service and erases the contact data the
 * service does not need. What the service needs, and so what stays: the name (the account holder,
 * asked for on every call), the service address (the lines' E911 address and the bill), and one
 * phone number (the first: how the provider reaches the account holder about the service). What
 * goes: the email address, every other phone number, a mailing address of its own (the service
 * address takes its place), and every consent (with no contact data kept for it, nothing may be
 * used for marketing or shared: all become opt-outs); with them the email inquiries linked to the
 * customer and a lead converted into them, change reasons, held edits and conflict values.
 */
export const ERASURE_SCOPE_LABELS: Record<ErasureScope, { label: string; explains: string }> = {
  contact: { label: 'Contact details only', explains: 'The email address, other phone numbers and the mailing address are erased on every desk and all consents withdrawn; the name, service address and first phone number stay for the service the customer keeps.' },
  account: { label: 'The whole account', explains: 'Everything held about this customer is erased on every desk and the account closes; billing records the law requires are kept apart.' },
};

export const CONTACT_ERASURE = {
  category: 'contact data (email, phones but the first, mailing address, consents)',
  /** the customer fields it erases (and so that no desk may write back from what it saw before) */
  fields: ['email', 'phones', 'mailingAddress', 'consents'],
  /** the customer fields that stay, with their basis */
  kept: ['firstName', 'lastName', 'phones', 'serviceAddress'],
  basis: 'the service the customer keeps: the E911 and billing address, the account holder, one number to reach them',
  /** records of the customer erased whole (a held edit holds contact values) */
  entities: ['lead', 'inquiry', 'heldEdit', 'callbackRequest'] as readonly EntityName[],
  /** the customer record once its contact data is erased */
  strip(customer: Customer, at: string): Customer {
    // the withdrawn consents were given under no policy version (issue 14): their stamps go with them
    const { consentPolicyVersions: _given, ...kept } = customer;
    return {
      ...kept,
      email: null,
      phones: customer.phones.slice(0, 1),
      mailingAddress: customer.serviceAddress,
      consents: Object.fromEntries(CONSENT_KEYS.map((key) => [key, false])) as Customer['consents'],
      erasedContactAt: at,
      updatedAt: at,
    };
  },
} as const;

/** Whether a change to `path` of a customer would write back a field a contact erasure erased. */
export function erasedContactPath(path: string): boolean {
  return CONTACT_ERASURE.fields.some((field) => path === field || path.startsWith(`${field}.`));
}

/** The text an erasure request's reason becomes when its customer is erased: the request stays as evidence, its free text does not. */
export const ERASED_REASON = 'Cleared when the erasure was carried out';

/** Who may read an erasure's certificate: those who decide erasure requests (a filer's own supervisor once teams exist, issue 14). */
export const CERTIFICATE_READERS: readonly Role[] = performers('erasureRequest.decide');

