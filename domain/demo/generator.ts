import { Faker, allLocales, base, en, en_US, type Randomizer } from '@faker-js/faker';
import type { BillingAccount, BillingAdjustment, Customer, Inquiry, Invoice, Lead, Order, Payment, PaymentMethod, ServiceLine } from '../entities';
import { CONSENT_KEYS, PHONE_KINDS, SERVICE_PLANS } from '../entities';
import { US_STATES, cardBrand, luhnCheckDigit, normalisePhone, type PostalAddress } from '../validation';

/**
 * Deterministic demo data: the same seed and index always give the same customer, so tests and
 * benchmarks can regenerate any customer (and its caller-verification answers) without storing it.
 */

/** A customer and everything that hangs off it, plus the secrets only the central store may hold. */
export interface DemoCustomer {
  /** every demo customer has an email address on file */
  customer: Customer & { email: string };
  serviceLines: ServiceLine[];
  billingAccount: BillingAccount;
  invoices: Invoice[];
  payments: Payment[];
  paymentMethods: PaymentMethod[];
  orders: Order[];
  adjustments: BillingAdjustment[];
  /** central store only: hashed there, never sent anywhere */
  secrets: { ssnLast4: string; accountPin: string; cardNumbers: Record<string, string> };
}

export interface DemoOptions {
  seed: number;
  /** months of invoices and payments per customer (0 for benchmarks that need customers only) */
  historyMonths?: number;
  /**
   * Where surnames come from. 'english' (the default): faker's English list, about 470 names drawn
   * evenly. 'wide': half from that list, half from the Latin-script surnames of faker's other locales
   * (about 13,500) — a population whose surnames collide about as often as a real US one's, for the
   * search benchmark's "caller first" (bench/README.md). Other fields differ between the two.
   */
  surnames?: 'english' | 'wide';
}

const REFERENCE_DATE = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const AREA_CODES = [201, 202, 206, 212, 213, 303, 305, 312, 404, 415, 503, 512, 602, 617, 619, 646, 702, 704, 713, 718, 801, 808, 917, 971];
const SERVICES = ['Residential VoIP', 'Business VoIP', 'Toll-free number', 'International calling', 'Fax to email', 'Number porting'];

/**
 * One instance, reseeded per record. Faker's default Mersenne Twister takes longer to seed than a
 * customer takes to generate, so records are drawn from splitmix32, whose seeding is free.
 */
function splitmix32(): Randomizer {
  let state = 0;
  return {
    next() {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
    },
    seed(seed) {
      const parts = Array.isArray(seed) ? seed : [seed];
      state = parts.reduce((h, n) => Math.imul(h ^ n, 0x01000193) >>> 0, 0x811c9dc5);
    },
  };
}
const sharedFaker = new Faker({ locale: [en_US, en, base], randomizer: splitmix32() });

function fakerFor(seed: number, index: number, salt: number): Faker {
  sharedFaker.seed([seed, index, salt]);
  return sharedFaker;
}

/** A distinct, non-sequential account number for each index below 90,000,000. */
export function demoAccountNumber(index: number): string {
  return `A${((index * 7919 + 12_345_678) % 90_000_000) + 10_000_000}`;
}

function phone(faker: Faker): string {
  for (;;) {
    const area = faker.helpers.arrayElement(AREA_CODES);
    const exchange = faker.number.int({ min: 201, max: 989 });
    if (exchange === 555 || exchange % 100 === 11) continue;
    const e164 = normalisePhone(`+1${area}${exchange}${faker.string.numeric(4)}`);
    if (e164) return e164;
  }
}

function address(faker: Faker): PostalAddress {
  const zip = faker.location.zipCode('#####');
  return {
    line1: faker.location.streetAddress(),
    ...(faker.datatype.boolean(0.2) ? { line2: faker.location.secondaryAddress() } : {}),
    city: faker.location.city(),
    state: faker.helpers.arrayElement(US_STATES.slice(0, 51)),
    zip: faker.datatype.boolean(0.3) ? `${zip}-${faker.string.numeric(4)}` : zip,
  };
}

function isoDaysAgo(days: number): string {
  return new Date(REFERENCE_DATE - days * DAY).toISOString();
}

function testCardNumber(faker: Faker, prefix: string, length: number): string {
  const partial = prefix + faker.string.numeric(length - prefix.length - 1);
  return partial + luhnCheckDigit(partial);
}

let otherSurnames: string[] | undefined;
/** faker's surnames in Latin script from every locale but English, once each, in a fixed order */
function nonEnglishSurnames(): string[] {
  if (otherSurnames) return otherSurnames;
  const english = new Set(en.person?.last_name?.generic ?? []);
  const names = new Set<string>();
  for (const locale of Object.values(allLocales)) {
    const lists = locale.person?.last_name;
    if (!lists) continue;
    for (const list of [lists.generic, lists.male, lists.female]) {
      for (const name of list ?? []) if (/^\p{Script=Latin}[\p{Script=Latin}' -]*$/u.test(name) && !english.has(name)) names.add(name);
    }
  }
  otherSurnames = [...names].sort();
  return otherSurnames;
}

function surname(faker: Faker, options: DemoOptions): string {
  if (options.surnames !== 'wide' || faker.datatype.boolean(0.5)) return faker.person.lastName();
  return faker.helpers.arrayElement(nonEnglishSurnames());
}

export function demoCustomer(index: number, options: DemoOptions): DemoCustomer {
  const faker = fakerFor(options.seed, index, 1);
  const firstName = faker.person.firstName();
  const lastName = surname(faker, options);
  const serviceAddress = address(faker);
  const sameMailing = faker.datatype.boolean(0.8);
  const createdDaysAgo = faker.number.int({ min: 30, max: 3000 });
  const phones = [{ kind: 'mobile' as const, number: phone(faker) }];
  if (faker.datatype.boolean(0.4)) phones.push({ kind: faker.helpers.arrayElement(PHONE_KINDS.slice(1)) as 'mobile', number: phone(faker) });

  const customer: DemoCustomer['customer'] = {
    id: faker.string.uuid(),
    accountNumber: demoAccountNumber(index),
    accountStatus: faker.helpers.weightedArrayElement([
      { weight: 90, value: 'active' as const },
      { weight: 4, value: 'pending' as const },
      { weight: 4, value: 'suspended' as const },
      { weight: 2, value: 'closed' as const },
    ]),
    firstName,
    lastName,
    email: faker.internet.email({ firstName, lastName, provider: faker.helpers.arrayElement(['example.com', 'example.net', 'example.org']) }).toLowerCase(),
    phones,
    serviceAddress,
    mailingAddress: sameMailing ? serviceAddress : address(faker),
    consents: Object.fromEntries(CONSENT_KEYS.map((k) => [k, faker.datatype.boolean(k === 'partnerSharing' ? 0.3 : 0.5)])) as Customer['consents'],
    createdAt: isoDaysAgo(createdDaysAgo),
    updatedAt: isoDaysAgo(faker.number.int({ min: 0, max: createdDaysAgo })),
  };

  const serviceLines: ServiceLine[] = phones.slice(0, faker.number.int({ min: 1, max: phones.length })).map((p) => ({
    id: faker.string.uuid(),
    customerId: customer.id,
    number: p.number,
    plan: faker.helpers.arrayElement(SERVICE_PLANS),
    status: customer.accountStatus === 'suspended' ? 'suspended' : 'active',
    e911Address: serviceAddress,
    // at the service address: nothing for network operations to review (domain/e911.ts)
    e911Review: null,
    activatedAt: customer.createdAt,
  }));

  const billingAccount: BillingAccount = {
    id: faker.string.uuid(),
    customerId: customer.id,
    balanceCents: 0,
    currency: 'USD',
    dueDate: isoDaysAgo(-14).slice(0, 10),
    status: 'current',
    autopay: faker.datatype.boolean(0.6),
    billingAddress: customer.mailingAddress,
  };

  const cardNumbers: Record<string, string> = {};
  const paymentMethods: PaymentMethod[] = Array.from({ length: faker.number.int({ min: 1, max: 2 }) }, (_, i) => {
    const pan = testCardNumber(faker, faker.helpers.arrayElement(['4', '51', '55', '37', '6011']), 16);
    const id = faker.string.uuid();
    cardNumbers[id] = pan;
    return {
      id,
      customerId: customer.id,
      billingAccountId: billingAccount.id,
      brand: cardBrand(pan),
      last4: pan.slice(-4),
      expMonth: faker.number.int({ min: 1, max: 12 }),
      expYear: 2027 + faker.number.int({ min: 0, max: 4 }),
      holderName: `${firstName} ${lastName}`,
      billingZip: customer.mailingAddress.zip.slice(0, 5),
      isDefault: i === 0,
    };
  });

  const invoices: Invoice[] = [];
  const payments: Payment[] = [];
  const months = options.historyMonths ?? 3;
  for (let m = months; m >= 1; m--) {
    const start = new Date(REFERENCE_DATE - m * 30 * DAY);
    const amount = serviceLines.length * faker.number.int({ min: 1999, max: 5999 });
    const failed = faker.datatype.boolean(0.08);
    const status = m === 1 ? (failed ? 'overdue' : 'open') : failed ? 'overdue' : 'paid';
    const invoice: Invoice = {
      id: faker.string.uuid(),
      customerId: customer.id,
      billingAccountId: billingAccount.id,
      number: `INV-${faker.string.numeric(8)}`,
      periodStart: start.toISOString().slice(0, 10),
      periodEnd: new Date(start.getTime() + 29 * DAY).toISOString().slice(0, 10),
      issuedAt: new Date(start.getTime() + 30 * DAY).toISOString().slice(0, 10),
      dueDate: new Date(start.getTime() + 44 * DAY).toISOString().slice(0, 10),
      amountCents: amount,
      status,
      lines: serviceLines.map((l) => ({ description: `${l.plan} — ${l.number}`, amountCents: Math.round(amount / serviceLines.length) })),
    };
    invoices.push(invoice);
    if (status === 'open') billingAccount.balanceCents += amount;
    if (failed) {
      // an invoice whose payment failed is still owed, whatever its month
      billingAccount.balanceCents += amount;
      billingAccount.status = 'past_due';
    }
    if (m > 1 || failed) {
      payments.push({
        id: faker.string.uuid(),
        customerId: customer.id,
        billingAccountId: billingAccount.id,
        at: new Date(start.getTime() + 40 * DAY).toISOString(),
        amountCents: amount,
        paymentMethodId: paymentMethods[0]!.id,
        card: { brand: paymentMethods[0]!.brand, last4: paymentMethods[0]!.last4 },
        status: failed ? 'failed' : 'succeeded',
        failureReason: failed ? faker.helpers.arrayElement(['card declined', 'insufficient funds', 'card expired', 'issuer unavailable']) : null,
      });
    }
  }

  const orders: Order[] = faker.datatype.boolean(0.3)
    ? [
        {
          id: faker.string.uuid(),
          customerId: customer.id,
          items: [{ sku: 'ATA-200', description: 'VoIP adapter', quantity: 1, priceCents: 4999 }],
          status: 'fulfilled',
          placedAt: customer.createdAt,
          fulfilledAt: isoDaysAgo(createdDaysAgo - 5),
        },
      ]
    : [];

  // now and then a goodwill credit after a failed payment or an outage, as billing teams give
  const adjustments: BillingAdjustment[] = [];
  if (months > 0 && faker.datatype.boolean(0.12)) {
    const amountCents = -faker.helpers.arrayElement([500, 1000, 1500, 2500]);
    adjustments.push({
      id: faker.string.uuid(),
      customerId: customer.id,
      billingAccountId: billingAccount.id,
      kind: 'credit',
      amountCents,
      reason: faker.helpers.arrayElement(['Service outage in the area', 'Goodwill credit after a failed payment', 'Porting delay']),
      recordedBy: 'Billing team',
      recordedAt: isoDaysAgo(faker.number.int({ min: 1, max: months * 30 })),
    });
    billingAccount.balanceCents += amountCents;
  }

  // the caller's answers come from a stream of their own: they do not move when history options do
  const answers = fakerFor(options.seed, index, 4);
  return {
    customer,
    serviceLines,
    billingAccount,
    invoices,
    payments,
    paymentMethods,
    orders,
    adjustments,
    secrets: { ssnLast4: answers.string.numeric(4), accountPin: answers.string.numeric(6), cardNumbers },
  };
}

export function* demoCustomers(count: number, options: DemoOptions, start = 0): Generator<DemoCustomer> {
  for (let i = start; i < start + count; i++) yield demoCustomer(i, options);
}

export function demoLead(index: number, options: DemoOptions): Lead {
  const faker = fakerFor(options.seed, index, 2);
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  return {
    id: faker.string.uuid(),
    firstName,
    lastName,
    email: faker.internet.email({ firstName, lastName, provider: 'example.com' }).toLowerCase(),
    phone: phone(faker),
    mailingAddress: address(faker),
    location: `${faker.location.city()}, ${faker.helpers.arrayElement(US_STATES.slice(0, 51))}`,
    requestedServices: faker.helpers.arrayElements(SERVICES, { min: 1, max: 3 }),
    status: faker.helpers.arrayElement(['new', 'new', 'contacted', 'quoted'] as const),
    createdAt: isoDaysAgo(faker.number.int({ min: 0, max: 60 })),
    convertedCustomerId: null,
  };
}

export function demoInquiry(index: number, options: DemoOptions): Inquiry {
  const faker = fakerFor(options.seed, index, 3);
  return {
    id: faker.string.uuid(),
    receivedAt: isoDaysAgo(faker.number.int({ min: 0, max: 10 })),
    returnAddress: faker.internet.email({ provider: 'example.org' }).toLowerCase(),
    subject: faker.helpers.arrayElement(['Question about my bill', 'Porting my number', 'Change of address', 'Voicemail not working', 'Cancel international plan']),
    body: faker.lorem.paragraphs(2),
    status: 'open',
    customerId: null,
  };
}
