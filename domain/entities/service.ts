import { z } from 'zod';
import { ChangeReason, PhoneNumber, PostalAddress, type CurrencyCode } from '../validation';
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

/** Why a line's E911 address waits for network operations' review. */
export const E911_REVIEW_REASONS = ['service_address_changed'] as const;

/**
 * A line flagged for network operations (domain/e911.ts): the customer's service address changed and
 * the line's E911 address is not it. The central store sets it itself when it applies the change,
 * whatever desk sent it (an offline correction, a rep who chose "Not now"), and clears it when the
 * line's E911 address is updated or the service address comes back to it: never a desk's field.
 */
export const E911Review = z.strictObject({
  /** when the store flagged the line (kept while the service address changes again) */
  since: IsoDateTime,
  reason: z.enum(E911_REVIEW_REASONS),
  /** the service address the line's E911 address differs from */
  serviceAddress: PostalAddress,
});
export type E911Review = z.infer<typeof E911Review>;

/** A VoIP line: the number, its plan and status, and the E911 address dispatchers are sent to. */
export const ServiceLine = z.strictObject({
  id: Id,
  customerId: Id,
  number: PhoneNumber,
  plan: z.enum(SERVICE_PLANS),
  status: z.enum(SERVICE_LINE_STATUSES),
  e911Address: PostalAddress,
  /** null or absent: nothing to review (lines stored before the flag existed have none) */
  e911Review: E911Review.nullable().optional(),
  activatedAt: IsoDateTime,
});
export type ServiceLine = z.infer<typeof ServiceLine>;

/**
 * `serviceLine.setE911Address` (online): where dispatchers are sent is never queued. `expected` is
 * the line's E911 address as the desk saw it: the store refuses the update as a conflict if it has
 * changed since (unless it is already `address`: a retry changes nothing).
 */
export const E911UpdateRequest = z.strictObject({
  lineId: Id,
  expected: PostalAddress,
  address: PostalAddress,
  reason: ChangeReason,
});
export type E911UpdateRequest = z.infer<typeof E911UpdateRequest>;
export const E911UpdateResult = z.object({
  /** `unchanged`: the line's E911 address was already this one, with nothing to review */
  status: z.enum(['updated', 'unchanged']),
  lineId: Id,
  e911Address: PostalAddress,
  /** whether the update cleared the line's review flag */
  reviewCleared: z.boolean(),
});
export type E911UpdateResult = z.infer<typeof E911UpdateResult>;

/**
 * Network operations change a line's plan and status online (issue 14), against what the central
 * store holds now: plans and statuses drive provisioning and billing, so a change made on an old
 * picture of the line must not land silently. `expected` is the value the desk showed: another one at
 * the store is a conflict (unless it already holds the value asked for: a retry changes nothing).
 */
export const ServiceLinePlanChange = z.strictObject({
  lineId: Id,
  expected: z.enum(SERVICE_PLANS),
  plan: z.enum(SERVICE_PLANS),
  reason: ChangeReason,
});
export type ServiceLinePlanChange = z.infer<typeof ServiceLinePlanChange>;
/** The status is a step of the line's lifecycle (domain/lifecycles.ts), from the status the desk showed. */
export const ServiceLineStatusChange = z.strictObject({
  lineId: Id,
  expected: z.enum(SERVICE_LINE_STATUSES),
  status: z.enum(SERVICE_LINE_STATUSES),
  reason: ChangeReason,
});
export type ServiceLineStatusChange = z.infer<typeof ServiceLineStatusChange>;
/** What a plan or status change answers: the line as the store holds it now (`unchanged`: it already had the value). */
export const ServiceLineChangeResult = z.object({
  status: z.enum(['updated', 'unchanged']),
  line: ServiceLine,
});
export type ServiceLineChangeResult = z.infer<typeof ServiceLineChangeResult>;
