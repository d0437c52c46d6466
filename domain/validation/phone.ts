import { z } from 'zod';
import { rule } from './rule';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Phone numbers are stored in E.164 (`+12125550143`) so that every workstation, the central
 * store and the search index agree on one spelling. Input may be any common US spelling
 * (`(212) 555-0143`, `212.555.0143`) or an international number with its `+` prefix.
 */
export function normalisePhone(input: string): string | null {
  return parsePhone(input)?.number ?? null;
}

/** A valid number as libphonenumber reads it (with any extension it found), or null. */
function parsePhone(input: string) {
  const parsed = parsePhoneNumberFromString(input.trim(), 'US');
  return parsed?.isValid() ? parsed : null;
}

/**
 * A phone number as typed, stored in E.164. An extension (`x123`, `ext. 5`, `;ext=5`, `#22`) has no
 * place in a record (E.164 has none, and a customer's phone is a number and a kind), so it is
 * refused with a reason rather than dropped: a rep who typed one must know it was not kept.
 */
export const PhoneNumber = z.string().max(40).transform((value, ctx) => {
  const parsed = parsePhone(value);
  if (!parsed) {
    ctx.addIssue({ code: 'custom', ...rule('phone.e164', 'not a valid phone number') });
    return z.NEVER;
  }
  if (parsed.ext) {
    ctx.addIssue({ code: 'custom', ...rule('phone.extension', `extensions are not supported: enter the number without x${parsed.ext}`) });
    return z.NEVER;
  }
  return parsed.number;
});

/** National digits of a North American number, or all digits after the `+` for others: what the search index holds. */
export function phoneDigits(e164: string): string {
  return e164.startsWith('+1') ? e164.slice(2) : e164.replace(/\D/g, '');
}

/** A number in E.164 inside free text: a + and 7 to 15 digits, not part of a longer run of digits. */
const E164_IN_TEXT = /(?<![\d+])\+[1-9]\d{6,14}(?!\d)/g;

/**
 * Free text (an invoice line, a reason, an email) with every valid E.164 number in it formatted as
 * `formatPhone` reads it ("+12128672247" reads "(212) 867-2247"); anything that is not a valid
 * number stays as written. For display only: stored text keeps what was written.
 */
export function formatPhonesInText(text: string): string {
  return text.replace(E164_IN_TEXT, (number) => (normalisePhone(number) === number ? formatPhone(number) : number));
}

/** A stored number as people read it: a North American one nationally, "(212) 867-2247"; any other with its country code, "+44 20 7183 8750". */
export function formatPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.countryCallingCode === '1' ? parsed.formatNational() : parsed.formatInternational();
}
