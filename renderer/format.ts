import { CONSENT_LABELS, type ConsentKey } from '../domain/entities/customer';
import { formatAddress, type PostalAddress } from '../domain/validation/address';
import { formatPhone } from '../domain/validation/phone';
import type { Tone } from './components/Badge';

/** How values read on screen. Display only: every rule about the values lives in domain/. */
export const FIELD_LABELS: Record<string, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phones: 'Phones',
  serviceAddress: 'Service address',
  mailingAddress: 'Mailing address',
  ...Object.fromEntries(Object.entries(CONSENT_LABELS).map(([k, v]) => [`consents.${k}`, v])),
};

export const fieldLabel = (path: string) => FIELD_LABELS[path] ?? path;

export const PHONE_KIND_LABELS: Record<string, string> = { mobile: 'Mobile', home: 'Home', work: 'Work' };

export function phone(value: unknown): string {
  return typeof value === 'string' ? formatPhone(value) : '—';
}

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
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
export const cents = (value: unknown) => (typeof value === 'number' ? money.format(value / 100) : '—');

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
};
export const statusTone = (status: unknown): Tone => STATUS_TONES[String(status)] ?? 'neutral';

export const consentLabel = (key: ConsentKey) => CONSENT_LABELS[key];
