import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { canonicalJson, IsoDateTime } from '../../domain';
import { appendDurably } from '../storage/appendDurably';
import type { CentralDb } from '../storage/schema';

/**
 * Checkpoints of the audit chain's head, signed and written outside the database (issue 16). The hash
 * chain alone shows an edited row only to someone who did not rebuild the chain after it, and shows
 * nothing of rows cut from its end; a checkpoint — the head's sequence number and hash, signed with
 * an Ed25519 key kept apart from the database and written where the operator chooses (an append-only
 * file on other storage, an HTTP endpoint) — does: `verify-audit` holds the chain against every
 * checkpoint (auditCheckpointVerify.ts). What happened since the last checkpoint is unprotected: the
 * interval is the stated exposure window. A restore writes a `restore` checkpoint, signed the same
 * way, so that a chain legitimately shorter than an earlier checkpoint verifies.
 */
export const CHECKPOINT_KINDS = ['checkpoint', 'restore'] as const;
export const AuditCheckpoint = z.strictObject({
  kind: z.enum(CHECKPOINT_KINDS),
  /** the head row's sequence number (0: an empty log) and hash ('' for an empty log) */
  seq: z.number().int().min(0),
  hash: z.string().regex(/^([0-9a-f]{64})?$/),
  at: IsoDateTime,
  /** which key signed it: the first 16 hex digits of its public key's SHA-256 */
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  /** Ed25519 over the canonical JSON of the fields above, base64 */
  sig: z.string().max(200),
});
export type AuditCheckpoint = z.infer<typeof AuditCheckpoint>;

/** Every 5 minutes by default: how long a tampering with the newest rows could go unnoticed. */
export const CHECKPOINT_INTERVAL_MINUTES = 5;

/** Where checkpoints go (config.json `auditCheckpoints`), resolved. */
export interface CheckpointSink {
  /** an append-only file, ideally on other storage than the database and its backups */
  file: string;
  /** an endpoint each checkpoint is also POSTed to as JSON (e.g. a write-once log service), or null */
  url: string | null;
  keyFile: string;
  intervalMinutes: number;
}

export interface CheckpointSigner {
  keyId: string;
  publicKey: KeyObject;
  sign(fields: Omit<AuditCheckpoint, 'sig'>): string;
}

export const keyIdOf = (publicKey: KeyObject) => createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
export const signedPart = (c: Omit<AuditCheckpoint, 'sig'> | AuditCheckpoint) => Buffer.from(canonicalJson({ kind: c.kind, seq: c.seq, hash: c.hash, at: c.at, keyId: c.keyId }));

/** The signing key, made on first use (PKCS#8 PEM, readable by the service account only). */
export function loadCheckpointSigner(keyFile: string): CheckpointSigner {
  if (!existsSync(keyFile)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    chmodSync(keyFile, 0o600);
  }
  const privateKey = createPrivateKey(readFileSync(keyFile, 'utf8'));
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  return { keyId, publicKey, sign: (fields) => sign(null, signedPart(fields), privateKey).toString('base64') };
}

/** The chain's head as committed now. */
export async function auditHead(db: CentralDb): Promise<{ seq: number; hash: string }> {
  const last = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return last ? { seq: Number(last.seq), hash: last.hash } : { seq: 0, hash: '' };
}

async function post(url: string, checkpoint: AuditCheckpoint): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(checkpoint), signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`the checkpoint endpoint answered ${res.status}`);
}

/** Signs the head as it is now and writes it to the file, then to the endpoint if one is configured. */
export async function writeCheckpoint(db: CentralDb, sink: CheckpointSink, now: Date, kind: AuditCheckpoint['kind'] = 'checkpoint'): Promise<AuditCheckpoint> {
  const signer = loadCheckpointSigner(sink.keyFile);
  const head = await auditHead(db);
  const fields = { kind, ...head, at: now.toISOString(), keyId: signer.keyId };
  const checkpoint = { ...fields, sig: signer.sign(fields) };
  appendDurably(sink.file, `${JSON.stringify(checkpoint)}\n`);
  if (sink.url) await post(sink.url, checkpoint);
  return checkpoint;
}

/** The checkpoints in a file, in order, each with its line number; a line that is not one is reported by its number. */
export function readCheckpoints(file: string): { checkpoints: { line: number; checkpoint: AuditCheckpoint }[]; unreadable: number[] } {
  if (!existsSync(file)) return { checkpoints: [], unreadable: [] };
  const checkpoints: { line: number; checkpoint: AuditCheckpoint }[] = [];
  const unreadable: number[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (text.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = null;
      }
      const parsed = AuditCheckpoint.safeParse(value);
      if (parsed.success) checkpoints.push({ line: i + 1, checkpoint: parsed.data });
      else unreadable.push(i + 1);
    });
  return { checkpoints, unreadable };
}

export interface CheckpointSchedule {
  stop(): Promise<void>;
}

/**
 * `serve` checkpoints the head now and then every interval, when it moved since the last one this
 * process wrote. A failed write (the file's storage or the endpoint unreachable) is reported and
 * tried again at the next interval.
 */
export function scheduleCheckpoints(db: CentralDb, sink: CheckpointSink, clock: () => Date, options: { intervalMs: number; onError: (err: unknown) => void }): CheckpointSchedule {
  let last: string | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running.then(async () => {
      try {
        const head = await auditHead(db);
        const key = `${head.seq}:${head.hash}`;
        if (key === last) return;
        await writeCheckpoint(db, sink, clock());
        last = key;
      } catch (err) {
        options.onError(err);
      }
    });
  };
  tick();
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
