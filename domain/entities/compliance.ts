import { z } from 'zod';
import { ChangeReason, freeText } from '../validation';
import { Id, IsoDateTime } from './common';

/** Filed by a care rep on the customer's request; approved by a supervisor or compliance officer. */
export const ERASURE_STATUSES = ['pending', 'approved', 'rejected', 'completed'] as const;
export const ErasureRequest = z.strictObject({
  id: Id,
  customerId: Id,
  filedBy: Id,
  filedAt: IsoDateTime,
  reason: ChangeReason,
  status: z.enum(ERASURE_STATUSES),
  decidedBy: Id.nullable(),
  decidedAt: IsoDateTime.nullable(),
});
export type ErasureRequest = z.infer<typeof ErasureRequest>;

/** Policy special cases: disclosure to satisfy law (ECPA), pursue AUP violations, operate, protect. */
export const LEGAL_BASES = ['ecpa_subpoena', 'ecpa_court_order', 'ecpa_emergency', 'aup_violation', 'operations', 'protection'] as const;
export const DisclosureRecord = z.strictObject({
  id: Id,
  customerId: Id,
  requester: freeText({ min: 2, max: 200 }),
  legalBasis: z.enum(LEGAL_BASES),
  fieldsDisclosed: z.array(z.string().max(60)).min(1),
  approvedBy: Id,
  at: IsoDateTime,
});
export type DisclosureRecord = z.infer<typeof DisclosureRecord>;

/** One partner-sharing export: the minimal field set for the partner's purpose, honouring opt-outs. */
export const SharingRecord = z.strictObject({
  id: Id,
  partner: freeText({ min: 2, max: 200 }),
  purpose: freeText({ min: 2, max: 200 }),
  fields: z.array(z.string().max(60)).min(1),
  customerCount: z.number().int().min(0),
  exportedBy: Id,
  at: IsoDateTime,
});
export type SharingRecord = z.infer<typeof SharingRecord>;
