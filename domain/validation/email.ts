import { z } from 'zod';
import { rule } from './rule';

/** Email addresses are compared and indexed lower-cased; the policy's "email" is one address per customer. */
const emailFormat = z.email();

export const EmailAddress = z
  .string()
  .trim()
  .refine((value) => value.length <= 254, rule('email.length', 'at most 254 characters'))
  .refine((value) => emailFormat.safeParse(value).success, rule('email.format', 'not a valid email address'))
  .transform((value) => value.toLowerCase());
