import { createHash, randomInt, randomUUID } from 'node:crypto';
import { CareDeskError, type EnrolRequest, type EnrolResponse } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import { certificateFingerprint, readCertificateRequest, signDeviceCertificate } from '../pki/certificates';
import { inTransaction } from '../storage/database';
import type { CentralDb } from '../storage/schema';
import { assertNotThrottled, failureAuditDetail, recentEnrolmentFailures, recordEnrolmentFailure } from './enrolmentThrottle';
import { endSessions } from './sessions';
import type { Operator } from '../admin/operator';

/**
 * Workstations prove themselves with a device certificate (mutual TLS). An admin hands out a
 * short-lived enrolment code (one use unless asked otherwise); the workstation sends it with a
 * certificate request and gets its certificate. Codes are stored only hashed, with a use count
 * and an expiry.
 */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789'; // no 0/O, 1/I/L: codes are read aloud and typed

function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

function codeHash(code: string): string {
  return createHash('sha256').update(normaliseCode(code)).digest('hex');
}

/**
 * A code for one workstation (or `uses`), `hours` long, in the caller's transaction when it has one
 * (with its audit row). The code is returned once, with when it ends; only its hash is stored.
 */
export async function createEnrolmentCode(db: CentralDb, now: Date, options: { uses?: number; hours?: number } = {}): Promise<{ code: string; expiresAt: string }> {
  const uses = options.uses ?? 1;
  const hours = options.hours ?? 24;
  if (!Number.isInteger(uses) || uses < 1 || uses > 1000) throw new CareDeskError('validation', 'uses must be 1 to 1000', [{ field: 'uses', rule: 'range', message: '1 to 1000' }]);
  if (!(hours > 0 && hours <= 24 * 30)) throw new CareDeskError('validation', 'hours must be above 0 and at most 720', [{ field: 'hours', rule: 'range', message: 'up to 30 days' }]);
  // 16 symbols of 30: about 78 bits, beyond online guessing without a rate limit
  const symbols = Array.from({ length: 16 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  const code = symbols.match(/.{4}/g)!.join('-');
  const expiresAt = new Date(now.getTime() + hours * 3_600_000).toISOString();
  await db.insertInto('enrolment_codes').values({ code_hash: codeHash(code), uses_left: uses, expires_at: expiresAt, created_at: now.toISOString() }).execute();
  return { code, expiresAt };
}

const codeRefused = () =>
  new CareDeskError('forbidden', 'the enrolment code is not valid, has expired or is used up', [
    { field: 'code', rule: 'enrolment.code', message: 'not valid, expired or used up' },
  ]);

/**
 * Enrols a workstation. The code is checked first, against the rate limit of its source address
 * (`source`, the client IP): nobody without a usable code makes the store parse a certificate
 * request or sign anything, and a flood of guesses writes a few audit rows, not one each
 * (enrolmentThrottle.ts). Every enrolment that succeeds is audited with its device id.
 */
export async function enrolDevice(ctx: Pick<StoreContext, 'db' | 'clock' | 'ca'>, request: EnrolRequest, source: string): Promise<EnrolResponse> {
  const now = ctx.clock();
  const failures = await recentEnrolmentFailures(ctx.db, source, now);
  assertNotThrottled(failures);
  const hash = codeHash(request.code);
  const usable = await ctx.db
    .selectFrom('enrolment_codes')
    .select('code_hash')
    .where('code_hash', '=', hash)
    .where('uses_left', '>', 0)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  if (!usable) {
    await inTransaction(ctx.db, async (tx) => {
      await recordEnrolmentFailure(tx, source, now);
      const detail = failureAuditDetail(source, failures);
      if (detail) await appendAudit(tx, now, { action: 'device.enrolled', outcome: 'denied', detail });
    });
    throw codeRefused();
  }

  const csr = await readCertificateRequest(request.csrPem);
  const deviceId = randomUUID();
  // certificates are checked against real time by TLS peers, so they are dated by it
  const certificatePem = await signDeviceCertificate(ctx.ca, csr, deviceId, new Date());
  const enrolled = await inTransaction(ctx.db, async (tx) => {
    // the code is taken only now, so a certificate request that fails to parse does not use it up
    const used = await tx
      .updateTable('enrolment_codes')
      .set((eb) => ({ uses_left: eb('uses_left', '-', 1) }))
      .where('code_hash', '=', hash)
      .where('uses_left', '>', 0)
      .where('expires_at', '>', now.toISOString())
      .executeTakeFirst();
    if (!used.numUpdatedRows) {
      await appendAudit(tx, now, { action: 'device.enrolled', outcome: 'denied', detail: `enrolment code used up by another workstation meanwhile (from ${source})` });
      return false;
    }
    await tx
      .insertInto('devices')
      .values({ id: deviceId, name: request.deviceName, certificate_fingerprint: certificateFingerprint(certificatePem), certificate_pem: certificatePem, enrolled_at: now.toISOString(), revoked_at: null })
      .execute();
    await appendAudit(tx, now, { action: 'device.enrolled', outcome: 'ok', deviceId, entity: 'device', entityId: deviceId, detail: `${request.deviceName} (from ${source})` });
    return true;
  });
  if (!enrolled) throw codeRefused();
  return { deviceId, certificatePem, caPem: ctx.ca.certPem };
}

/** The enrolled, unrevoked device holding the certificate with this fingerprint. */
export async function deviceByFingerprint(db: CentralDb, fingerprint: string): Promise<{ id: string; name: string } | undefined> {
  return db.selectFrom('devices').select(['id', 'name']).where('certificate_fingerprint', '=', fingerprint).where('revoked_at', 'is', null).executeTakeFirst();
}

export interface DeviceRevocation {
  device: DeviceListing;
  /** false when the device had already been revoked */
  changed: boolean;
  sessionsEnded: number;
}

/**
 * A lost or retired workstation: its certificate stops working from the next request, its sessions
 * end with a `device` revocation (an open event stream is told within seconds, whichever process
 * revoked it), and the workstation wipes every cache and its keys. One transaction with its audit row.
 */
export async function revokeDevice(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, deviceId: string, operator: Operator): Promise<DeviceRevocation> {
  const now = ctx.clock();
  const outcome = await inTransaction(ctx.db, async (tx) => {
    const row = await tx.selectFrom('devices').select(['id', 'name', 'enrolled_at', 'revoked_at']).where('id', '=', deviceId).executeTakeFirst();
    if (!row) throw new CareDeskError('not_found', `no such device: ${deviceId}`);
    const device: DeviceListing = { id: row.id, name: row.name, enrolledAt: row.enrolled_at, lastSignInAt: null, revokedAt: row.revoked_at };
    if (row.revoked_at !== null) return { device, changed: false, revocation: null };
    await tx.updateTable('devices').set({ revoked_at: now.toISOString() }).where('id', '=', deviceId).execute();
    const revocation = await endSessions(tx, now, { deviceId }, 'device', 'device revoked');
    // the row's device is the one revoked (as it always was); who revoked it is its user, or the detail for the CLI
    await appendAudit(tx, now, {
      action: 'device.revoked',
      outcome: 'ok',
      userId: operator.userId,
      role: operator.role,
      deviceId,
      entity: 'device',
      entityId: deviceId,
      detail: `${row.name} revoked by ${operator.by}; ${revocation?.sessions.length ?? 0} live session(s) ended`,
    });
    return { device: { ...device, revokedAt: now.toISOString() }, changed: true, revocation };
  });
  if (outcome.revocation) ctx.feed.publish({ kind: 'revoked', ...outcome.revocation });
  return { device: outcome.device, changed: outcome.changed, sessionsEnded: outcome.revocation?.sessions.length ?? 0 };
}

export interface DeviceListing {
  id: string;
  name: string;
  enrolledAt: string;
  /** the last sign-in on the device, when there was one */
  lastSignInAt: string | null;
  revokedAt: string | null;
}

/** Every enrolled device, oldest first, with its last sign-in (the store records no other contact). */
export async function listDevices(db: CentralDb): Promise<DeviceListing[]> {
  const lastSignIn = db.selectFrom('sessions').select((eb) => ['device_id', eb.fn.max('created_at').as('at')]).groupBy('device_id').as('last_sign_in');
  const rows = await db
    .selectFrom('devices')
    .leftJoin(lastSignIn, 'last_sign_in.device_id', 'devices.id')
    .select(['devices.id', 'devices.name', 'devices.enrolled_at', 'devices.revoked_at', 'last_sign_in.at'])
    .orderBy('devices.enrolled_at')
    .orderBy('devices.id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, enrolledAt: r.enrolled_at, lastSignInAt: r.at ?? null, revokedAt: r.revoked_at }));
}
