import { z } from 'zod';
import { EmailAddress, PhoneNumber, PostalAddress, freeText, optionalText } from '../validation';
import { Id, IsoDateTime, personName } from './common';

/** Prequalification / quote requests. Policy: used only to contact the prospect about the services asked about. */
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
});
export type Lead = z.infer<typeof Lead>;

/** Email inquiries. Policy: the return address is used only to answer, never shared or exported. */
export const INQUIRY_STATUSES = ['open', 'answered', 'closed'] as const;
export const Inquiry = z.strictObject({
  id: Id,
  receivedAt: IsoDateTime,
  returnAddress: EmailAddress,
  subject: optionalText(200),
  /** the one multi-line field: an email's body keeps its paragraphs (line feeds and tabs), nothing else */
  body: freeText({ max: 10_000, multiLine: true }),
  status: z.enum(INQUIRY_STATUSES),
  customerId: Id.nullable(),
});
export type Inquiry = z.infer<typeof Inquiry>;
