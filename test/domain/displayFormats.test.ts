import { describe, expect, it } from 'vitest';
import { BillingAccount } from '../../domain/entities';
import { demoCustomer } from '../../domain/demo/generator';
import { issuesFromZod } from '../../domain/errors';
import { CURRENCY_CODES, Currency, amountExample, formatMoney, formatPhone, formatPhonesInText, minorDigits, parseAmount } from '../../domain/validation';

/** Space-like characters Intl puts between a currency code and its amount, as a plain space, so expectations read plainly. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('phone numbers as people read them', () => {
  it('shows a North American number nationally and any other with its country code', () => {
    expect(formatPhone('+12128672247')).toBe('(212) 867-2247');
    expect(formatPhone('+442079460958')).toBe('+44 20 7946 0958');
  });

  it('formats every E.164 number inside free text: an invoice line, a reason, an email', () => {
    expect(formatPhonesInText('Residential Basic — +12128672247')).toBe('Residential Basic — (212) 867-2247');
    expect(formatPhonesInText('Caller moved +12128672247 to +442079460958, kept +16462017788.')).toBe('Caller moved (212) 867-2247 to +44 20 7946 0958, kept (646) 201-7788.');
    expect(formatPhonesInText('(+12128672247)')).toBe('((212) 867-2247)');
  });

  it('leaves alone what is not a valid E.164 number: other digits, a longer run, an invalid number, text without one', () => {
    for (const text of ['Invoice INV-12345678', 'order 12128672247', 'card +123456789012345678', '+10000000000 is not a number', 'x+12128672247999', 'no number here', '']) {
      expect(formatPhonesInText(text)).toBe(text);
    }
  });
});

describe('money in the account’s currency', () => {
  it('formats minor units by the currency’s own digits: cents of a dollar or a euro, yen themselves, fils of a dinar', () => {
    expect(formatMoney(1250, 'USD')).toBe('$12.50');
    expect(formatMoney(-123456, 'USD')).toBe('-$1,234.56');
    expect(formatMoney(1250, 'EUR')).toBe('€12.50');
    expect(formatMoney(1250, 'JPY')).toBe('¥1,250');
    expect(plain(formatMoney(1250, 'KWD'))).toBe('KWD 1.250');
    expect(formatMoney(0, 'JPY')).toBe('¥0');
    expect(formatMoney(1250, 'EUR', 'de-DE').replace(/\s/g, ' ')).toBe('12,50 €');
  });

  it('declares the minor unit of every currency an account may be kept in', () => {
    expect([minorDigits('USD'), minorDigits('EUR'), minorDigits('JPY'), minorDigits('KRW'), minorDigits('BHD')]).toEqual([2, 2, 0, 0, 3]);
    expect(new Set(CURRENCY_CODES).size).toBe(CURRENCY_CODES.length);
    for (const code of CURRENCY_CODES) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  it('reads an amount as typed in the currency’s minor units, refusing more decimals than it has', () => {
    expect(parseAmount('12.50', 'USD')).toBe(1250);
    expect(parseAmount('$1,200', 'USD')).toBe(120_000);
    expect(parseAmount('12.5', 'EUR')).toBe(1250);
    expect(parseAmount('€ 7', 'EUR')).toBe(700);
    expect(parseAmount('¥1,500', 'JPY')).toBe(1500);
    expect(parseAmount('12.5', 'JPY')).toBeNull();
    expect(parseAmount('1.250', 'KWD')).toBe(1250);
    expect(parseAmount('12.505', 'USD')).toBeNull();
    for (const bad of ['', '.', '12.', '-5', '1e3', 'twelve']) expect(parseAmount(bad, 'USD')).toBeNull();
    expect([amountExample('USD'), amountExample('JPY'), amountExample('KWD')]).toEqual(['12.50', '1250', '12.500']);
  });

  it('takes an ISO 4217 code as an account’s currency and refuses anything else, naming the rule', () => {
    const account = demoCustomer(0, { seed: 1 }).billingAccount;
    expect(BillingAccount.parse(account).currency).toBe('USD');
    expect(BillingAccount.parse({ ...account, currency: 'EUR' }).currency).toBe('EUR');
    expect(BillingAccount.parse({ ...account, currency: 'JPY' }).currency).toBe('JPY');
    for (const bad of ['usd', 'US', 'XXX', 'XAU', 'DOLLARS', 840, null]) {
      const parsed = Currency.safeParse(bad);
      expect(parsed.success, String(bad)).toBe(false);
      expect(issuesFromZod(parsed.error!)).toEqual([expect.objectContaining({ rule: 'currency.iso4217' })]);
    }
  });
});
