import type { FastifyInstance } from 'fastify';
import { DEFAULT_ADJUSTMENT_APPROVAL_ABOVE_CENTS, DEFAULT_LEAD_RETENTION_DAYS, DEFAULT_SESSION_POLICY, ENROLMENT_PORT_OFFSET, LIVE_STREAM, SUPPORTED_PROTOCOLS, type ProtocolRange, type SessionPolicy } from '../domain';
import { centralAdmin, type CentralAdmin } from './admin/centralAdmin';
import { centralPolicy, type CentralPolicy } from './policy';
import { liveKeyring } from './billing/masterKeys';
import type { Clock, StoreContext } from './context';
import { reconcileLedger } from './erasure/ledger';
import { scheduleCheckpoints, type CheckpointSchedule, type CheckpointSink } from './audit/checkpoints';
import { RETENTION_PURGE_INTERVAL_MS, scheduleRetentionPurge, type RetentionSchedule } from './erasure/retention';
import { scheduleMailDrop, type MailDropSchedule } from './inquiries/mailDrop';
import { prepareDataDir } from './dataDir';
import { InternalErrors, stderrErrorLog, type InternalErrorLog } from './http/internalErrors';
import { closeServer, createEnrolmentServer, createHttpServer } from './http/server';
import { prepareDecoy } from './identity/passwords';
import { storeLog, type LogConfig, type StoreLog } from './ops/log';
import { observePool, observeProcess, storeMetrics } from './ops/metrics';
import { createOpsServer } from './ops/opsServer';
import { Readiness } from './ops/readiness';
import { isPostgres, openDatabase, poolStats } from './storage/database';
import type { CentralDb } from './storage/schema';
import { inProcessChangeFeed } from './sync/changeFeed';
import { storeGeneration } from './sync/generation';
import { watchStore } from './sync/storeWatch';

export type { AdminActor, CentralAdmin, DemoUserCredentials } from './admin/centralAdmin';
export type { StatusChange } from './identity/accountStatus';
export type { DeviceListing, DeviceRevocation } from './identity/devices';
export type { SeedOptions, SeedSummary } from './admin/seedDemo';
export type { AuditVerification } from './audit/auditLog';
export type { NewUser } from './identity/users';
export type { CentralSchema } from './storage/schema';
export type { CentralPolicy, PolicyActor } from './policy';
export type { Clock } from './context';
export type { InternalErrorEntry, InternalErrorLog } from './http/internalErrors';

export interface CentralOptions {
  dataDir: string;
  clock?: Clock;
  sessionPolicy?: SessionPolicy;
  /** days an unconverted lead is kept (config `leadRetentionDays`; tests shorten it) */
  leadRetentionDays?: number;
  /** above this a credit or an adjustment waits for a supervisor's approval (config `adjustmentApprovalAboveCents`) */
  adjustmentApprovalAboveCents?: number;
  /** the live-update stream's heartbeat interval; tests shorten it */
  heartbeatMs?: number;
  /** the sync protocol versions spoken (default SUPPORTED_PROTOCOLS); tests play an older or newer store */
  protocols?: ProtocolRange;
}

/** The store without its HTTPS front: what the CLI's admin commands work on. */
export interface OpenedCentral {
  dataDir: string;
  db: CentralDb;
  admin: CentralAdmin;
  /** privacy-policy versions (issue 14): the functions the admin's console operations call */
  policy: CentralPolicy;
  context: StoreContext;
  tls: { certPem: string; keyPem: string; caPem: string };
  /** the mail drop config.json names (`serve` reads it on a schedule), or null */
  mailDrop: { dir: string; intervalMinutes: number } | null;
  /** where signed checkpoints of the audit chain go (`serve` writes them on a schedule, `audit-checkpoint` on demand) */
  auditCheckpoints: CheckpointSink;
  /** the ops listener config.json names, or null */
  ops: { port: number; host?: string } | null;
  /** the log config.json names (its file resolved), or null */
  log: LogConfig | null;
  close(): Promise<void>;
}

/** Creates what is missing in the data directory (database, migrations, dev CA, pepper) and opens it. */
export async function openCentral(options: CentralOptions): Promise<OpenedCentral> {
  const material = await prepareDataDir(options.dataDir);
  const db = await openDatabase(material.database);
  const metrics = storeMetrics();
  const pool = poolStats(db);
  if (pool) observePool(metrics, pool);
  const context: StoreContext = {
    db,
    clock: options.clock ?? (() => new Date()),
    pepper: material.pepper,
    secondFactorKey: material.secondFactorKey,
    ca: material.ca,
    feed: inProcessChangeFeed(),
    sessionPolicy: options.sessionPolicy ?? material.config.sessionPolicy ?? DEFAULT_SESSION_POLICY,
    leadRetentionDays: options.leadRetentionDays ?? material.config.leadRetentionDays ?? DEFAULT_LEAD_RETENTION_DAYS,
    adjustmentApprovalAboveCents: options.adjustmentApprovalAboveCents ?? material.config.adjustmentApprovalAboveCents ?? DEFAULT_ADJUSTMENT_APPROVAL_ABOVE_CENTS,
    cardKeys: liveKeyring(material.cardKeyFile),
    heartbeatMs: options.heartbeatMs ?? LIVE_STREAM.heartbeatMs,
    protocols: options.protocols ?? SUPPORTED_PROTOCOLS,
    erasureLedgerFile: material.erasureLedgerFile,
    auditCheckpoints: material.auditCheckpoints,
    generation: await storeGeneration(db),
    mailRelay: material.mailRelay,
    metrics,
  };
  await reconcileLedger(db, material.erasureLedgerFile);
  return {
    dataDir: options.dataDir,
    db,
    admin: centralAdmin(context, { cardKeyFile: material.cardKeyFile, auditCheckpoints: material.auditCheckpoints }),
    policy: centralPolicy(context),
    context,
    tls: { ...material.server, caPem: material.ca.certPem },
    mailDrop: material.mailDrop,
    auditCheckpoints: material.auditCheckpoints,
    ops: material.config.ops ?? null,
    log: material.log,
    close: async () => {
      material.mailRelay?.close();
      await db.destroy();
    },
  };
}

export interface CentralStore {
  /** the API, for enrolled devices: e.g. https://127.0.0.1:8443 */
  url: string;
  /** enrolment, the one listener that takes a handshake without a device certificate: e.g. https://127.0.0.1:8444 */
  enrolmentUrl: string;
  /** the ops listener (plain HTTP: /metrics, health, readiness), e.g. http://127.0.0.1:9464, or null when not configured */
  opsUrl: string | null;
  /** the organisation CA: it signed the server certificate and signs device certificates */
  caPem: string;
  dataDir: string;
  /** for tests that inspect the store */
  db: CentralDb;
  admin: CentralAdmin;
  /** privacy-policy versions (issue 14) */
  policy: CentralPolicy;
  /** what monitoring reads: errors the store did not expect (each also logged, see http/internalErrors.ts) */
  metrics: { readonly internalErrors: number };
  close(): Promise<void>;
}

/** A checkpoint not written (its file's storage or its endpoint unreachable): logged by class and code, never what it would have held; tried again next interval. */
function checkpointFailed(log: StoreLog['log'], err: unknown): void {
  const code = (err as { code?: unknown } | null)?.code;
  log.error({ errorClass: err instanceof Error ? err.constructor.name : typeof err, errorCode: typeof code === 'string' ? code : null }, 'audit checkpoint not written');
}

/** The enrolment listener's port when none is given (domain/sync/protocol.ts), or any free one when the API's is. */
function defaultEnrolmentPort(port: number): number {
  return port === 0 ? 0 : port + ENROLMENT_PORT_OFFSET;
}

export async function startCentralStore(
  options: CentralOptions & {
    host?: string;
    port?: number;
    enrolmentPort?: number;
    /** structured logs (ops/log.ts), each field over config.json's `log`; none when neither is given */
    log?: LogConfig;
    /** where internal errors go (default: the log when there is one, else a JSON line on stderr) */
    errorLog?: InternalErrorLog;
    /** how often retained billing records past their retention are purged (default hourly; tests shorten it) */
    retentionPurgeMs?: number;
    /** how often the configured mail drop is read (default config `mailDropIntervalMinutes`; tests shorten it) */
    mailDropIntervalMs?: number;
    /** how often the audit chain's head is checkpointed (default config `auditCheckpoints.intervalMinutes`; tests shorten it) */
    checkpointIntervalMs?: number;
    /** the ops listener (/metrics, probes); each field over config.json's `ops`; off when neither names a port */
    ops?: { port?: number; host?: string };
    /** on close, how long the listeners keep serving while readiness says `shutting_down`, so that a load balancer drains the node first (default 0) */
    drainMs?: number;
  },
): Promise<CentralStore> {
  const central = await openCentral(options);
  const host = options.host ?? '127.0.0.1';
  const logs = storeLog(options.log || central.log ? { ...central.log, ...options.log } : null);
  const { log } = logs;
  log.info({ database: isPostgres(central.db) ? 'postgresql' : 'sqlite' }, 'central store starting');
  let watch: { stop(): Promise<void> } | null = null;
  let retention: RetentionSchedule | null = null;
  let mailDrop: MailDropSchedule | null = null;
  let checkpoints: CheckpointSchedule | null = null;
  const apps: FastifyInstance[] = [];
  // what was started, stopped in the order that leaves nothing writing: schedules, listeners, the database
  const stopParts = async () => {
    await watch?.stop();
    await retention?.stop();
    await mailDrop?.stop();
    await checkpoints?.stop();
    // each listener answers its requests in flight first (a push commits and is answered)
    await Promise.all(apps.map((a) => closeServer(a)));
    await central.close();
  };
  try {
    await prepareDecoy();
    // what the admin CLI (or another node) writes to the same database reaches the open streams
    watch = await watchStore(central.db, central.context.feed);
    // billing records kept after an erasure go when their retention ends: now, then every hour
    retention = await scheduleRetentionPurge(central.context, { intervalMs: options.retentionPurgeMs ?? RETENTION_PURGE_INTERVAL_MS });
    // email inquiries from the configured drop: now (not awaited), then every few minutes
    if (central.mailDrop) mailDrop = scheduleMailDrop(central.context, { dir: central.mailDrop.dir, intervalMs: options.mailDropIntervalMs ?? central.mailDrop.intervalMinutes * 60_000 });
    // the audit chain's head signed and written outside the database: now, then every interval (issue 16)
    checkpoints = scheduleCheckpoints(central.db, central.auditCheckpoints, central.context.clock, {
      intervalMs: options.checkpointIntervalMs ?? central.auditCheckpoints.intervalMinutes * 60_000,
      onError: (err) => checkpointFailed(log, err),
    });
    // an internal error's line holds its class and code, never its message (http/internalErrors.ts)
    const errorLog: InternalErrorLog = options.errorLog ?? (logs.enabled ? ({ code, ...entry }) => log.error({ ...entry, errorCode: code }, 'internal error') : stderrErrorLog);
    const internalErrors = new InternalErrors(errorLog, central.context.clock);
    const readiness = new Readiness(central.db);
    const app = await createHttpServer(central.context, central.tls, { log, internalErrors, readiness });
    const enrolment = await createEnrolmentServer(central.context, central.tls, { log, internalErrors, readiness });
    apps.push(app, enrolment);
    await app.listen({ host, port: options.port ?? 0 });
    const { port } = app.server.address() as { port: number };
    await enrolment.listen({ host, port: options.enrolmentPort ?? defaultEnrolmentPort(options.port ?? 0) });
    const enrolmentPort = (enrolment.server.address() as { port: number }).port;
    const origin = (p: number, h = host, scheme = 'https') => `${scheme}://${h.includes(':') ? `[${h}]` : h}:${p}`;
    let opsUrl: string | null = null;
    let closing: Promise<void> | undefined;
    const opsPort = options.ops?.port ?? central.ops?.port;
    if (opsPort !== undefined) {
      const opsHost = options.ops?.host ?? central.ops?.host ?? '127.0.0.1';
      observeProcess(central.context.metrics, () => internalErrors.count);
      const ops = await createOpsServer(central.context, readiness);
      apps.push(ops);
      await ops.listen({ host: opsHost, port: opsPort });
      opsUrl = origin((ops.server.address() as { port: number }).port, opsHost, 'http');
    }
    log.info({ api: origin(port), enrolment: origin(enrolmentPort), ops: opsUrl }, 'listening');
    return {
      url: origin(port),
      enrolmentUrl: origin(enrolmentPort),
      opsUrl,
      caPem: central.tls.caPem,
      dataDir: central.dataDir,
      db: central.db,
      admin: central.admin,
      policy: central.policy,
      metrics: {
        get internalErrors() {
          return internalErrors.count;
        },
      },
      close() {
        // once, however many callers ask (the CLI's signal and a test's dispose)
        closing ??= (async () => {
          log.info('stopping');
          readiness.markStopping();
          if (options.drainMs) await new Promise((resolve) => setTimeout(resolve, options.drainMs));
          await stopParts();
          log.info('stopped');
          logs.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await stopParts();
    log.error({ errorClass: err instanceof Error ? err.constructor.name : typeof err }, 'failed to start');
    logs.close();
    throw err;
  }
}
