import { z } from 'zod';
import { rule } from './rule';

/**
 * The currencies an account may be kept in: ISO 4217's active codes for money (not the fund codes
 * such as BOV or the metals such as XAU), each with its minor unit, the number of digits after the
 * decimal point. Amounts are stored as whole minor units (`…Cents` fields): cents of a dollar or a
 * euro, yen themselves (0 digits), fils of a dinar (3). Declared here rather than read from the
 * platform's Intl data, whose list and digits vary with its ICU build: a desk and the store agree.
 */
const TWO_DIGITS = [
  'AED', 'AFN', 'ALL', 'AMD', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN', 'BMD', 'BND', 'BOB', 'BRL',
  'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHF', 'CNY', 'COP', 'CRC', 'CUP', 'CVE', 'CZK', 'DKK', 'DOP', 'DZD',
  'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF',
  'IDR', 'ILS', 'INR', 'IRR', 'JMD', 'KES', 'KGS', 'KHR', 'KPW', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR', 'LRD', 'LSL', 'MAD',
  'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK',
  'NPR', 'NZD', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'QAR', 'RON', 'RSD', 'RUB', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK',
  'SGD', 'SHP', 'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TOP', 'TRY', 'TTD', 'TWD',
  'TZS', 'UAH', 'USD', 'UYU', 'UZS', 'VES', 'WST', 'XCD', 'XCG', 'YER', 'ZAR', 'ZMW', 'ZWG',
] as const;
const ZERO_DIGITS = ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'] as const;
const THREE_DIGITS = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'] as const;

export const CURRENCY_CODES = [...TWO_DIGITS, ...ZERO_DIGITS, ...THREE_DIGITS] as const;
export type CurrencyCode = (typeof CURRENCY_CODES)[number];

const MINOR_DIGITS: Readonly<Record<CurrencyCode, number>> = Object.fromEntries([
  ...TWO_DIGITS.map((code) => [code, 2]),
  ...ZERO_DIGITS.map((code) => [code, 0]),
  ...THREE_DIGITS.map((code) => [code, 3]),
]) as Record<CurrencyCode, number>;

export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === 'string' && Object.hasOwn(MINOR_DIGITS, value);
}

/** Digits after the decimal point of `currency`: what one stored minor unit is worth (10^-digits of the unit). */
export function minorDigits(currency: CurrencyCode): number {
  return MINOR_DIGITS[currency];
}

/** The currency an account is kept in: an ISO 4217 code this list declares, in capitals. */
export const Currency = z.custom<CurrencyCode>(isCurrencyCode, rule('currency.iso4217', 'an ISO 4217 currency code, e.g. USD'));

const formats = new Map<string, Intl.NumberFormat>();
function formatOf(currency: CurrencyCode, locale: string): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let format = formats.get(key);
  if (!format) {
    // the digits ISO 4217 gives the currency, which is what a stored minor unit means (CLDR rounds a few currencies otherwise)
    const digits = minorDigits(currency);
    format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    formats.set(key, format);
  }
  return format;
}

/** An amount kept in minor units of `currency`, as money reads: 1250 USD is $12.50, 1250 EUR €12.50, 1250 JPY ¥1,250, 1250 KWD KWD 1.250. */
export function formatMoney(minor: number, currency: CurrencyCode, locale = 'en-US'): string {
  return formatOf(currency, locale).format(minor / 10 ** minorDigits(currency));
}

/**
 * An amount as someone types it ("12.50", "$1,200", "¥1,500", "1 200,5" is not one) in whole minor
 * units of `currency`, or null if it is not an amount in it: more decimals than the currency has
 * ("12.5" yen) are refused, never rounded away.
 */
export function parseAmount(text: string, currency: CurrencyCode): number | null {
  const digits = minorDigits(currency);
  const cleaned = text.replace(/[\p{Sc},\s]/gu, '');
  const pattern = digits ? new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`) : /^\d+$/;
  if (!pattern.test(cleaned)) return null;
  const [whole = '0', fraction = ''] = cleaned.split('.');
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || 0);
}

/** How an amount of `currency` is typed, for a hint: 12.50, 1250 (yen), 12.500 (dinars). */
export function amountExample(currency: CurrencyCode): string {
  const digits = minorDigits(currency);
  return digits ? `12.${'5'.padEnd(digits, '0')}` : '1250';
}
