import { CONSENT_LABELS, type ConsentKey } from '../domain/entities/customer';
import { formatAddress, type PostalAddress } from '../domain/validation/address';
import { amountExample, formatMoney, isCurrencyCode, parseAmount, type CurrencyCode } from '../domain/validation/currency';
import { formatPhone, formatPhonesInText } from '../domain/validation/phone';
import type { Tone } from './components/Badge';

/** How values read on screen. Display only: every rule about the values lives in domain/. */
export const FIELD_LABELS: Record<string, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phones: 'Phones',
  serviceAddress: 'Service address',
  mailingAddress: 'Mailing address',
  billingAddress: 'Billing address',
  autopay: 'Autopay',
  status: 'Status',
  ...Object.fromEntries(Object.entries(CONSENT_LABELS).map(([k, v]) => [`consents.${k}`, v])),
};

export const fieldLabel = (path: string) => FIELD_LABELS[path] ?? path;

export const PHONE_KIND_LABELS: Record<string, string> = { mobile: 'Mobile', home: 'Home', work: 'Work' };

export function phone(value: unknown): string {
  return typeof value === 'string' ? formatPhone(value) : '—';
}

/** Free text with every E.164 number in it formatted the way phones show (domain/validation/phone.ts). */
export const phonesInText = (text: string) => formatPhonesInText(text);

export function address(value: unknown): string {
  return value && typeof value === 'object' ? formatAddress(value as PostalAddress) : '—';
}

/** Any field value of a customer, for the conflict panel and change lists. */
export function fieldValue(path: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (path === 'phones' && Array.isArray(value)) {
    return value.map((p: { kind?: string; number?: string }) => `${PHONE_KIND_LABELS[p.kind ?? ''] ?? p.kind}: ${phone(p.number)}`).join(' · ');
  }
  if (path.endsWith('Address')) return address(value);
  if (path.startsWith('consents.')) return value === true ? 'Agrees' : value === false ? 'Opted out' : '—';
  return typeof value === 'string' ? phonesInText(value) : JSON.stringify(value);
}

/**
 * An amount kept in minor units of its account's currency, as money reads (domain/validation/currency.ts):
 * 1250 USD is $12.50, 1250 JPY ¥1,250. An account whose currency this desk was not sent shows the bare
 * amount, never a guessed currency sign.
 */
export function money(minor: unknown, currency: unknown): string {
  if (typeof minor !== 'number') return '—';
  return isCurrencyCode(currency) ? formatMoney(minor, currency) : bareAmount.format(minor / 100);
}
const bareAmount = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** An amount as an approver reads it, with its currency's code: "$1,500.00 USD" (the bare amount and no code when this desk was not sent the currency). */
export function moneyWithCode(minor: unknown, currency: unknown): string {
  const amount = money(minor, currency);
  return isCurrencyCode(currency) && typeof minor === 'number' ? `${amount} ${currency}` : amount;
}

const dateFmt = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric' });
const timeFmt = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTimeFmt = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });

export function date(value: unknown): string {
  if (typeof value !== 'string') return '—';
  const d = new Date(value.length === 10 ? `${value}T12:00:00` : value);
  return Number.isNaN(d.getTime()) ? value : dateFmt.format(d);
}
export const time = (value: Date | string | null) => (value ? timeFmt.format(new Date(value)) : '—');
export const dateTime = (value: unknown) => (typeof value === 'string' ? dateTimeFmt.format(new Date(value)) : '—');

export function titleCase(value: unknown): string {
  return typeof value === 'string' ? value.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase()) : '—';
}

const STATUS_TONES: Record<string, Tone> = {
  active: 'good',
  current: 'good',
  pending: 'warn',
  past_due: 'warn',
  suspended: 'bad',
  collections: 'bad',
  closed: 'neutral',
  ported_out: 'neutral',
  open: 'info',
  paid: 'good',
  overdue: 'bad',
  void: 'neutral',
  succeeded: 'good',
  failed: 'bad',
  refunded: 'neutral',
};
export const statusTone = (status: unknown): Tone => STATUS_TONES[String(status)] ?? 'neutral';

export const consentLabel = (key: ConsentKey) => CONSENT_LABELS[key];

export const CARD_BRAND_LABELS: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', other: 'Card' };
export const cardBrandLabel = (brand: unknown) => CARD_BRAND_LABELS[String(brand)] ?? 'Card';

/** A card on file as any screen may show it (PCI DSS 3.4.1): brand and the last 4 digits, nothing more. */
export function maskedCard(method: { brand?: unknown; last4?: unknown } | undefined): string {
  return method ? `${cardBrandLabel(method.brand)} •••• ${String(method.last4 ?? '')}` : 'Card since replaced';
}

export function cardExpiry(month: unknown, year: unknown): string {
  return typeof month === 'number' && typeof year === 'number' ? `${String(month).padStart(2, '0')}/${String(year).slice(-2)}` : '—';
}

const monthFmt = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'long', timeZone: 'UTC' });
/** The billing period an invoice covers, by the month it starts in. */
export const periodMonth = (isoDate: unknown) => (typeof isoDate === 'string' ? monthFmt.format(new Date(`${isoDate.slice(0, 7)}-01T00:00:00Z`)) : '—');

/** Money as typed by a clerk ("12.50", "$1,200") in whole minor units of the account's currency, or null if it is not an amount in it. */
export const minorFromTyped = (text: string, currency: CurrencyCode) => parseAmount(text, currency);
/** How an amount of `currency` is typed, for a hint: 12.50, or 1250 for yen. */
export const typedAmountExample = (currency: CurrencyCode) => amountExample(currency);
