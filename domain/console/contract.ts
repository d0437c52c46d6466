import { z } from 'zod';
import { BillingAccount, BillingAdjustment, ENTITY_NAMES, Id, Invoice, IsoDateTime, Payment, PaymentMethod, SERVICE_LINE_STATUSES, ServiceLine, SessionPolicy, type EntityName } from '../entities';
import { CustomerPhone } from '../entities/customer';
import { PostalAddress } from '../validation/address';
import { Username } from '../entities/identity';
import { OFFLINE_OPERATION_NAMES, ONLINE_OPERATION_NAMES, OPERATIONS, QUEUE_ENTITIES, type OnlineOperationName } from '../operations';
import { Role } from '../roles';
import { RecoveryCode, TotpCode } from '../secondFactor';
import { ErasureCertificate, HistoryResponse, MutationHold, VerificationAttempts } from '../sync/protocol';
import { rule } from '../validation/rule';
import { ChangeReason, requiredText } from '../validation/text';
import { CHANNEL_NAMES, EVENT_NAMES, type ChannelName, type EventName } from './channels';

export { CHANNEL_NAMES, EVENT_NAMES };

/**
 * The console API: the one contract between the renderer and the workstation core (DESIGN §2).
 * The preload exposes `invoke(channel, input)`; the core's handler table implements every channel
 * and parses every input with the schema here before doing anything else. The renderer's typed
 * client derives from the same table, so the three cannot drift apart.
 */

export const SecondFactorPrompt = z.discriminatedUnion('step', [
  z.object({ step: z.literal('code') }),
  z.object({ step: z.literal('enrol'), secret: z.string(), otpauthUri: z.string() }),
  z.object({ step: z.literal('recovery_codes'), codes: z.array(z.string()) }),
]);
export type SecondFactorPrompt = z.infer<typeof SecondFactorPrompt>;

export const SessionState = z.object({
  state: z.enum(['not_enrolled', 'signed_out', 'locked', 'unlocked']),
  user: z.object({ id: Id, username: z.string(), displayName: z.string(), role: Role }).nullable(),
  policy: SessionPolicy.nullable(),
  online: z.boolean(),
  /** why the workstation cannot keep a cache, e.g. no OS keychain; shown plainly, never worked around */
  blocker: z.string().nullable(),
  /**
   * signed out, the password proven, the second factor asked (issue 14): a code (`code`), or at
   * enrolment the secret to add to an authenticator app (`enrol`), then the recovery codes, shown once
   * (`recovery_codes`) before the console opens. Absent or null otherwise.
   */
  secondFactor: SecondFactorPrompt.nullable().optional(),
  /**
   * unlocked, but the central store's session has ended (it expired): the console asks for the
   * password (and a code, for a role with a second factor) where it is, and sync resumes. Absent or null otherwise.
   */
  reauth: z.object({ secondFactor: z.boolean() }).nullable().optional(),
});
export type SessionState = z.infer<typeof SessionState>;

export const SEARCH_KINDS = ['auto', 'phone', 'name', 'email', 'account'] as const;
export const SearchHit = z.object({
  id: Id,
  accountNumber: z.string().nullable(),
  accountStatus: z.string().nullable(),
  name: z.string(),
  /** what matched, so the rep sees why this row is here */
  matchedBy: z.enum(['phone', 'name', 'email', 'account']),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  location: z.string().nullable(),
});
export type SearchHit = z.infer<typeof SearchHit>;
/**
 * A search's answer: the first hits, and how many customers matched in all, so a cut list says
 * "25 of 340". Counting stops at SEARCH_COUNT_CAP (`capped`: "1,000+"). A one-word search whose
 * list is cut comes back uncounted (`total` null): counting reads every match up to the cap, up to
 * 1,001 rows at a million customers, which would double the wait for the list; the console asks
 * `customers.count` for the figure after showing the list.
 */
export const SearchResult = z.object({
  hits: z.array(SearchHit),
  /** null: the list is cut and not counted yet (`customers.count`) */
  total: z.number().int().min(0).nullable(),
  capped: z.boolean(),
  /**
   * Words typed together: how many of the first hits match them exactly as well as the first one
   * (2 or more: the words cannot tell those customers apart, and the console says to ask the caller
   * for more); 0 otherwise, and for a one-word search, whose matches are not ranked.
   */
  tiedAtTop: z.number().int().min(0),
});
export type SearchResult = z.infer<typeof SearchResult>;

/** How many customers a search matched, counted up to SEARCH_COUNT_CAP (`capped`: more). */
export const SearchCount = z.object({ total: z.number().int().min(0), capped: z.boolean() });
export type SearchCount = z.infer<typeof SearchCount>;

export const VerificationState = z.object({
  verified: z.boolean(),
  verificationId: Id.nullable(),
  validUntil: IsoDateTime.nullable(),
  attemptsLeft: z.number().int().nullable(),
});
export type VerificationState = z.infer<typeof VerificationState>;

export const PendingChange = z.object({
  mutationId: Id,
  fields: z.array(z.string()),
  /** held: not applied, not refused; the central store keeps it for a supervisor's review */
  status: z.enum(['pending', 'conflict', 'rejected', 'held']),
  reason: z.string(),
  createdAt: IsoDateTime,
  /** for a rejected change: why, naming the field and rule */
  rejection: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })) }).nullable(),
  /** for a held change: why (e.g. `verification.expired`) */
  hold: MutationHold.nullable(),
  /**
   * issue 16: a correction held unverified during an outage, and when it expires (unverifiedHoldExpiry):
   * not applied anywhere until the rep re-verifies the caller online and releases it, or a supervisor
   * reviews it; past `expiresAt` it is never applied
   */
  unverified: z.object({ expiresAt: IsoDateTime }).nullable(),
});
export type PendingChange = z.infer<typeof PendingChange>;
/** A change in this desk's outbox as the queued-edits list shows it: whose record, and its state. */
export const QueuedChange = PendingChange.extend({
  entity: z.enum(ENTITY_NAMES as [EntityName, ...EntityName[]]),
  entityId: Id,
  customerId: Id.nullable(),
  /** the customer's name as this desk has it (null: not on this desk) */
  customerName: z.string().nullable(),
  /** waiting, and never handed to the central store: the user may still take it back */
  discardable: z.boolean(),
});
export type QueuedChange = z.infer<typeof QueuedChange>;

export const CustomerProfile = z.object({
  /** the customer as this role may see it, with the user's unconfirmed edits applied */
  customer: z.record(z.string(), z.unknown()).and(z.object({ id: Id })),
  serviceLines: z.array(ServiceLine.partial().extend({ id: Id })),
  billing: BillingAccount.partial().extend({ id: Id }).nullable(),
  changes: z.array(PendingChange),
  /** paths this role may change, from the field policy */
  editablePaths: z.array(z.string()),
  verificationRequired: z.boolean(),
  verification: VerificationState.nullable(),
});
export type CustomerProfile = z.infer<typeof CustomerProfile>;

/**
 * A customer's billing as this role may see it (DESIGN §3): the account with the user's unconfirmed
 * edits applied, invoices with their lines, payments with failure reasons, payment methods in
 * masked form only (brand, last 4, expiry, holder), credits and adjustments with who and when.
 */
export const BillingView = z.object({
  customerId: Id,
  account: BillingAccount.partial().extend({ id: Id }).nullable(),
  invoices: z.array(Invoice.partial().extend({ id: Id })),
  payments: z.array(Payment.partial().extend({ id: Id })),
  paymentMethods: z.array(PaymentMethod.partial().extend({ id: Id })),
  adjustments: z.array(BillingAdjustment.partial().extend({ id: Id })),
  /** the user's edits of the billing account: pending, in conflict, or rejected with the reason */
  changes: z.array(PendingChange),
  /** billing account paths this role may change, from the field policy */
  editablePaths: z.array(z.string()),
  /** online-only actions this role may take (domain/operations.ts) */
  may: z.object({ replaceCard: z.boolean(), recordAdjustment: z.boolean(), reverseAdjustment: z.boolean() }),
  /** above this (cents, either way) a credit or an adjustment waits for a supervisor's approval: the central store's word at sign-in; null when it has not said (it decides anyway) */
  approvalAboveCents: z.number().int().nullable(),
});
export type BillingView = z.infer<typeof BillingView>;

/**
 * One conflicting field as the rep decides it: both values side by side, each with who, when and why —
 * the rep's own change (its reason, when they made it) and the change that got there first.
 */
export const ConflictView = z.object({
  mutationId: Id,
  customerId: z.string(),
  customerName: z.string(),
  /** whether the customer is on this desk, so that their profile can be opened from the conflict */
  customerVisible: z.boolean(),
  accountNumber: z.string().nullable(),
  field: z.string(),
  base: z.unknown(),
  mine: z.unknown(),
  /** the reason the rep gave with their change */
  reason: z.string(),
  /** when the rep made their change */
  createdAt: IsoDateTime,
  theirs: z.unknown(),
  /** who made the change that set `theirs`, when, and why (null: not recorded, or from a store before protocol 4) */
  changedBy: z.string().nullable(),
  changedAt: IsoDateTime.nullable(),
  changeReason: z.string().nullable(),
});
export type ConflictView = z.infer<typeof ConflictView>;

export const SyncStatus = z.object({
  online: z.boolean(),
  lastSyncAt: IsoDateTime.nullable(),
  pending: z.number().int(),
  conflicts: z.number().int(),
  rejected: z.number().int(),
  /** changes the central store holds for a supervisor's review */
  held: z.number().int(),
  /** during a first sync: rows received and rows expected, for the progress bar */
  progress: z.object({ received: z.number().int(), total: z.number().int() }).nullable(),
  /**
   * while this desk's first sync is not complete (running, or cut short and waiting to resume): how
   * many customers it holds so far. A search that finds no one then says so, since the caller may
   * simply not have arrived yet. Null once the first sync is over.
   */
  firstSync: z.object({ customers: z.number().int().min(0) }).nullable(),
  error: z.string().nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** A record the core's data changed for: what a view of it, or of its customer, refreshes on. */
export const RecordRef = z.object({ entity: z.enum(ENTITY_NAMES as [EntityName, ...EntityName[]]), id: z.string(), customerId: z.string().nullable() });
export type RecordRef = z.infer<typeof RecordRef>;

/** What an offline operation answers: the record it changes and the queued change, as a view lists it. */
export const ChangeReceipt = RecordRef.extend({ mutationId: Id, change: PendingChange });
export type ChangeReceipt = z.infer<typeof ChangeReceipt>;

const Empty = z.strictObject({});

/**
 * Network operations' lists of service lines (issue 14), from this desk's cache: a status's lines, the
 * lines the central store flagged for an E911 review (oldest flag first), or one customer's lines.
 */
export const ServiceLineQuery = z.discriminatedUnion('by', [
  z.strictObject({ by: z.literal('status'), status: z.enum(SERVICE_LINE_STATUSES), limit: z.number().int().min(1).max(500).default(200) }),
  z.strictObject({ by: z.literal('review'), limit: z.number().int().min(1).max(500).default(200) }),
  z.strictObject({ by: z.literal('customer'), customerId: Id }),
]);
export type ServiceLineQuery = z.infer<typeof ServiceLineQuery>;
/** A line with its customer as network operations work with them: the name, phones and service address only (DESIGN §3). */
export const ServiceLineListing = z.object({
  lines: z.array(
    z.object({
      line: ServiceLine.partial().extend({ id: Id }),
      customer: z.object({ id: Id, name: z.string(), phones: z.array(CustomerPhone), serviceAddress: PostalAddress.nullable() }).nullable(),
    }),
  ),
  /** how many lines the query has (past `capped`, at least that many): the list shows the first `limit` */
  total: z.number().int(),
  capped: z.boolean(),
});
export type ServiceLineListing = z.infer<typeof ServiceLineListing>;

/** Time left before the idle lock (DESIGN §4, PCI DSS 8.2.8), by the core's clock. */
export const IdleState = z.object({ lockInMs: z.number().int().min(0), idleLockMinutes: z.number().int() });
export type IdleState = z.infer<typeof IdleState>;

/** How deep a draft's values may nest (an address in a list of phones is 3): more is a forged input. */
const DRAFT_MAX_DEPTH = 5;
/** A draft's values, serialised, at the most: a form of a few fields, never a file. */
const DRAFT_MAX_BYTES = 16_384;
const depthOf = (value: unknown): number => (value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0);
/** The values typed into one form and not yet saved, by field. */
const DraftValues = z
  .record(z.string().max(60), z.unknown())
  .refine((v) => depthOf(v) <= DRAFT_MAX_DEPTH, rule('draft.depth', `a draft nests at most ${DRAFT_MAX_DEPTH} levels`))
  .refine((v) => JSON.stringify(v).length <= DRAFT_MAX_BYTES, rule('draft.size', `a draft holds at most ${DRAFT_MAX_BYTES} characters`));
/**
 * What a rep had in hand when the console locked (issue 13): the view, the customer open and its
 * tab, the editor open and every unsaved draft, by form (`customerId:section`). The core keeps it in
 * the encrypted cache, never in plaintext; it goes with the customer's erasure and at sign-out.
 */
export const Workspace = z.strictObject({
  view: z.string().regex(/^[a-z]{1,30}$/),
  customer: z.strictObject({ id: Id, name: z.string().max(200), accountNumber: z.string().max(20).nullable() }).nullable(),
  tab: z.enum(['overview', 'billing']),
  editing: z.string().regex(/^[A-Za-z]{1,40}$/).nullable(),
  drafts: z
    .record(z.string().regex(/^[0-9a-f-]{36}:[A-Za-z]{1,40}$/), DraftValues)
    .refine((d) => Object.keys(d).length <= 20, rule('draft.count', 'at most 20 drafts are kept')),
});
export type Workspace = z.infer<typeof Workspace>;
const Password = z.string().min(1, rule('required', 'required')).max(200);
const Reason = ChangeReason;

interface ChannelSpec {
  input: z.ZodType;
  output: z.ZodType;
  /** whether the call needs an unlocked session */
  unlocked: boolean;
  /**
   * a read, which does not count as the user's activity for the idle lock: the console also reads on
   * its own (a poll, a refresh after a sync), and a user's own reads follow their key or click, which
   * the console reports (`session.stillHere`). Only those and every change count.
   */
  passive?: true;
}

type OnlineChannels = { [K in OnlineOperationName]: { input: (typeof OPERATIONS)[K]['input']; output: (typeof OPERATIONS)[K]['output']; unlocked: true } };

/** An online operation's channel is its name; its input and output are declared with it (domain/operations.ts). */
function onlineChannels(): OnlineChannels {
  return Object.fromEntries(ONLINE_OPERATION_NAMES.map((name) => [name, { input: OPERATIONS[name].input, output: OPERATIONS[name].output, unlocked: true }])) as OnlineChannels;
}

export const CONSOLE_CONTRACT = {
  'session.status': { input: Empty, output: SessionState, unlocked: false, passive: true },
  'device.enrol': {
    input: z.strictObject({ code: z.string().trim().min(8).max(100), deviceName: requiredText(100) }),
    output: SessionState,
    unlocked: false,
  },
  'session.signIn': { input: z.strictObject({ username: Username, password: Password }), output: SessionState, unlocked: false },
  /** offline unlock of the local cache with the password alone */
  'session.unlock': { input: z.strictObject({ password: Password }), output: SessionState, unlocked: false },
  'session.lock': { input: Empty, output: SessionState, unlocked: false },
  'session.signOut': { input: Empty, output: SessionState, unlocked: false },
  /** how long until the idle lock, asked without counting as activity (the console's countdown polls it) */
  'session.idle': { input: Empty, output: IdleState, unlocked: true, passive: true },
  /** the user is there (a key, a click): counts as activity, and says the new time left */
  'session.stillHere': { input: Empty, output: IdleState, unlocked: true },
  /** what the rep had in hand before a lock (null: nothing kept), and keeping it as it changes */
  'workspace.get': { input: Empty, output: Workspace.nullable(), unlocked: true, passive: true },
  // kept as the user types, whose keys are reported as activity already
  'workspace.save': { input: Workspace, output: z.object({ ok: z.literal(true) }), unlocked: true, passive: true },
  'customers.search': {
    input: z.strictObject({
      query: z.string().trim().min(1).max(100),
      kind: z.enum(SEARCH_KINDS).default('auto'),
      limit: z.number().int().min(1).max(50).default(20),
    }),
    output: SearchResult,
    unlocked: true, passive: true,
  },
  /** how many customers a search matched, for a list `customers.search` cut and did not count */
  'customers.count': {
    input: z.strictObject({
      query: z.string().trim().min(1).max(100),
      kind: z.enum(SEARCH_KINDS).default('auto'),
    }),
    output: SearchCount,
    unlocked: true, passive: true,
  },
  'customers.open': { input: z.strictObject({ customerId: Id }), output: CustomerProfile, unlocked: true, passive: true },
  /** online only: the caller's attempts left before the first question (the central store counts them across all users) */
  'customers.verificationAttempts': { input: z.strictObject({ customerId: Id }), output: VerificationAttempts, unlocked: true, passive: true },
  'conflicts.list': { input: Empty, output: z.array(ConflictView), unlocked: true, passive: true },
  'conflicts.resolve': {
    input: z.strictObject({ mutationId: Id, field: z.string().max(60), keep: z.enum(['mine', 'theirs']) }),
    output: z.array(ConflictView),
    unlocked: true,
  },
  /**
   * a conflicting field the user asks a supervisor to decide, with a note for them (protocol 6): my
   * value goes to the central store as an escalation, which it holds for review; for the roles that
   * do not decide held edits themselves (`ESCALATING_ROLES`)
   */
  'conflicts.escalate': {
    input: z.strictObject({ mutationId: Id, field: z.string().max(60), note: Reason }),
    output: z.array(ConflictView),
    unlocked: true,
  },
  /** drop a rejected change from the list once the rep has read why */
  /** every change this desk holds for the central store, oldest first: waiting, in conflict, refused or held */
  'changes.list': { input: Empty, output: z.array(QueuedChange), unlocked: true, passive: true },
  'changes.dismiss': { input: z.strictObject({ mutationId: Id }), output: z.object({ ok: z.literal(true) }), unlocked: true },
  /** takes back a change waiting to send that the central store has not seen */
  'changes.discard': { input: z.strictObject({ mutationId: Id }), output: z.object({ ok: z.literal(true) }), unlocked: true },
  /** a customer's billing tab; opening it is a read of billing data, reported for the audit log */
  'billing.open': { input: z.strictObject({ customerId: Id }), output: BillingView, unlocked: true, passive: true },
  /**
   * Every operation a desk performs offline (domain/operations.ts: create, edit, transition): the
   * values by mutation path, checked against the operation's declaration and the domain's rules,
   * applied to the local view and queued in the outbox in one transaction, then pushed. An edit or
   * a transition names its record; a create may bring its own new id, or the core makes one.
   */
  'records.change': {
    input: z.strictObject({
      operation: z.enum(OFFLINE_OPERATION_NAMES),
      id: Id.optional(),
      values: z.record(z.string().max(60), z.unknown()),
      reason: Reason,
      /** issue 16: offline, with no verified caller, hold this correction unverified (for an operation declared `holdsUnverified`) */
      holdUnverified: z.literal(true).optional(),
    }),
    output: ChangeReceipt,
    unlocked: true,
  },
  /** online only: a record's change history with each change's reason, as the central store lets this role see it (an audited read) */
  'records.history': { input: z.strictObject({ entity: RecordRef.shape.entity, id: Id }), output: HistoryResponse, unlocked: true, passive: true },
  /**
   * a queue's records as this role sees them in its cache (pending ones included), newest first, each
   * with its customer's name and account number, and the currency of the billing account it is on (if any)
   */
  'records.list': {
    input: z.strictObject({ entity: z.enum(QUEUE_ENTITIES) }),
    output: z.array(
      z.object({
        record: z.record(z.string(), z.unknown()).and(z.object({ id: Id })),
        customerName: z.string().nullable(),
        accountNumber: z.string().nullable(),
        currency: z.string().nullable(),
        changes: z.array(PendingChange),
      }),
    ),
    unlocked: true, passive: true,
  },
  /** network operations' service lines by status, flagged for an E911 review, or of one customer, from the cache */
  'serviceLines.list': { input: ServiceLineQuery, output: ServiceLineListing, unlocked: true, passive: true },
  /** online only: what an erasure did, as proof (approvers and compliance; an audited read) */
  'erasure.certificate': { input: z.strictObject({ requestId: Id }), output: ErasureCertificate, unlocked: true, passive: true },
  'sync.status': { input: Empty, output: SyncStatus, unlocked: true, passive: true },
  'sync.now': { input: Empty, output: SyncStatus, unlocked: true },
  /** the second step of a sign-in (SessionState.secondFactor): the code of the moment, or one recovery code */
  'session.secondFactor': { input: z.union([z.strictObject({ code: TotpCode }), z.strictObject({ recoveryCode: RecoveryCode })]), output: SessionState, unlocked: false },
  /** the recovery codes shown at enrolment were kept: the console opens */
  'session.recoveryCodesSaved': { input: Empty, output: SessionState, unlocked: false },
  /** the central store's session ended while the console is unlocked: signs in again where the user is, and sync resumes */
  'session.reauthenticate': { input: z.strictObject({ password: Password, code: TotpCode.optional(), recoveryCode: RecoveryCode.optional() }), output: SessionState, unlocked: true },
  ...onlineChannels(),
} as const satisfies Record<ChannelName, ChannelSpec>;

export type Channel = keyof typeof CONSOLE_CONTRACT;
export const CHANNELS: readonly Channel[] = CHANNEL_NAMES;
/**
 * Both directions, at compile time: the contract defines exactly the channels the preload lets
 * through (a channel spread in from the operations, such as an online operation's, must be named in
 * channels.ts too, or the bridge would refuse it as unknown).
 */
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const contractIsTheChannelList: Exactly<keyof typeof CONSOLE_CONTRACT, ChannelName> = true;
void contractIsTheChannelList;
/** what the renderer sends (defaults not yet applied) */
export type ChannelInput<C extends Channel> = z.input<(typeof CONSOLE_CONTRACT)[C]['input']>;
/** what a handler receives (parsed, defaults applied) */
export type ParsedInput<C extends Channel> = z.output<(typeof CONSOLE_CONTRACT)[C]['input']>;
export type ChannelOutput<C extends Channel> = z.infer<(typeof CONSOLE_CONTRACT)[C]['output']>;

/** Events the core sends to the renderer (`on(event, listener)`). */
export const CONSOLE_EVENTS = {
  'session.changed': SessionState,
  'sync.status': SyncStatus,
  /** records whose data changed locally (a pull, an edit, a push result): open views of them, or of their customer, refresh */
  'records.changed': z.object({ records: z.array(RecordRef) }),
} as const satisfies Record<EventName, z.ZodType>;
export type ConsoleEvent = keyof typeof CONSOLE_EVENTS;
export type EventPayload<E extends ConsoleEvent> = z.infer<(typeof CONSOLE_EVENTS)[E]>;

/** The IPC reply envelope: a handler's value, or its error as a plain body. */
export type InvokeResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; issues?: { field: string; rule: string; message: string }[] } };
