import { randomUUID } from 'node:crypto';
import { CareDeskError, Id, OPERATIONS, PolicyError, callerNotVerified, mayPerform, needsVerifiedCaller, parseOrThrow, type OnlineOperationName, type Role, type VerificationAttempts, type VerifyRequest, type VerifyResponse } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction, type Tx } from '../storage/database';
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
  /** how long a successful verification covers edits of that customer, by the store's clock */
  validityMs: 30 * 60_000,
  /**
   * How much later than `validityMs` an edit may still ARRIVE and be applied: one saved just before
   * the window closed while the link blinked. The desk retries a failed push at most every 15 s
   * (sync/engine.ts), so this covers two retries. Kept short on purpose: the desk can date an edit as
   * it likes, so a longer outage is a supervisor's call (held for review), never the desk's word.
   */
  outageGraceMs: 30_000,
} as const;

export async function verifyCaller(
  ctx: Pick<StoreContext, 'db' | 'clock' | 'pepper'>,
  session: SessionContext,
  customerIdParam: string,
  request: VerifyRequest,
): Promise<VerifyResponse> {
  const { user } = session;
  if (!mayPerform('customer.verifyCaller', user.role)) throw new CareDeskError('forbidden', `the ${user.role} role does not verify callers`);
  const customerId = parseOrThrow(Id, customerIdParam, ['customerId']);
  const secrets = await ctx.db.selectFrom('caller_secrets').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
  if (!secrets) throw new CareDeskError('not_found', 'no such customer, or no verification answers on file');

  const now = ctx.clock();
  const audit = { action: 'caller.verification', userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'customer', entityId: customerId, customerId, detail: `method ${request.method}` } as const;
  return inTransaction(ctx.db, async (tx) => {
    const failures = (await recentFailures(tx, customerId, now)).length;
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

/** The times of this customer's failed attempts still counted at `now` (within `windowMs`), newest first. */
async function recentFailures(db: CentralDb | Tx, customerId: string, now: Date): Promise<string[]> {
  const since = new Date(now.getTime() - CALLER_VERIFICATION.windowMs).toISOString();
  const rows = await db.selectFrom('verifications').select('at').where('customer_id', '=', customerId).where('verified', '=', 0).where('at', '>', since).orderBy('at', 'desc').execute();
  return rows.map((r) => r.at);
}

/**
 * A customer's attempts left now, before anyone asks the caller anything (the count is per customer
 * across all users: no desk can know it alone), and at 0 until when: the moment the oldest failure
 * that still locks leaves the window. A read for the roles that verify callers; not audited (it is a
 * count, no answer is checked).
 */
export async function verificationAttempts(ctx: Pick<StoreContext, 'db' | 'clock'>, session: SessionContext, customerIdParam: string): Promise<VerificationAttempts> {
  if (!mayPerform('customer.verifyCaller', session.user.role)) throw new CareDeskError('forbidden', `the ${session.user.role} role does not verify callers`);
  const customerId = parseOrThrow(Id, customerIdParam, ['customerId']);
  const secrets = await ctx.db.selectFrom('caller_secrets').select('customer_id').where('customer_id', '=', customerId).executeTakeFirst();
  if (!secrets) throw new CareDeskError('not_found', 'no such customer, or no verification answers on file');
  const now = ctx.clock();
  const failures = await recentFailures(ctx.db, customerId, now);
  const { maxFailures, windowMs } = CALLER_VERIFICATION;
  if (failures.length < maxFailures) return { attemptsLeft: maxFailures - failures.length, lockedUntil: null };
  return { attemptsLeft: 0, lockedUntil: new Date(Date.parse(failures[maxFailures - 1]!) + windowMs).toISOString() };
}

/** What a verification says about an edit that arrives now: covers it, ran out before it arrived, or none. */
export type VerificationCoverage = { covered: true; verifiedAt: string } | { covered: false; expired: true; verifiedAt: string } | { covered: false; expired: false };

/**
 * Whether `verificationId` is a successful verification by this user of this customer that covers
 * an edit the store receives at `receivedAt` (the store's own clock): made at most `validityMs` plus
 * `outageGraceMs` before. The desk's `createdAt` plays no part: a hostile or mistaken desk could
 * backdate it (an edit pushed long after the call, dated within the window) or date it in the future.
 * A real verification that ran out is `expired`, which the push holds for review instead of applying.
 * `graceMs` is the outage grace of a pushed edit; an online call (`checkCaller`) gets none.
 */
export async function verificationCoverage(
  db: CentralDb,
  check: { verificationId: string | null; userId: string; customerId: string | null; receivedAt: Date },
  { graceMs = CALLER_VERIFICATION.outageGraceMs }: { graceMs?: number } = {},
): Promise<VerificationCoverage> {
  if (!check.verificationId || !check.customerId) return { covered: false, expired: false };
  const row = await db
    .selectFrom('verifications')
    .select('at')
    .where('id', '=', check.verificationId)
    .where('user_id', '=', check.userId)
    .where('customer_id', '=', check.customerId)
    .where('verified', '=', 1)
    .executeTakeFirst();
  if (!row) return { covered: false, expired: false };
  const age = check.receivedAt.getTime() - Date.parse(row.at);
  if (age <= CALLER_VERIFICATION.validityMs + graceMs) return { covered: true, verifiedAt: row.at };
  return { covered: false, expired: true, verifiedAt: row.at };
}

/** A verification sent with an online call, judged now: it covers the call (made at `verifiedAt`), or why not, in the words a refusal carries. */
export type OnlineVerification = { ok: true; verifiedAt: string } | { ok: false; why: string };

/**
 * Whether `verificationId` is this user's successful verification of `customerId` made at most
 * `validityMs` before `now` by the store's clock, with no outage grace: an online call reaches the
 * store as it is made, it never waits in an outbox. The one judgement of every online call made
 * for a caller on the line (`checkCaller`, a held edit's release).
 */
export async function onlineVerification(db: CentralDb | Tx, check: { verificationId: string | null; userId: string; customerId: string; now: Date }): Promise<OnlineVerification> {
  const { verificationId, now } = check;
  const coverage = await verificationCoverage(db, { verificationId, userId: check.userId, customerId: check.customerId, receivedAt: now }, { graceMs: 0 });
  if (coverage.covered) return { ok: true, verifiedAt: coverage.verifiedAt };
  const why = !verificationId
    ? 'no caller verification sent'
    : coverage.expired
      ? `the caller was verified ${Math.floor((now.getTime() - Date.parse(coverage.verifiedAt)) / 60_000)} minutes ago; a verification covers ${CALLER_VERIFICATION.validityMs / 60_000}`
      : 'not a successful verification of this customer by this user';
  return { ok: false, why };
}

/** An online operation done on a call, as the store judged its caller: the verification to record with it (null: none needed), or why it is refused. */
export type CallerCheck = { ok: true; verificationId: string | null } | { ok: false; error: PolicyError; why: string };

/**
 * The check of an online operation declared `verifiedCaller` (domain/operations.ts), made before it
 * changes anything: when `needsVerifiedCaller` says so for this role and input, `verificationId` must
 * be this user's successful verification of `customerId` — the customer the store finds the record
 * belongs to, never the desk's word — made at most `validityMs` before now by the store's clock. No
 * outage grace: an online call reaches the store as it is made, it never waits in an outbox.
 */
export async function checkCaller(
  db: CentralDb,
  name: OnlineOperationName,
  who: { userId: string; role: Role },
  customerId: string,
  input: Record<string, unknown> & { verificationId?: string | null },
  now: Date,
): Promise<CallerCheck> {
  const op = OPERATIONS[name];
  if (!needsVerifiedCaller(op, who.role, input)) return { ok: true, verificationId: null };
  const verificationId = input.verificationId ?? null;
  const judged = await onlineVerification(db, { verificationId, userId: who.userId, customerId, now });
  if (judged.ok) return { ok: true, verificationId };
  const issue = callerNotVerified(op);
  return { ok: false, why: judged.why, error: new PolicyError(`Not done: ${issue.message} (${judged.why}).`, [issue]) };
}

/** Whether `userId` verified this customer's caller within a verification's window before `now` (a reply that discloses account data needs it). */
export async function verifiedRecently(db: CentralDb | Tx, userId: string, customerId: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - CALLER_VERIFICATION.validityMs).toISOString();
  const row = await db.selectFrom('verifications').select('id').where('user_id', '=', userId).where('customer_id', '=', customerId).where('verified', '=', 1).where('at', '>=', since).executeTakeFirst();
  return row !== undefined;
}

/** An erased customer's verification answers (their hashes) and the record of each verification go. */
export async function forgetCaller(tx: Tx, customerId: string): Promise<void> {
  await tx.deleteFrom('caller_secrets').where('customer_id', '=', customerId).execute();
  await tx.deleteFrom('verifications').where('customer_id', '=', customerId).execute();
}

