import type { CheckpointSink } from './audit/checkpoints';
import type { ProtocolRange, SessionPolicy } from '../domain';
import type { MasterKeyring } from './billing/masterKeys';
import type { MailRelay } from './inquiries/relay';
import type { StoreMetrics } from './ops/metrics';
import type { ChangeFeed } from './sync/changeFeed';
import type { CertificateAuthority } from './pki/certificates';
import type { CentralDb } from './storage/schema';

/** The store's time source, passed in so tests and replays control it. */
export type Clock = () => Date;

/** What the store's services are built from; each function takes the parts it needs. */
export interface StoreContext {
  db: CentralDb;
  clock: Clock;
  /** server-wide secret mixed into caller-verification hashes, kept outside the database */
  pepper: Buffer;
  /** seals users' TOTP secrets and keys recovery-code hashes (identity/secondFactorSecrets.ts), kept outside the database */
  secondFactorKey: Buffer;
  ca: CertificateAuthority;
  feed: ChangeFeed;
  sessionPolicy: SessionPolicy;
  /** the SMTP relay replies to email inquiries go through (inquiries/relay.ts); null when none is configured */
  mailRelay: MailRelay | null;
  /** above this (cents, either way) a credit or an adjustment waits for a supervisor's approval (billing/adjustments.ts); the store's word, never a desk's */
  adjustmentApprovalAboveCents: number;
  /** days an unconverted lead is kept before it is purged everywhere (leads/retention.ts) */
  leadRetentionDays: number;
  /** the card vault's master keys, kept outside the database (billing/masterKeys.ts) */
  cardKeys: MasterKeyring;
  /** the live-update stream's heartbeat interval (LIVE_STREAM.heartbeatMs; tests shorten it) */
  heartbeatMs: number;
  /** the sync protocol versions this store speaks (SUPPORTED_PROTOCOLS; tests play an older or newer store) */
  protocols: ProtocolRange;
  /** the erasure ledger, kept apart from the database and its backups (erasure/ledger.ts) */
  erasureLedgerFile: string;
  /** where signed checkpoints of the audit chain go, and the key that signs them (audit/checkpoints.ts, issue 16) */
  auditCheckpoints: CheckpointSink;
  /** the generation of the change log, replaced by every restore (sync/generation.ts, protocol 3) */
  generation: string;
  /** what the ops listener's /metrics shows (ops/metrics.ts): counts and timings, never an id */
  metrics: StoreMetrics;
}
