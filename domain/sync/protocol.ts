import { z } from 'zod';
import { BillingAdjustment, BillingPolicy, ENTITY_NAMES, HOLD_REASONS, ERASURE_SCOPES, Id, IsoDateTime, NewAdjustment, PaymentMethod, SessionPolicy, User } from '../entities';
import type { EntityName } from '../entities';
import { MAX_JSON_DEPTH } from '../records';
import { Username } from '../entities/identity';
import { rule } from '../validation/rule';
import { ChangeReason, MAX_REASON_LENGTH, requiredText } from '../validation/text';
import { ViewChainHead, ViewChainLink } from './viewChain';

/**
 * The wire protocol between a workstation and the central store (DESIGN §5). Every body is
 * JSON (pull is NDJSON); every request body is parsed with these schemas on the server, and
 * every response with them on the client: a malformed message is refused whole.
 */
export const API = {
  health: '/v1/health',
  /** whether this node should take traffic: its database answers, is migrated, and it is not stopping (central/ops/readiness.ts) */
  ready: '/v1/ready',
  enrol: '/v1/devices/enrol',
  session: '/v1/session',
  /** the second step of a sign-in that needs a second factor (issue 14): the challenge and a code */
  secondFactor: '/v1/session/second-factor',
  clients: '/v1/sync/clients',
  pull: '/v1/sync/pull',
  /** protocol 7: a first sync's snapshot, one row per customer aggregate (sync/snapshot.ts) */
  snapshot: '/v1/sync/snapshot',
  push: '/v1/sync/push',
  events: '/v1/sync/events',
  /** POST: a caller's answer checked; GET: the customer's attempts left before anyone answers */
  verify: (customerId: string) => `/v1/customers/${customerId}/verification`,
  /** online only: a new card for a payment method (the card number goes here and into the card vault, nowhere else) */
  replaceCard: (paymentMethodId: string) => `/v1/payment-methods/${paymentMethodId}/replacement`,
  /** online only: a credit or adjustment on a billing account */
  adjustments: (billingAccountId: string) => `/v1/billing-accounts/${billingAccountId}/adjustments`,
  /** online only: a record's change history with each change's reason, as the role may see it */
  history: (entity: string, id: string) => `/v1/records/${entity}/${id}/history`,
  /** an erasure's certificate (issue 11), for the roles domain/erasure.ts names */
  erasureCertificate: (requestId: string) => `/v1/erasures/${requestId}/certificate`,
  /** online only: an operation declared in domain/operations.ts without a route of its own, its body the declared input */
  operation: (name: string) => `/v1/operations/${name}`,
} as const;

/**
 * The version of this protocol, sent by the workstation with every request (`header`). A fleet
 * updates over days, so the central store speaks a range of versions; a desk outside it is refused
 * `426 protocol_unsupported`, told plainly whether the desk or the store needs updating. A request
 * without the header is from a desk older than the header, which spoke version 1.
 *
 * Version 2: a push may carry `purged`, the customers the desk has erased from its cache (issue 11).
 * Version 3: the store's generation (`StoreGeneration`): a pull's `begin` line carries it, and a desk
 * names the one it synced with in its pulls and pushes, so that a restore of the store is not missed.
 * Version 4: a conflict carries the reason of the change it met (`ConflictInfo.changeReason`), so the
 * rep weighs both changes' reasons; the sign-in and session answers carry the store's billing policy
 * (`billing`: above what a credit or an adjustment waits for a supervisor's approval), and an
 * adjustment is answered with its approval state (`BillingAdjustment.status` and the fields after it).
 * The store leaves all of these out for older desks, whose strict schemas would refuse a whole answer
 * over a field they do not know.
 * Version 5: a push may carry `searches` (`SearchEvent`: the kinds of a search of the desk's cache and
 * its result count, never the query), and a view may name the search it was opened from (`searchId`),
 * for the audit log (issue 14). Older desks send neither; the store takes both from any desk.
 * Version 6: a mutation may carry `escalation` (a rep asks a supervisor to decide a conflict: the
 * store holds it, `conflict.escalated`); a held mutation sent again is answered with the
 * supervisor's decision once there is one (applied, or rejected `held_edit.declined`); and the
 * reviewers' desks are sent `heldEdit` records. An older desk is sent no entity newer than it
 * (`ENTITY_SINCE_PROTOCOL`), whose name its strict schema would refuse with the whole pull.
 * Version 7: a first sync may take a snapshot (`API.snapshot`, sync/snapshot.ts): one row per customer
 * aggregate, then a pull from the head the snapshot is consistent at. Older desks pull the whole log.
 * Version 8 (issue 16): a mutation may carry `unverifiedHold` (a correction made while no caller could
 * be verified, which the store holds as `caller.unverified` until the rep re-verifies the caller and
 * releases it, or a supervisor applies it, before it expires); `heldEdit` records carry `expiresAt`,
 * `appliedAfter` and the status `expired`, which an older desk's strict schema refuses: from this
 * version on only desks of 8 are sent `heldEdit` records (a reviewer's desk of 6 or 7 sees no held
 * edits until it is updated, and then pulls everything again once, as from 6). A rep may record that
 * a caller asked to be called back (`callbackRequest`, born on the desk), sent to desks of 8 only.
 * Version 9: views and searches carry their place in the desk's chain of offline reads (`chain`), and
 * the desk reports the chain's signed head with every push (`viewHead`) and pull (`VIEW_HEAD_HEADER`;
 * sync/viewChain.ts, issue 16). Older desks send neither; the store takes both from any desk.
 */
export const PROTOCOL = { version: 9, header: 'caredesk-protocol' } as const;
export interface ProtocolRange {
  min: number;
  max: number;
}
/** What this build of the central store speaks. */
export const SUPPORTED_PROTOCOLS: ProtocolRange = { min: 1, max: 9 };

/** The protocol from which a desk is sent records of an entity; an entity not named here, from the first. */
export const ENTITY_SINCE_PROTOCOL: Partial<Record<EntityName, number>> = { heldEdit: 8, callbackRequest: 8 };
/** Whether a desk speaking `version` may be sent records of `entity`. */
export const sentToProtocol = (entity: EntityName, version: number) => (ENTITY_SINCE_PROTOCOL[entity] ?? 1) <= version;

/** Why a desk speaking `version` cannot talk to a store speaking `range`, or null when it can. */
export function protocolMismatch(version: number, range: ProtocolRange): string | null {
  if (version < range.min) return `This workstation's CareDesk is too old for the central store (sync protocol ${version}; the store needs ${range.min} to ${range.max}): update CareDesk on this workstation. Your unsent changes are kept.`;
  if (version > range.max) return `The central store is older than this workstation's CareDesk (sync protocol ${version}; the store speaks ${range.min} to ${range.max}): ask IT to update the central store. Your unsent changes are kept.`;
  return null;
}

/**
 * Enrolment has a listener of its own, the only one whose TLS handshake takes a client without a
 * device certificate (central/http/server.ts). Unless configured otherwise it listens on the API's
 * port + 1 (8443 → 8444), so that a workstation told only the store's URL still finds it.
 */
export const ENROLMENT_PORT_OFFSET = 1;

export function defaultEnrolmentUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.port = String(Number(url.port || 443) + ENROLMENT_PORT_OFFSET);
  return url.origin;
}

export const LIMITS = {
  /** refused before parsing (DESIGN §8) */
  maxBodyBytes: 1024 * 1024,
  /** objects and arrays in each other, counted from the body: deeper is refused before parsing (`json.depth`) */
  maxJsonDepth: MAX_JSON_DEPTH,
  maxMutationsPerPush: 500,
  maxReasonLength: MAX_REASON_LENGTH,
  /** rows per pull response; the client asks again while `more` is true */
  maxPullRows: 200_000,
} as const;

export const EntityNameSchema = z.enum(ENTITY_NAMES as [EntityName, ...EntityName[]]);

// ── device enrolment and session ────────────────────────────────────────────────────────────
export const EnrolRequest = z.strictObject({
  code: z.string().min(8).max(100),
  deviceName: requiredText(100),
  csrPem: z.string().min(100).max(10_000),
});
export type EnrolRequest = z.infer<typeof EnrolRequest>;
export const EnrolResponse = z.strictObject({ deviceId: Id, certificatePem: z.string(), caPem: z.string() });
export type EnrolResponse = z.infer<typeof EnrolResponse>;

export const SignInRequest = z.strictObject({ username: Username, password: z.string().min(1).max(200) });
export type SignInRequest = z.infer<typeof SignInRequest>;
export const SignInResponse = z.strictObject({
  token: z.string(),
  expiresAt: IsoDateTime,
  serverTime: IsoDateTime,
  user: User,
  policy: SessionPolicy,
  /** protocol 4: the store's billing policy (absent from an older store) */
  billing: BillingPolicy.optional(),
});
export type SignInResponse = z.infer<typeof SignInResponse>;
/** `GET API.session`: the session behind a token, still good (what a workstation asks at unlock). */
export const SessionInfo = z.strictObject({ user: User, expiresAt: IsoDateTime, serverTime: IsoDateTime, policy: SessionPolicy, billing: BillingPolicy.optional() });
export type SessionInfo = z.infer<typeof SessionInfo>;

// ── client registration ─────────────────────────────────────────────────────────────────────
/** A client id is one cache: one user on one device. The server binds it to both on first use. */
export const RegisterClientRequest = z.strictObject({ clientId: Id });
export const RegisterClientResponse = z.strictObject({ clientId: Id, lastSeq: z.number().int().min(0) });
export type RegisterClientResponse = z.infer<typeof RegisterClientResponse>;

// ── store generation (protocol 3) ───────────────────────────────────────────────────────────
/**
 * The generation of the central store's change log: a random id made with its database and replaced
 * by every restore from a backup. A cursor means something only within its generation: after a
 * restore the log's numbers are handed out again, so a desk holding a cursor of another generation
 * would take new changes for ones it already has. Such a desk is answered `resync_required`: it drops
 * its cached records and cursor and syncs again from the start, keeping its outbox and the purges it
 * has yet to report.
 */
const GENERATION_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const StoreGeneration = z.string().refine((value) => GENERATION_PATTERN.test(value), rule('generation.format', 'a store generation id (a UUID, lower case)'));

/**
 * Whether a desk's sync state belongs to another generation of the store's log: it names another
 * generation, or its cursor is past the head (a desk that knows no generation yet, after a restore).
 */
export function staleSyncState(desk: { cursor?: number; generation?: string | null }, store: { head?: number; generation: string }): boolean {
  if (desk.generation != null && desk.generation !== store.generation) return true;
  return desk.cursor !== undefined && store.head !== undefined && desk.cursor > store.head;
}

// ── pull ────────────────────────────────────────────────────────────────────────────────────
export const PullQuery = z.strictObject({
  cursor: z.coerce.number().int().min(0),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxPullRows).optional(),
  /** protocol 3: the store generation the cursor belongs to (absent on a first sync) */
  generation: StoreGeneration.optional(),
});

/** One NDJSON line of a pull response. `begin` first, then changes in sequence order, `end` last. */
export const PullLine = z.discriminatedUnion('t', [
  /** `generation`: the store's, for desks speaking protocol 3 (older desks refuse a field they do not know) */
  z.strictObject({ t: z.literal('begin'), cursor: z.number().int(), head: z.number().int(), total: z.number().int(), generation: StoreGeneration.optional() }),
  z.strictObject({
    t: z.literal('put'),
    seq: z.number().int(),
    entity: EntityNameSchema,
    id: z.string(),
    customerId: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  }),
  z.strictObject({ t: z.literal('del'), seq: z.number().int(), entity: EntityNameSchema, id: z.string(), customerId: z.string().nullable() }),
  z.strictObject({ t: z.literal('end'), cursor: z.number().int(), head: z.number().int(), more: z.boolean() }),
]);
export type PullLine = z.infer<typeof PullLine>;
export type PullChange = Extract<PullLine, { t: 'put' | 'del' }>;

// ── push ────────────────────────────────────────────────────────────────────────────────────
const FieldValues = z.record(z.string().max(60), z.unknown());

export const Mutation = z.strictObject({
  id: Id,
  clientId: Id,
  /** per-client sequence: (clientId, seq) makes a push idempotent */
  seq: z.number().int().min(1),
  entity: EntityNameSchema,
  entityId: z.string().max(64),
  /** absent: an edit of an existing record; `create`: a record born on the desk with this id (domain/operations.ts) */
  op: z.literal('create').optional(),
  /** the values the user saw when editing: the merge base */
  base: FieldValues,
  changes: FieldValues,
  reason: ChangeReason,
  /** the caller verification issued by the central store, for roles that need one */
  verificationId: Id.nullable(),
  createdAt: IsoDateTime,
  /**
   * protocol 6: a rep met a conflict and asks a supervisor to decide (`base`: the other change's
   * value, `changes`: theirs); the store holds it for review rather than applying it, and `note` is
   * their word to the supervisor
   */
  escalation: z.strictObject({ note: ChangeReason }).optional(),
  /**
   * protocol 8 (issue 16): made while the central store was unreachable, without a verified caller
   * (`verificationId` null): the store holds it as `caller.unverified` instead of refusing it, and
   * applies it only after an online re-verification and release, or a supervisor's review
   */
  unverifiedHold: z.literal(true).optional(),
});
export type Mutation = z.infer<typeof Mutation>;

/** A sensitive read made on the workstation (a profile opened), reported for the audit log. */
export const ViewEvent = z.strictObject({
  id: Id,
  entity: EntityNameSchema,
  entityId: z.string().max(64),
  at: IsoDateTime,
  /** protocol 5: the search (`SearchEvent.id`) whose results it was opened from */
  searchId: Id.optional(),
  /** protocol 9: its place in the desk's chain of offline reads (sync/viewChain.ts) */
  chain: ViewChainLink.optional(),
});
export type ViewEvent = z.infer<typeof ViewEvent>;

/** What a search is recorded as (issue 14): how the desk searched (the kinds its plan used) and how many it found. */
export const SEARCH_EVENT_KINDS = ['phone', 'name', 'email', 'account'] as const;
/**
 * A search of the desk's cache, reported for the audit log: the kinds searched and the result count,
 * never the query text (a phone number or a name typed into a search box is itself personal data).
 * Searches typed in one go (each keystroke a search) are one event, updated until a result is opened
 * or the typing pauses.
 */
export const SearchEvent = z.strictObject({
  id: Id,
  kinds: z.array(z.enum(SEARCH_EVENT_KINDS)).min(1).max(SEARCH_EVENT_KINDS.length),
  resultCount: z.number().int().min(0).max(10_000),
  at: IsoDateTime,
  /** protocol 9: its place in the desk's chain of offline reads (sync/viewChain.ts) */
  chain: ViewChainLink.optional(),
});
export type SearchEvent = z.infer<typeof SearchEvent>;

export const PushRequest = z.strictObject({
  clientId: Id,
  mutations: z.array(Mutation).max(LIMITS.maxMutationsPerPush),
  views: z.array(ViewEvent).max(LIMITS.maxMutationsPerPush),
  /** protocol 5: searches made on the desk since its last push */
  searches: z.array(SearchEvent).max(LIMITS.maxMutationsPerPush).optional(),
  /** protocol 2: customers this desk has erased from its cache (rows, search index, outbox, views; WAL checkpointed) since its last push */
  purged: z.array(Id).max(LIMITS.maxMutationsPerPush).optional(),
  /** protocol 3: the store generation this desk last synced with; the store refuses another one whole (`resync_required`): it was restored since */
  generation: StoreGeneration.optional(),
  /** protocol 9: the signed head of the desk's chain of offline reads, sent with every push (sync/viewChain.ts) */
  viewHead: ViewChainHead.optional(),
});
export type PushRequest = z.infer<typeof PushRequest>;

/**
 * A field both sides changed since the base (DESIGN §5): the values, and who set `theirs`, when and
 * why — the change in the record's history that last set the field.
 */
export const ConflictInfo = z.strictObject({
  field: z.string(),
  base: z.unknown(),
  mine: z.unknown(),
  theirs: z.unknown(),
  changedBy: z.string().nullable(),
  changedAt: IsoDateTime.nullable(),
  /**
   * protocol 4: the reason given with the change that set `theirs` (null: none recorded, e.g. seeded
   * data, or erased with the customer); absent from results of older stores and conflicts a desk
   * filed before it existed
   */
  changeReason: z.string().nullable().optional(),
});
export type ConflictInfo = z.infer<typeof ConflictInfo>;

export const FieldIssueSchema = z.strictObject({ field: z.string(), rule: z.string(), message: z.string() });

export const MutationHold = z.strictObject({ reason: z.enum(HOLD_REASONS), message: z.string() });
export type MutationHold = z.infer<typeof MutationHold>;

export const MutationResult = z.strictObject({
  id: Id,
  seq: z.number().int(),
  /**
   * applied: every field written or already equal; conflict: some fields need the user; rejected:
   * nothing written, final; held: nothing written, kept by the store for a supervisor's review
   */
  status: z.enum(['applied', 'conflict', 'rejected', 'held']),
  applied: z.array(z.string()),
  conflicts: z.array(ConflictInfo),
  rejection: z.strictObject({ code: z.string(), message: z.string(), issues: z.array(FieldIssueSchema) }).nullable(),
  /** for status `held`: why; absent from results stored before holds existed */
  held: MutationHold.nullable().optional(),
  serverSeq: z.number().int().nullable(),
});
export type MutationResult = z.infer<typeof MutationResult>;

export const PushResponse = z.strictObject({ results: z.array(MutationResult), head: z.number().int() });
export type PushResponse = z.infer<typeof PushResponse>;

// ── caller verification ─────────────────────────────────────────────────────────────────────
export const VERIFICATION_METHODS = ['ssn_last4', 'account_pin'] as const;
export const VerifyRequest = z.strictObject({
  method: z.enum(VERIFICATION_METHODS),
  answer: z.string().trim().refine((value) => /^\d{4,8}$/.test(value), rule('verification.answer', 'the answer is 4 to 8 digits')),
});
export type VerifyRequest = z.infer<typeof VerifyRequest>;
export const VerifyResponse = z.strictObject({
  verified: z.boolean(),
  attemptsLeft: z.number().int().min(0),
  verificationId: Id.nullable(),
  validUntil: IsoDateTime.nullable(),
});
export type VerifyResponse = z.infer<typeof VerifyResponse>;
/**
 * A caller's attempts left before anyone asks them anything (`GET API.verify`): failed attempts are
 * counted per customer across all users, so only the central store knows. At 0, `lockedUntil` says
 * when the oldest counted failure leaves the window and an attempt may be made again.
 */
export const VerificationAttempts = z.strictObject({ attemptsLeft: z.number().int().min(0), lockedUntil: IsoDateTime.nullable() });
export type VerificationAttempts = z.infer<typeof VerificationAttempts>;

/**
 * What a request for an online operation done on a call carries (`verifiedCaller` in
 * domain/operations.ts): the caller verification it rests on. The central store checks that it is a
 * successful verification of this customer by this user within its window, by the store's clock;
 * null or absent when the desk has none (refused if the operation needs one).
 */
const CallerReference = { verificationId: Id.nullable().optional() };

// ── billing: online-only calls ──────────────────────────────────────────────────────────────
/**
 * A new card in place of a payment method. `card` is checked with the domain's card rules
 * (validation/card.ts) on the workstation and again here; `replacementId` is the new payment
 * method's id, made by the workstation, so a retry after a lost answer replaces nothing twice.
 */
export const ReplaceCardRequest = z.strictObject({
  replacementId: Id,
  card: z.record(z.string().max(40), z.unknown()),
  ...CallerReference,
});
export type ReplaceCardRequest = z.infer<typeof ReplaceCardRequest>;
/** Only ever the masked form (PCI DSS 3.4.1): a strict schema, so nothing else can come through. */
export const ReplaceCardResponse = z.strictObject({ paymentMethod: PaymentMethod, replaced: Id });
export type ReplaceCardResponse = z.infer<typeof ReplaceCardResponse>;

export const AdjustmentRequest = NewAdjustment.safeExtend(CallerReference);
export type AdjustmentRequest = z.infer<typeof AdjustmentRequest>;
export const AdjustmentResponse = z.strictObject({ adjustment: BillingAdjustment, balanceCents: z.number().int() });
/** The adjustment fields a desk of protocol 3 or older knows (its schema is strict): what such a desk is answered. */
export const ADJUSTMENT_FIELDS_BEFORE_APPROVALS = ['id', 'customerId', 'billingAccountId', 'kind', 'amountCents', 'reason', 'recordedBy', 'recordedAt'] as const;
export type AdjustmentResponse = z.infer<typeof AdjustmentResponse>;

// ── live events (server-sent events on API.events) ──────────────────────────────────────────
/**
 * What a revocation ends. `session`: this sign-in only (signed out, expired, ended by an
 * administrator): sign in again, the cache and its unsent changes stay. `user`: the account was
 * disabled or its role changed; `device`: the workstation's certificate was revoked (a lost
 * laptop). For those two the workstation wipes the caches and keychain entries concerned (DESIGN §4).
 * A request made later with a disabled user's token is answered with the error `user_disabled`.
 */
export const REVOCATION_SCOPES = ['session', 'user', 'device'] as const;
export type RevocationScope = (typeof REVOCATION_SCOPES)[number];

/** The error answers that mean a wipe, not "sign in again": the scope each one revokes, else null. */
export function revocationScopeOf(code: string): Exclude<RevocationScope, 'session'> | null {
  return code === 'user_disabled' ? 'user' : code === 'device_not_enrolled' ? 'device' : null;
}

export const ServerEvent = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('poke'), head: z.number().int() }),
  z.strictObject({ type: z.literal('revoked'), scope: z.enum(REVOCATION_SCOPES), reason: z.string() }),
]);
export type ServerEvent = z.infer<typeof ServerEvent>;

/**
 * The live-update stream (API.events) carries a heartbeat at this interval, so an idle stream still
 * brings bytes. A stalled connection never errors by itself: a workstation that hears nothing for
 * `silentBeats` heartbeats takes the stream as dropped and reconnects (then pulls what it missed).
 */
export const LIVE_STREAM = { heartbeatMs: 15_000, silentBeats: 3 } as const;

/** How long a live-update stream may stay silent before the workstation drops it. */
export function liveStreamSilenceMs(heartbeatMs: number = LIVE_STREAM.heartbeatMs): number {
  return heartbeatMs * LIVE_STREAM.silentBeats;
}

/**
 * One change of a record as its history shows it: when, who, what kind, the names of the fields it
 * set that the reader may see, and the reason the user gave (kept with the record, never in the
 * audit log; erased with the customer).
 */
export const HistoryEntry = z.strictObject({
  at: IsoDateTime,
  by: z.string().nullable(),
  kind: z.enum(['create', 'update', 'delete']),
  fields: z.array(z.string()),
  reason: z.string().nullable(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;
export const HistoryResponse = z.strictObject({ entries: z.array(HistoryEntry) });
export type HistoryResponse = z.infer<typeof HistoryResponse>;

const CertifiedRecord = z.strictObject({ entity: z.string(), id: z.string(), fields: z.array(z.string()), category: z.string() });
/**
 * What an erasure did, as proof (issue 11): the records erased (ids, entities, field names,
 * categories), what was kept and on which legal basis until when, who filed and who approved, when,
 * and each desk's confirmation that it purged the customer (pending ones with none). Never a value,
 * and not the request's free-text reason.
 */
export const ErasureCertificate = z.strictObject({
  requestId: Id,
  customerId: Id,
  /** what the customer asked to have erased (their contact data, or the whole account) */
  scope: z.enum(ERASURE_SCOPES),
  filedBy: z.string().nullable(),
  filedAt: IsoDateTime.nullable(),
  approvedBy: z.string(),
  completedAt: IsoDateTime,
  erased: z.array(CertifiedRecord),
  /** `retainUntil` null: kept while the account is open (what a contact-data erasure leaves for the service) */
  retained: z.array(CertifiedRecord.extend({ basis: z.string(), retainUntil: IsoDateTime.nullable() })),
  desks: z.array(z.strictObject({ device: z.string(), confirmedAt: IsoDateTime.nullable() })),
});
export type ErasureCertificate = z.infer<typeof ErasureCertificate>;

