import { createHash, randomBytes } from 'node:crypto';
import { CareDeskError, needsSecondFactor, type RevocationScope, type SecondFactorChallenge, type SessionInfo, type SessionPolicy, type SignInRequest, type SignInResponse, type User } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { Clock, StoreContext } from '../context';
import { inTransaction, type Tx } from '../storage/database';
import type { CentralDb } from '../storage/schema';
import { sessionPolicyOf } from '../admin/workstations';
import { checkPassword } from './passwords';
import { recordRevocation, type Revocation } from './revocations';
import { activeLockout, clearFailures, lockedOut, recordFailure } from './lockouts';
import { beginSecondFactor } from './secondFactor';
import { findUserByUsername, userOf } from './users';

/** A session lasts one working day; the workstation's idle lock (session policy) is much shorter. */
export const SESSION_LIFETIME_MS = 12 * 3_600_000;

/** The reason sent with a `user` revocation when an administrator disables an account. */
export const USER_DISABLED_REASON = 'user disabled';

/**
 * A disabled account gets its own answer, not "sign in again": the workstation then wipes that
 * user's cache instead of asking for a password (DESIGN §4). It is only ever given to someone who
 * proved the password or holds a token issued to that user on that device.
 */
export function userDisabled(): CareDeskError {
  return new CareDeskError('user_disabled', 'this account has been disabled by an administrator');
}

/** An authenticated request: the user, and the device the session was issued to. */
export interface SessionContext {
  tokenHash: string;
  user: User;
  deviceId: string;
  expiresAt: string;
}

/**
 * Who makes a change: a session's user on its device, or, for a held edit a supervisor applies
 * (review/heldEditDecision.ts), the user who made it on the device they sent it from: it is their edit.
 */
export type Actor = Pick<SessionContext, 'user' | 'deviceId'>;

/** Tokens are stored only as their SHA-256: a copy of the database signs nobody in. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

type SignInDeps = Pick<StoreContext, 'db' | 'clock' | 'sessionPolicy' | 'secondFactorKey'>;
// the policy in force is the admin's, held by the store (admin/workstations.ts), given at every sign-in and session check

/**
 * The password step of a sign-in. A role without a second factor gets its session here; one with a
 * second factor (domain/secondFactor.ts) gets a challenge, which only the second-factor step takes
 * (identity/secondFactor.ts). A locked username is refused before its password is even checked.
 */
export async function signIn(ctx: SignInDeps, request: SignInRequest, deviceId: string): Promise<SignInResponse | SecondFactorChallenge> {
  const { db, clock } = ctx;
  const now = clock();
  if (await activeLockout(db, request.username, now)) {
    await inTransaction(db, (tx) =>
      appendAudit(tx, now, { action: 'session.sign_in_failed', outcome: 'denied', deviceId, detail: `locked out: ${request.username}` }),
    );
    throw lockedOut();
  }
  const row = await findUserByUsername(db, request.username);
  const passwordOk = await checkPassword(row?.password_hash ?? null, request.password);
  if (!row || !passwordOk) {
    await inTransaction(db, async (tx) => {
      await appendAudit(tx, now, { action: 'session.sign_in_failed', outcome: 'failed', userId: row?.id, role: row?.role as User['role'], deviceId, detail: `username ${request.username}: wrong password` });
      await recordFailure(tx, now, { username: request.username, kind: 'password', userId: row?.id, role: row?.role as User['role'] | undefined, deviceId });
    });
    throw new CareDeskError('unauthenticated', 'wrong username or password');
  }
  const user = userOf(row);
  if (user.status !== 'active') {
    await inTransaction(db, (tx) =>
      appendAudit(tx, now, { action: 'session.sign_in_failed', outcome: 'denied', userId: user.id, role: user.role, deviceId, detail: 'account disabled' }),
    );
    throw userDisabled();
  }
  if (needsSecondFactor(user.role)) return beginSecondFactor(ctx, user, deviceId);
  return inTransaction(db, (tx) => openSession(tx, ctx, user, deviceId, now));
}

/** A new session for `user` on `deviceId`, in the caller's transaction: the end of every successful sign-in. */
export async function openSession(tx: Tx, ctx: Pick<StoreContext, 'sessionPolicy'>, user: User, deviceId: string, now: Date, detail?: string): Promise<SignInResponse> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString();
  await clearFailures(tx, user.username, now);
  await tx
    .insertInto('sessions')
    .values({ token_hash: tokenHash(token), user_id: user.id, device_id: deviceId, created_at: now.toISOString(), expires_at: expiresAt, revoked_at: null })
    .execute();
  await appendAudit(tx, now, { action: 'session.sign_in', outcome: 'ok', userId: user.id, role: user.role, deviceId, detail: detail ?? null });
  return { token, expiresAt, serverTime: now.toISOString(), user, policy: (await sessionPolicyOf({ db: tx, sessionPolicy: ctx.sessionPolicy })) satisfies SessionPolicy };
}

/**
 * The session behind a bearer token, if it is unexpired, unrevoked, its user active, and it is
 * used from the device it was issued to: a token copied to another machine is worthless. Every
 * request is checked here, so a revocation made by any process holds from the next request on.
 */
export async function authenticate(db: CentralDb, clock: Clock, token: string, deviceId: string): Promise<SessionContext> {
  const hash = tokenHash(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.device_id', 'sessions.expires_at', 'sessions.revoked_at', 'users.id', 'users.username', 'users.display_name', 'users.role', 'users.status'])
    .where('sessions.token_hash', '=', hash)
    .executeTakeFirst();
  if (!row || row.device_id !== deviceId) throw new CareDeskError('unauthenticated', 'sign in again');
  // before the session's own state: disabling the account also ended this session
  if (row.status !== 'active') throw userDisabled();
  if (row.revoked_at !== null || row.expires_at <= clock().toISOString()) throw new CareDeskError('unauthenticated', 'sign in again');
  return { tokenHash: hash, user: userOf(row), deviceId, expiresAt: row.expires_at };
}

/** What `GET API.session` answers: the session is still good, with the policy in force now. */
export async function sessionInfo(ctx: Pick<StoreContext, 'db' | 'clock' | 'sessionPolicy'>, session: SessionContext): Promise<SessionInfo> {
  return { user: session.user, expiresAt: session.expiresAt, serverTime: ctx.clock().toISOString(), policy: await sessionPolicyOf(ctx) };
}

/**
 * Why an open session may no longer be used, or null while it may: what a long-lived event stream
 * checks on its heartbeat, as a second line behind the change feed.
 */
export async function sessionEnded(db: CentralDb, clock: Clock, hash: string): Promise<{ scope: RevocationScope; reason: string } | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('devices', 'devices.id', 'sessions.device_id')
    .select(['sessions.expires_at', 'sessions.revoked_at', 'users.status', 'devices.revoked_at as device_revoked_at'])
    .where('sessions.token_hash', '=', hash)
    .executeTakeFirst();
  if (!row) return { scope: 'session', reason: 'session ended' };
  if (row.device_revoked_at !== null) return { scope: 'device', reason: 'device revoked' };
  if (row.status !== 'active') return { scope: 'user', reason: USER_DISABLED_REASON };
  if (row.revoked_at !== null) return { scope: 'session', reason: 'session ended' };
  if (row.expires_at <= clock().toISOString()) return { scope: 'session', reason: 'session expired' };
  return null;
}

export async function signOut(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, session: SessionContext): Promise<void> {
  const now = ctx.clock();
  const revocation = await inTransaction(ctx.db, async (tx) => {
    await tx.updateTable('sessions').set({ revoked_at: now.toISOString() }).where('token_hash', '=', session.tokenHash).execute();
    await appendAudit(tx, now, { action: 'session.sign_out', outcome: 'ok', userId: session.user.id, role: session.user.role, deviceId: session.deviceId });
    return recordRevocation(tx, now, { sessions: [session.tokenHash], scope: 'session', reason: 'signed out' });
  });
  ctx.feed.publish({ kind: 'revoked', ...revocation });
}

/**
 * Ends every live session of a user (disabled, role changed) or of a device (lost laptop), in the
 * caller's transaction, and records it for every process's event streams. Publish the returned
 * revocation (null when no session was live) once the transaction has committed.
 */
export async function endSessions(
  tx: Tx,
  now: Date,
  owner: { userId: string } | { deviceId: string },
  scope: RevocationScope,
  reason: string,
): Promise<Revocation | null> {
  const live = tx.selectFrom('sessions').select('token_hash').where('revoked_at', 'is', null);
  const rows = await ('userId' in owner ? live.where('user_id', '=', owner.userId) : live.where('device_id', '=', owner.deviceId)).execute();
  const hashes = rows.map((r) => r.token_hash);
  if (!hashes.length) return null;
  await tx.updateTable('sessions').set({ revoked_at: now.toISOString() }).where('token_hash', 'in', hashes).execute();
  return recordRevocation(tx, now, { sessions: hashes, scope, reason });
}

/** `endSessions` in a transaction of its own, published at once to this process's streams. */
export async function revokeSessions(
  ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>,
  owner: { userId: string } | { deviceId: string },
  scope: RevocationScope,
  reason: string,
): Promise<number> {
  const revocation = await inTransaction(ctx.db, (tx) => endSessions(tx, ctx.clock(), owner, scope, reason));
  if (revocation) ctx.feed.publish({ kind: 'revoked', ...revocation });
  return revocation?.sessions.length ?? 0;
}
