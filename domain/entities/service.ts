import { z } from 'zod';
import { PhoneNumber, PostalAddress, type CurrencyCode } from '../validation';
import { Id, IsoDateTime } from './common';

export const SERVICE_LINE_STATUSES = ['active', 'pending', 'suspended', 'ported_out'] as const;
export const SERVICE_PLANS = ['Residential Basic', 'Residential Unlimited', 'Business Line', 'Business Unlimited', 'International Plus'] as const;
export type ServicePlan = (typeof SERVICE_PLANS)[number];
/** The currency of the price list, and so of the account a converted lead's order opens. */
export const PLAN_CURRENCY: CurrencyCode = 'USD';
/** Each plan's monthly price in minor units of PLAN_CURRENCY and its order line's SKU: what an order placed for a converted lead charges. */
export const PLAN_PRICES: Record<ServicePlan, { sku: string; monthlyCents: number }> = {
  'Residential Basic': { sku: 'RES-BASIC', monthlyCents: 1999 },
  'Residential Unlimited': { sku: 'RES-UNL', monthlyCents: 2999 },
  'Business Line': { sku: 'BIZ-LINE', monthlyCents: 3499 },
  'Business Unlimited': { sku: 'BIZ-UNL', monthlyCents: 4999 },
  'International Plus': { sku: 'INTL-PLUS', monthlyCents: 3999 },
};

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
