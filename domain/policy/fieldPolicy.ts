import type { EntityName } from '../entities';
import { ROLES, type Role } from '../roles';

/**
 * The role × field policy of record (DESIGN §3). The central store projects every record
 * through it before the record leaves the server, and authorises every write against it; the
 * renderer uses it only to lay out views. It is the one place this rule is written down.
 *
 * - `H` hidden: never sent to the role.
 * - `M` masked: sent only through the field's mask (see masking.ts).
 * - `R` read.
 * - `W` write: read, and the role may change it (subject to validation and caller verification).
 */
export type Access = 'hidden' | 'masked' | 'read' | 'write';
const H = 'hidden', M = 'masked', R = 'read', W = 'write';
type Row = readonly [care_rep: Access, billing_clerk: Access, network_ops: Access, supervisor: Access, compliance: Access, admin: Access];

export const FIELD_POLICY = {
  //                  care_rep  billing  net_ops  supervisor  compliance  admin
  customer: {
    id:               [R,       R,       R,       R,          R,          H],
    accountNumber:    [R,       R,       R,       R,          R,          H],
    accountStatus:    [R,       R,       R,       R,          R,          H],
    firstName:        [W,       R,       R,       W,          R,          H],
    lastName:         [W,       R,       R,       W,          R,          H],
    email:            [W,       R,       H,       W,          R,          H],
    phones:           [W,       R,       R,       W,          R,          H],
    serviceAddress:   [W,       R,       R,       W,          R,          H],
    mailingAddress:   [W,       R,       H,       W,          R,          H],
    consents:         [W,       R,       H,       W,          R,          H],
    // the privacy-policy version each consent was given under: the central store's stamp (issue 14), never a desk's
    consentPolicyVersions:[R,   R,       H,       R,          R,          H],
    // set by the central store when the customer's contact data is erased (domain/erasure.ts): every desk holding the customer purges then
    erasedContactAt:  [R,       R,       R,       R,          R,          H],
    createdAt:        [R,       R,       R,       R,          R,          H],
    updatedAt:        [R,       R,       R,       R,          R,          H],
  },
  serviceLine: {
    id:               [R,       R,       R,       R,          R,          H],
    customerId:       [R,       R,       R,       R,          R,          H],
    number:           [R,       R,       W,       R,          R,          H],
    plan:             [R,       R,       W,       R,          R,          H],
    status:           [R,       R,       W,       R,          R,          H],
    // changed online only (serviceLine.setE911Address, domain/operations.ts: network operations, and
    // care reps and supervisors on a verified call to the service address): never an offline edit
    e911Address:      [R,       R,       R,       R,          R,          H],
    // the central store's flag for network operations (domain/e911.ts), never a desk's
    e911Review:       [R,       R,       R,       R,          R,          H],
    activatedAt:      [R,       R,       R,       R,          R,          H],
  },
  billingAccount: {
    id:               [R,       R,       H,       R,          R,          H],
    customerId:       [R,       R,       H,       R,          R,          H],
    balanceCents:     [R,       R,       H,       R,          R,          H],
    currency:         [R,       R,       H,       R,          R,          H],
    dueDate:          [R,       R,       H,       R,          R,          H],
    status:           [R,       W,       H,       R,          R,          H],
    autopay:          [R,       W,       H,       R,          R,          H],
    billingAddress:   [H,       W,       H,       R,          R,          H],
  },
  invoice: {
    id:               [H,       R,       H,       R,          R,          H],
    customerId:       [H,       R,       H,       R,          R,          H],
    billingAccountId: [H,       R,       H,       R,          R,          H],
    number:           [H,       R,       H,       R,          R,          H],
    periodStart:      [H,       R,       H,       R,          R,          H],
    periodEnd:        [H,       R,       H,       R,          R,          H],
    issuedAt:         [H,       R,       H,       R,          R,          H],
    dueDate:          [H,       R,       H,       R,          R,          H],
    amountCents:      [H,       R,       H,       R,          R,          H],
    status:           [H,       W,       H,       R,          R,          H],
    lines:            [H,       R,       H,       R,          R,          H],
  },
  payment: {
    id:               [H,       R,       H,       R,          R,          H],
    customerId:       [H,       R,       H,       R,          R,          H],
    billingAccountId: [H,       R,       H,       R,          R,          H],
    at:               [H,       R,       H,       R,          R,          H],
    amountCents:      [H,       R,       H,       R,          R,          H],
    paymentMethodId:  [H,       R,       H,       R,          R,          H],
    // the masked card (brand, last 4) the payment used, kept with it
    card:             [H,       R,       H,       R,          R,          H],
    status:           [H,       R,       H,       R,          R,          H],
    failureReason:    [H,       R,       H,       R,          R,          H],
  },
  // Already the masked form (brand, last 4, expiry, holder): the card number never leaves the card vault.
  paymentMethod: {
    id:               [H,       R,       H,       R,          R,          H],
    customerId:       [H,       R,       H,       R,          R,          H],
    billingAccountId: [H,       R,       H,       R,          R,          H],
    brand:            [H,       R,       H,       R,          R,          H],
    last4:            [H,       R,       H,       R,          R,          H],
    expMonth:         [H,       R,       H,       R,          R,          H],
    expYear:          [H,       R,       H,       R,          R,          H],
    holderName:       [H,       R,       H,       M,          M,          H],
    billingZip:       [H,       R,       H,       M,          M,          H],
    isDefault:        [H,       R,       H,       R,          R,          H],
  },
  order: {
    id:               [R,       R,       H,       R,          R,          H],
    customerId:       [R,       R,       H,       R,          R,          H],
    items:            [R,       R,       H,       R,          R,          H],
    status:           [R,       R,       H,       R,          R,          H],
    placedAt:         [R,       R,       H,       R,          R,          H],
    fulfilledAt:      [R,       R,       H,       R,          R,          H],
  },
  // credits and adjustments are recorded online only (OPERATIONS, domain/operations.ts), never edited afterwards
  billingAdjustment: {
    id:               [H,       R,       H,       R,          R,          H],
    customerId:       [H,       R,       H,       R,          R,          H],
    billingAccountId: [H,       R,       H,       R,          R,          H],
    kind:             [H,       R,       H,       R,          R,          H],
    amountCents:      [H,       R,       H,       R,          R,          H],
    reason:           [H,       R,       H,       R,          R,          H],
    recordedBy:       [H,       R,       H,       R,          R,          H],
    recordedAt:       [H,       R,       H,       R,          R,          H],
    // issue 13: its approval (set by the central store only) and a reversal's link; a supervisor reads them to decide
    recordedById:     [H,       R,       H,       R,          R,          H],
    status:           [H,       R,       H,       R,          R,          H],
    approvalAboveCents:[H,      R,       H,       R,          R,          H],
    decidedBy:        [H,       R,       H,       R,          R,          H],
    decidedAt:        [H,       R,       H,       R,          R,          H],
    decisionReason:   [H,       R,       H,       R,          R,          H],
    reverses:         [H,       R,       H,       R,          R,          H],
    requestedBy:      [H,       R,       H,       R,          R,          H],
    verificationId:   [H,       R,       H,       R,          R,          H],
  },
  lead: {
    id:               [R,       H,       H,       R,          R,          H],
    firstName:        [W,       H,       H,       W,          R,          H],
    lastName:         [W,       H,       H,       W,          R,          H],
    email:            [W,       H,       H,       W,          R,          H],
    phone:            [W,       H,       H,       W,          R,          H],
    mailingAddress:   [W,       H,       H,       W,          R,          H],
    location:         [W,       H,       H,       W,          R,          H],
    requestedServices:[W,       H,       H,       W,          R,          H],
    status:           [W,       H,       H,       W,          R,          H],
    createdAt:        [R,       H,       H,       R,          R,          H],
    convertedCustomerId:[R,     H,       H,       R,          R,          H],
    // the privacy-policy version in force when the lead was created: the central store's stamp (issue 14)
    policyVersion:    [R,       H,       H,       R,          R,          H],
  },
  inquiry: {
    id:               [R,       H,       H,       R,          R,          H],
    receivedAt:       [R,       H,       H,       R,          R,          H],
    returnAddress:    [R,       H,       H,       R,          M,          H],
    subject:          [R,       H,       H,       R,          R,          H],
    body:             [R,       H,       H,       R,          R,          H],
    status:           [W,       H,       H,       W,          R,          H],
    customerId:       [W,       H,       H,       W,          R,          H],
  },
  erasureRequest: {
    id:               [R,       H,       H,       R,          R,          H],
    customerId:       [R,       H,       H,       R,          R,          H],
    filedBy:          [R,       H,       H,       R,          R,          H],
    filedAt:          [R,       H,       H,       R,          R,          H],
    scope:            [R,       H,       H,       R,          R,          H],
    reason:           [R,       H,       H,       R,          R,          H],
    status:           [R,       H,       H,       W,          W,          H],
    decidedBy:        [R,       H,       H,       R,          R,          H],
    decidedAt:        [R,       H,       H,       R,          R,          H],
  },
  // recorded by compliance (legalHold.place: its fields are set once, at creation); an approver must see why an erasure is blocked
  legalHold: {
    id:               [H,       H,       H,       R,          R,          H],
    customerId:       [H,       H,       H,       R,          R,          H],
    kind:             [H,       H,       H,       R,          R,          H],
    reference:        [H,       H,       H,       R,          R,          H],
    status:           [H,       H,       H,       R,          W,          H],
    placedBy:         [H,       H,       H,       R,          R,          H],
    placedAt:         [H,       H,       H,       R,          R,          H],
    releasedBy:       [H,       H,       H,       R,          R,          H],
    releasedAt:       [H,       H,       H,       R,          R,          H],
  },
  // issue 14: written only by the central store (disclosure.prepare, disclosure.approve: online, never an outbox); compliance's register
  disclosureRecord: {
    id:               [H,       H,       H,       H,          R,          H],
    customerId:       [H,       H,       H,       H,          R,          H],
    requester:        [H,       H,       H,       H,          R,          H],
    legalBasis:       [H,       H,       H,       H,          R,          H],
    fieldsDisclosed:  [H,       H,       H,       H,          R,          H],
    documentReference:[H,       H,       H,       H,          R,          H],
    nonDisclosureOrder:[H,      H,       H,       H,          R,          H],
    status:           [H,       H,       H,       H,          R,          H],
    preparedBy:       [H,       H,       H,       H,          R,          H],
    preparedAt:       [H,       H,       H,       H,          R,          H],
    approvedBy:       [H,       H,       H,       H,          R,          H],
    approvedAt:       [H,       H,       H,       H,          R,          H],
  },
  // made by the central store with the file it describes (sharing.export); read in the register, never edited
  sharingRecord: {
    id:               [H,       H,       H,       H,          R,          H],
    partner:          [H,       H,       H,       H,          R,          H],
    purpose:          [H,       H,       H,       H,          R,          H],
    fields:           [H,       H,       H,       H,          R,          H],
    customerCount:    [H,       H,       H,       H,          R,          H],
    optedOutCount:    [H,       H,       H,       H,          R,          H],
    sha256:           [H,       H,       H,       H,          R,          H],
    exportedBy:       [H,       H,       H,       H,          R,          H],
    at:               [H,       H,       H,       H,          R,          H],
  },
  // issue 14: written only by the central store (held at a push, decided by heldEdit.decide, online); a supervisor's
  // approvals queue; compliance reads what is held about a customer. Its values are the customer's contact data,
  // which both roles read on the customer's own record.
  heldEdit: {
    id:               [H,       H,       H,       R,          R,          H],
    customerId:       [H,       H,       H,       R,          R,          H],
    recordEntity:     [H,       H,       H,       R,          R,          H],
    recordId:         [H,       H,       H,       R,          R,          H],
    changes:          [H,       H,       H,       R,          R,          H],
    base:             [H,       H,       H,       R,          R,          H],
    reason:           [H,       H,       H,       R,          R,          H],
    heldFor:          [H,       H,       H,       R,          R,          H],
    heldNote:         [H,       H,       H,       R,          R,          H],
    requestedBy:      [H,       H,       H,       R,          R,          H],
    requestedByName:  [H,       H,       H,       R,          R,          H],
    heldAt:           [H,       H,       H,       R,          R,          H],
    verifiedAt:       [H,       H,       H,       R,          R,          H],
    status:           [H,       H,       H,       R,          R,          H],
    decidedBy:        [H,       H,       H,       R,          R,          H],
    decidedByName:    [H,       H,       H,       R,          R,          H],
    decidedAt:        [H,       H,       H,       R,          R,          H],
    decisionReason:   [H,       H,       H,       R,          R,          H],
    // issue 16 (protocol 8): an unverified hold's expiry, and how an applied one came to be applied
    expiresAt:        [H,       H,       H,       R,          R,          H],
    appliedAfter:     [H,       H,       H,       R,          R,          H],
    releaseVerificationId: [H,  H,       H,       R,          R,          H],
  },
  // issue 16: a rep records that the caller asked to be called back (callbackRequest.record: the desk gives the
  // customer and the reason once, the store the rest); reps and supervisors call back and mark it done
  callbackRequest: {
    id:               [R,       H,       H,       R,          R,          H],
    customerId:       [R,       H,       H,       R,          R,          H],
    reason:           [R,       H,       H,       R,          R,          H],
    assertion:        [R,       H,       H,       R,          R,          H],
    requestedBy:      [R,       H,       H,       R,          R,          H],
    requestedAt:      [R,       H,       H,       R,          R,          H],
    status:           [W,       H,       H,       W,          R,          H],
    doneBy:           [R,       H,       H,       R,          R,          H],
    doneAt:           [R,       H,       H,       R,          R,          H],
  },
} as const satisfies Record<EntityName, Record<string, Row>>;

/**
 * Billing data (DESIGN §3, PCI DSS 10.2.1.1): every read of these by any role is an audit event,
 * whether a pull brings them to a workstation or a billing view shows them.
 */
export const BILLING_ENTITIES: readonly EntityName[] = ['billingAccount', 'invoice', 'payment', 'paymentMethod', 'billingAdjustment', 'order'];

const roleIndex = Object.fromEntries(ROLES.map((r, i) => [r, i])) as Record<Role, number>;

export function accessOf(entity: EntityName, field: string, role: Role): Access {
  const row = (FIELD_POLICY[entity] as Record<string, Row | undefined>)[field];
  return row?.[roleIndex[role]] ?? 'hidden';
}

/** Entities of which a role may receive at least one field: the only ones sent to its workstations. */
export function visibleEntities(role: Role): EntityName[] {
  return (Object.keys(FIELD_POLICY) as EntityName[]).filter((entity) =>
    Object.keys(FIELD_POLICY[entity]).some((field) => accessOf(entity, field, role) !== 'hidden' && field !== 'id'),
  );
}
