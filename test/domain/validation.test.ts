import { describe, expect, it } from 'vitest';
import { CardNumber, EmailAddress, PhoneNumber, PostalAddress, ZipCode, luhnCheckDigit, luhnValid, cardBrand } from '../../domain/validation';
import { issuesFromZod } from '../../domain/errors';

const issues = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? [] : issuesFromZod(r.error as never);
};

describe('phone numbers', () => {
  it('normalises common US spellings to E.164', () => {
    for (const input of ['(212) 555-0143', '212.555.0143', '+1 212 555 0143', '1-212-555-0143']) {
      expect(PhoneNumber.parse(input)).toBe('+12125550143');
    }
  });
  it('keeps international numbers given with their + prefix', () => {
    expect(PhoneNumber.parse('+44 20 7946 0958')).toBe('+442079460958');
  });
  it('refuses a number that cannot be dialled, naming the E.164 rule', () => {
    for (const bad of ['555-12', '123', 'call me', '+1 000 000 0000']) {
      expect(issues(PhoneNumber, bad)).toEqual([expect.objectContaining({ rule: 'phone.e164' })]);
    }
  });
});

describe('email addresses', () => {
  it('lower-cases and trims', () => {
    expect(EmailAddress.parse('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
  });
  it('refuses malformed addresses with the email.format rule', () => {
    for (const bad of ['jane@', '@example.com', 'jane example.com', 'jane@@example.com']) {
      expect(issues(EmailAddress, bad)[0]?.rule).toBe('email.format');
    }
  });
});

describe('US postal addresses', () => {
  it('accepts ZIP and ZIP+4', () => {
    expect(ZipCode.parse('94107')).toBe('94107');
    expect(ZipCode.parse('94107-1234')).toBe('94107-1234');
  });
  it('refuses a bad ZIP, a bad state and a missing line, each named', () => {
    const found = issues(PostalAddress, { line1: ' ', city: 'Austin', state: 'TX1', zip: '7870' });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'line1', rule: 'required' }),
        expect.objectContaining({ field: 'state', rule: 'state.code' }),
        expect.objectContaining({ field: 'zip', rule: 'zip.format' }),
      ]),
    );
  });
  it('upper-cases state codes', () => {
    expect(PostalAddress.parse({ line1: '1 Main St', city: 'Austin', state: 'tx', zip: '78701' }).state).toBe('TX');
  });
});

describe('card numbers', () => {
  it('checks Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('41111')).toBe(false);
    expect(luhnValid('4111' + luhnCheckDigit('4111'))).toBe(false); // too short to be a card
    const partial = '411111111111111';
    expect(luhnValid(partial + luhnCheckDigit(partial))).toBe(true);
  });
  it('strips spaces and dashes and names the Luhn rule', () => {
    expect(CardNumber.parse('4111 1111-1111 1111')).toBe('4111111111111111');
    expect(issues(CardNumber, '4111 1111 1111 1112')[0]?.rule).toBe('card.luhn');
  });
  it('tells the brand from the number', () => {
    expect(cardBrand('4111111111111111')).toBe('visa');
    expect(cardBrand('5500000000000004')).toBe('mastercard');
    expect(cardBrand('340000000000009')).toBe('amex');
    expect(cardBrand('6011000000000004')).toBe('discover');
  });
});
