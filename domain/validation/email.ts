import { z } from 'zod';
import { rule } from './rule';

/**
 * RFC 5321 §4.5.3.1: a mailbox's local part is at most 64 octets and its domain at most 255; a
 * path is at most 256 octets with its angle brackets, so an address is at most 254. An address
 * past these limits cannot be delivered, and some mail servers truncate it into someone else's.
 * The format check below admits ASCII only, so characters and octets count the same.
 */
export const EMAIL_LIMITS = { localPart: 64, domain: 255, address: 254 } as const;

/** Email addresses are compared and indexed lower-cased; the policy's "email" is one address per customer. */
const emailFormat = z.email();

const localPart = (value: string) => value.slice(0, Math.max(0, value.lastIndexOf('@')));
const domainPart = (value: string) => value.slice(value.lastIndexOf('@') + 1);

export const EmailAddress = z
  .string()
  .trim()
  .refine((value) => value.length <= EMAIL_LIMITS.address, rule('email.length', `at most ${EMAIL_LIMITS.address} characters`))
  .refine((value) => localPart(value).length <= EMAIL_LIMITS.localPart, rule('email.local_length', `at most ${EMAIL_LIMITS.localPart} characters before the @`))
  .refine((value) => domainPart(value).length <= EMAIL_LIMITS.domain, rule('email.domain_length', `at most ${EMAIL_LIMITS.domain} characters after the @`))
  .refine((value) => emailFormat.safeParse(value).success, rule('email.format', 'not a valid email address'))
  .transform((value) => value.toLowerCase());
