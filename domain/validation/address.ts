import { z } from 'zod';
import { rule } from './rule';
import { optionalText, requiredText } from './text';

/** USPS codes of the states, DC and the territories the provider serves. */
export const US_STATES = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA',
  'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR',
  'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'PR', 'GU', 'VI', 'AS', 'MP',
] as const;

const stateSet = new Set<string>(US_STATES);

export const ZipCode = z
  .string()
  .trim()
  .refine((value) => /^\d{5}(-\d{4})?$/.test(value), rule('zip.format', 'ZIP must be 5 digits or ZIP+4 (12345-6789)'));

export const StateCode = z
  .string()
  .trim()
  .transform((value) => value.toUpperCase())
  .refine((value) => stateSet.has(value), rule('state.code', 'not a US state or territory code'));

export const PostalAddress = z.strictObject({
  line1: requiredText(100),
  line2: optionalText(100).optional(),
  city: requiredText(60),
  state: StateCode,
  zip: ZipCode,
});
export type PostalAddress = z.infer<typeof PostalAddress>;

export function formatAddress(a: PostalAddress): string {
  return [a.line1, a.line2, `${a.city}, ${a.state} ${a.zip}`].filter(Boolean).join(', ');
}
