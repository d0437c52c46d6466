import { z } from 'zod';
import { rule } from './rule';

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

/** A card number (PAN) as typed: spaces and dashes allowed, digits kept. Only the central store ever holds one. */
export const CardNumber = z
  .string()
  .max(40)
  .transform((value) => value.replace(/[\s-]/g, ''))
  .refine((digits) => luhnValid(digits), rule('card.luhn', 'card number fails the Luhn check'));
