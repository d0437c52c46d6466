import { createHash, randomInt, randomUUID } from 'node:crypto';
import { CareDeskError, type EnrolRequest, type EnrolResponse } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import { certificateFingerprint, readCertificateRequest, signDeviceCertificate } from '../pki/certificates';
import { inTransaction } from '../storage/database';
import type { CentralDb } from '../storage/schema';
import { revokeSessions } from './sessions';

/**
 * Workstations prove themselves with a device certificate (mutual TLS). An admin hands out a
 * one-time enrolment code; the workstation sends it with a certificate request and gets its
 * certificate. Codes are stored only hashed, with a use count and an expiry.
 */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789'; // no 0/O, 1/I/L: codes are read aloud and typed

function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

function codeHash(code: string): string {
  return createHash('sha256').update(normaliseCode(code)).digest('hex');
}

export async function createEnrolmentCode(ctx: Pick<StoreContext, 'db' | 'clock'>, options: { uses?: number; hours?: number } = {}): Promise<string> {
  const uses = options.uses ?? 1;
  const hours = options.hours ?? 24;
  if (!Number.isInteger(uses) || uses < 1 || uses > 1000) throw new CareDeskError('validation', 'uses must be 1 to 1000', [{ field: 'uses', rule: 'range', message: '1 to 1000' }]);
  if (!(hours > 0 && hours <= 24 * 30)) throw new CareDeskError('validation', 'hours must be above 0 and at most 720', [{ field: 'hours', rule: 'range', message: 'up to 30 days' }]);
  const now = ctx.clock();
  // 16 symbols of 30: about 78 bits, beyond online guessing without a rate limit
  const symbols = Array.from({ length: 16 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  const code = symbols.match(/.{4}/g)!.join('-');
  const expiresAt = new Date(now.getTime() + hours * 3_600_000).toISOString();
  await ctx.db.insertInto('enrolment_codes').values({ code_hash: codeHash(code), uses_left: uses, expires_at: expiresAt, created_at: now.toISOString() }).execute();
  return code;
}

export async function enrolDevice(ctx: Pick<StoreContext, 'db' | 'clock' | 'ca'>, request: EnrolRequest): Promise<EnrolResponse> {
  const csr = await readCertificateRequest(request.csrPem);
  const deviceId = randomUUID();
  // certificates are checked against real time by TLS peers, so they are dated by it
  const certificatePem = await signDeviceCertificate(ctx.ca, csr, deviceId, new Date());
  const now = ctx.clock();
  const enrolled = await inTransaction(ctx.db, async (tx) => {
    const used = await tx
      .updateTable('enrolment_codes')
      .set((eb) => ({ uses_left: eb('uses_left', '-', 1) }))
      .where('code_hash', '=', codeHash(request.code))
      .where('uses_left', '>', 0)
      .where('expires_at', '>', now.toISOString())
      .executeTakeFirst();
    if (!used.numUpdatedRows) {
      await appendAudit(tx, now, { action: 'device.enrolled', outcome: 'denied', detail: 'enrolment code invalid, expired or used up' });
      return false;
    }
    await tx
      .insertInto('devices')
      .values({ id: deviceId, name: request.deviceName, certificate_fingerprint: certificateFingerprint(certificatePem), certificate_pem: certificatePem, enrolled_at: now.toISOString(), revoked_at: null })
      .execute();
    await appendAudit(tx, now, { action: 'device.enrolled', outcome: 'ok', deviceId, detail: request.deviceName });
    return true;
  });
  if (!enrolled) {
    throw new CareDeskError('forbidden', 'the enrolment code is not valid, has expired or is used up', [
      { field: 'code', rule: 'enrolment.code', message: 'not valid, expired or used up' },
    ]);
  }
  return { deviceId, certificatePem, caPem: ctx.ca.certPem };
}

/** The enrolled, unrevoked device holding the certificate with this fingerprint. */
export async function deviceByFingerprint(db: CentralDb, fingerprint: string): Promise<{ id: string; name: string } | undefined> {
  return db.selectFrom('devices').select(['id', 'name']).where('certificate_fingerprint', '=', fingerprint).where('revoked_at', 'is', null).executeTakeFirst();
}

/** A lost or retired workstation: its certificate stops working at once, and its sessions end. */
export async function revokeDevice(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, deviceId: string): Promise<void> {
  const result = await ctx.db.updateTable('devices').set({ revoked_at: ctx.clock().toISOString() }).where('id', '=', deviceId).where('revoked_at', 'is', null).executeTakeFirst();
  if (!result.numUpdatedRows) throw new CareDeskError('not_found', 'no such enrolled device');
  await revokeSessions(ctx, { deviceId }, 'device', 'device revoked');
}
