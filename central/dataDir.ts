import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { BillingPolicy, CareDeskError, SessionPolicy, issuesFromZod } from '../domain';
import { CHECKPOINT_INTERVAL_MINUTES, loadCheckpointSigner, type CheckpointSink } from './audit/checkpoints';
import { ensureKeyFile } from './billing/masterKeys';
import { LogConfig } from './ops/log';
import { MAIL_DROP_INTERVAL_MINUTES } from './inquiries/mailDrop';
import { MailRelayConfig, smtpRelay, type MailRelay } from './inquiries/relay';
import {
  certificateExpiry,
  createCertificateAuthority,
  issueServerCertificate,
  loadCertificateAuthority,
  type CertificateAuthority,
  type KeyedCertificate,
} from './pki/certificates';
import type { DatabaseTarget } from './storage/database';

/**
 * The data directory (see README): the SQLite file (unless config.json names a PostgreSQL database),
 * the server pepper, and — unless config.json names production TLS files — a development CA and
 * server certificate made on first start.
 */
export const DATA_FILES = {
  database: 'central.sqlite',
  pepper: 'pepper.key',
  cardKeys: 'card-keys.json',
  secondFactorKey: 'second-factor.key',
  erasureLedger: 'erasure-ledger.jsonl',
  auditCheckpointKey: 'audit-checkpoint.key',
  auditCheckpoints: 'audit-checkpoints.jsonl',
  config: 'config.json',
  caCert: 'pki/ca.pem',
  caKey: 'pki/ca.key',
  serverCert: 'pki/server.pem',
  serverKey: 'pki/server.key',
} as const;

/**
 * PostgreSQL as the system of record (issue 15) instead of the data dir's SQLite file. The password,
 * if the server wants one, is read from a file beside the other secrets, never written in config.json.
 */
const DatabaseConfig = z.strictObject({
  url: z.string().regex(/^postgres(ql)?:\/\//, 'a postgresql:// URL'),
  passwordFile: z.string().optional(),
  /** connections per node (default 10) */
  poolMax: z.number().int().min(1).max(200).optional(),
  /** the CA that signed the database server's certificate: TLS to the database, verified */
  caFile: z.string().optional(),
});

/** The ops listener (ops/opsServer.ts): plain HTTP, /metrics and probes; off when absent. */
export const OpsListenerConfig = z.strictObject({
  port: z.number().int().min(0).max(65535),
  /** default 127.0.0.1: the metrics hold no id, but they are the operator's, not the network's */
  host: z.string().min(1).optional(),
});

const Config = z.strictObject({
  /** PostgreSQL (see DatabaseConfig); absent: the SQLite file central.sqlite in the data dir */
  database: DatabaseConfig.optional(),
  tls: z
    .strictObject({
      /** the server certificate chain and its key */
      cert: z.string(),
      key: z.string(),
      /** the CA that issues device certificates (and that workstations pin), with its key */
      ca: z.string(),
      caKey: z.string(),
    })
    .optional(),
  pepperFile: z.string().optional(),
  /** the key that seals users' TOTP secrets and keys the hashes of recovery codes (identity/secondFactorSecrets.ts) */
  secondFactorKeyFile: z.string().optional(),
  /** the card vault's master key file (billing/masterKeys.ts); kept apart from the database and its backups */
  cardKeyFile: z.string().optional(),
  /** the erasure ledger (erasure/ledger.ts); on other storage than the database's backups */
  erasureLedgerFile: z.string().optional(),
  /**
   * Signed checkpoints of the audit chain's head (audit/checkpoints.ts): the append-only file they go to
   * (put it on other storage than the database), an endpoint each is also POSTed to, the signing key's
   * file (kept apart from the database, backed up separately), and the interval — the exposure window.
   */
  auditCheckpoints: z
    .strictObject({
      file: z.string().min(1).optional(),
      url: z.url({ protocol: /^https?$/ }).optional(),
      keyFile: z.string().min(1).optional(),
      intervalMinutes: z.number().int().min(1).max(1440).optional(),
    })
    .optional(),
  sessionPolicy: SessionPolicy.optional(),
  /** a directory of `.eml` files or a Maildir that `serve` ingests email inquiries from (inquiries/mailDrop.ts) */
  mailDrop: z.string().min(1).optional(),
  /** how often `serve` reads the mail drop, in minutes (default 5) */
  mailDropIntervalMinutes: z.number().int().min(1).max(1440).optional(),
  /** days an unconverted lead is kept (DEFAULT_LEAD_RETENTION_DAYS when absent) */
  leadRetentionDays: z.number().int().min(1).max(3650).optional(),
  /** above this (cents, either way) a credit or an adjustment waits for a supervisor's approval (DEFAULT_ADJUSTMENT_APPROVAL_ABOVE_CENTS when absent) */
  adjustmentApprovalAboveCents: BillingPolicy.shape.adjustmentApprovalAboveCents.optional(),
  /** the SMTP relay replies to email inquiries go through (inquiries/relay.ts); without it, replies cannot be sent */
  mailRelay: MailRelayConfig.optional(),
  /** the ops listener for Prometheus and probes (ops/opsServer.ts); off when absent */
  ops: OpsListenerConfig.optional(),
  /** structured logs (ops/log.ts): level, and a file instead of stdout; `serve` logs at info to stdout without it */
  log: LogConfig.optional(),
});
export type CentralConfig = z.infer<typeof Config>;

export interface DataDirMaterial {
  config: CentralConfig;
  /** the data dir's SQLite file, or the PostgreSQL database config.json names */
  database: DatabaseTarget;
  pepper: Buffer;
  /** seals TOTP secrets and keys recovery-code hashes; made on first start when absent */
  secondFactorKey: Buffer;
  /** the card vault's master key file, made on first start when absent */
  cardKeyFile: string;
  erasureLedgerFile: string;
  /** where signed checkpoints of the audit chain go, and the key that signs them */
  auditCheckpoints: CheckpointSink;
  /** the relay replies go through; null when config.json names none */
  mailRelay: MailRelay | null;
  /** config.json's log, its file resolved; null when it names none */
  log: LogConfig | null;
  /** the mail drop `serve` reads, resolved, and how often; null when config.json names none */
  mailDrop: { dir: string; intervalMinutes: number } | null;
  ca: CertificateAuthority;
  server: KeyedCertificate;
}

const RENEW_BEFORE_MS = 30 * 86_400_000;

/** Keys are readable by the service account only. */
function writeSecret(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function readConfig(dataDir: string): CentralConfig {
  const file = join(dataDir, DATA_FILES.config);
  if (!existsSync(file)) return {};
  const parsed = Config.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new CareDeskError('validation', `${file} is not a valid configuration`, issuesFromZod(parsed.error));
  return parsed.data;
}

function loadPepper(dataDir: string, config: CentralConfig): Buffer {
  const file = config.pepperFile ? resolveIn(dataDir, config.pepperFile) : join(dataDir, DATA_FILES.pepper);
  if (!existsSync(file)) writeSecret(file, randomBytes(32).toString('base64') + '\n');
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

/** 32 random bytes, base64, made on first start: without it a copy of the database holds no usable second factor. */
function loadSecondFactorKey(dataDir: string, config: CentralConfig): Buffer {
  const file = resolveIn(dataDir, config.secondFactorKeyFile ?? DATA_FILES.secondFactorKey);
  if (!existsSync(file)) writeSecret(file, randomBytes(32).toString('base64') + '\n');
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new CareDeskError('validation', `${file} does not hold a 256-bit key`);
  return key;
}

function databaseTarget(dataDir: string, config: CentralConfig): DatabaseTarget {
  const db = config.database;
  if (!db) return { kind: 'sqlite', file: join(dataDir, DATA_FILES.database) };
  return {
    kind: 'postgres',
    connectionString: db.url,
    ...(db.passwordFile ? { password: readFileSync(resolveIn(dataDir, db.passwordFile), 'utf8').trim() } : {}),
    ...(db.poolMax ? { poolMax: db.poolMax } : {}),
    ...(db.caFile ? { caPem: readFileSync(resolveIn(dataDir, db.caFile), 'utf8') } : {}),
  };
}

function resolveIn(dataDir: string, path: string): string {
  return isAbsolute(path) ? path : join(dataDir, path);
}

/** Development TLS material for 127.0.0.1 and localhost, made once and renewed before it expires. */
async function developmentTls(dataDir: string, now: Date): Promise<{ ca: KeyedCertificate; server: KeyedCertificate }> {
  const path = (name: string) => join(dataDir, name);
  mkdirSync(path('pki'), { recursive: true, mode: 0o700 });
  if (!existsSync(path(DATA_FILES.caCert))) {
    const ca = await createCertificateAuthority('CareDesk Development', now);
    writeSecret(path(DATA_FILES.caKey), ca.keyPem);
    writeFileSync(path(DATA_FILES.caCert), ca.certPem);
  }
  const ca = { certPem: readFileSync(path(DATA_FILES.caCert), 'utf8'), keyPem: readFileSync(path(DATA_FILES.caKey), 'utf8') };
  const serverExists = existsSync(path(DATA_FILES.serverCert));
  if (!serverExists || certificateExpiry(readFileSync(path(DATA_FILES.serverCert), 'utf8')).getTime() - now.getTime() < RENEW_BEFORE_MS) {
    const server = await issueServerCertificate(await loadCertificateAuthority(ca), { dns: ['localhost'], ips: ['127.0.0.1'] }, now);
    writeSecret(path(DATA_FILES.serverKey), server.keyPem);
    writeFileSync(path(DATA_FILES.serverCert), server.certPem);
  }
  return { ca, server: { certPem: readFileSync(path(DATA_FILES.serverCert), 'utf8'), keyPem: readFileSync(path(DATA_FILES.serverKey), 'utf8') } };
}

/**
 * Creates what is missing in `dataDir` and loads the rest. `now` is the real time: certificates are
 * judged by the peers' clocks, not by the store's injected clock.
 */
export async function prepareDataDir(dataDir: string, now = new Date()): Promise<DataDirMaterial> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const config = readConfig(dataDir);
  let tls: { ca: KeyedCertificate; server: KeyedCertificate };
  if (config.tls) {
    const read = (p: string) => readFileSync(resolveIn(dataDir, p), 'utf8');
    tls = { ca: { certPem: read(config.tls.ca), keyPem: read(config.tls.caKey) }, server: { certPem: read(config.tls.cert), keyPem: read(config.tls.key) } };
  } else {
    tls = await developmentTls(dataDir, now);
  }
  const cardKeyFile = resolveIn(dataDir, config.cardKeyFile ?? DATA_FILES.cardKeys);
  ensureKeyFile(cardKeyFile, now);
  const auditCheckpoints: CheckpointSink = {
    file: resolveIn(dataDir, config.auditCheckpoints?.file ?? DATA_FILES.auditCheckpoints),
    url: config.auditCheckpoints?.url ?? null,
    keyFile: resolveIn(dataDir, config.auditCheckpoints?.keyFile ?? DATA_FILES.auditCheckpointKey),
    intervalMinutes: config.auditCheckpoints?.intervalMinutes ?? CHECKPOINT_INTERVAL_MINUTES,
  };
  // made on first start, like the other keys, so that a backup of the data dir's keys holds it from the start
  loadCheckpointSigner(auditCheckpoints.keyFile);
  return {
    config,
    database: databaseTarget(dataDir, config),
    pepper: loadPepper(dataDir, config),
    secondFactorKey: loadSecondFactorKey(dataDir, config),
    cardKeyFile,
    erasureLedgerFile: resolveIn(dataDir, config.erasureLedgerFile ?? DATA_FILES.erasureLedger),
    auditCheckpoints,
    mailRelay: config.mailRelay ? smtpRelay(config.mailRelay, (p) => resolveIn(dataDir, p)) : null,
    log: config.log ? { ...config.log, ...(config.log.file ? { file: resolveIn(dataDir, config.log.file) } : {}) } : null,
    mailDrop: config.mailDrop ? { dir: resolveIn(dataDir, config.mailDrop), intervalMinutes: config.mailDropIntervalMinutes ?? MAIL_DROP_INTERVAL_MINUTES } : null,
    ca: await loadCertificateAuthority(tls.ca),
    server: tls.server,
  };
}
