import type { z } from 'zod';
import { BillingAccount, BillingAdjustment, Invoice, Order, Payment, PaymentMethod } from './billing';
import { DisclosureRecord, ErasureRequest, LegalHold, SharingRecord } from './compliance';
import { Customer } from './customer';
import { Inquiry, Lead } from './prospects';
import { HeldEdit } from './review';
import { CallbackRequest } from './callback';
import { ServiceLine } from './service';

export * from './common';
export * from './customer';
export * from './service';
export * from './billing';
export * from './prospects';
export * from './compliance';
export * from './identity';
export * from './audit';
export * from './review';
export * from './callback';

/** The entities the central store keeps as records and syncs, projected per role, to workstations. */
export const ENTITY_SCHEMAS = {
  customer: Customer,
  serviceLine: ServiceLine,
  billingAccount: BillingAccount,
  invoice: Invoice,
  payment: Payment,
  paymentMethod: PaymentMethod,
  order: Order,
  billingAdjustment: BillingAdjustment,
  lead: Lead,
  inquiry: Inquiry,
  erasureRequest: ErasureRequest,
  legalHold: LegalHold,
  disclosureRecord: DisclosureRecord,
  sharingRecord: SharingRecord,
  /** issue 14: an edit held for a supervisor's review (entities/review.ts), synced to reviewers from protocol 6 */
  heldEdit: HeldEdit,
  /** issue 16: a callback the caller asked for, the rep's assertion (entities/callback.ts), synced from protocol 8 */
  callbackRequest: CallbackRequest,
} as const satisfies Record<string, z.ZodObject>;

export type EntityName = keyof typeof ENTITY_SCHEMAS;
export const ENTITY_NAMES = Object.keys(ENTITY_SCHEMAS) as EntityName[];
export type EntityOf<E extends EntityName> = z.infer<(typeof ENTITY_SCHEMAS)[E]>;

/**
 * The customer a record belongs to, for entities that have one (an erasure reaches every record of
 * its customer through it): an inquiry once a rep links it, a lead once it is converted into one.
 */
export function customerIdOf(entity: EntityName, record: Record<string, unknown>): string | null {
  if (entity === 'customer') return String(record.id);
  const id = entity === 'lead' ? record.convertedCustomerId : record.customerId;
  return typeof id === 'string' ? id : null;
}
