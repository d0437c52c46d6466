import { z } from 'zod';
import { PhoneNumber, PostalAddress } from '../validation';
import { Id, IsoDateTime } from './common';

export const SERVICE_LINE_STATUSES = ['active', 'pending', 'suspended', 'ported_out'] as const;
export const SERVICE_PLANS = ['Residential Basic', 'Residential Unlimited', 'Business Line', 'Business Unlimited', 'International Plus'] as const;

/** A VoIP line: the number, its plan and status, and the E911 address dispatchers are sent to. */
export const ServiceLine = z.strictObject({
  id: Id,
  customerId: Id,
  number: PhoneNumber,
  plan: z.enum(SERVICE_PLANS),
  status: z.enum(SERVICE_LINE_STATUSES),
  e911Address: PostalAddress,
  activatedAt: IsoDateTime,
});
export type ServiceLine = z.infer<typeof ServiceLine>;
