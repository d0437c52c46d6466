import { z } from 'zod';
import { rule } from './rule';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Phone numbers are stored in E.164 (`+12125550143`) so that every workstation, the central
 * store and the search index agree on one spelling. Input may be any common US spelling
 * (`(212) 555-0143`, `212.555.0143`) or an international number with its `+` prefix.
 */
export function normalisePhone(input: string): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), 'US');
  return parsed?.isValid() ? parsed.number : null;
}

export const PhoneNumber = z.string().max(40).transform((value, ctx) => {
  const e164 = normalisePhone(value);
  if (!e164) {
    ctx.addIssue({ code: 'custom', ...rule('phone.e164', 'not a valid phone number') });
    return z.NEVER;
  }
  return e164;
});

/** National digits of a North American number, or all digits after the `+` for others: what the search index holds. */
export function phoneDigits(e164: string): string {
  return e164.startsWith('+1') ? e164.slice(2) : e164.replace(/\D/g, '');
}

export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatNational() ?? e164;
}
