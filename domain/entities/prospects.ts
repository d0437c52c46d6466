import { z } from 'zod';
import { EmailAddress, PhoneNumber, PostalAddress } from '../validation';
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
  location: z.string().max(100),
  requestedServices: z.array(z.string().max(60)).min(1).max(10),
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
  subject: z.string().max(200),
  body: z.string().max(10_000),
  status: z.enum(INQUIRY_STATUSES),
  customerId: Id.nullable(),
});
export type Inquiry = z.infer<typeof Inquiry>;
