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

/**
 * Policy special cases (DESIGN §1): disclosure to satisfy law (ECPA: a subpoena, a court order, an
 * emergency), to pursue Acceptable-Use violations, to protect the service. domain/disclosure.ts
 * declares what each basis lets leave (`LEGAL_BASIS_RULES`).
 */
export const LEGAL_BASES = ['ecpa_subpoena', 'ecpa_court_order', 'ecpa_emergency', 'aup_violation', 'protection'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];
/** What can be disclosed, by the item the register names (domain/disclosure.ts `DISCLOSABLE_FIELDS` says what each holds). */
export const DISCLOSABLE_FIELD_NAMES = ['name', 'accountNumber', 'serviceAddress', 'mailingAddress', 'phones', 'email', 'serviceSince', 'serviceLines', 'e911Address', 'paymentMeans', 'billingAddress', 'invoices', 'payments'] as const;
export type DisclosableFieldName = (typeof DISCLOSABLE_FIELD_NAMES)[number];
/** Prepared by one compliance officer, approved by another: nothing leaves before the approval is recorded. */
export const DISCLOSURE_STATUSES = ['prepared', 'approved'] as const;
/**
 * One legal disclosure, as the disclosure register keeps it (issue 14): who asked, on which legal
 * basis, about which customer, exactly which items, the document it rests on, whether a
 * non-disclosure order forbids telling the customer, who prepared it and which other officer
 * approved it, and when. Written only by the central store (disclosure.prepare, disclosure.approve).
 */
export const DisclosureRecord = z.strictObject({
  id: Id,
  customerId: Id,
  requester: freeText({ min: 2, max: 200 }),
  legalBasis: z.enum(LEGAL_BASES),
  fieldsDisclosed: z.array(z.enum(DISCLOSABLE_FIELD_NAMES)).min(1),
  /** the subpoena's, order's or request's reference (a docket number, a letter) */
  documentReference: freeText({ min: 2, max: 200 }),
  /** a non-disclosure order applies: the customer is not told (a subject access report withholds it) */
  nonDisclosureOrder: z.boolean(),
  status: z.enum(DISCLOSURE_STATUSES),
  preparedBy: Id,
  preparedAt: IsoDateTime,
  approvedBy: Id.nullable(),
  approvedAt: IsoDateTime.nullable(),
});
export type DisclosureRecord = z.infer<typeof DisclosureRecord>;

/** What the preparing officer sends: the store sets the rest (who, when, the status). */
export const DisclosurePrepareRequest = DisclosureRecord.pick({ customerId: true, requester: true, legalBasis: true, fieldsDisclosed: true, documentReference: true, nonDisclosureOrder: true }).extend({
  /** a client-made id: a retried request records the disclosure once */
  id: Id,
  fieldsDisclosed: z.array(z.enum(DISCLOSABLE_FIELD_NAMES)).min(1).max(DISCLOSABLE_FIELD_NAMES.length),
});
export type DisclosurePrepareRequest = z.infer<typeof DisclosurePrepareRequest>;
export const DisclosureApproveRequest = z.strictObject({ disclosureId: Id });
export type DisclosureApproveRequest = z.infer<typeof DisclosureApproveRequest>;
/** One item as it leaves: its label and its value as text, read by the store at the approval. */
export const DisclosedItem = z.strictObject({ field: z.enum(DISCLOSABLE_FIELD_NAMES), label: z.string(), value: z.string() });
export type DisclosedItem = z.infer<typeof DisclosedItem>;
export const DisclosureResult = z.strictObject({
  record: DisclosureRecord,
  /** only once approved: the items, for the approving officer to hand over (never cached on a desk) */
  disclosed: z.array(DisclosedItem).nullable(),
});
export type DisclosureResult = z.infer<typeof DisclosureResult>;

/** The purposes a partner may receive customer data for; domain/sharing.ts declares each one's rows and columns. */
export const SHARING_PURPOSE_NAMES = ['paper_statements', 'collections'] as const;
export type SharingPurposeName = (typeof SHARING_PURPOSE_NAMES)[number];

/**
 * One partner-sharing export, as the sharing register keeps it (domain/sharing.ts declares each
 * purpose's rows and columns): what went to whom, for which purpose, how many customers were in it
 * and how many were left out because they opted out, and the file's SHA-256. Made by the central
 * store when it generates the file; never edited.
 */
export const SharingRecord = z.strictObject({
  id: Id,
  partner: freeText({ min: 2, max: 200 }),
  purpose: z.enum(SHARING_PURPOSE_NAMES),
  /** the file's columns, as its header names them */
  fields: z.array(z.string().max(60)).min(1),
  customerCount: z.number().int().min(0),
  optedOutCount: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  exportedBy: Id,
  at: IsoDateTime,
});
export type SharingRecord = z.infer<typeof SharingRecord>;

/** What a compliance officer asks for: the partner, and the declared purpose (which fixes the rows and columns). */
export const SharingExportRequest = z.strictObject({
  partner: freeText({ min: 2, max: 200 }),
  purpose: z.enum(SHARING_PURPOSE_NAMES),
});
export type SharingExportRequest = z.infer<typeof SharingExportRequest>;
/** The file, generated by the central store and handed to the officer to save: never kept on a desk. */
export const SharingExportResult = z.strictObject({
  record: SharingRecord,
  /** the name the file is offered under when the officer saves it */
  saveAs: z.string().max(120),
  csv: z.string(),
});
export type SharingExportResult = z.infer<typeof SharingExportResult>;

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


/**
 * A subject access report (issue 14): everything the provider holds about one customer and who
 * viewed or changed it, recipients by role, as domain/subjectAccess.ts says (a disclosure under a
 * non-disclosure order is withheld, and nothing in the report says so). Made by the central store
 * for a compliance officer, as an audited export; the file is handed over, never kept on a desk.
 */
export const SubjectAccessRequest = z.strictObject({ customerId: Id });
export type SubjectAccessRequest = z.infer<typeof SubjectAccessRequest>;
export const SubjectAccessReport = z.strictObject({
  customerId: Id,
  generatedAt: IsoDateTime,
  /** the records held, each as the compliance role reads it (card numbers never: the masked card) */
  records: z.array(z.strictObject({ entity: z.string(), id: Id, data: z.record(z.string(), z.unknown()) })),
  /** each change to them: when, what kind, which fields, by which role (null: the central store itself) */
  changes: z.array(z.strictObject({ at: IsoDateTime, entity: z.string(), id: Id, kind: z.string(), fields: z.array(z.string()), role: z.string().nullable() })),
  /** each audited access (views, reads, exports, changes): when, what, by which role */
  accesses: z.array(z.strictObject({ at: IsoDateTime, action: z.string(), role: z.string().nullable(), entity: z.string().nullable(), fields: z.array(z.string()), outcome: z.string() })),
  /** the staff who received the data, by role: how many views and changes */
  recipients: z.array(z.strictObject({ role: z.string(), viewed: z.number().int(), changed: z.number().int() })),
  /** third parties the data was disclosed to (approved disclosures not under a non-disclosure order) */
  disclosures: z.array(z.strictObject({ requester: z.string(), legalBasis: z.enum(LEGAL_BASES), fieldsDisclosed: z.array(z.string()), documentReference: z.string(), approvedAt: IsoDateTime })),
});
export type SubjectAccessReport = z.infer<typeof SubjectAccessReport>;
export const SubjectAccessResult = z.strictObject({
  report: SubjectAccessReport,
  /** the file as handed over (JSON), the name it is offered under, and its SHA-256 (in the audit row) */
  saveAs: z.string().max(120),
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type SubjectAccessResult = z.infer<typeof SubjectAccessResult>;
