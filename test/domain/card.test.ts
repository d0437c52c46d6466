import { describe, expect, it } from 'vitest';
import { BillingAdjustment, NewAdjustment, ValidationError, cardDetailsIssues, cardExpired, issuesFromZod, luhnCheckDigit, parseCardDetails } from '../../domain';

const NOW = new Date('2026-11-28T12:00:00Z');
const PAN = (() => {
  const partial = '453914880343646';
  return partial + luhnCheckDigit(partial);
})();
const card = (overrides: Record<string, unknown> = {}) => ({ cardNumber: PAN, expMonth: 9, expYear: 2029, holderName: 'Dana Whitfield', billingZip: '02110', ...overrides });
const rulesOf = (input: unknown) => cardDetailsIssues(input, NOW).map((i) => `${i.field}:${i.rule}`);

describe('a card put on file (PCI DSS 3.3.1, 3.4.1)', () => {
  it('accepts a card typed with spaces or dashes and keeps its digits', () => {
    expect(parseCardDetails(card({ cardNumber: `${PAN.slice(0, 4)} ${PAN.slice(4, 8)}-${PAN.slice(8, 12)} ${PAN.slice(12)}` }), NOW).cardNumber).toBe(PAN);
  });

  it('refuses a number that fails the Luhn check, naming the rule', () => {
    const bad = PAN.slice(0, -1) + String((Number(PAN.at(-1)) + 1) % 10);
    expect(rulesOf(card({ cardNumber: bad }))).toEqual(['cardNumber:card.luhn']);
  });

  it('refuses what is not 12 to 19 digits as such, not as a Luhn failure', () => {
    expect(rulesOf(card({ cardNumber: '4111 11' }))).toEqual(['cardNumber:card.digits']);
    expect(rulesOf(card({ cardNumber: '4111-abcd-1111-1111' }))).toEqual(['cardNumber:card.digits']);
  });

  it('refuses an expiry in the past, and accepts the current month', () => {
    expect(rulesOf(card({ expMonth: 10, expYear: 2026 }))).toEqual(['expYear:card.expired']);
    expect(rulesOf(card({ expMonth: 11, expYear: 2026 }))).toEqual([]);
    expect(cardExpired(12, 2025, NOW)).toBe(true);
  });

  it('refuses an impossible month or an expiry decades away', () => {
    expect(rulesOf(card({ expMonth: 13 }))).toEqual(['expMonth:card.exp_month']);
    expect(rulesOf(card({ expYear: 2070 }))).toEqual(['expYear:card.expiry_range']);
  });

  it('refuses a bad billing ZIP and a holder name with digits, naming each', () => {
    expect(rulesOf(card({ billingZip: '0211', holderName: 'Dana 4242' }))).toEqual(['holderName:card.holder', 'billingZip:zip.format']);
  });

  it('never accepts a security code, whatever it is called', () => {
    for (const key of ['cvv', 'CVC', 'cvc2', 'security_code', 'securityCode', 'cid']) {
      expect(rulesOf(card({ [key]: '123' })), key).toEqual([`${key}:card.security_code`]);
    }
  });

  it('names every broken rule at once, and no message repeats the card number', () => {
    const input = card({ cardNumber: PAN.slice(0, -1) + '0', expMonth: 1, expYear: 2020, billingZip: 'x', cvv: '999' });
    const err = (() => {
      try {
        parseCardDetails(input, NOW);
      } catch (e) {
        return e as ValidationError;
      }
    })()!;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues.map((i) => i.rule)).toEqual(expect.arrayContaining(['card.security_code', 'card.luhn', 'zip.format']));
    const text = JSON.stringify({ message: err.message, issues: err.issues });
    expect(text).not.toContain(PAN.slice(0, 12));
    expect(text).not.toContain('999');
  });

  it('refuses unknown fields (fail closed)', () => {
    expect(rulesOf(card({ nickname: 'work card' }))).toEqual(['(input):unknown_field']);
  });
});

describe('a credit or adjustment', () => {
  const id = '5b7a6a2e-95a5-4b8f-9f52-0c7c2b1e9a11';
  const issues = (value: unknown) => {
    const r = NewAdjustment.safeParse(value);
    return r.success ? [] : issuesFromZod(r.error).map((i) => `${i.field}:${i.rule}`);
  };

  it('takes a kind, an amount in cents, a reason and who asked for it', () => {
    expect(issues({ id, kind: 'credit', amountCents: -1500, reason: 'Outage credit', requestedBy: 'caller' })).toEqual([]);
    expect(issues({ id, kind: 'adjustment', amountCents: 2500, reason: 'Late fee reinstated', requestedBy: 'internal' })).toEqual([]);
  });

  it('still reads a credit recorded before who asked was kept, and keeps who asked and the verification on a new one', () => {
    const recorded = { id, customerId: id, billingAccountId: id, kind: 'credit', amountCents: -1500, reason: 'Outage credit', recordedBy: 'Bea Billing', recordedAt: '2026-03-01T10:00:00.000Z' };
    expect(BillingAdjustment.safeParse(recorded).success).toBe(true);
    expect(BillingAdjustment.parse({ ...recorded, requestedBy: 'caller', verificationId: id })).toMatchObject({ requestedBy: 'caller', verificationId: id });
    expect(BillingAdjustment.parse({ ...recorded, requestedBy: 'internal', verificationId: null })).toMatchObject({ requestedBy: 'internal', verificationId: null });
  });

  it('asks who asked for it: the caller or no one outside billing', () => {
    expect(issues({ id, kind: 'credit', amountCents: -1500, reason: 'Outage credit' })).toEqual(['requestedBy:one_of']);
    expect(issues({ id, kind: 'credit', amountCents: -1500, reason: 'Outage credit', requestedBy: 'supervisor' })).toEqual(['requestedBy:one_of']);
  });

  it('refuses a credit that would raise the balance, a zero amount, one over the limit, and no reason', () => {
    const asked = { requestedBy: 'caller' };
    expect(issues({ id, kind: 'credit', amountCents: 1500, reason: 'Outage credit', ...asked })).toEqual(['amountCents:adjustment.credit_lowers']);
    expect(issues({ id, kind: 'adjustment', amountCents: 0, reason: 'Correction', ...asked })).toEqual(['amountCents:adjustment.amount']);
    expect(issues({ id, kind: 'adjustment', amountCents: -900_000, reason: 'Correction', ...asked })).toEqual(['amountCents:adjustment.limit']);
    expect(issues({ id, kind: 'adjustment', amountCents: 100, reason: ' ', ...asked })).toEqual(['reason:reason.required']);
  });
});

describe('a card with several faults', () => {
  it('names the expired expiry even when the number is also wrong', () => {
    const issues = cardDetailsIssues({ cardNumber: '4111 1111 1111 1112', expMonth: 1, expYear: 2020, holderName: 'Dana Whitfield', billingZip: '02110' }, NOW);
    expect(issues.map((i) => i.rule)).toEqual(['card.luhn', 'card.expired']);
  });
});
