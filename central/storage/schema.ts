import type { Kysely } from 'kysely';

/**
 * The tables of the central store, as Kysely sees them. JSON lives in TEXT columns and times are
 * ISO-8601 strings, so the same queries run on SQLite (embedded default) and PostgreSQL (later).
 */
export interface CentralSchema {
  meta: { key: string; value: string };
  /** every syncable entity of ENTITY_SCHEMAS, one row per record; `data` NULL is a deletion (tombstone) */
  records: {
    entity: string;
    id: string;
    customer_id: string | null;
    seq: number;
    data: string | null;
    updated_at: string;
    updated_by: string | null;
  };
  /** one row per change the record store wrote (recordStore.ts): who, when, which fields, why */
  record_history: {
    seq: number;
    entity: string;
    id: string;
    customer_id: string | null;
    at: string;
    user_id: string | null;
    mutation_id: string | null;
    kind: string;
    fields: string;
    reason: string | null;
  };
  users: {
    id: string;
    username: string;
    display_name: string;
    role: string;
    status: string;
    password_hash: string;
    created_at: string;
    /** the team the admin put them in (teams), or null */
    team_id: string | null;
    /** when an admin last enabled or disabled the account (null: never) */
    status_changed_at: string | null;
  };
  /** teams of users, each led by supervisors (team_leads); central/teams/teams.ts owns both */
  teams: { id: string; name: string; created_at: string };
  team_leads: { team_id: string; user_id: string };
  /** each desk's outbox of each user as it last said (its pull's header), for the admin (central/admin/deskReports.ts) */
  device_reports: { device_id: string; user_id: string; pending: number; reported_at: string };
  sessions: {
    token_hash: string;
    user_id: string;
    device_id: string;
    created_at: string;
    expires_at: string;
    revoked_at: string | null;
  };
  devices: {
    id: string;
    name: string;
    certificate_fingerprint: string;
    certificate_pem: string;
    enrolled_at: string;
    revoked_at: string | null;
  };
  enrolment_codes: { code_hash: string; uses_left: number; expires_at: string; created_at: string };
  clients: { client_id: string; user_id: string; device_id: string; last_seq: number; created_at: string };
  /** one row per mutation id (unique), at the sequence number that first carried it; `content_hash` null before migration 005 */
  client_mutations: { client_id: string; seq: number; mutation_id: string; content_hash: string | null; result: string; at: string; customer_id: string | null };
  /** one per completed erasure: what its certificate lists (ids, entities, field names, categories, bases), never a value */
  erasures: { request_id: string; customer_id: string; scope: string; approved_by: string; completed_at: string; erased: string; retained: string; head_seq: number };
  /** each desk's confirmation that it purged an erased customer; `confirmed_at` null while pending */
  erasure_acks: { request_id: string; client_id: string; device_id: string; confirmed_at: string | null };
  /** each desk's chain of offline reads: the head it last reported, the last entry received in line (sync/viewChains.ts owns both) */
  view_chains: { client_id: string; device_id: string; reported_seq: number | null; reported_hash: string | null; reported_at: string | null; received_seq: number; received_hash: string };
  view_chain_links: { client_id: string; seq: number; hash: string; received_at: string };
  view_chain_heads: { client_id: string; seq: number; hash: string; reported_at: string };
  /** billing records kept at their legal minimum after an erasure, out of every view, until `retain_until` */
  retained_records: { entity: string; id: string; customer_id: string; data: string; basis: string; retain_until: string; request_id: string };
  /** the Message-ID (unique) and References of each inquiry ingested from email, for a reply; central only (inquiries/ingest.ts owns it) */
  inquiry_mail: { inquiry_id: string; message_id: string; references_header: string | null; ingested_at: string };
  /** privacy-policy versions, numbered by the store and never changed once published (policy/policyVersions.ts owns it) */
  policy_versions: { version: number; changes: string; published_at: string; published_by: string; published_by_user_id: string | null };
  /** one per user and version acknowledged: the store's time, the device signed in on (policy/policyVersions.ts owns it) */
  policy_acknowledgements: { user_id: string; version: number; acknowledged_at: string; device_id: string };
  caller_secrets: { customer_id: string; salt: string; ssn_last4_hash: string; pin_hash: string };
  verifications: {
    id: string;
    customer_id: string;
    user_id: string;
    device_id: string;
    method: string;
    verified: number;
    at: string;
  };
  /** card numbers, envelope-encrypted (billing/cardVault.ts); base64 in TEXT columns */
  card_vault: {
    payment_method_id: string;
    customer_id: string;
    /** the master key that wraps this row's data key */
    key_id: string;
    /** the data key, AES-256-GCM under the master key: iv ‖ ciphertext ‖ tag */
    wrapped_dek: string;
    iv: string;
    ciphertext: string;
    tag: string;
    created_at: string;
  };
  /** mutations held for a supervisor's review, not applied (review/heldMutations.ts owns it) */
  held_mutations: {
    mutation_id: string;
    client_id: string;
    seq: number;
    user_id: string;
    device_id: string;
    entity: string;
    entity_id: string;
    customer_id: string | null;
    verification_id: string | null;
    /** the mutation as received, JSON */
    mutation: string;
    reason: string;
    received_at: string;
    verified_at: string | null;
    status: string;
    reviewed_by: string | null;
    reviewed_at: string | null;
  };
  /** `kind`: what failed, a password or a second-factor code (identity/lockouts.ts) */
  sign_in_failures: { id: string; username: string; at: string; kind: string };
  /** a username locked after too many failed sign-ins, until `locked_until` or an administrator lifts it */
  sign_in_lockouts: { id: string; username: string; user_id: string | null; locked_at: string; locked_until: string; password_failures: number; code_failures: number; lifted_at: string | null; lifted_by: string | null };
  /** a user's TOTP secret, sealed (identity/secondFactorSecrets.ts), and the time step of the last code accepted */
  second_factors: { user_id: string; secret_sealed: string; enrolled_at: string; last_step: number };
  /** recovery codes as keyed hashes; each signs in once */
  recovery_codes: { code_hash: string; user_id: string; created_at: string; used_at: string | null };
  /** half-done sign-ins (the password proven, the code not yet): the token's hash, bound to the device */
  sign_in_challenges: { token_hash: string; user_id: string; device_id: string; created_at: string; expires_at: string; used_at: string | null; enrol_secret_sealed: string | null };
  /** failed enrolment attempts per source address, for the enrolment rate limit */
  enrolment_failures: { id: string; source: string; at: string };
  /** ended sessions, in `revocation_seq` order, read by every process serving event streams */
  revocations: { seq: number; at: string; scope: string; reason: string; sessions: string };
  audit_log: {
    seq: number;
    at: string;
    user_id: string | null;
    role: string | null;
    device_id: string | null;
    action: string;
    entity: string | null;
    entity_id: string | null;
    customer_id: string | null;
    /** JSON array of field names, never values */
    fields: string;
    outcome: string;
    detail: string | null;
    /** a client-supplied event id (a view event) that makes the row idempotent */
    event_id: string | null;
    hash: string;
  };
}

export type CentralDb = Kysely<CentralSchema>;

/**
 * The tables that can hold a customer's values (records and their history, stored push results with
 * conflict values, held edits, verification secrets, the card vault, billing kept after an erasure):
 * what an erasure or a purge compacts on PostgreSQL, where a deleted row's bytes stay in its page
 * until the table is rewritten (storage/database.ts, `checkpoint`).
 */
export const PERSONAL_DATA_TABLES = ['records', 'record_history', 'client_mutations', 'held_mutations', 'caller_secrets', 'card_vault', 'retained_records'] as const satisfies readonly (keyof CentralSchema)[];
