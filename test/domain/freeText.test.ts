import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  BillingAccount,
  AdjustmentDecisionRequest,
  AdjustmentReversalRequest,
  BillingAdjustment,
  ChangeReason,
  Customer,
  Device,
  DisclosureRecord,
  EmailAddress,
  ErasureRequest,
  Inquiry,
  Invoice,
  Lead,
  NewAdjustment,
  Order,
  Payment,
  PaymentMethod,
  PhoneNumber,
  PostalAddress,
  ServiceLine,
  SharingExportRequest,
  SharingRecord,
  PolicyPublishRequest,
  User,
  CardDetails,
  ENTITY_NAMES,
  ADMIN_INPUTS,
  ENTITY_SCHEMAS,
  type EntityName,
} from '../../domain';
import { CONSOLE_CONTRACT } from '../../domain/console/contract';
import { EnrolRequest, Mutation } from '../../domain/sync/protocol';
import { issuesFromZod, type FieldIssue } from '../../domain/errors';
import { demoCustomer, demoInquiry, demoLead } from '../../domain/demo/generator';

// Issue 9: what a hostile client got through the free-text fields, and what it gets now.

const issues = (schema: z.ZodType, value: unknown): FieldIssue[] => {
  const r = schema.safeParse(value);
  return r.success ? [] : issuesFromZod(r.error);
};
const rulesAt = (schema: z.ZodType, value: unknown, field: string) =>
  issues(schema, value)
    .filter((i) => i.field === field)
    .map((i) => i.rule);

const address = { line1: '1 Main St', city: 'Austin', state: 'TX', zip: '78701' };
const demo = demoCustomer(7, { seed: 11 });
const customer = demo.customer;

describe('a name or address line that shows nothing', () => {
  it('refuses a name made only of zero-width spaces, naming the field and the rule', () => {
    expect(rulesAt(Customer, { ...customer, firstName: '\u200B' }, 'firstName')).toEqual(['text.invisible']);
    expect(rulesAt(Customer, { ...customer, lastName: '\u200B\u200B\u200B' }, 'lastName')).toEqual(['text.invisible']);
  });
  it('refuses other invisible-only spellings: word joiner, BOM, soft hyphen, Hangul filler, braille blank, no-break space', () => {
    for (const blank of ['\u2060', '\uFEFF\u200B', '\u00AD', '\u3164', '\u2800', '\u00A0\u200D', '\u200C \u200B']) {
      expect(issues(Customer, { ...customer, firstName: blank }).filter((i) => i.field === 'firstName').length, JSON.stringify(blank)).toBeGreaterThan(0);
    }
  });
  it('refuses an address line made only of invisible characters', () => {
    expect(rulesAt(PostalAddress, { ...address, line1: '\u200B\u2060' }, 'line1')).toEqual(['text.invisible']);
    expect(rulesAt(PostalAddress, { ...address, city: '\u200B' }, 'city')).toEqual(['text.invisible']);
  });
  it('keeps a joiner inside a real name (some scripts need it)', () => {
    expect(Customer.parse({ ...customer, lastName: 'क्\u200Dष' }).lastName).toBe('क्\u200Dष');
  });
});

describe('bidi controls, which make a record read differently from what it holds (Trojan Source)', () => {
  const bidi = { LRE: '\u202A', RLE: '\u202B', PDF: '\u202C', LRO: '\u202D', RLO: '\u202E', LRM: '\u200E', RLM: '\u200F', LRI: '\u2066', RLI: '\u2067', FSI: '\u2068', PDI: '\u2069', ALM: '\u061C' };
  it.each(Object.entries(bidi))('refuses %s in a name', (_name, ch) => {
    expect(rulesAt(Customer, { ...customer, lastName: `Smith${ch}htims` }, 'lastName')).toContain('text.bidi');
  });
  it.each(Object.entries(bidi))('refuses %s in an address line and a city', (_name, ch) => {
    expect(rulesAt(PostalAddress, { ...address, line1: `1 Main${ch} St` }, 'line1')).toContain('text.bidi');
    expect(rulesAt(PostalAddress, { ...address, line2: `Apt ${ch}4` }, 'line2')).toContain('text.bidi');
    expect(rulesAt(PostalAddress, { ...address, city: `Aus${ch}tin` }, 'city')).toContain('text.bidi');
  });
  it('keeps right-to-left text itself', () => {
    expect(Customer.parse({ ...customer, firstName: 'שרה', lastName: 'عبد الله' })).toMatchObject({ firstName: 'שרה', lastName: 'عبد الله' });
  });
});

describe('control characters in a single-line field', () => {
  const controls = { NUL: '\u0000', BEL: '\u0007', BS: '\u0008', ESC: '\u001B', DEL: '\u007F', TAB: '\t', LF: '\n', CR: '\r', NEL: '\u0085', CSI: '\u009B', LS: '\u2028', PS: '\u2029' };
  it.each(Object.entries(controls))('refuses %s in address line 1', (_name, ch) => {
    expect(rulesAt(PostalAddress, { ...address, line1: `1 Main${ch}St` }, 'line1')).toEqual(['text.control']);
  });
  it('refuses a terminal escape sequence in a name', () => {
    expect(rulesAt(Customer, { ...customer, firstName: 'Jane\u001B[2J' }, 'firstName')).toEqual(['text.control']);
  });
  it('refuses an unpaired surrogate (not text at all)', () => {
    expect(rulesAt(PostalAddress, { ...address, city: 'Aus\uD800tin' }, 'city')).toEqual(['text.encoding']);
  });
});

describe('Unicode normalisation', () => {
  it('stores names and addresses in NFC, so one spelling is searched and compared', () => {
    const parsed = Customer.parse({ ...customer, firstName: 'Jose\u0301', serviceAddress: { ...address, line1: '1 Rue de l’E\u0301glise', city: 'Montre\u0301al' } });
    expect(parsed.firstName).toBe('Jos\u00E9');
    expect(parsed.serviceAddress.line1).toBe('1 Rue de l’\u00C9glise');
    expect(parsed.serviceAddress.city).toBe('Montr\u00E9al');
  });
  it('counts the length of the normalised text', () => {
    const decomposed = 'e\u0301'.repeat(100); // 200 code units, 100 characters once composed
    expect(PostalAddress.parse({ ...address, line1: decomposed }).line1).toBe('\u00E9'.repeat(100));
  });
});

describe('reasons and other multi-word free text', () => {
  it('refuses controls, bidi and invisible-only reasons', () => {
    expect(issues(ChangeReason, 'moved\u001B[31m house').map((i) => i.rule)).toEqual(['text.control']);
    expect(issues(ChangeReason, 'moved \u202Ehouse').map((i) => i.rule)).toEqual(['text.bidi']);
    expect(issues(ChangeReason, '\u200B\u200B\u200B\u200B').map((i) => i.rule)).toEqual(['text.invisible']);
    expect(issues(ChangeReason, 'two\nlines').map((i) => i.rule)).toEqual(['text.control']);
    expect(ChangeReason.parse('  customer mo\u0301ved  ')).toBe('customer m\u00F3ved');
  });
  it('lets an email inquiry body keep its line breaks and tabs, but not escapes or bidi controls', () => {
    const inquiry = demoInquiry(1, { seed: 3 });
    expect(Inquiry.parse({ ...inquiry, body: 'Hello,\r\n\tmy bill.\n\nThanks' }).body).toBe('Hello,\n\tmy bill.\n\nThanks');
    expect(rulesAt(Inquiry, { ...inquiry, body: 'Hello\u001B]0;owned\u0007' }, 'body')).toEqual(['text.control']);
    expect(rulesAt(Inquiry, { ...inquiry, body: 'Hello \u2067evil\u2069' }, 'body')).toEqual(['text.bidi']);
    expect(rulesAt(Inquiry, { ...inquiry, subject: 'Bill\nBcc: x' }, 'subject')).toEqual(['text.control']);
  });
});

describe('every free-text field of every entity and input uses the one text rule', () => {
  const id = '11111111-1111-4111-8111-111111111111';
  const at = '2026-01-01T00:00:00.000Z';
  const lead = demoLead(2, { seed: 3 });
  const inquiry = demoInquiry(2, { seed: 3 });
  const order = { id, customerId: id, items: [{ sku: 'ATA-200', description: 'VoIP adapter', quantity: 1, priceCents: 4999 }], status: 'fulfilled', placedAt: at, fulfilledAt: null };
  const adjustment = { id, customerId: id, billingAccountId: id, kind: 'credit', amountCents: -500, reason: 'Service outage', recordedBy: 'Billing team', recordedAt: at, recordedById: id, status: 'declined', approvalAboveCents: 50_000, decidedBy: 'Sam Supervisor', decidedAt: at, decisionReason: 'Already credited', reverses: id };
  const erasure = { id, customerId: id, filedBy: id, filedAt: at, reason: 'customer asked', status: 'pending', decidedBy: null, decidedAt: null };
  const hold = { id, customerId: id, kind: 'ecpa_preservation', reference: 'Subpoena 2026-114', status: 'active', placedBy: id, placedAt: at, releasedBy: null, releasedAt: null };
  const disclosure = { id, customerId: id, requester: 'County court', legalBasis: 'ecpa_court_order', fieldsDisclosed: ['email'], documentReference: 'Order 2026-CV-11', nonDisclosureOrder: false, status: 'approved', preparedBy: id, preparedAt: at, approvedBy: id, approvedAt: at };
  const sharing = { id, partner: 'Acme Billing', purpose: 'collections', fields: ['account_number'], customerCount: 3, optedOutCount: 1, sha256: 'a'.repeat(64), exportedBy: id, at };
  const heldEdit = { id, customerId: id, recordEntity: 'customer', recordId: id, changes: { email: 'new@example.com' }, base: { email: 'old@example.com' }, reason: 'Caller gave a new address', heldFor: 'conflict.escalated', heldNote: 'The caller spelled it twice', requestedBy: id, requestedByName: 'Casey Care', heldAt: at, verifiedAt: null, status: 'applied', decidedBy: id, decidedByName: 'Sam Supervisor', decidedAt: at, decisionReason: 'Confirmed on a callback' };
  const user = { id, username: 'jane', displayName: 'Jane Rep', role: 'care_rep', status: 'active' };
  const device = { id, name: 'desk 4', certificateFingerprint: 'a'.repeat(64), enrolledAt: at, revokedAt: null };
  const card = { cardNumber: '4111111111111111', expMonth: 12, expYear: 2030, holderName: 'Jane Doe', billingZip: '78701' };
  const mutation = { id, clientId: id, seq: 1, entity: 'customer', entityId: id, base: {}, changes: {}, reason: 'moved house', verificationId: null, createdAt: at };
  const enrol = { code: 'ABCD-EFGH-1234', deviceName: 'desk 4', csrPem: 'x'.repeat(120) };
  const set = (value: Record<string, unknown>, path: string, text: string): Record<string, unknown> => {
    const [head, ...rest] = path.split('.');
    const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...value };
    copy[head!] = rest.length ? set(copy[head!] as Record<string, unknown>, rest.join('.'), text) : text;
    return copy;
  };
  const cases: [string, string, z.ZodType, Record<string, unknown>][] = [
    ['customer', 'firstName', Customer, customer],
    ['customer', 'lastName', Customer, customer],
    ['customer', 'serviceAddress.line1', Customer, customer],
    ['customer', 'serviceAddress.line2', Customer, customer],
    ['customer', 'serviceAddress.city', Customer, customer],
    ['customer', 'mailingAddress.line1', Customer, customer],
    ['customer', 'mailingAddress.city', Customer, customer],
    ['service line', 'e911Address.line1', ServiceLine, demo.serviceLines[0]!],
    ['billing account', 'billingAddress.city', BillingAccount, demo.billingAccount],
    ['payment method', 'holderName', PaymentMethod, demo.paymentMethods[0]!],
    ['lead', 'firstName', Lead, lead],
    ['lead', 'location', Lead, lead],
    ['lead', 'mailingAddress.line1', Lead, lead],
    ['lead', 'requestedServices.0', Lead, lead],
    ['inquiry', 'subject', Inquiry, inquiry],
    ['order', 'items.0.description', Order, order],
    ['order', 'items.0.sku', Order, order],
    ['billing adjustment', 'reason', BillingAdjustment, adjustment],
    ['billing adjustment', 'recordedBy', BillingAdjustment, adjustment],
    ['billing adjustment', 'decidedBy', BillingAdjustment, adjustment],
    ['billing adjustment', 'decisionReason', BillingAdjustment, adjustment],
    ['adjustment decision', 'reason', AdjustmentDecisionRequest, { adjustmentId: id, decision: 'decline', reason: 'Already credited' }],
    ['adjustment reversal', 'reason', AdjustmentReversalRequest, { id, billingAccountId: id, adjustmentId: id, reason: 'Wrong account' }],
    ['new adjustment', 'reason', NewAdjustment, { id, kind: 'credit', amountCents: -500, reason: 'outage', requestedBy: 'caller' }],
    ['erasure request', 'reason', ErasureRequest, erasure],
    ['disclosure record', 'requester', DisclosureRecord, disclosure],
    ['disclosure record', 'documentReference', DisclosureRecord, disclosure],
    ['sharing record', 'partner', SharingRecord, sharing],
    ['sharing export', 'partner', SharingExportRequest, { partner: 'Acme Print', purpose: 'paper_statements' }],
    ['privacy-policy version', 'changes', PolicyPublishRequest, { changes: 'Call recordings are kept for 30 days.' }],
    ['user', 'displayName', User, user],
    ['device', 'name', Device, device],
    ['new card', 'holderName', CardDetails, card],
    ['pushed mutation', 'reason', Mutation, mutation],
    ['enrolment request', 'deviceName', EnrolRequest, enrol],
    ['console enrolment', 'deviceName', CONSOLE_CONTRACT['device.enrol'].input, { code: 'ABCD-EFGH-1234', deviceName: 'desk' }],
    // administration (issue 14)
    ['new staff account', 'displayName', ADMIN_INPUTS.createUser, { username: 'jane', displayName: 'Jane Rep', role: 'care_rep' }],
    ['team', 'name', ADMIN_INPUTS.saveTeam, { name: 'North', leads: [] }],
  ];
  const withLine2 = (record: Record<string, unknown>) => set(record, 'serviceAddress.line2', 'Apt 4');
  it.each(cases)('%s: %s', (_entity, field, schema, valid) => {
    const base = field === 'serviceAddress.line2' ? withLine2(valid) : valid;
    expect(issues(schema, base)).toEqual([]);
    expect(rulesAt(schema, set(base, field, 'Jane\u202Eenaj'), field)).toContain('text.bidi');
    expect(rulesAt(schema, set(base, field, 'Jane\u001B[0m'), field)).toContain('text.control');
    expect(rulesAt(schema, set(base, field, '\u200B\u200B\u200B'), field)).toContain('text.invisible');
  });
  /** fields that hold names of other fields or issued identifiers, never text a person writes */
  const IDENTIFIERS = new Set(['invoice:number', 'disclosureRecord:fieldsDisclosed.0', 'sharingRecord:fields.0', 'heldEdit:recordEntity', 'heldEdit:recordId']);
  /** every string a schema holds, as dotted paths into `value` (arrays by their first element) */
  const stringPaths = (schema: z.ZodType, value: unknown, prefix: string[] = []): string[] => {
    const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
    switch (def.type) {
      case 'string':
        return [prefix.join('.')];
      case 'optional':
      case 'nullable':
        return value === undefined || value === null ? [] : stringPaths(def.innerType as z.ZodType, value, prefix);
      case 'pipe':
        return stringPaths(def.in as z.ZodType, value, prefix);
      case 'array':
        return Array.isArray(value) && value.length ? stringPaths(def.element as z.ZodType, value[0], [...prefix, '0']) : [];
      case 'object':
        return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([key, field]) => stringPaths(field, (value as Record<string, unknown>)[key], [...prefix, key]));
      default:
        return [];
    }
  };
  it('leaves no string field of any synced entity outside the rule (a new field is caught here)', () => {
    const withAddressLine2 = (a: Record<string, unknown>) => ({ ...a, line2: 'Apt 4' });
    const fixtures: Record<EntityName, Record<string, unknown>> = {
      customer: { ...customer, serviceAddress: withAddressLine2(customer.serviceAddress) },
      serviceLine: demo.serviceLines[0]!,
      billingAccount: demo.billingAccount,
      invoice: demo.invoices[0]!,
      payment: { ...demo.payments[0]!, status: 'failed', failureReason: 'card declined' },
      paymentMethod: demo.paymentMethods[0]!,
      order,
      billingAdjustment: adjustment,
      lead,
      inquiry,
      erasureRequest: erasure,
      legalHold: hold,
      disclosureRecord: disclosure,
      sharingRecord: sharing,
      heldEdit,
      callbackRequest: { id: customer.id, customerId: customer.id, reason: 'Caller asked to be called back about the bill', assertion: 'caller asked to be called back', requestedBy: customer.id, requestedAt: '2026-12-04T10:00:00.000Z', status: 'requested', doneBy: null, doneAt: null },
    };
    let checked = 0;
    for (const entity of ENTITY_NAMES) {
      const schema = ENTITY_SCHEMAS[entity];
      const valid = fixtures[entity];
      expect(issues(schema, valid), entity).toEqual([]);
      for (const path of stringPaths(schema, valid)) {
        if (IDENTIFIERS.has(`${entity}:${path}`)) continue;
        expect(issues(schema, set(valid, path, 'Jane\u202Eenaj')).map((i) => i.field), `${entity}.${path}`).toContain(path);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });
  it('a payment record keeps its failure reason clean too', () => {
    const failed = { ...demo.payments[0]!, status: 'failed', failureReason: 'card\u0000declined' };
    expect(rulesAt(Payment, failed, 'failureReason')).toEqual(['text.control']);
    expect(rulesAt(Invoice, { ...demo.invoices[0]!, lines: [{ description: 'plan\u202E', amountCents: 1 }] }, 'lines.0.description')).toEqual(['text.bidi']);
  });
});

describe('email addresses within the limits of RFC 5321', () => {
  it('accepts a local part of 64 characters and refuses one of 65, naming the rule', () => {
    expect(EmailAddress.parse(`${'a'.repeat(64)}@example.com`)).toBe(`${'a'.repeat(64)}@example.com`);
    expect(issues(EmailAddress, `${'a'.repeat(65)}@example.com`)).toEqual([expect.objectContaining({ rule: 'email.local_length' })]);
  });
  it('refuses a whole address over 254 characters', () => {
    const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.com`; // 195
    const ok = `${'a'.repeat(254 - domain.length - 1)}@${domain}`;
    expect(ok.length).toBe(254);
    expect(EmailAddress.parse(ok)).toBe(ok);
    expect(issues(EmailAddress, `b${ok}`).map((i) => i.rule)).toContain('email.length');
  });
  it('refuses a domain over 255 characters', () => {
    const domain = Array.from({ length: 5 }, () => 'd'.repeat(60)).join('.'); // 304
    expect(issues(EmailAddress, `jane@${domain}`).map((i) => i.rule)).toContain('email.domain_length');
  });
  it('refuses controls and bidi controls in an address', () => {
    expect(issues(EmailAddress, 'jane\u202E@example.com').length).toBeGreaterThan(0);
    expect(issues(EmailAddress, 'jane@exa\u0000mple.com').length).toBeGreaterThan(0);
  });
});

describe('phone extensions are refused, never silently dropped', () => {
  it.each(['212-555-0143 x123', '(212) 555-0143 ext. 5', '+1 212 555 0143;ext=5', 'tel:+1-212-555-0143;ext=5', '212 555 0143 #22'])('refuses %s with the phone.extension rule', (typed) => {
    const found = issues(PhoneNumber, typed);
    expect(found).toEqual([expect.objectContaining({ rule: 'phone.extension' })]);
    expect(found[0]!.message).toMatch(/extensions are not supported/);
  });
  it('still takes the number without its extension', () => {
    expect(PhoneNumber.parse('212-555-0143')).toBe('+12125550143');
  });
  it('names the field inside a customer record', () => {
    const found = issues(Customer, { ...customer, phones: [{ kind: 'work', number: '212-555-0143 x123' }] });
    expect(found).toEqual([expect.objectContaining({ field: 'phones.0.number', rule: 'phone.extension' })]);
  });
});
