import { z } from 'zod';
import { ValidationError, issuesFromZod, type FieldIssue } from '../errors';
import { rule } from './rule';
import { requiredText } from './text';
import { ZipCode } from './address';

/** Luhn (mod 10) check of a card number's digits. */
export function luhnValid(digits: string): boolean {
  return /^\d{12,19}$/.test(digits) && luhnSum(digits) % 10 === 0;
}

function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

/** The digit that completes `partial` to a Luhn-valid number. */
export function luhnCheckDigit(partial: string): string {
  return String((10 - (luhnSum(`${partial}0`) % 10)) % 10);
}

export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'other'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

export function cardBrand(digits: string): CardBrand {
  if (/^4/.test(digits)) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(digits)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover';
  return 'other';
}

/** The digits of a card number as typed (spaces and dashes are how people read them out). */
export function cardDigits(typed: string): string {
  return typed.replace(/[\s-]/g, '');
}

/**
 * A card number (PAN) as typed: spaces and dashes allowed, digits kept. Only the central store ever
 * holds one, and only encrypted. No message here ever repeats the number (PCI DSS 3.4.1).
 */
export const CardNumber = z
  .string()
  .max(40)
  .transform(cardDigits)
  .refine((digits) => /^\d{12,19}$/.test(digits), { ...rule('card.digits', 'a card number is 12 to 19 digits'), abort: true })
  .refine((digits) => luhnValid(digits), rule('card.luhn', 'card number fails the Luhn check'));

/**
 * PCI DSS 3.3.1: the security code must not be kept after authorisation. CareDesk never authorises,
 * so it never takes one: an input carrying any of these names is refused, naming the rule.
 */
export const SECURITY_CODE_FIELDS = ['cvv', 'cvv2', 'cvc', 'cvc2', 'cid', 'csc', 'cav2', 'securitycode', 'cardcode', 'verificationcode'] as const;
const securityCodeNames = new Set<string>(SECURITY_CODE_FIELDS);
const isSecurityCodeField = (key: string) => securityCodeNames.has(key.toLowerCase().replace(/[\s_-]/g, ''));

/** How far ahead an expiry may lie: issuers print at most a few years; twenty is generous. */
export const MAX_EXPIRY_YEARS = 20;

/** A card is good through the last day of its expiry month. */
export function cardExpired(expMonth: number, expYear: number, now: Date): boolean {
  return expYear * 12 + (expMonth - 1) < now.getUTCFullYear() * 12 + now.getUTCMonth();
}

export const CardHolderName = requiredText(100).refine((value) => !/[<>\d]/.test(value), rule('card.holder', 'the name as printed on the card: letters, no digits'));

/** What a billing clerk types to put a new card on file. No security code, ever. */
export const CardDetails = z.strictObject({
  cardNumber: CardNumber,
  expMonth: z.number().int().refine((m) => m >= 1 && m <= 12, rule('card.exp_month', 'the expiry month is 1 to 12')),
  expYear: z.number().int().refine((y) => y >= 2000 && y <= 2100, rule('card.exp_year', 'the expiry year has four digits')),
  holderName: CardHolderName,
  billingZip: ZipCode,
});
export type CardDetails = z.output<typeof CardDetails>;

/** Every rule `input` breaks as a new card, `now` deciding what has expired. */
export function cardDetailsIssues(input: unknown, now: Date): FieldIssue[] {
  const issues: FieldIssue[] = [];
  let candidate = input;
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const entries = Object.entries(input as Record<string, unknown>);
    for (const [key] of entries.filter(([key]) => isSecurityCodeField(key))) {
      issues.push({ field: key, rule: 'card.security_code', message: 'the security code is never asked for nor kept (PCI DSS 3.3.1)' });
    }
    candidate = Object.fromEntries(entries.filter(([key]) => !isSecurityCodeField(key)));
  }
  const parsed = CardDetails.safeParse(candidate);
  // an unknown field is named by its rule only: its name came from the input and could be anything
  if (!parsed.success) issues.push(...issuesFromZod(parsed.error).map((i) => (i.rule === 'unknown_field' ? { ...i, message: 'a field a card does not have' } : i)));
  // the expiry is judged whenever month and year are themselves well formed, whatever else is wrong
  const { expMonth, expYear } = (candidate ?? {}) as { expMonth?: unknown; expYear?: unknown };
  if (issues.some((i) => i.field === 'expMonth' || i.field === 'expYear') || typeof expMonth !== 'number' || typeof expYear !== 'number') return issues;
  if (cardExpired(expMonth, expYear, now)) {
    issues.push({ field: 'expYear', rule: 'card.expired', message: 'the card has expired' });
  } else if (expYear > now.getUTCFullYear() + MAX_EXPIRY_YEARS) {
    issues.push({ field: 'expYear', rule: 'card.expiry_range', message: `the expiry is more than ${MAX_EXPIRY_YEARS} years away` });
  }
  return issues;
}

/** The card details, validated and normalised; a ValidationError naming each field and rule otherwise. */
export function parseCardDetails(input: unknown, now: Date): CardDetails {
  const issues = cardDetailsIssues(input, now);
  if (issues.length) throw new ValidationError(issues);
  return CardDetails.parse(input);
}
