import { z } from 'zod';
import { EmailAddress, PhoneNumber, PostalAddress, freeText, optionalText } from '../validation';
import { Id, IsoDateTime, personName } from './common';
import { PolicyVersionNumber } from './customer';
import { SERVICE_PLANS } from './service';

/**
 * Prequalification / quote requests. Policy: used only to contact the prospect about the services
 * asked about. A lead never converted (open or closed) is kept only as long as the server's policy
 * says (`leadRetentionDays` in the central store's config), then purged from the store and every desk.
 */
export const DEFAULT_LEAD_RETENTION_DAYS = 180;
export const LEAD_STATUSES = ['new', 'contacted', 'quoted', 'converted', 'closed'] as const;
export const Lead = z.strictObject({
  id: Id,
  firstName: personName,
  lastName: personName,
  email: EmailAddress,
  phone: PhoneNumber,
  mailingAddress: PostalAddress,
  location: optionalText(100),
  requestedServices: z.array(optionalText(60)).min(1).max(10),
  status: z.enum(LEAD_STATUSES),
  createdAt: IsoDateTime,
  convertedCustomerId: Id.nullable(),
  /** the privacy-policy version in force when the lead was created: the central store's stamp (issue 14); none on older leads, or when none was published */
  policyVersion: PolicyVersionNumber.optional(),
});
export type Lead = z.infer<typeof Lead>;

/**
 * Converting a lead (the central store's step, on a rep's request): a customer with a billing account
 * and an order for the plans the prospect chose. The order carries no payment data: a card is put on
 * file afterwards through the card vault's own online action, so no card number enters an outbox.
 * If existing customers look like the prospect (same email, phone, or name and address), the store
 * answers with them instead of converting; the rep then converts into one of them (`sameAs`) or says
 * the prospect is none of them (`distinctFrom`, each candidate named).
 */
export const LeadConversionRequest = z.strictObject({
  leadId: Id,
  /** where the service is: the E911 address of its lines (often the lead's mailing address) */
  serviceAddress: PostalAddress,
  plans: z.array(z.strictObject({ plan: z.enum(SERVICE_PLANS), quantity: z.number().int().min(1).max(20) })).min(1).max(10),
  /** an existing customer the prospect is: the order goes to them, no customer is created */
  sameAs: Id.nullable().default(null),
  /** the candidates the rep checked and found to be someone else */
  distinctFrom: z.array(Id).max(20).default([]),
});
export type LeadConversionRequest = z.infer<typeof LeadConversionRequest>;
export const DuplicateCandidate = z.strictObject({
  customerId: Id,
  name: z.string(),
  accountNumber: z.string(),
  /** what matched: `email`, `phone`, `name_and_address` */
  matchedOn: z.array(z.enum(['email', 'phone', 'name_and_address'])).min(1),
});
export type DuplicateCandidate = z.infer<typeof DuplicateCandidate>;
export const LeadConversionResult = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('converted'), customerId: Id, accountNumber: z.string(), orderId: Id, created: z.boolean() }),
  z.strictObject({ status: z.literal('duplicates'), candidates: z.array(DuplicateCandidate).min(1) }),
]);
export type LeadConversionResult = z.infer<typeof LeadConversionResult>;

/** Email inquiries. Policy: the return address is used only to answer, never shared or exported. */
export const INQUIRY_STATUSES = ['open', 'answered', 'closed'] as const;
/** how long an inquiry's subject and body may be (what the ingestion of mail fits them to) */
export const INQUIRY_LIMITS = { subject: 200, body: 10_000 } as const;
export const Inquiry = z.strictObject({
  id: Id,
  receivedAt: IsoDateTime,
  returnAddress: EmailAddress,
  subject: optionalText(INQUIRY_LIMITS.subject),
  /** the one multi-line field: an email's body keeps its paragraphs (line feeds and tabs), nothing else */
  body: freeText({ max: INQUIRY_LIMITS.body, multiLine: true }),
  status: z.enum(INQUIRY_STATUSES),
  customerId: Id.nullable(),
});
export type Inquiry = z.infer<typeof Inquiry>;

/**
 * A reply to an email inquiry, sent by the central store through its mail relay (the relay's
 * credentials never leave it): From the service address, To the return address, threaded on the
 * original message, nothing else. A reply that tells anything of an account (`disclosesAccountData`,
 * or an account number in its text) needs the inquiry linked to the customer and either the return
 * address on file as the customer's email or the caller verified by this user.
 */
export const InquiryReplyRequest = z.strictObject({
  inquiryId: Id,
  body: freeText({ min: 2, max: 10_000, multiLine: true }),
  disclosesAccountData: z.boolean(),
});
export type InquiryReplyRequest = z.infer<typeof InquiryReplyRequest>;
export const InquiryReplyResult = z.strictObject({ status: z.literal('sent'), sentAt: IsoDateTime, redacted: z.boolean() });
export type InquiryReplyResult = z.infer<typeof InquiryReplyResult>;
