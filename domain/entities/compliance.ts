import { z } from 'zod';
import { ChangeReason, freeText } from '../validation';
import { Id, IsoDateTime } from './common';

/** Filed by a care rep on the customer's request; approved by a supervisor or compliance officer. */
export const ERASURE_STATUSES = ['pending', 'approved', 'rejected', 'completed'] as const;
/**
 * What the customer asked to have erased (domain/erasure.ts says what each does): `contact`, their
 * contact data, keeping the account and its service; `account`, everything, closing the account.
 */
export const ERASURE_SCOPES = ['contact', 'account'] as const;
export type ErasureScope = (typeof ERASURE_SCOPES)[number];
export const ErasureRequest = z.strictObject({
  id: Id,
  customerId: Id,
  /** a request filed before scopes were offered erased the whole account */
  scope: z.enum(ERASURE_SCOPES).default('account'),
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

/**
 * A legal hold on a customer's data, recorded by compliance: while one is active, an erasure request
 * for that customer cannot be approved (issue 11) and the approver is told why.
 */
export const LEGAL_HOLD_KINDS = ['ecpa_preservation', 'open_disclosure', 'collections'] as const;
export const LEGAL_HOLD_LABELS: Record<(typeof LEGAL_HOLD_KINDS)[number], string> = {
  ecpa_preservation: 'an ECPA preservation request',
  open_disclosure: 'an open legal disclosure',
  collections: 'an unpaid balance under collection',
};
export const LEGAL_HOLD_STATUSES = ['active', 'released'] as const;
export const LegalHold = z.strictObject({
  id: Id,
  customerId: Id,
  kind: z.enum(LEGAL_HOLD_KINDS),
  /** the request's or case's reference (a docket number, a collections case) */
  reference: freeText({ min: 2, max: 200 }),
  status: z.enum(LEGAL_HOLD_STATUSES),
  placedBy: Id,
  placedAt: IsoDateTime,
  releasedBy: Id.nullable(),
  releasedAt: IsoDateTime.nullable(),
});
export type LegalHold = z.infer<typeof LegalHold>;

