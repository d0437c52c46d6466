import { randomUUID } from 'node:crypto';
import { CareDeskError, SIGN_IN_LOCKOUT, type Lockout, type Role } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { Tx } from '../storage/database';
import type { CentralDb } from '../storage/schema';

/**
 * Sign-in lockouts (PCI DSS 8.3.4, issue 14). Wrong passwords and wrong second-factor codes count
 * together per username; the 10th within a day locks the username for 30 minutes (SIGN_IN_LOCKOUT),
 * even with the right password and code, or until an administrator who has confirmed the user's
 * identity lifts it. Each lockout and each lift is an audit row. A username nobody has is locked the
 * same way, so the answer never tells a guesser which accounts exist; the administrator sees it as such.
 */
export type FailureKind = 'password' | 'code';

/** Failures older than this no longer count toward a lockout; a successful sign-in starts the count again. */
const FAILURE_WINDOW_MS = 24 * 3_600_000;
const LOCKOUT_MS = SIGN_IN_LOCKOUT.minutes * 60_000;

export function lockedOut(): CareDeskError {
  return new CareDeskError('rate_limited', `too many failed sign-ins: this account is locked for ${SIGN_IN_LOCKOUT.minutes} minutes, or until an administrator lifts the lockout`);
}

/** The username's lockout in force at `now`, if any. */
export async function activeLockout(db: CentralDb, username: string, now: Date): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('sign_in_lockouts')
    .select('id')
    .where('username', '=', username)
    .where('locked_until', '>', now.toISOString())
    .where('lifted_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Records one failure, in the caller's transaction; at the limit the username is locked (its
 * failures become the lockout's counts) with a `session.locked_out` audit row. Returns whether it locked.
 */
export async function recordFailure(tx: Tx, now: Date, failure: { username: string; kind: FailureKind; userId?: string | null; role?: Role | null; deviceId: string }): Promise<boolean> {
  const { username } = failure;
  await tx.insertInto('sign_in_failures').values({ id: randomUUID(), username, at: now.toISOString(), kind: failure.kind }).execute();
  const since = new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString();
  const rows = await tx.selectFrom('sign_in_failures').select('kind').where('username', '=', username).where('at', '>', since).execute();
  if (rows.length < SIGN_IN_LOCKOUT.maxFailures) return false;
  const counts = { password: rows.filter((r) => r.kind === 'password').length, code: rows.filter((r) => r.kind === 'code').length };
  await tx
    .insertInto('sign_in_lockouts')
    .values({
      id: randomUUID(),
      username,
      user_id: failure.userId ?? null,
      locked_at: now.toISOString(),
      locked_until: new Date(now.getTime() + LOCKOUT_MS).toISOString(),
      password_failures: counts.password,
      code_failures: counts.code,
      lifted_at: null,
      lifted_by: null,
    })
    .execute();
  await tx.deleteFrom('sign_in_failures').where('username', '=', username).execute();
  await appendAudit(tx, now, {
    action: 'session.locked_out',
    outcome: 'denied',
    userId: failure.userId ?? null,
    role: failure.role ?? null,
    deviceId: failure.deviceId,
    entity: 'user',
    entityId: failure.userId ?? null,
    detail: `${username} locked for ${SIGN_IN_LOCKOUT.minutes} minutes after ${rows.length} failed sign-ins (${counts.password} password, ${counts.code} code)`,
  });
  return true;
}

/** A successful sign-in starts the count again; failures that aged out go too. */
export async function clearFailures(tx: Tx, username: string, now: Date): Promise<void> {
  const since = new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString();
  await tx.deleteFrom('sign_in_failures').where((eb) => eb.or([eb('username', '=', username), eb('at', '<=', since)])).execute();
}

/** The lockouts in force at `now`, newest first, with the account each names (if any). */
export async function listLockouts(db: CentralDb, now: Date): Promise<Lockout[]> {
  const rows = await db
    .selectFrom('sign_in_lockouts')
    .leftJoin('users', 'users.username', 'sign_in_lockouts.username')
    .select(['sign_in_lockouts.username', 'users.id as user_id', 'users.role', 'locked_at', 'locked_until', 'password_failures', 'code_failures'])
    .where('locked_until', '>', now.toISOString())
    .where('lifted_at', 'is', null)
    .orderBy('locked_at', 'desc')
    .execute();
  return rows.map((r) => ({
    username: r.username,
    userId: r.user_id ?? null,
    role: (r.role as Role | null) ?? null,
    lockedAt: r.locked_at,
    lockedUntil: r.locked_until,
    failures: { password: Number(r.password_failures), code: Number(r.code_failures) },
  }));
}

/**
 * Lifts the username's lockout in force (and forgets its failures), with a `session.lockout_lifted`
 * audit row naming who did it. `lifted` is false when none was in force.
 */
export async function liftLockout(tx: Tx, now: Date, username: string, by: { userId?: string | null; role?: Role | null; deviceId?: string | null; label: string }): Promise<boolean> {
  const result = await tx
    .updateTable('sign_in_lockouts')
    .set({ lifted_at: now.toISOString(), lifted_by: by.label })
    .where('username', '=', username)
    .where('locked_until', '>', now.toISOString())
    .where('lifted_at', 'is', null)
    .executeTakeFirst();
  const lifted = Number(result.numUpdatedRows) > 0;
  if (lifted) await tx.deleteFrom('sign_in_failures').where('username', '=', username).execute();
  await appendAudit(tx, now, {
    action: 'session.lockout_lifted',
    outcome: lifted ? 'ok' : 'conflict',
    userId: by.userId ?? null,
    role: by.role ?? null,
    deviceId: by.deviceId ?? null,
    entity: 'user',
    detail: lifted ? `lockout of ${username} lifted by ${by.label}` : `no lockout of ${username} in force; nothing lifted (${by.label})`,
  });
  return lifted;
}
