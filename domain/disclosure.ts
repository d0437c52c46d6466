import { DISCLOSABLE_FIELD_NAMES, PLAN_CURRENCY, type BillingAccount, type Customer, type DisclosableFieldName, type Invoice, type LegalBasis, type Payment, type PaymentMethod, type ServiceLine } from './entities';
import { formatAddress, formatMoney, type PostalAddress } from './validation';
import type { FieldIssue } from './errors';

/**
 * Legal disclosures (DESIGN §1 "Special cases"; issue 14), written down once: what each item of a
 * disclosure holds, and which items each legal basis lets leave. The central store refuses a
 * disclosure naming an item its basis does not allow, and the console offers only those. A
 * subpoena under the ECPA reaches basic subscriber information only (18 U.S.C. §2703(c)(2): name,
 * address, telephone number, length and types of service, means and source of payment); billing
 * records beyond it need a court order (§2703(d)); an emergency (§2702(c)(4)) reaches who and where
 * the caller is; enforcing the Acceptable-Use Policy and protecting the service reach the account
 * and its lines, no more.
 */

export interface DisclosableField {
  label: string;
  /** what the item holds, as the approving officer reads it */
  holds: string;
}

export const DISCLOSABLE_FIELDS: Record<DisclosableFieldName, DisclosableField> = {
  name: { label: 'Name', holds: 'first and last name' },
  accountNumber: { label: 'Account number', holds: 'the subscriber number' },
  serviceAddress: { label: 'Service address', holds: 'where the service is provided' },
  mailingAddress: { label: 'Mailing address', holds: 'the postal address on file' },
  phones: { label: 'Telephone numbers', holds: 'the contact numbers on file' },
  email: { label: 'Email address', holds: 'the email address on file' },
  serviceSince: { label: 'Length of service', holds: 'when the customer record was opened' },
  serviceLines: { label: 'Service lines', holds: 'each number with its plan and status (types of service)' },
  e911Address: { label: 'E911 addresses', holds: 'the registered emergency location of each line' },
  paymentMeans: { label: 'Means of payment', holds: 'the cards on file in masked form (brand, last 4)' },
  billingAddress: { label: 'Billing address', holds: 'the billing account’s address' },
  invoices: { label: 'Invoices', holds: 'each invoice’s number, period, amount and status' },
  payments: { label: 'Payments', holds: 'each payment’s date, amount and status' },
};

/** Basic subscriber information, 18 U.S.C. §2703(c)(2). */
const SUBSCRIBER_INFORMATION = ['name', 'accountNumber', 'serviceAddress', 'mailingAddress', 'phones', 'email', 'serviceSince', 'serviceLines', 'paymentMeans'] as const satisfies readonly DisclosableFieldName[];

export interface LegalBasisRule {
  label: string;
  /** the authority it rests on, as the register shows it */
  authority: string;
  /** the items it lets leave: the console offers these only, the central store refuses any other */
  fields: readonly DisclosableFieldName[];
}

export const LEGAL_BASIS_RULES: Record<LegalBasis, LegalBasisRule> = {
  ecpa_subpoena: { label: 'Subpoena (ECPA)', authority: '18 U.S.C. §2703(c)(2): basic subscriber information', fields: SUBSCRIBER_INFORMATION },
  ecpa_court_order: { label: 'Court order (ECPA)', authority: '18 U.S.C. §2703(d): subscriber and billing records', fields: [...SUBSCRIBER_INFORMATION, 'e911Address', 'billingAddress', 'invoices', 'payments'] },
  ecpa_emergency: { label: 'Emergency (ECPA)', authority: '18 U.S.C. §2702(c)(4): danger of death or serious injury', fields: ['name', 'phones', 'serviceAddress', 'serviceLines', 'e911Address'] },
  aup_violation: { label: 'Acceptable-Use enforcement', authority: 'the Acceptable-Use Policy', fields: ['name', 'accountNumber', 'email', 'serviceLines'] },
  protection: { label: 'Protection of the service', authority: 'protecting the provider’s rights, property and network', fields: ['name', 'accountNumber', 'phones', 'serviceLines'] },
};

/** The items of `fields` that `basis` does not let leave, and repeats: each named with the rule. */
export function disclosureFieldIssues(basis: LegalBasis, fields: readonly string[]): FieldIssue[] {
  const allowed = LEGAL_BASIS_RULES[basis].fields as readonly string[];
  const issues: FieldIssue[] = [];
  fields.forEach((field, i) => {
    if (!(DISCLOSABLE_FIELD_NAMES as readonly string[]).includes(field)) issues.push({ field: `fieldsDisclosed.${i}`, rule: 'disclosure.unknown_field', message: `${field} is not an item a disclosure can name` });
    else if (!allowed.includes(field)) issues.push({ field: `fieldsDisclosed.${i}`, rule: 'disclosure.beyond_basis', message: `${DISCLOSABLE_FIELDS[field as DisclosableFieldName].label} is beyond what a ${LEGAL_BASIS_RULES[basis].label.toLowerCase()} allows (${LEGAL_BASIS_RULES[basis].authority})` });
    else if (fields.indexOf(field) !== i) issues.push({ field: `fieldsDisclosed.${i}`, rule: 'disclosure.repeated', message: `${field} is named twice` });
  });
  return issues;
}

/** Whether a disclosure may be approved by `userId`: never by the officer who prepared it (four eyes). */
export function approvalIssue(record: { preparedBy: string; status: string }, userId: string): FieldIssue | null {
  if (record.status !== 'prepared') return { field: 'disclosureId', rule: 'disclosure.not_prepared', message: `this disclosure is ${record.status}: only a prepared one can be approved` };
  if (record.preparedBy === userId) return { field: 'disclosureId', rule: 'disclosure.same_person', message: 'a disclosure is approved by a compliance officer other than the one who prepared it' };
  return null;
}

/** What the central store holds of the customer, read at the approval to fill the items in. */
export interface DisclosureSource {
  customer: Customer;
  serviceLines: readonly ServiceLine[];
  billingAccount: BillingAccount | null;
  paymentMethods: readonly PaymentMethod[];
  invoices: readonly Invoice[];
  payments: readonly Payment[];
}

const postal = (a: PostalAddress | null | undefined) => (a ? formatAddress(a) : '');
// amounts are in minor units of the account's currency (yen have no cents, dinars three digits); with no account, the price list's
const money = (minor: number, account: BillingAccount | null) => formatMoney(minor, account?.currency ?? PLAN_CURRENCY);

const VALUES: Record<DisclosableFieldName, (s: DisclosureSource) => string> = {
  name: ({ customer }) => `${customer.firstName} ${customer.lastName}`,
  accountNumber: ({ customer }) => customer.accountNumber,
  serviceAddress: ({ customer }) => postal(customer.serviceAddress),
  mailingAddress: ({ customer }) => postal(customer.mailingAddress),
  phones: ({ customer }) => customer.phones.map((p) => p.number).join('; '),
  email: ({ customer }) => customer.email ?? '',
  serviceSince: ({ customer }) => customer.createdAt.slice(0, 10),
  serviceLines: ({ serviceLines }) => serviceLines.map((l) => `${l.number} (${l.plan}, ${l.status})`).join('; '),
  e911Address: ({ serviceLines }) => serviceLines.map((l) => `${l.number}: ${postal(l.e911Address)}`).join('; '),
  paymentMeans: ({ paymentMethods }) => paymentMethods.map((m) => `${m.brand} ending ${m.last4}`).join('; '),
  billingAddress: ({ billingAccount }) => postal(billingAccount?.billingAddress),
  invoices: ({ invoices, billingAccount }) => invoices.map((i) => `${i.number} ${i.periodStart}–${i.periodEnd} ${money(i.amountCents, billingAccount)} ${i.status}`).join('; '),
  payments: ({ payments, billingAccount }) => payments.map((p) => `${p.at.slice(0, 10)} ${money(p.amountCents, billingAccount)} ${p.status}`).join('; '),
};

/** The items of an approved disclosure, each with its value as text, in the order the register names them. */
export function disclosedItems(fields: readonly DisclosableFieldName[], source: DisclosureSource): { field: DisclosableFieldName; label: string; value: string }[] {
  return fields.map((field) => ({ field, label: DISCLOSABLE_FIELDS[field].label, value: VALUES[field](source) }));
}
