import { cardBrand, cardDigits } from '../../../domain/validation/card';
import type { FieldIssue } from '../../../domain/errors';

/**
 * How a card number and an expiry read while a clerk types them. Display only: whether a card is
 * acceptable is decided by the domain's rules (validation/card.ts), here, in the core and in the
 * central store alike.
 */
export function cardLength(digits: string): number {
  return cardBrand(digits) === 'amex' ? 15 : 16;
}

/** Digits grouped as printed on the card: 4-6-5 for American Express, groups of 4 otherwise. */
export function formatCardNumber(typed: string): string {
  const digits = cardDigits(typed).replace(/\D/g, '').slice(0, 19);
  const groups = cardBrand(digits) === 'amex' ? [4, 6, 5] : [4, 4, 4, 4, 3];
  const parts: string[] = [];
  let at = 0;
  for (const size of groups) {
    if (at >= digits.length) break;
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  return parts.join(' ');
}

/** "0929", "09/29", "9/2029" → month and four-digit year; a slash is added as the clerk types. */
export function formatExpiry(typed: string, previous: string): string {
  const digits = typed.replace(/\D/g, '').slice(0, 6);
  if (typed.length < previous.length) return typed;
  return digits.length >= 2 ? `${digits.slice(0, 2)}/${digits.slice(2)}` : digits;
}

export function parseExpiry(text: string): { expMonth: number; expYear: number } | null {
  const match = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!match) return null;
  const year = Number(match[2]);
  return { expMonth: Number(match[1]), expYear: year < 100 ? 2000 + year : year };
}

export const EXPIRY_FORMAT: FieldIssue = { field: 'expiry', rule: 'card.expiry_format', message: 'write the expiry as on the card, MM/YY' };
