import { createHash, randomBytes } from 'node:crypto';
import { CareDeskError, type RevocationScope, type SessionPolicy, type SignInRequest, type SignInResponse, type User } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { Clock, StoreContext } from '../context';
import { inTransaction } from '../storage/database';
import type { CentralDb } from '../storage/schema';
import { checkPassword } from './passwords';
import { clearFailures, isThrottled, recordFailure } from './signInThrottle';
import { findUserByUsername, userOf } from './users';

/** A session lasts one working day; the workstation's idle lock (session policy) is much shorter. */
export const SESSION_LIFETIME_MS = 12 * 3_600_000;

/** An authenticated request: the user, and the device the session was issued to. */
export interface SessionContext {
  tokenHash: string;
  user: User;
  deviceId: string;
  expiresAt: string;
}

/** Tokens are stored only as their SHA-256: a copy of the database signs nobody in. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

type SignInDeps = Pick<StoreContext, 'db' | 'clock' | 'sessionPolicy'>;

export async function signIn(ctx: SignInDeps, request: SignInRequest, deviceId: string): Promise<SignInResponse> {
  const { db, clock } = ctx;
  const now = clock();
  if (await isThrottled(db, request.username, now)) {
    await inTransaction(db, (tx) =>
      appendAudit(tx, now, { action: 'session.sign_in_failed', outcome: 'denied', deviceId, detail: `rate limited: ${request.username}` }),
    );
    throw new CareDeskError('rate_limited', 'too many failed sign-ins; try again in a few minutes');
  }
  const row = await findUserByUsername(db, request.username);
  const passwordOk = await checkPassword(row?.password_hash ?? null, request.password);
  if (!row || !passwordOk) {
    await inTransaction(db, async (tx) => {
      await recordFailure(tx, request.username, now);
      await appendAudit(tx, now, { action: 'session.sign_in_failed', outcome: 'failed', userId: row?.id, role: row?.role as User['role'], deviceId, detail: `username ${request.username}` });
    });
    throw new CareDeskError('unauthenticated', 'wrong username or password');
  }
  const user = userOf(row);
  if (user.status !== 'active') {
    await inTransaction(db, (tx) =>
      appendAudit(tx, now, { action: 'session.sign_in_failed', outcome: 'denied', userId: user.id, role: user.role, deviceId, detail: 'account disabled' }),
    );
    throw new CareDeskError('forbidden', 'this account is disabled');
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString();
  await inTransaction(db, async (tx) => {
    await clearFailures(tx, user.username, now);
    await tx
      .insertInto('sessions')
      .values({ token_hash: tokenHash(token), user_id: user.id, device_id: deviceId, created_at: now.toISOString(), expires_at: expiresAt, revoked_at: null })
      .execute();
    await appendAudit(tx, now, { action: 'session.sign_in', outcome: 'ok', userId: user.id, role: user.role, deviceId });
  });
  return { token, expiresAt, serverTime: now.toISOString(), user, policy: ctx.sessionPolicy satisfies SessionPolicy };
}

/**
 * The session behind a bearer token, if it is unexpired, unrevoked, its user active, and it is
 * used from the device it was issued to: a token copied to another machine is worthless.
 */
export async function authenticate(db: CentralDb, clock: Clock, token: string, deviceId: string): Promise<SessionContext> {
  const hash = tokenHash(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.device_id', 'sessions.expires_at', 'sessions.revoked_at', 'users.id', 'users.username', 'users.display_name', 'users.role', 'users.status'])
    .where('sessions.token_hash', '=', hash)
    .executeTakeFirst();
  const valid =
    row && row.revoked_at === null && row.status === 'active' && row.device_id === deviceId && row.expires_at > clock().toISOString();
  if (!valid) throw new CareDeskError('unauthenticated', 'sign in again');
  return { tokenHash: hash, user: userOf(row), deviceId, expiresAt: row.expires_at };
}

export async function signOut(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, session: SessionContext): Promise<void> {
  const now = ctx.clock();
  await inTransaction(ctx.db, async (tx) => {
    await tx.updateTable('sessions').set({ revoked_at: now.toISOString() }).where('token_hash', '=', session.tokenHash).execute();
    await appendAudit(tx, now, { action: 'session.sign_out', outcome: 'ok', userId: session.user.id, role: session.user.role, deviceId: session.deviceId });
  });
  ctx.feed.publish({ kind: 'revoked', sessions: [session.tokenHash], scope: 'session', reason: 'signed out' });
}

/** Revokes every live session of a user (disabled, role changed) or of a device (lost laptop). */
export async function revokeSessions(
  ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>,
  owner: { userId: string } | { deviceId: string },
  scope: RevocationScope,
  reason: string,
): Promise<number> {
  const live = ctx.db.selectFrom('sessions').select('token_hash').where('revoked_at', 'is', null);
  const rows = await ('userId' in owner ? live.where('user_id', '=', owner.userId) : live.where('device_id', '=', owner.deviceId)).execute();
  const hashes = rows.map((r) => r.token_hash);
  if (hashes.length) {
    await ctx.db.updateTable('sessions').set({ revoked_at: ctx.clock().toISOString() }).where('token_hash', 'in', hashes).execute();
    ctx.feed.publish({ kind: 'revoked', sessions: hashes, scope, reason });
  }
  return hashes.length;
}
