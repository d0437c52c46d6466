import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import { CareDeskError, SECOND_FACTOR_CHALLENGE_MINUTES, TOTP, type SecondFactorChallenge, type SecondFactorRequest, type SecondFactorSignIn, type User } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import { inTransaction, type Tx } from '../storage/database';
import { activeLockout, lockedOut, recordFailure } from './lockouts';
import { challengeHash, newRecoveryCodes, openSecret, recoveryCodeHash, sealSecret } from './secondFactorSecrets';
import { openSession, userDisabled } from './sessions';
import { userOf } from './users';

/**
 * The second step of a sign-in for the roles that need a second factor (domain/secondFactor.ts).
 * The password step leaves a challenge: a random token, stored only hashed, bound to the user and
 * the device, valid for a few minutes, good for nothing but this step (a bearer token it is not:
 * `authenticate` reads sessions only). The step takes the code of the moment (RFC 6238, one step of
 * drift either way), or one unused recovery code. At enrolment the challenge carries the secret
 * offered, and the first good code of it makes it the user's, with ten recovery codes shown once.
 */
type Deps = Pick<StoreContext, 'db' | 'clock' | 'sessionPolicy' | 'secondFactorKey'>;

const CHALLENGE_MS = SECOND_FACTOR_CHALLENGE_MINUTES * 60_000;

/** After the password: a challenge, and at enrolment the secret to add to an authenticator app. */
export async function beginSecondFactor(ctx: Deps, user: User, deviceId: string): Promise<SecondFactorChallenge> {
  const now = ctx.clock();
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + CHALLENGE_MS).toISOString();
  const enrolled = await ctx.db.selectFrom('second_factors').select('user_id').where('user_id', '=', user.id).executeTakeFirst();
  const secret = enrolled ? null : generateSecret();
  await inTransaction(ctx.db, async (tx) => {
    // expired challenges go as new ones come
    await tx.deleteFrom('sign_in_challenges').where('expires_at', '<=', now.toISOString()).execute();
    await tx
      .insertInto('sign_in_challenges')
      .values({ token_hash: challengeHash(token), user_id: user.id, device_id: deviceId, created_at: now.toISOString(), expires_at: expiresAt, used_at: null, enrol_secret_sealed: secret ? sealSecret(ctx.secondFactorKey, user.id, secret) : null })
      .execute();
  });
  return {
    secondFactor: {
      challenge: token,
      expiresAt,
      enrol: secret ? { secret, otpauthUri: generateURI({ issuer: TOTP.issuer, label: user.username, secret, digits: TOTP.digits, period: TOTP.periodSeconds }) } : null,
    },
  };
}

function challengeRefused(): CareDeskError {
  return new CareDeskError('unauthenticated', 'this sign-in has expired or was already used: sign in again with your password');
}

/** Whether `code` is a code of `secret` at `now`, after the step last accepted: the step it was, or null. */
async function totpStep(secret: string, code: string, now: Date, afterStep: number): Promise<number | null> {
  const result = await verify({ secret, token: code, epoch: Math.floor(now.getTime() / 1000), epochTolerance: TOTP.toleranceSeconds, period: TOTP.periodSeconds, digits: TOTP.digits, afterTimeStep: afterStep });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/**
 * The second step: the challenge and a code (or a recovery code). A wrong, replayed or expired code
 * is refused and counts toward the lockout; a locked username is refused whatever it sends.
 */
export async function finishSecondFactor(ctx: Deps, request: SecondFactorRequest, deviceId: string): Promise<SecondFactorSignIn> {
  const now = ctx.clock();
  const hash = challengeHash(request.challenge);
  const challenge = await ctx.db.selectFrom('sign_in_challenges').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  // another device's challenge is as unknown as a made-up one
  if (!challenge || challenge.device_id !== deviceId || challenge.used_at !== null || challenge.expires_at <= now.toISOString()) throw challengeRefused();
  const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', challenge.user_id).executeTakeFirst();
  if (!row) throw challengeRefused();
  const user = userOf(row);
  if (user.status !== 'active') throw userDisabled();
  if (await activeLockout(ctx.db, user.username, now)) {
    await inTransaction(ctx.db, (tx) => appendAudit(tx, now, { action: 'session.sign_in_failed', outcome: 'denied', userId: user.id, role: user.role, deviceId, detail: `locked out: ${user.username}` }));
    throw lockedOut();
  }
  const enrolSecret = challenge.enrol_secret_sealed ? openSecret(ctx.secondFactorKey, user.id, challenge.enrol_secret_sealed) : null;
  const signedIn = await inTransaction(ctx.db, async (tx) => {
    const accepted = enrolSecret ? await confirmEnrolment(tx, ctx, user, enrolSecret, request, now) : await acceptCode(tx, ctx, user, request, now);
    if (!accepted) return null;
    // used once: a second request with the same challenge (a race, a replay) is refused and its work rolled back
    const used = await tx.updateTable('sign_in_challenges').set({ used_at: now.toISOString() }).where('token_hash', '=', hash).where('used_at', 'is', null).executeTakeFirst();
    if (!Number(used.numUpdatedRows)) throw challengeRefused();
    const session = await openSession(tx, ctx, user, deviceId, now, accepted.how);
    return { ...session, ...(accepted.recoveryCodes ? { recoveryCodes: accepted.recoveryCodes } : {}) };
  });
  if (signedIn) return signedIn;
  // a wrong code leaves the challenge usable until it expires (typing a code again needs no password), and counts
  const locked = await inTransaction(ctx.db, async (tx) => {
    await appendAudit(tx, now, { action: 'session.sign_in_failed', outcome: 'failed', userId: user.id, role: user.role, deviceId, detail: `${user.username}: wrong, expired or reused ${'recoveryCode' in request ? 'recovery code' : 'code'}` });
    return recordFailure(tx, now, { username: user.username, kind: 'code', userId: user.id, role: user.role, deviceId });
  });
  if (locked) throw lockedOut();
  throw new CareDeskError('unauthenticated', 'that code is not right, or was already used: enter the code your authenticator app shows now', [
    { field: 'recoveryCode' in request ? 'recoveryCode' : 'code', rule: 'second_factor.wrong', message: 'wrong, expired or already used' },
  ]);
}

type Accepted = { how: string; recoveryCodes?: string[] } | null;

/** A code of the user's secret newer than the last one accepted, or one of their unused recovery codes. */
async function acceptCode(tx: Tx, ctx: Deps, user: User, request: SecondFactorRequest, now: Date): Promise<Accepted> {
  if ('recoveryCode' in request) {
    const spent = await tx
      .updateTable('recovery_codes')
      .set({ used_at: now.toISOString() })
      .where('code_hash', '=', recoveryCodeHash(ctx.secondFactorKey, request.recoveryCode))
      .where('user_id', '=', user.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (!Number(spent.numUpdatedRows)) return null;
    const left = await tx.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', user.id).where('used_at', 'is', null).executeTakeFirstOrThrow();
    return { how: `with a recovery code (${Number(left.n)} left)` };
  }
  const factor = await tx.selectFrom('second_factors').selectAll().where('user_id', '=', user.id).executeTakeFirst();
  // reset by an administrator since the password step: enrol again
  if (!factor) return null;
  const step = await totpStep(openSecret(ctx.secondFactorKey, user.id, factor.secret_sealed), request.code, now, Number(factor.last_step));
  if (step === null) return null;
  // the replay check again, in the write: two requests racing with one code, one wins
  const kept = await tx.updateTable('second_factors').set({ last_step: step }).where('user_id', '=', user.id).where('last_step', '<', step).executeTakeFirst();
  return Number(kept.numUpdatedRows) ? { how: 'with a code' } : null;
}

/** The first good code of the secret offered makes it the user's, with new recovery codes (the old ones go). */
async function confirmEnrolment(tx: Tx, ctx: Deps, user: User, secret: string, request: SecondFactorRequest, now: Date): Promise<Accepted> {
  if (!('code' in request)) return null;
  const step = await totpStep(secret, request.code, now, 0);
  if (step === null) return null;
  // enrolled meanwhile on another desk: this offer is void
  const existing = await tx.selectFrom('second_factors').select('user_id').where('user_id', '=', user.id).executeTakeFirst();
  if (existing) return null;
  await tx.insertInto('second_factors').values({ user_id: user.id, secret_sealed: sealSecret(ctx.secondFactorKey, user.id, secret), enrolled_at: now.toISOString(), last_step: step }).execute();
  await tx.deleteFrom('recovery_codes').where('user_id', '=', user.id).execute();
  const codes = newRecoveryCodes();
  await tx.insertInto('recovery_codes').values(codes.map((code) => ({ code_hash: recoveryCodeHash(ctx.secondFactorKey, code), user_id: user.id, created_at: now.toISOString(), used_at: null }))).execute();
  await appendAudit(tx, now, { action: 'session.second_factor_enrolled', outcome: 'ok', userId: user.id, role: user.role, entity: 'user', entityId: user.id, detail: `${codes.length} recovery codes issued` });
  return { how: 'second factor enrolled', recoveryCodes: codes };
}

/**
 * An administrator's reset (a lost phone): the user's secret, recovery codes and open challenges go;
 * they enrol again at their next sign-in. `reset` is false when they had none.
 */
export async function resetSecondFactor(tx: Tx, now: Date, userId: string, by: { userId?: string | null; role?: User['role'] | null; deviceId?: string | null; label: string }): Promise<{ reset: boolean; username: string }> {
  const row = await tx.selectFrom('users').select(['id', 'username']).where('id', '=', userId).executeTakeFirst();
  if (!row) throw new CareDeskError('not_found', `no such user: ${userId}`, [{ field: 'userId', rule: 'user.exists', message: 'no user has this id' }]);
  const removed = await tx.deleteFrom('second_factors').where('user_id', '=', userId).executeTakeFirst();
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await tx.deleteFrom('sign_in_challenges').where('user_id', '=', userId).execute();
  const reset = Number(removed.numDeletedRows) > 0;
  await appendAudit(tx, now, {
    action: 'user.second_factor_reset',
    outcome: reset ? 'ok' : 'conflict',
    userId: by.userId ?? null,
    role: by.role ?? null,
    deviceId: by.deviceId ?? null,
    entity: 'user',
    entityId: userId,
    detail: reset ? `${row.username}'s second factor reset by ${by.label}: they enrol again at their next sign-in` : `${row.username} had no second factor; nothing reset (${by.label})`,
  });
  return { reset, username: row.username };
}
