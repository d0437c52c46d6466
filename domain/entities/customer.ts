import { z } from 'zod';
import { EmailAddress, matching, rule, PhoneNumber, PostalAddress } from '../validation';
import { Id, IsoDateTime, personName } from './common';

export const ACCOUNT_STATUSES = ['active', 'pending', 'suspended', 'closed'] as const;
export const AccountNumber = matching(/^A\d{8}$/, 'account.format', 'account number is A followed by 8 digits');

export const PHONE_KINDS = ['mobile', 'home', 'work'] as const;
export const CustomerPhone = z.strictObject({
  kind: z.enum(PHONE_KINDS),
  number: PhoneNumber,
});
export type CustomerPhone = z.infer<typeof CustomerPhone>;

/**
 * Consents and opt-outs (policy: "no unrelated use without an opportunity to opt out").
 * `true` means the customer agrees; every role that contacts customers is shown these.
 */
export const CONSENT_KEYS = ['marketingEmail', 'marketingCalls', 'sms', 'partnerSharing'] as const;
export type ConsentKey = (typeof CONSENT_KEYS)[number];
export const CONSENT_LABELS: Record<ConsentKey, string> = {
  marketingEmail: 'Marketing email',
  marketingCalls: 'Marketing calls',
  sms: 'Text messages',
  partnerSharing: 'Sharing with billing partners',
};
export const Consents = z.strictObject(Object.fromEntries(CONSENT_KEYS.map((k) => [k, z.boolean()])) as Record<ConsentKey, z.ZodBoolean>);
export type Consents = z.infer<typeof Consents>;

/** A privacy-policy version's number (domain/policyVersions.ts: the central store numbers them from 1). */
export const PolicyVersionNumber = z.number().int().min(1).max(1_000_000);
/**
 * The policy version in force when each consent was given: the central store stamps it when it
 * records the consent (issue 14), never a desk. A record from before it has none, and reads as before.
 */
export const ConsentPolicyVersions = z.strictObject(Object.fromEntries(CONSENT_KEYS.map((k) => [k, PolicyVersionNumber.optional()])) as Record<ConsentKey, z.ZodOptional<typeof PolicyVersionNumber>>);
export type ConsentPolicyVersions = z.infer<typeof ConsentPolicyVersions>;

export const Phones = z
  .array(CustomerPhone)
  .refine((phones) => phones.length >= 1, rule('phones.min', 'at least one phone number'))
  .refine((phones) => phones.length <= 5, rule('phones.max', 'at most 5 phone numbers'));

/** The customer record: the policy's PII (name, address, phone, email) plus account data. Nothing else is collected. */
export const Customer = z.strictObject({
  id: Id,
  accountNumber: AccountNumber,
  accountStatus: z.enum(ACCOUNT_STATUSES),
  firstName: personName,
  lastName: personName,
  /** null: none on file (a customer without email, or whose contact data was erased) */
  email: EmailAddress.nullable(),
  phones: Phones,
  serviceAddress: PostalAddress,
  mailingAddress: PostalAddress,
  consents: Consents,
  consentPolicyVersions: ConsentPolicyVersions.optional(),
  /** when the customer's contact data was erased at their request (domain/erasure.ts): the central store's field, never a desk's */
  erasedContactAt: IsoDateTime.nullable().optional(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Customer = z.infer<typeof Customer>;

