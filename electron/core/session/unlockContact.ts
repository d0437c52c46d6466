import { CareDeskError } from '../../../domain/errors';
import { BillingPolicy, User, type SessionPolicy } from '../../../domain/entities';
import { needsSecondFactor } from '../../../domain/secondFactor';
import { revocationScopeOf, type SignInResponse } from '../../../domain/sync/protocol';
import type { WorkstationCache } from '../cache';
import type { CentralClient } from '../sync/centralClient';
import type { Vault } from '../vault';
import { recordUnlock } from './offlineAllowance';

/** A cache opened with the user's password and not yet shown: what unlock checks with the central store first. */
export interface LocalCache {
  cache: WorkstationCache;
  user: User;
  policy: SessionPolicy;
  /** the stored session token while unexpired */
  token: string | null;
  /** the central store confirmed the session at this unlock (its contact vouches for the desk's clock) */
  contacted: boolean;
}

const ROLE_CHANGED_RULE = 'session.role_changed';
const roleChanged = () =>
  new CareDeskError('unauthenticated', 'An administrator changed your role: the data this workstation held for your old role has been removed. Sign in again.', [
    { field: 'role', rule: ROLE_CHANGED_RULE, message: 'role changed by an administrator' },
  ]);
const PASSWORD_RESET_RULE = 'session.password_reset';
const passwordReset = () =>
  new CareDeskError('unauthenticated', 'Your password was reset by an administrator: the data this workstation held for you has been removed. Sign in with the new password.', [
    { field: 'password', rule: PASSWORD_RESET_RULE, message: 'password reset by an administrator' },
  ]);
/** What unlock learnt from the store that makes this user's cache go (a new role, a new password): the user signs in afresh. */
export const isRoleChange = (err: CareDeskError) => err.issues.some((i) => i.rule === ROLE_CHANGED_RULE || i.rule === PASSWORD_RESET_RULE);

/** Whether a cache was made for another role than the user's now (its stored user, from its last sign-in). */
export function heldForAnotherRole(cache: WorkstationCache, user: User): boolean {
  const stored = User.safeParse(JSON.parse(cache.getMeta('user') ?? 'null'));
  return stored.success && stored.data.role !== user.role;
}

/** How long unlock waits for the central store before it opens the cache offline. */
export const UNLOCK_CONTACT_MS = 3_000;

/** What an online sign-in leaves in the cache: who, under which policy, the token, and when last online. */
export function recordSignIn(cache: WorkstationCache, signedIn: SignInResponse, clock: () => Date): void {
  cache.setMeta('user', JSON.stringify(signedIn.user));
  cache.setMeta('policy', JSON.stringify(signedIn.policy));
  keepBillingPolicy(cache, signedIn.billing);
  cache.setMeta('token', signedIn.token);
  cache.setMeta('token_expires_at', signedIn.expiresAt);
  cache.setMeta('last_online_at', clock().toISOString());
  recordUnlock(cache, clock(), true);
}

/** The store's billing policy as it last said it (protocol 4; an older store says nothing: null). */
function keepBillingPolicy(cache: WorkstationCache, policy: BillingPolicy | undefined): void {
  cache.setMeta('billing_policy', JSON.stringify(policy ?? null));
}

/** The billing policy the store gave at the last sign-in or unlock, or null when it gave none. */
export function billingPolicyOf(cache: WorkstationCache): BillingPolicy | null {
  return BillingPolicy.nullable().catch(null).parse(JSON.parse(cache.getMeta('billing_policy') ?? 'null'));
}

/**
 * Unlock's contact with the central store (DESIGN §4: a revoked user or device is wiped "at the next
 * contact"; a locked desk has no event stream to hear it on). With a live token: is the session
 * still good. Without one (expired, or ended by an administrator): a sign-in with the password just
 * typed, which renews the session. Updates `local` and its cache with what the store says, and
 * returns the refusal to wipe on — `user_disabled` or `device_not_enrolled`, or this user's cache
 * alone when an administrator changed the role or reset the password (`isRoleChange`) — or null. Any
 * other outcome (unreachable within UNLOCK_CONTACT_MS, rate-limited) is null too: the offline unlock
 * goes ahead and sync tries again.
 */
export async function contactAtUnlock(client: CentralClient, local: LocalCache, password: string, clock: () => Date): Promise<CareDeskError | null> {
  const signal = AbortSignal.timeout(UNLOCK_CONTACT_MS);
  try {
    if (local.token) {
      try {
        const info = await client.session(local.token, signal);
        local.policy = info.policy;
        local.cache.setMeta('policy', JSON.stringify(info.policy));
        keepBillingPolicy(local.cache, info.billing);
        local.cache.setMeta('last_online_at', clock().toISOString());
        local.contacted = true;
        return null;
      } catch (err) {
        if (!(err instanceof CareDeskError) || err.code !== 'unauthenticated') throw err;
      }
    }
    const signedIn = await client.signIn({ username: local.user.username, password }, signal).catch((err: unknown) => {
      // the store refuses the very password that opened this cache: an administrator reset it (issue 14), so this cache goes
      throw err instanceof CareDeskError && err.code === 'unauthenticated' ? passwordReset() : err;
    });
    // a role with a second factor: the password alone renews no session; the console opens offline and
    // asks for the password and a code where the user is (SessionState.reauth), and sync resumes then
    if ('secondFactor' in signedIn) return null;
    // the username now names another account: this cache is not theirs, stay offline
    if (signedIn.user.id !== local.user.id) return null;
    // an administrator changed the role: this cache is the old role's projection (issue 14)
    if (signedIn.user.role !== local.user.role) return roleChanged();
    recordSignIn(local.cache, signedIn, clock);
    Object.assign(local, { user: signedIn.user, policy: signedIn.policy, token: signedIn.token, contacted: true });
    return null;
  } catch (err) {
    if (err instanceof CareDeskError && isRoleChange(err)) return err;
    const revoked = err instanceof CareDeskError && revocationScopeOf(err.code) !== null;
    return revoked ? err : null;
  }
}

/**
 * What a sign-in again where the user is (the store's session ended while the cache is open) learns
 * that makes this user's cache go, as at unlock: a new role (the open cache is the old role's
 * projection), or a password the store accepts but the cache does not open with — an administrator
 * reset it, and the user signed in with the new one. Returns that refusal, or null.
 */
export async function changedSinceOpened(vault: Vault, open: { user: User }, signedIn: SignInResponse, password: string): Promise<CareDeskError | null> {
  if (signedIn.user.role !== open.user.role) return roleChanged();
  try {
    (await vault.unlock(open.user.id, password)).fill(0);
    return null;
  } catch (err) {
    if (err instanceof CareDeskError && err.code === 'unauthenticated') return passwordReset();
    throw err;
  }
}

/**
 * A sign-in again answered with a second-factor challenge for a user whose cache holds a role
 * without one: the store's account has another role now (the challenge names none).
 */
export const challengedAnotherRole = (open: { user: User }) => (needsSecondFactor(open.user.role) ? null : roleChanged());
