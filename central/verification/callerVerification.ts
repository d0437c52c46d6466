import { randomUUID } from 'node:crypto';
import { CareDeskError, Id, mayWriteAny, parseOrThrow, type VerifyRequest, type VerifyResponse } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction } from '../storage/database';
import type { CentralDb } from '../storage/schema';
import { answerMatches } from './callerSecrets';

/**
 * Caller verification (policy: "customers may correct … by phoning customer service"): before a
 * rep changes a caller's record, the caller answers a question only the customer can. Guessing is
 * limited per customer across all reps, so a caller cannot try rep after rep.
 */
export const CALLER_VERIFICATION = {
  maxFailures: 3,
  windowMs: 15 * 60_000,
  /** how long a successful verification covers edits of that customer */
  validityMs: 30 * 60_000,
  /** how far a workstation's clock may run ahead of the store's */
  clockSkewMs: 2 * 60_000,
} as const;

export async function verifyCaller(
  ctx: Pick<StoreContext, 'db' | 'clock' | 'pepper'>,
  session: SessionContext,
  customerIdParam: string,
  request: VerifyRequest,
): Promise<VerifyResponse> {
  const { user } = session;
  // only roles that may change a customer record talk to callers about it
  if (!mayWriteAny('customer', user.role)) throw new CareDeskError('forbidden', `the ${user.role} role does not verify callers`);
  const customerId = parseOrThrow(Id, customerIdParam, ['customerId']);
  const secrets = await ctx.db.selectFrom('caller_secrets').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
  if (!secrets) throw new CareDeskError('not_found', 'no such customer, or no verification answers on file');

  const now = ctx.clock();
  const audit = { action: 'caller.verification', userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'customer', entityId: customerId, customerId, detail: `method ${request.method}` } as const;
  return inTransaction(ctx.db, async (tx) => {
    const since = new Date(now.getTime() - CALLER_VERIFICATION.windowMs).toISOString();
    const { n } = await tx
      .selectFrom('verifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('customer_id', '=', customerId)
      .where('verified', '=', 0)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    const failures = Number(n);
    if (failures >= CALLER_VERIFICATION.maxFailures) {
      await appendAudit(tx, now, { ...audit, outcome: 'denied', detail: `${audit.detail}; attempts exhausted` });
      return { verified: false, attemptsLeft: 0, verificationId: null, validUntil: null };
    }
    const verified = answerMatches(ctx.pepper, secrets, request.method, request.answer);
    const id = randomUUID();
    await tx
      .insertInto('verifications')
      .values({ id, customer_id: customerId, user_id: user.id, device_id: session.deviceId, method: request.method, verified: verified ? 1 : 0, at: now.toISOString() })
      .execute();
    await appendAudit(tx, now, { ...audit, outcome: verified ? 'ok' : 'failed' });
    if (!verified) return { verified: false, attemptsLeft: CALLER_VERIFICATION.maxFailures - failures - 1, verificationId: null, validUntil: null };
    return {
      verified: true,
      attemptsLeft: CALLER_VERIFICATION.maxFailures - failures,
      verificationId: id,
      validUntil: new Date(now.getTime() + CALLER_VERIFICATION.validityMs).toISOString(),
    };
  });
}

/**
 * Whether `verificationId` is a successful verification by this user of this customer, made at most
 * 30 minutes before the edit was made on the workstation. `createdAt` is the workstation's, so an
 * edit made offline right after a verification still counts; one dated in the future does not.
 */
export async function verificationCovers(
  db: CentralDb,
  check: { verificationId: string | null; userId: string; customerId: string | null; createdAt: string; now: Date },
): Promise<boolean> {
  if (!check.verificationId || !check.customerId) return false;
  const row = await db
    .selectFrom('verifications')
    .select('at')
    .where('id', '=', check.verificationId)
    .where('user_id', '=', check.userId)
    .where('customer_id', '=', check.customerId)
    .where('verified', '=', 1)
    .executeTakeFirst();
  if (!row) return false;
  const editedAt = Date.parse(check.createdAt);
  const verifiedAt = Date.parse(row.at);
  const { clockSkewMs, validityMs } = CALLER_VERIFICATION;
  return editedAt <= check.now.getTime() + clockSkewMs && verifiedAt <= editedAt + clockSkewMs && editedAt - verifiedAt <= validityMs;
}
