import { z } from 'zod';
import { E911_UPDATE } from './e911';
import { ADJUSTMENT_KINDS, ADJUSTMENT_REQUESTERS, AdjustmentDecisionRequest, AdjustmentReversalRequest, BillingAdjustment, CONSENT_KEYS, E911UpdateRequest, E911UpdateResult, Id, InquiryReplyRequest, InquiryReplyResult, LeadConversionRequest, LeadConversionResult, PaymentMethod, ServiceLineChangeResult, ServiceLinePlanChange, ServiceLineStatusChange, SharingExportRequest, SharingExportResult, DisclosureApproveRequest, DisclosurePrepareRequest, DisclosureResult, SubjectAccessRequest, SubjectAccessResult, HeldEditDecisionRequest, HeldEditDecisionResult, HeldEditReleaseRequest, CALLBACK_ASSERTION, type AuditAction, type EntityName } from './entities';
import { ADMIN_INPUTS, ADMIN_OUTPUTS, AdminUserRef, DeviceDirectory, StaffDirectory, StatusChangeResult, type AdminEntity } from './admin';
import { SessionPolicy } from './entities/identity';
import { LIFECYCLES, creatingStep } from './lifecycles';
import { POLICY_ENTITY, PolicyAcknowledgeRequest, PolicyAcknowledgeResult, PolicyPublishRequest, PolicyPublishResult, PolicyStatus, PolicyVersionList, type PolicyEntity } from './policyVersions';
import type { FieldIssue } from './errors';
import { AUDIT_INTEGRITY_READERS, AUDIT_READERS, AuditIntegrity, AuditIntegrityRequest, AuditPage, AuditQuery } from './auditView';
import { accessOf, policyField } from './policy';
import { ROLES, type Role } from './roles';
import { ADMINISTERING_ROLES, LockoutLiftRequest, LockoutLiftResult, LockoutListRequest, LockoutListResult, SecondFactorResetRequest, SecondFactorResetResult } from './secondFactor';
import { VERIFICATION_METHODS, VerifyResponse } from './sync/protocol';
import { ChangeReason } from './validation/text';

/**
 * Everything a user can do, declared once as data (DESIGN §8; Replicache's mutators are the model).
 * Who may do it is never stated here for an edit or a transition: an edit's roles are those the
 * field policy (policy/fieldPolicy.ts) lets write its fields, a transition's those its lifecycle
 * (lifecycles.ts) names for each step. Only an online action, which changes no field a desk could
 * edit, names its roles here. What is derived from these declarations: the paths a mutation may
 * change (MUTABLE_PATHS, validateChanges), the paths a role may edit on a desk (`editablePaths`),
 * who may take an online action (`mayPerform`), and who talks to callers (`CALLER_ROLES`: whoever
 * performs an operation declared `verifiedCaller`, and so may verify a caller).
 *
 * Kinds:
 * - `create`: a record born on a desk, with a client-made id, through the outbox like an edit. The
 *   client gives `fields`; the central store sets the rest itself (`owned`: who filed, when) and
 *   the initial status (its lifecycle's creating step, whose roles are the ones that may create).
 * - `edit`: named fields of an existing record, offline: local view and outbox, then push.
 * - `transition`: the status field of an entity with a lifecycle, offline like an edit; the central
 *   store refuses a step its lifecycle does not give the role.
 * - `online`: needs the central store now (a card number must never enter the outbox; money moves
 *   against the balance the store holds now; a caller's answers are checked only there).
 */
interface Declared {
  entity: EntityName;
  /** the audit action of its outcome */
  audit: AuditAction;
}
/** what the central store knows when it sets a created record's own fields */
export interface CreateContext {
  userId: string;
  at: string;
  /** the privacy-policy version in force at the store when it creates the record (domain/policyVersions.ts); null: none published */
  policyVersion?: number | null;
}
export interface CreateOperation extends Declared {
  kind: 'create';
  /** the fields the desk gives */
  fields: readonly string[];
  /** the fields the central store sets, never taken from the desk (the status comes from the lifecycle) */
  owned: (ctx: CreateContext) => Record<string, unknown>;
  /** done on a call: a role that talks to callers must have verified this customer's caller (CALLER_ROLES) */
  verifiedCaller: boolean;
}
export interface EditOperation extends Declared {
  kind: 'edit';
  fields: readonly string[];
  /** done on a call: a role that talks to callers must have verified this customer's caller (CALLER_ROLES) */
  verifiedCaller: boolean;
  /**
   * issue 16: while the central store is unreachable (no caller can be verified), the rep may hold
   * this correction unverified: it waits in the outbox, changes nothing on the desk's view, and the
   * store applies it only after the rep re-verifies the caller online and releases it
   * (`heldEdit.release`) or a supervisor applies it, before UNVERIFIED_HOLD_MS runs out
   */
  holdsUnverified?: true;
}
export interface TransitionOperation extends Declared {
  kind: 'transition';
  verifiedCaller: boolean;
}
/**
 * When an online operation is done on a call, so that the caller must be verified: always (`true`),
 * or when its input says the caller asked for it (`when`: the input field and the value that says
 * so, e.g. a credit with `requestedBy: 'caller'`; any other value, e.g. an internal correction, needs
 * none, and the record keeps which it was).
 */
export type CallerCondition = true | { when: { field: string; is: string } };
export interface OnlineOperation extends Omit<Declared, 'entity'> {
  kind: 'online';
  /** a record's entity, what an administrator manages (domain/admin.ts) or the central store keeps apart from records (policy versions: domain/policyVersions.ts), which is no record, or null for what touches neither (the audit log) */
  entity: EntityName | AdminEntity | PolicyEntity | null;
  roles: readonly Role[];
  /**
   * done on a call: the request carries the verification it rests on (`verificationId`), which the
   * central store checks (this user, this customer, within the window by its clock) before anything
   * changes. Absent: not done on a call.
   */
  verifiedCaller?: CallerCondition;
  /**
   * Its own URL at the central store, for the actions that predate the operations route (a caller's
   * answers, a card, money); every other online action is one route, `API.operation(name)`, whose
   * handler the central store keeps by the operation's name (central/operations/).
   */
  ownRoute?: true;
  /** what it does, as a user is told when it cannot be done now ("To replace a card …") */
  does: string;
  /**
   * The fields of its entity it changes, which no offline operation may then change: a pushed
   * mutation that writes one is refused naming the rule (`operation.online_only`), whatever the
   * role (a modified desk). An E911 address must never wait in an outbox.
   */
  changes?: readonly string[];
  /**
   * It rests on this desk's queued changes (a service address corrected a moment ago): the desk sends
   * its outbox before the call, so that the store judges it with what the user has just done.
   */
  sendsQueuedFirst?: true;
  /** what the console sends (its channel is the operation's name) and what it answers */
  input: z.ZodObject;
  output: z.ZodType;
}
/** The operations a desk performs offline: local view and outbox in one transaction, then push. */
export type OfflineOperation = CreateOperation | EditOperation | TransitionOperation;
export type Operation = CreateOperation | EditOperation | TransitionOperation | OnlineOperation;

const edit = (entity: EntityName, fields: readonly string[], { verifiedCaller = false, holdsUnverified = false } = {}): EditOperation => ({
  kind: 'edit',
  entity,
  fields,
  verifiedCaller,
  ...(holdsUnverified ? { holdsUnverified: true as const } : {}),
  audit: 'record.update',
});
const transition = (entity: EntityName): TransitionOperation => ({ kind: 'transition', entity, verifiedCaller: false, audit: 'record.update' });

/** The roles that take a step of `entity`'s lifecycle: an online status change's performers, read from the lifecycle. */
function lifecycleRoles(entity: EntityName): Role[] {
  return ROLES.filter((role) => (LIFECYCLES[entity]?.transitions ?? []).some((t) => t.from !== null && t.by.includes(role)));
}
/** The roles the field policy lets write `field` of `entity`: an online change of that field's performers. */
function policyWriters(entity: EntityName, field: string): Role[] {
  return ROLES.filter((role) => accessOf(entity, field, role) === 'write');
}

/**
 * The roles that may hold a correction unverified during an outage and release it afterwards: whoever
 * performs an edit declared `holdsUnverified` (read from the field policy, as its performers are).
 */
const CONTACT_EDITS = {
  /** policy: "customers may correct … by phoning customer service": only for a verified caller */
  'customer.editContact': edit('customer', ['firstName', 'lastName', 'email', 'phones', 'serviceAddress', 'mailingAddress'], { verifiedCaller: true, holdsUnverified: true }),
  /** one consent at a time, so that two reps recording different opt-outs of one customer do not conflict */
  'customer.editConsents': edit('customer', CONSENT_KEYS.map((k) => `consents.${k}`), { verifiedCaller: true, holdsUnverified: true }),
} as const;
const UNVERIFIED_HOLDERS: readonly Role[] = ROLES.filter((role) => Object.values(CONTACT_EDITS).some((op) => op.holdsUnverified && performersOf(op).includes(role)));

/** Every operation but the caller's verification, whose roles are derived from them (CALLER_ROLES). */
const DECLARED = {
  /** a care rep files it on a verified call; a supervisor or compliance officer other than the filer decides */
  'erasureRequest.file': {
    kind: 'create',
    entity: 'erasureRequest',
    fields: ['customerId', 'scope', 'reason'],
    owned: ({ userId, at }) => ({ filedBy: userId, filedAt: at, decidedBy: null, decidedAt: null }),
    verifiedCaller: true,
    audit: 'record.create',
  },
  /** a prospect on a prequalification or quote call: used only to contact them about what they asked for */
  'lead.create': {
    kind: 'create',
    entity: 'lead',
    fields: ['firstName', 'lastName', 'email', 'phone', 'mailingAddress', 'location', 'requestedServices'],
    // the policy version in force when the prospect gave their details: the store's, never the desk's (issue 14)
    owned: ({ at, policyVersion }) => ({ createdAt: at, convertedCustomerId: null, ...(policyVersion ? { policyVersion } : {}) }),
    verifiedCaller: false,
    audit: 'record.create',
  },
  ...CONTACT_EDITS,
  /** a number corrected; a line's plan and status are changed online (serviceLine.changePlan, serviceLine.setStatus) */
  'serviceLine.edit': edit('serviceLine', ['number']),
  /**
   * Where dispatchers are sent (domain/e911.ts): online only, never queued (a queued E911 change that
   * waits silently is a life-safety risk). Network operations set any valid address; a care rep or a
   * supervisor only the customer's current service address, on a call whose caller they verified.
   * The line's review flag, if any, is cleared.
   */
  'serviceLine.setE911Address': {
    kind: 'online',
    entity: 'serviceLine',
    roles: [...E911_UPDATE.anyAddress, ...E911_UPDATE.serviceAddressOnly],
    does: "update a line's E911 address",
    audit: 'e911.updated',
    changes: ['e911Address', 'e911Review'],
    sendsQueuedFirst: true,
    input: E911UpdateRequest,
    output: E911UpdateResult,
  },
  /**
   * Network operations (issue 14): a line's status, a step of its lifecycle (lifecycles.ts, which names
   * who takes each step), and its plan, whoever the field policy lets write it, both online against
   * the value the store holds now (`expected`): they drive provisioning and billing, and a desk's old
   * picture of the line must not overwrite a newer change. A pushed mutation that writes either is
   * refused (`changes`), whatever the desk.
   */
  'serviceLine.setStatus': {
    kind: 'online',
    entity: 'serviceLine',
    roles: lifecycleRoles('serviceLine'),
    does: "change a line's status",
    audit: 'line.status_changed',
    changes: ['status'],
    input: ServiceLineStatusChange,
    output: ServiceLineChangeResult,
  },
  'serviceLine.changePlan': {
    kind: 'online',
    entity: 'serviceLine',
    roles: policyWriters('serviceLine', 'plan'),
    does: "change a line's plan",
    audit: 'line.plan_changed',
    changes: ['plan'],
    input: ServiceLinePlanChange,
    output: ServiceLineChangeResult,
  },
  'billingAccount.setStatus': transition('billingAccount'),
  'billingAccount.edit': edit('billingAccount', ['autopay', 'billingAddress']),
  /**
   * A credit or an adjustment with its reason, against the balance the store holds now; the amount is
   * the effect on the balance in cents. One the customer asks for on the phone needs them verified;
   * an internal correction does not, and the record says which it was.
   */
  'billingAccount.recordAdjustment': {
    kind: 'online',
    entity: 'billingAdjustment',
    roles: ['billing_clerk'],
    does: 'record a credit or an adjustment',
    ownRoute: true,
    verifiedCaller: { when: { field: 'requestedBy', is: 'caller' } },
    audit: 'billing.adjustment',
    input: z.strictObject({ customerId: Id, kind: z.enum(ADJUSTMENT_KINDS), amountCents: z.number().int(), reason: ChangeReason, requestedBy: z.enum(ADJUSTMENT_REQUESTERS) }),
    output: z.object({ adjustment: BillingAdjustment }),
  },
  /**
   * A supervisor, never the recorder, approves one awaiting approval (the balance the store holds then
   * moves, in one transaction with the audit row) or declines it (the balance stays); domain/adjustments.ts
   */
  'billingAdjustment.decide': {
    kind: 'online',
    entity: 'billingAdjustment',
    roles: ['supervisor'],
    does: 'approve or decline a credit or an adjustment',
    audit: 'billing.adjustment_decided',
    input: AdjustmentDecisionRequest,
    output: z.object({ adjustment: BillingAdjustment }),
  },
  /** a mistaken credit or adjustment is taken back by a new one naming it, never edited; above the threshold it too awaits approval */
  'billingAdjustment.reverse': {
    kind: 'online',
    entity: 'billingAdjustment',
    roles: ['billing_clerk'],
    does: 'reverse a credit or an adjustment',
    audit: 'billing.adjustment_reversed',
    input: AdjustmentReversalRequest,
    output: z.object({ adjustment: BillingAdjustment }),
  },
  /**
   * An edit the central store held for review (entities/review.ts: an expired caller verification, a
   * conflict a rep escalated): a supervisor other than the requester applies it, if its fields still
   * hold what it was made against, or declines it; the requester's desk hears the decision at its
   * next sync (protocol 6).
   */
  'heldEdit.decide': {
    kind: 'online',
    entity: 'heldEdit',
    roles: ['supervisor'],
    does: 'decide an edit held for review',
    audit: 'held_edit.decided',
    input: HeldEditDecisionRequest,
    output: HeldEditDecisionResult,
  },
  /**
   * issue 16: the rep releases the correction they held unverified during an outage (`caller.unverified`)
   * once they have verified the caller online, with the customer on the line: the store checks the
   * verification (theirs, of this customer, current, made after the store held the edit) and applies
   * the edit as made, marked `appliedAfter: 'reverification'`, in one transaction with its audit row.
   * Only the rep who made it; otherwise a supervisor reviews it (`heldEdit.decide`).
   */
  'heldEdit.release': {
    kind: 'online',
    entity: 'heldEdit',
    roles: UNVERIFIED_HOLDERS,
    does: 'release an edit held unverified',
    audit: 'held_edit.released',
    input: HeldEditReleaseRequest,
    output: HeldEditDecisionResult,
  },
  /**
   * issue 16: the caller asked to be called back, recorded as the rep's assertion with the reason,
   * offline too and with no verified caller (it changes nothing of their record); the store sets who
   * and when, and no number: the call goes to the one on the customer's record (entities/callback.ts)
   */
  'callbackRequest.record': {
    kind: 'create',
    entity: 'callbackRequest',
    fields: ['customerId', 'reason'],
    owned: ({ userId, at }) => ({ assertion: CALLBACK_ASSERTION, requestedBy: userId, requestedAt: at, doneBy: null, doneAt: null }),
    verifiedCaller: false,
    audit: 'record.create',
  },
  /** the customer was called back on the number on file: done (who and when set by the store) */
  'callbackRequest.setStatus': transition('callbackRequest'),
  'invoice.setStatus': transition('invoice'),
  /**
   * The card goes straight to the central store's card vault and never into the cache, the outbox or
   * an error message; what comes back is the masked form (PCI DSS 3.4.1, 3.5.1, 3.3.1). Done for the
   * customer on the phone, who must be verified first.
   */
  'paymentMethod.replaceCard': {
    kind: 'online',
    entity: 'paymentMethod',
    roles: ['billing_clerk'],
    does: 'replace a card',
    ownRoute: true,
    verifiedCaller: true,
    audit: 'card.replace',
    input: z.strictObject({ customerId: Id, paymentMethodId: Id, card: z.record(z.string().max(40), z.unknown()) }),
    output: z.object({ paymentMethod: PaymentMethod }),
  },
  /** the central store creates the customer, their billing account and an order (no payment data), after checking for duplicates */
  'lead.convert': {
    kind: 'online',
    entity: 'lead',
    roles: ['care_rep', 'supervisor'],
    does: 'convert a lead into a customer',
    audit: 'lead.converted',
    input: LeadConversionRequest,
    output: LeadConversionResult,
  },
  'lead.edit': edit('lead', ['firstName', 'lastName', 'email', 'phone', 'mailingAddress', 'location', 'requestedServices']),
  'lead.setStatus': transition('lead'),
  'inquiry.linkCustomer': edit('inquiry', ['customerId']),
  /** sent by the central store through its relay: the return address is used only to answer */
  'inquiry.reply': {
    kind: 'online',
    entity: 'inquiry',
    roles: ['care_rep', 'supervisor'],
    does: 'send a reply to an email inquiry',
    audit: 'inquiry.replied',
    input: InquiryReplyRequest,
    output: InquiryReplyResult,
  },
  'inquiry.setStatus': transition('inquiry'),
  'erasureRequest.decide': transition('erasureRequest'),
  /** compliance records a legal hold (ECPA preservation, open disclosure, collections): it blocks erasure */
  'legalHold.place': {
    kind: 'create',
    entity: 'legalHold',
    fields: ['customerId', 'kind', 'reference'],
    owned: ({ userId, at }) => ({ placedBy: userId, placedAt: at, releasedBy: null, releasedAt: null }),
    verifiedCaller: false,
    audit: 'record.create',
  },
  'legalHold.release': transition('legalHold'),
  /**
   * The central store generates a partner's file (domain/sharing.ts: the purpose's rows and minimal
   * columns, opted-out customers left out) and records it in the sharing register; the desk hands
   * the file to the officer and keeps nothing of it.
   */
  'sharing.export': {
    kind: 'online',
    entity: 'sharingRecord',
    roles: ['compliance'],
    does: 'export a file for a partner',
    audit: 'sharing.exported',
    input: SharingExportRequest,
    output: SharingExportResult,
  },
  // --- issue 14, compliance: the disclosure register and the subject access report ---
  /**
   * A legal disclosure recorded before anything leaves (domain/disclosure.ts): the items its legal
   * basis allows, prepared by one compliance officer; nothing is released until another approves.
   */
  'disclosure.prepare': {
    kind: 'online',
    entity: 'disclosureRecord',
    roles: ['compliance'],
    does: 'prepare a legal disclosure',
    audit: 'disclosure.prepared',
    input: DisclosurePrepareRequest,
    output: DisclosureResult,
  },
  /** approved by a compliance officer other than its preparer: the store then reads the items and hands them over */
  'disclosure.approve': {
    kind: 'online',
    entity: 'disclosureRecord',
    roles: ['compliance'],
    does: 'approve a legal disclosure',
    audit: 'disclosure.approved',
    input: DisclosureApproveRequest,
    output: DisclosureResult,
  },
  /** everything held about one customer and who received it (domain/subjectAccess.ts), an audited export */
  'subjectAccess.report': {
    kind: 'online',
    entity: 'customer',
    roles: ['compliance'],
    does: 'make a subject access report',
    audit: 'subject_access.exported',
    input: SubjectAccessRequest,
    output: SubjectAccessResult,
  },
  // ---- administration (issue 14): online only, for the admin role, never a customer record (domain/admin.ts).
  // The CLI calls the same central functions (central/admin/). Every one is an audit event.
  'admin.users': { kind: 'online', entity: 'user', roles: ['admin'], does: 'list staff accounts', audit: 'admin.viewed', input: z.strictObject({}), output: StaffDirectory },
  /** the store makes a one-time password for the admin to hand over; a grant of admin or compliance is audited on a line of its own */
  'admin.createUser': { kind: 'online', entity: 'user', roles: ['admin'], does: 'create a staff account', audit: 'user.created', input: ADMIN_INPUTS.createUser, output: ADMIN_OUTPUTS.userWithPassword },
  /** the user's sessions end and every desk holding their cache wipes it; never oneself, never the last active admin */
  'admin.disableUser': { kind: 'online', entity: 'user', roles: ['admin'], does: 'disable a staff account', audit: 'user.disabled', input: AdminUserRef, output: StatusChangeResult },
  'admin.enableUser': { kind: 'online', entity: 'user', roles: ['admin'], does: 'enable a staff account', audit: 'user.enabled', input: AdminUserRef, output: StatusChangeResult },
  /** a desk's cache is the old role's projection: the user's sessions end and their caches are wiped; never one's own role, never the last admin's */
  'admin.changeRole': { kind: 'online', entity: 'user', roles: ['admin'], does: "change a staff account's role", audit: 'user.role_changed', input: ADMIN_INPUTS.changeRole, output: StatusChangeResult },
  'admin.assignTeam': { kind: 'online', entity: 'user', roles: ['admin'], does: 'assign a user to a team', audit: 'user.team_assigned', input: ADMIN_INPUTS.assignTeam, output: StatusChangeResult },
  /** a new one-time password; the old one wrapped the user's caches, which are wiped */
  'admin.resetPassword': { kind: 'online', entity: 'user', roles: ['admin'], does: "reset a staff account's password", audit: 'user.password_reset', input: AdminUserRef, output: ADMIN_OUTPUTS.userWithPassword },
  /** a team and the supervisors who lead it */
  'admin.saveTeam': { kind: 'online', entity: 'team', roles: ['admin'], does: 'save a team', audit: 'team.saved', input: ADMIN_INPUTS.saveTeam, output: ADMIN_OUTPUTS.team },
  'admin.devices': { kind: 'online', entity: 'device', roles: ['admin'], does: 'list workstations', audit: 'admin.viewed', input: z.strictObject({}), output: DeviceDirectory },
  /** the workstation is refused from its next request and wipes every cache and its keys */
  'admin.revokeDevice': { kind: 'online', entity: 'device', roles: ['admin'], does: 'revoke a workstation', audit: 'device.revoked', input: ADMIN_INPUTS.revokeDevice, output: ADMIN_OUTPUTS.deviceRevoked },
  /** one workstation, a few hours: shown once, stored only hashed */
  'admin.issueEnrolmentCode': { kind: 'online', entity: 'enrolmentCode', roles: ['admin'], does: 'issue an enrolment code', audit: 'enrolment.code_issued', input: ADMIN_INPUTS.issueEnrolmentCode, output: ADMIN_OUTPUTS.enrolmentCode },
  /** held by the store, given to every desk at sign-in and unlock (idle lock, maximum offline age) */
  'admin.setSessionPolicy': { kind: 'online', entity: 'sessionPolicy', roles: ['admin'], does: 'set the session policy', audit: 'session_policy.changed', input: SessionPolicy, output: ADMIN_OUTPUTS.policy },
  /**
   * The audit view (issue 14): the hash-chained log, read through the scope of the reader's role
   * (auditView.ts: own actions, the team's, all, all without values) and the field policy, both applied
   * by the central store; the read is itself audited.
   */
  'audit.search': {
    kind: 'online',
    entity: null,
    roles: AUDIT_READERS,
    does: 'read the audit log',
    audit: 'audit.read',
    input: AuditQuery,
    output: AuditPage,
  },
  /** issue 16: the trail held against its signed checkpoints now, by the store; the check is itself audited */
  'audit.integrity': {
    kind: 'online',
    entity: null,
    roles: AUDIT_INTEGRITY_READERS,
    does: "check the audit trail against its signed checkpoints",
    audit: 'audit.integrity_checked',
    input: AuditIntegrityRequest,
    output: AuditIntegrity,
  },
  // ---- privacy-policy versions (issue 14, domain/policyVersions.ts): online, at the central store only
  /** an admin publishes a new version with what changed; the store numbers it, and it is never edited */
  'policyVersion.publish': {
    kind: 'online',
    entity: POLICY_ENTITY,
    roles: ['admin'],
    does: 'publish a privacy-policy version',
    audit: 'policy.published',
    input: PolicyPublishRequest,
    output: PolicyPublishResult,
  },
  /** every staff user, for themselves: the version in force, their acknowledgement, what changed since */
  'policyVersion.status': {
    kind: 'online',
    entity: POLICY_ENTITY,
    roles: ROLES,
    does: 'check the privacy policy in force',
    audit: 'policy.read',
    input: z.strictObject({}),
    output: PolicyStatus,
  },
  /** every staff user acknowledges a published version for themselves; the store records when and from which device */
  'policyVersion.acknowledge': {
    kind: 'online',
    entity: POLICY_ENTITY,
    roles: ROLES,
    does: 'acknowledge the privacy policy',
    audit: 'policy.acknowledged',
    input: PolicyAcknowledgeRequest,
    output: PolicyAcknowledgeResult,
  },
  /** the versions with who acknowledged each and who has not yet (staff names only: an audited read) */
  'policyVersion.list': {
    kind: 'online',
    entity: POLICY_ENTITY,
    roles: ['admin'],
    does: 'list privacy-policy acknowledgements',
    audit: 'policy.read',
    input: z.strictObject({}),
    output: PolicyVersionList,
  },
  // ── sign-in lockouts and second factors (issue 14): the administrator's, no customer record ──
  /** the usernames locked now after too many failed sign-ins (passwords or codes), with what failed; an audited read */
  'lockout.list': {
    kind: 'online',
    entity: null,
    roles: ADMINISTERING_ROLES,
    does: 'list the sign-in lockouts',
    audit: 'session.lockouts_listed',
    input: LockoutListRequest,
    output: LockoutListResult,
  },
  /** an administrator who has confirmed the user's identity lets them sign in again before the lockout ends (PCI DSS 8.3.4) */
  'lockout.lift': {
    kind: 'online',
    entity: null,
    roles: ADMINISTERING_ROLES,
    does: 'lift a sign-in lockout',
    audit: 'session.lockout_lifted',
    input: LockoutLiftRequest,
    output: LockoutLiftResult,
  },
  /** a lost phone: the user's second factor and recovery codes go, and they enrol again at their next sign-in */
  'secondFactor.reset': {
    kind: 'online',
    entity: null,
    roles: ADMINISTERING_ROLES,
    does: "reset a user's second factor",
    audit: 'user.second_factor_reset',
    input: SecondFactorResetRequest,
    output: SecondFactorResetResult,
  },
} as const satisfies Record<string, Operation>;

/**
 * The roles that talk to callers: whoever performs an operation done on a call (declared
 * `verifiedCaller`): care reps and supervisors correct a caller's record, billing clerks replace
 * their card and record the credits they ask for. They, and only they, may verify a caller, and each
 * is asked for a verified caller only by the operations that declare it (a billing clerk's billing
 * address correction or status change is not done on a call).
 */
export const CALLER_ROLES: readonly Role[] = ROLES.filter((role) => (Object.values(DECLARED) as Operation[]).some((op) => !!op.verifiedCaller && performersOf(op).includes(role)));

export const OPERATIONS = {
  ...DECLARED,
  'customer.verifyCaller': {
    kind: 'online',
    entity: 'customer',
    roles: CALLER_ROLES,
    does: 'verify a caller',
    ownRoute: true,
    audit: 'caller.verification',
    input: z.strictObject({ customerId: Id, method: z.enum(VERIFICATION_METHODS), answer: z.string().trim().max(8) }),
    output: VerifyResponse,
  },
} as const satisfies Record<string, Operation>;
export type OperationName = keyof typeof OPERATIONS;

/** The entities a role works as a queue rather than through a customer's profile (approvals, leads, inquiries): desks list them by entity. */
export const QUEUE_ENTITIES = ['erasureRequest', 'legalHold', 'lead', 'inquiry', 'billingAdjustment', /* issue 14, compliance's registers */ 'disclosureRecord', 'sharingRecord', /* issue 14, edits held for review */ 'heldEdit', /* issue 16, callbacks */ 'callbackRequest'] as const satisfies readonly EntityName[];
export type QueueEntity = (typeof QUEUE_ENTITIES)[number];
/**
 * A queue entity most of whose records are no queue's: the field whose presence makes one of its
 * records a queue's. Credits and adjustments live on a customer's billing tab; only those held
 * against the approval threshold are the approvals queue's (a desk indexes just those).
 */
export const QUEUE_MARKS: Partial<Record<QueueEntity, string>> = { billingAdjustment: 'approvalAboveCents' };
export type OnlineOperationName = { [K in OperationName]: (typeof OPERATIONS)[K] extends { kind: 'online' } ? K : never }[OperationName];
export type OfflineOperationName = Exclude<OperationName, OnlineOperationName>;
/** The names of the online operations, each the name of its console channel. */
export const ONLINE_OPERATION_NAMES = (Object.keys(OPERATIONS) as OperationName[]).filter((name) => OPERATIONS[name].kind === 'online') as OnlineOperationName[];
/** The online operations the central store takes through its one operations route (no `ownRoute`). */
export type RoutedOperationName = { [K in OnlineOperationName]: (typeof OPERATIONS)[K] extends { ownRoute: true } ? never : K }[OnlineOperationName];
export const ROUTED_OPERATION_NAMES = ONLINE_OPERATION_NAMES.filter((name) => !(OPERATIONS[name] as OnlineOperation).ownRoute) as RoutedOperationName[];
export type OperationInput<N extends OnlineOperationName> = z.infer<(typeof OPERATIONS)[N]['input']>;
export type OperationOutput<N extends OnlineOperationName> = z.infer<(typeof OPERATIONS)[N]['output']>;

const declared = Object.values(OPERATIONS) as Operation[];
/** The names of the operations a desk performs offline, for the console channel that takes them. */
export const OFFLINE_OPERATION_NAMES = (Object.keys(OPERATIONS) as OperationName[]).filter((name) => OPERATIONS[name].kind !== 'online') as [OfflineOperationName, ...OfflineOperationName[]];

/** The paths an offline operation changes: an edit's fields, a transition's status field, a create's fields. */
export function operationPaths(op: OfflineOperation): readonly string[] {
  return op.kind === 'transition' ? [LIFECYCLES[op.entity]!.field] : op.fields;
}

/**
 * Whether `role` must have verified the customer's caller to perform `op` with `input` (an online
 * operation's condition reads it: a credit the caller asked for needs one, an internal one does not).
 * The desk asks it before it sends, the central store before it changes anything.
 */
export function needsVerifiedCaller(op: Operation, role: Role, input: Readonly<Record<string, unknown>> = {}): boolean {
  // asked only of whoever performs it: a clerk, a caller role now, is asked nothing by a rep's edit
  if (!op.verifiedCaller || !CALLER_ROLES.includes(role) || !performersOf(op).includes(role)) return false;
  if (op.kind !== 'online') return true;
  return op.verifiedCaller === true || input[op.verifiedCaller.when.field] === op.verifiedCaller.when.is;
}

/** Why an online operation done on a call was refused: the rule the desk and the central store both name. */
export function callerNotVerified(op: OnlineOperation): FieldIssue {
  return { field: 'verificationId', rule: 'caller.not_verified', message: `verify the caller before you ${op.does}: a verification of this customer by you, within its window` };
}

/**
 * Whether a pushed mutation needs a verified caller from `role`: its create's declaration says so,
 * or one of the edits whose fields it changes does. The central store judges a mutation by what it
 * changes, whatever operation a desk says it performed.
 */
export function mutationNeedsVerifiedCaller(entity: EntityName, paths: readonly string[], op: 'create' | undefined, role: Role): boolean {
  const performed = op === 'create' ? [createOperationOf(entity)] : declared.filter((o): o is OfflineOperation => o.kind !== 'online' && o.kind !== 'create' && o.entity === entity && operationPaths(o).some((p) => paths.includes(p)));
  return performed.some((o) => o !== undefined && needsVerifiedCaller(o, role));
}

/**
 * Whether a mutation changing `paths` of `entity` may be held unverified (issue 16): it needs a
 * verified caller from `role`, and every path belongs to an edit declared `holdsUnverified`. The
 * desk asks it before it queues such a hold, the central store before it holds one.
 */
export function mayHoldUnverified(entity: EntityName, paths: readonly string[], role: Role): boolean {
  const holding = declared.filter((o): o is EditOperation => o.kind === 'edit' && !!o.holdsUnverified && o.entity === entity);
  return paths.length > 0 && mutationNeedsVerifiedCaller(entity, paths, undefined, role) && paths.every((p) => holding.some((o) => o.fields.includes(p)));
}

/** The one edit (or transition) of `entity` that changes all of `paths`, for a view that edits fields: the rules then come from it. */
export function editOperationFor(entity: EntityName, paths: readonly string[]): OfflineOperationName | undefined {
  return OFFLINE_OPERATION_NAMES.find((name) => {
    const op: OfflineOperation = OPERATIONS[name];
    return op.kind !== 'create' && op.entity === entity && paths.length > 0 && paths.every((p) => operationPaths(op).includes(p));
  });
}

/** The fields that only an online operation changes, per entity (`changes`): no mutation may write them. */
export const ONLINE_ONLY_PATHS: Partial<Record<EntityName, readonly string[]>> = declared.reduce<Partial<Record<EntityName, string[]>>>((paths, op) => {
  if (op.kind === 'online' && op.changes) paths[op.entity as EntityName] = [...(paths[op.entity as EntityName] ?? []), ...op.changes];
  return paths;
}, {});

/** The paths of a mutation that only an online operation may change, each named with the operation and the rule. */
export function onlineOnlyViolations(entity: EntityName, paths: readonly string[]): FieldIssue[] {
  const online = ONLINE_ONLY_PATHS[entity] ?? [];
  return paths
    .filter((path) => online.includes(policyField(path)))
    .map((path) => {
      const by = ONLINE_OPERATION_NAMES.find((name) => OPERATIONS[name].entity === entity && ((OPERATIONS[name] as OnlineOperation).changes ?? []).includes(policyField(path)));
      return { field: path, rule: 'operation.online_only', message: `${entity}.${path} is changed only online (${by}), never through an outbox` };
    });
}

/** The paths a mutation may change, per entity: the fields of its edits and the status field of its transitions. */
export const MUTABLE_PATHS: Partial<Record<EntityName, readonly string[]>> = declared.reduce<Partial<Record<EntityName, string[]>>>((paths, op) => {
  const own = op.kind === 'edit' ? op.fields : op.kind === 'transition' ? [LIFECYCLES[op.entity]!.field] : [];
  if (own.length) paths[op.entity as EntityName] = [...(paths[op.entity as EntityName] ?? []), ...own];
  return paths;
}, {});

/** The paths of `entity` that `role` may change on a desk: declared mutable, and writable for it in the field policy. */
export function editablePaths(entity: EntityName, role: Role): string[] {
  return (MUTABLE_PATHS[entity] ?? []).filter((path) => accessOf(entity, policyField(path), role) === 'write');
}

/** The create operation of `entity`, if records of it may be born on a desk. */
export function createOperationOf(entity: EntityName): CreateOperation | undefined {
  return declared.find((op): op is CreateOperation => op.kind === 'create' && op.entity === entity);
}

/** The audit action of a pushed mutation that went through: its create operation's, or an edit's (edits and transitions share one). */
export function mutationAuditAction(entity: EntityName, op: 'create' | undefined): AuditAction {
  return op === 'create' ? (createOperationOf(entity)?.audit ?? 'record.create') : 'record.update';
}

/**
 * Who may ask a supervisor to decide a conflict rather than choose (protocol 6, `Mutation.escalation`):
 * whoever edits records on a desk and does not decide held edits (`heldEdit.decide`) themselves.
 */
export const ESCALATING_ROLES: readonly Role[] = ROLES.filter(
  (role) => !performers('heldEdit.decide').includes(role) && OFFLINE_OPERATION_NAMES.some((name) => OPERATIONS[name].kind === 'edit' && performers(name).includes(role)),
);

/** Whether `role` may take an online action. */
export function mayPerform(operation: OnlineOperationName, role: Role): boolean {
  return (OPERATIONS[operation].roles as readonly Role[]).includes(role);
}

/** Who may perform an operation, derived as the declarations say: for the console's menus and for tests. */
export function performers(operation: OperationName): Role[] {
  return performersOf(OPERATIONS[operation]);
}

function performersOf(op: Operation): Role[] {
  if (op.kind === 'online') return [...op.roles];
  if (op.kind === 'create') return ROLES.filter((role) => creatingStep(op.entity)?.by.includes(role));
  if (op.kind === 'edit') return ROLES.filter((role) => op.fields.every((path) => accessOf(op.entity, policyField(path), role) === 'write'));
  const steps = LIFECYCLES[op.entity]!.transitions;
  return ROLES.filter((role) => steps.some((t) => t.from !== null && t.by.includes(role)));
}
