import type { BillingAccount, Customer, EntityName, SharingPurposeName } from './entities';

/**
 * What may leave the provider for a partner, and what never may (DESIGN §1: "billing partners get
 * only the contact information they need"; prospects' details are used "only to contact them about
 * the services they asked about"; an inquiry's return address is used "only to answer"). The one
 * place this is written down: the central store's partner export takes its rows, its columns and its
 * exclusions from here, and refuses a declaration that names anything purpose-bound.
 */

/** The records a sharing file may draw on: the customer and their billing account, nothing else. */
export const SHAREABLE_SOURCES = ['customer', 'billingAccount'] as const satisfies readonly EntityName[];
export type ShareableSource = (typeof SHAREABLE_SOURCES)[number];

/**
 * Data the policy keeps to one purpose: no export or sharing file may include any of it, whatever a
 * purpose declares. `'*'` is the whole record.
 */
export const PURPOSE_BOUND: Partial<Record<EntityName, { fields: readonly string[] | '*'; purpose: string }>> = {
  lead: { fields: '*', purpose: 'used only to contact the prospect about the services they asked about' },
  inquiry: { fields: '*', purpose: 'the return address is used only to answer the inquiry' },
};

export interface SharingColumn {
  /** the CSV header */
  header: string;
  from: ShareableSource;
  /** the field, dotted into an object (`mailingAddress.zip`), or `phones.0.number` for the first phone */
  path: string;
  /** a phone column holds E.164 numbers, written as they are (a leading + is not a formula there) */
  kind?: 'phone';
}

export interface SharingPurpose {
  /** what the partner does with the file, as the register and the compliance officer read it */
  label: string;
  /** which customers the partner needs, in words (the register shows it) and as the rule */
  covers: string;
  includes: (customer: Customer, account: BillingAccount) => boolean;
  /** the minimal field set for the purpose */
  columns: readonly SharingColumn[];
}

const name = [
  { header: 'account_number', from: 'customer', path: 'accountNumber' },
  { header: 'first_name', from: 'customer', path: 'firstName' },
  { header: 'last_name', from: 'customer', path: 'lastName' },
] as const satisfies readonly SharingColumn[];
const postal = (from: ShareableSource, field: string): SharingColumn[] =>
  (['line1', 'line2', 'city', 'state', 'zip'] as const).map((part) => ({ header: `${part === 'line1' || part === 'line2' ? `address_${part.slice(-1)}` : part}`, from, path: `${field}.${part}` }));

export const SHARING_PURPOSES = {
  /** a print-and-mail house prints and posts paper bills: who, and where to */
  paper_statements: {
    label: 'Printing and mailing paper bills',
    covers: 'customers whose billing account is open and does not pay by autopay',
    includes: (_customer, account) => account.status !== 'closed' && !account.autopay,
    columns: [...name, ...postal('billingAccount', 'billingAddress')],
  },
  /** a collection agency recovers a balance under collection: who, how to reach them, how much */
  collections: {
    label: 'Recovering a balance under collection',
    covers: 'customers whose billing account is in collections',
    includes: (_customer, account) => account.status === 'collections',
    columns: [
      ...name,
      { header: 'phone', from: 'customer', path: 'phones.0.number', kind: 'phone' },
      ...postal('customer', 'mailingAddress'),
      { header: 'balance_cents', from: 'billingAccount', path: 'balanceCents' },
      { header: 'currency', from: 'billingAccount', path: 'currency' },
    ],
  },
} as const satisfies Record<SharingPurposeName, SharingPurpose>;

/** The consent a customer withholds to stay out of every sharing file (customer.consents). */
export const SHARING_CONSENT = 'partnerSharing' as const;

/**
 * A purpose's columns, refused if any draws on a record outside SHAREABLE_SOURCES or on
 * purpose-bound data: a declaration cannot widen what leaves the provider.
 */
export function shareableColumns(purpose: Pick<SharingPurpose, 'columns'>): readonly SharingColumn[] {
  for (const column of purpose.columns) {
    const source = column.from as EntityName;
    const bound = PURPOSE_BOUND[source];
    if (bound && (bound.fields === '*' || bound.fields.includes(column.path.split('.')[0]!))) {
      throw new Error(`column ${column.header}: ${source} data is purpose-bound (${bound.purpose}) and may enter no sharing file`);
    }
    if (!(SHAREABLE_SOURCES as readonly string[]).includes(source)) throw new Error(`column ${column.header}: a sharing file draws only on ${SHAREABLE_SOURCES.join(' and ')}, not ${source}`);
  }
  return purpose.columns;
}

/** A column's value in a row, as text ('' where the record has none). */
export function columnValue(column: SharingColumn, records: { customer: Customer; billingAccount: BillingAccount }): string {
  let value: unknown = records[column.from];
  for (const key of column.path.split('.')) value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key];
  return value === null || value === undefined ? '' : String(value);
}
