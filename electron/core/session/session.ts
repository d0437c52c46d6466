import { randomUUID } from 'node:crypto';
import { CareDeskError } from '../../../domain/errors';
import type { IdleState, RecordRef, SecondFactorPrompt, SessionState, VerificationState } from '../../../domain/console/contract';
import { needsSecondFactor, type SecondFactorSignIn } from '../../../domain/secondFactor';
import { DEFAULT_SESSION_POLICY, SessionPolicy, User } from '../../../domain/entities';
import { defaultEnrolmentUrl, revocationScopeOf, type RevocationScope, type SignInResponse } from '../../../domain/sync/protocol';
import { openCache, type WorkstationCache } from '../cache';
import type { WorkstationConfig } from '../config';
import { createDeviceRequest, forgetDeviceIdentity, loadDeviceIdentity, saveDeviceIdentity } from '../device/identity';
import { viewHeadSigner } from '../device/viewHeadSigner';
import type { Keychain } from '../keychain';
import { CentralClient } from '../sync/centralClient';
import { SyncEngine } from '../sync/engine';
import type { Vault } from '../vault';
import type { CoreEvents } from './events';
import { PendingSignInHold, stepDeadline } from './pendingSignIn';
import { recordUnlock, refuseStaleOfflineUnlock } from './offlineAllowance';
import { challengedAnotherRole, changedSinceOpened, contactAtUnlock, heldForAnotherRole, isRoleChange, recordSignIn, type LocalCache } from './unlockContact';

/** What an unlocked session holds; handlers get it from `Session.unlocked()`. */
export interface OpenSession {
  user: User;
  policy: SessionPolicy;
  cache: WorkstationCache;
  engine: SyncEngine;
  client: CentralClient;
  token: string | null;
  /** caller verifications made in this session, per customer */
  verifications: Map<string, VerificationState>;
  /** when each customer's profile view was last recorded for the audit log */
  viewsRecorded: Map<string, number>;
  /** the search last made (issue 14's audit): its event id, when, the customers it found, whether one was opened from it */
  lastSearch: { id: string; at: number; found: ReadonlySet<string>; opened: boolean } | null;
  clock: () => Date;
  /** tells open views that these records changed on this desk */
  announce: (records: RecordRef[]) => void;
}

const USER_DISABLED_MESSAGE = 'This account has been disabled by an administrator: its data has been removed from this workstation.';
const DEVICE_REVOKED_MESSAGE = "This workstation's enrolment was revoked: every local cache and its keys have been removed. Ask IT for a new enrolment code.";

interface Deps {
  config: WorkstationConfig;
  /** null when the OS has no keychain: then `blocker` says why and no cache is ever created */
  keychain: Keychain | null;
  blocker: string | null;
  vault: Vault | null;
  events: CoreEvents;
  clock: () => Date;
}

/**
 * The workstation session (DESIGN §4): enrolment, online sign-in, offline unlock with the password
 * alone, lock on demand or idle (dropping the key and closing the cache), and the wipe on
 * revocation. The one owner of the cache handle and the sync engine.
 */
export class Session {
  private state: SessionState['state'] = 'not_enrolled';
  private client: CentralClient | null = null;
  /** signs the head of the chain of offline reads with the device key (issue 16); with the client, from enrolment */
  private signViewHead: ReturnType<typeof viewHeadSigner> | undefined;
  private open: OpenSession | null = null;
  /** who was signed in when the session locked: unlock needs only their password */
  private lockedUser: User | null = null;
  /**
   * The call a lock interrupted (issue 13): the caller verifications of the locked user, given back
   * when the same user unlocks. Ids and windows only, never an answer; each window is still the
   * central store's, checked by it at every use.
   */
  private carried: { userId: string; verifications: Map<string, VerificationState> } | null = null;
  /** a user who signed out from the lock screen: their cache was shut, so the workspace it keeps goes at their next start */
  private endedCallOf: string | null = null;
  private lastActivity: number;
  private idleTimer: NodeJS.Timeout | null = null;
  /** A sign-in between its password and its second factor: kept in this process only, and only until its step expires. */
  private readonly pending: PendingSignInHold;
  /** revocations run one at a time: a stream event and a refused request may report the same one */
  private revoking: Promise<void> = Promise.resolve();

  constructor(private readonly deps: Deps) {
    this.lastActivity = deps.clock().getTime();
    this.pending = new PendingSignInHold(deps.clock, () => this.changed());
  }

  async init(): Promise<void> {
    const { keychain, config } = this.deps;
    if (!keychain) return;
    const identity = await loadDeviceIdentity(config.dataDir, keychain).catch(() => null);
    if (identity) {
      this.client = new CentralClient(config.serverUrl, config.caPem, identity, config.sync?.timeouts);
      this.signViewHead = viewHeadSigner(identity);
      this.state = 'signed_out';
    } else if (config.enrolmentCode) {
      await this.enrol(config.enrolmentCode, config.deviceName).catch(() => undefined);
    }
    this.idleTimer = setInterval(() => void this.checkIdle(), 10_000);
    this.idleTimer.unref?.();
  }

  snapshot(): SessionState {
    const user = this.open?.user ?? this.lockedUser;
    return {
      state: this.state,
      user: user ? { id: user.id, username: user.username, displayName: user.displayName, role: user.role } : null,
      policy: this.open?.policy ?? null,
      online: this.open ? this.open.engine.status().online : false,
      blocker: this.deps.blocker,
      secondFactor: this.state === 'signed_out' && this.pending.current ? this.pending.current.prompt : null,
      // the store's session ended while the cache is open: sign in again where the user is
      reauth: this.open && this.open.token === null ? { secondFactor: needsSecondFactor(this.open.user.role) } : null,
    };
  }

  unlocked(): OpenSession {
    if (!this.open) throw new CareDeskError('locked', this.state === 'locked' ? 'The console is locked: enter your password.' : 'Sign in first.');
    return this.open;
  }

  /** Every console call counts as activity for the idle lock. */
  touch(): void {
    this.lastActivity = this.deps.clock().getTime();
  }

  /** How long until the idle lock, by this session's clock. */
  idleState(): IdleState {
    const { policy } = this.unlocked();
    const lockAt = this.lastActivity + policy.idleLockMinutes * 60_000;
    return { lockInMs: Math.max(0, Math.round(lockAt - this.deps.clock().getTime())), idleLockMinutes: policy.idleLockMinutes };
  }

  /** PCI DSS 8.2.8: lock after the server's idle limit (default 15 minutes). */
  async checkIdle(): Promise<void> {
    if (!this.open) return;
    const idleMs = this.open.policy.idleLockMinutes * 60_000;
    if (this.deps.clock().getTime() - this.lastActivity >= idleMs) await this.lock();
  }

  async enrol(code: string, deviceName: string): Promise<SessionState> {
    const keychain = this.requireKeychain();
    const { config } = this.deps;
    const request = await createDeviceRequest(deviceName);
    const anonymous = new CentralClient(config.enrolmentUrl ?? defaultEnrolmentUrl(config.serverUrl), config.caPem, null, config.sync?.timeouts);
    try {
      const enrolled = await anonymous.enrol({ code, deviceName, csrPem: request.csrPem });
      await saveDeviceIdentity(config.dataDir, keychain, { deviceId: enrolled.deviceId, certificatePem: enrolled.certificatePem, keyPem: request.keyPem });
      await this.client?.close();
      this.client = new CentralClient(config.serverUrl, config.caPem, { certificatePem: enrolled.certificatePem, keyPem: request.keyPem }, config.sync?.timeouts);
      this.signViewHead = viewHeadSigner({ deviceId: enrolled.deviceId, keyPem: request.keyPem });
      this.state = 'signed_out';
    } finally {
      await anonymous.close();
    }
    return this.changed();
  }

  async signIn(username: string, password: string): Promise<SessionState> {
    const vault = this.requireVault();
    const client = this.requireClient();
    if (this.open) await this.lock();
    this.pending.drop();
    let answer;
    try {
      answer = await client.signIn({ username, password });
    } catch (err) {
      // Offline: the password alone opens this workstation's cache (DESIGN §4).
      const userId = vault.userIdFor(username);
      if (err instanceof CareDeskError && err.code === 'offline' && userId && vault.hasCache(userId)) {
        return this.unlockOffline(userId, password);
      }
      throw await this.wipeIfRevoked(err, userId);
    }
    if ('secondFactor' in answer) {
      const { challenge, expiresAt, enrol } = answer.secondFactor;
      const prompt: SecondFactorPrompt = enrol ? { step: 'enrol', secret: enrol.secret, otpauthUri: enrol.otpauthUri } : { step: 'code' };
      this.pending.hold({ username, password, challenge, expiresAt: stepDeadline(this.deps.clock(), expiresAt), prompt, signedIn: null });
      return this.changed();
    }
    return this.openSignedIn(answer, password);
  }

  /**
   * The second step of a sign-in (issue 14): the code of the moment, or a recovery code. At
   * enrolment the recovery codes are shown first (`recovery_codes`); otherwise the cache opens.
   */
  async secondFactor(proof: { code: string } | { recoveryCode: string }): Promise<SessionState> {
    const pending = this.pending.current;
    if (!pending || pending.signedIn) throw new CareDeskError('unauthenticated', 'Sign in with your username and password first.');
    this.refuseIfExpired(pending.expiresAt);
    let signedIn: SecondFactorSignIn;
    try {
      signedIn = await this.requireClient().secondFactor({ challenge: pending.challenge, ...proof });
    } catch (err) {
      // a lockout, an expired challenge or a revocation ends this attempt; a wrong code may be typed again
      if (err instanceof CareDeskError && (err.code !== 'unauthenticated' || !err.issues.length)) {
        this.pending.drop();
        this.changed();
        throw await this.wipeIfRevoked(err, this.requireVault().userIdFor(pending.username));
      }
      throw err;
    }
    // signed out, signed in afresh or expired while the code was checked: this attempt is over
    if (this.pending.current !== pending) throw new CareDeskError('unauthenticated', 'Sign in with your username and password first.');
    const { recoveryCodes, ...session } = signedIn;
    if (recoveryCodes?.length) {
      // the codes and the finished session wait for the user no longer than a challenge would
      this.pending.hold({ ...pending, signedIn: session, prompt: { step: 'recovery_codes', codes: recoveryCodes }, expiresAt: stepDeadline(this.deps.clock()) });
      return this.changed();
    }
    this.pending.drop();
    return this.openSignedIn(session, pending.password);
  }

  /** The recovery codes shown at enrolment were kept: the console opens on the finished sign-in. */
  async recoveryCodesSaved(): Promise<SessionState> {
    const pending = this.pending.current;
    if (!pending?.signedIn) throw new CareDeskError('unauthenticated', 'Sign in with your username and password first.');
    this.refuseIfExpired(pending.expiresAt);
    this.pending.drop();
    return this.openSignedIn(pending.signedIn, pending.password);
  }

  /** A step of a half-done sign-in past its deadline by this clock (its timer not yet run): it ends here. */
  private refuseIfExpired(expiresAt: number): void {
    if (expiresAt > this.deps.clock().getTime()) return;
    this.pending.drop();
    this.changed();
    throw new CareDeskError('unauthenticated', 'This sign-in took too long: enter your username and password again.');
  }

  /**
   * The central store's session ended (it expired) while the cache is open (issue 14): the user signs
   * in again where they are — the password, and a code for a role with a second factor — and sync
   * resumes with the new token; the cache, the workspace and the outbox stay as they are. A disabled
   * account or a revoked workstation gets no resume: it is wiped, as at any contact; nor does a new
   * role or a password reset by an administrator: this user's cache goes, as at unlock.
   */
  async reauthenticate(input: { password: string; code?: string; recoveryCode?: string }): Promise<SessionState> {
    const open = this.unlocked();
    const client = this.requireClient();
    let signedIn: SignInResponse;
    try {
      const answer = await client.signIn({ username: open.user.username, password: input.password });
      if ('secondFactor' in answer) {
        const newRole = challengedAnotherRole(open);
        if (newRole) {
          await this.revoke('user', open.user.id);
          throw newRole;
        }
        const proof = input.code ? { code: input.code } : input.recoveryCode ? { recoveryCode: input.recoveryCode } : null;
        if (!proof) throw new CareDeskError('validation', 'enter the code your authenticator app shows', [{ field: 'code', rule: 'required', message: 'required for your role' }]);
        const { recoveryCodes: _none, ...session } = await client.secondFactor({ challenge: answer.secondFactor.challenge, ...proof });
        signedIn = session;
      } else {
        signedIn = answer;
      }
    } catch (err) {
      throw await this.wipeIfRevoked(err, open.user.id);
    }
    // the username now names another account, or the cache was shut meanwhile: this cache is not theirs to resume
    const stale = () => signedIn.user.id !== open.user.id || this.open !== open;
    if (stale()) throw new CareDeskError('unauthenticated', 'Sign out and sign in again.');
    // a new role or a reset password: the old role's projection, or a cache for the old password, does not stay open
    const changed = await changedSinceOpened(this.requireVault(), open, signedIn, input.password);
    if (changed) {
      await this.revoke('user', open.user.id);
      throw changed;
    }
    if (stale()) throw new CareDeskError('unauthenticated', 'Sign out and sign in again.');
    recordSignIn(open.cache, signedIn, this.deps.clock);
    open.policy = signedIn.policy;
    open.token = signedIn.token;
    this.touch();
    open.engine.resume();
    return this.changed();
  }

  /** A finished online sign-in: the user's cache opened (or made) with the password, the client registered, sync started. */
  private async openSignedIn(signedIn: SignInResponse, password: string): Promise<SessionState> {
    const vault = this.requireVault();
    const client = this.requireClient();
    const { user, policy, token } = signedIn;
    let key: Buffer;
    if (vault.hasCache(user.id)) {
      try {
        key = await vault.unlock(user.id, password);
      } catch (err) {
        if (!(err instanceof CareDeskError) || err.code !== 'unauthenticated') throw err;
        // The password changed since this cache was made: keep the old file aside, start afresh.
        await vault.setAside(user.id);
        key = await vault.create(user.id, user.username, password);
      }
    } else {
      key = await vault.create(user.id, user.username, password);
    }
    let cache = this.openCache(vault.cachePath(user.id), key);
    // an administrator changed the role: this cache is the old role's projection, so it goes and a fresh one starts (issue 14)
    if (heldForAnotherRole(cache, user)) {
      cache.close();
      await vault.wipe(user.id);
      cache = this.openCache(vault.cachePath(user.id), await vault.create(user.id, user.username, password));
    }
    try {
      recordSignIn(cache, signedIn, this.deps.clock);
      let clientId = cache.getMeta('client_id');
      if (!clientId) {
        clientId = randomUUID();
        cache.setMeta('client_id', clientId);
      }
      await client.registerClient(token, clientId);
    } catch (err) {
      // a full disk, or the store gone between sign-in and registration: no open cache (and key) left behind
      cache.close();
      throw err;
    }
    this.start(user, policy, cache, client, token);
    return this.changed();
  }

  /**
   * Unlocks with the password, and asks the central store — before anything is shown — whether the
   * account and this workstation may still be used: a disabled account's cache, or a revoked
   * workstation's caches and keys, are wiped here rather than opened for the rest of the offline
   * allowance (DESIGN §4). Unreachable within UNLOCK_CONTACT_MS: the offline unlock, as before.
   */
  async unlock(password: string): Promise<SessionState> {
    if (this.open) return this.snapshot();
    if (!this.lockedUser) throw new CareDeskError('unauthenticated', 'Sign in first.');
    const local = await this.openLocal(this.lockedUser.id, password);
    try {
      const refused = await contactAtUnlock(this.requireClient(), local, password, this.deps.clock);
      if (refused) {
        local.cache.close();
        // a new role: the old role's cache goes, the user signs in again for a fresh one
        if (isRoleChange(refused)) {
          await this.revoke('user', local.user.id);
          throw refused;
        }
        throw await this.wipeIfRevoked(refused, local.user.id);
      }
      return this.startLocal(local);
    } catch (err) {
      local.cache.close();
      throw err;
    }
  }

  async lock(): Promise<SessionState> {
    const open = this.open;
    if (open) {
      this.open = null;
      this.lockedUser = open.user;
      this.carried = { userId: open.user.id, verifications: open.verifications };
      this.state = 'locked';
      await open.engine.stop();
      open.cache.close();
    }
    return this.changed();
  }

  async signOut(): Promise<SessionState> {
    this.pending.drop();
    const token = this.open?.token;
    // the call is over: what was kept for a lock goes (now, or when a cache shut by the lock opens again)
    if (this.open) this.open.cache.keepWorkspace(null);
    else if (this.lockedUser) this.endedCallOf = this.lockedUser.id;
    await this.lock();
    if (token) await this.client?.signOut(token).catch(() => undefined);
    this.lockedUser = null;
    this.carried = null;
    if (this.state === 'locked') this.state = 'signed_out';
    return this.changed();
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearInterval(this.idleTimer);
    await this.lock();
    await this.client?.close();
  }

  private async unlockOffline(userId: string, password: string): Promise<SessionState> {
    const local = await this.openLocal(userId, password);
    try {
      return this.startLocal(local);
    } catch (err) {
      local.cache.close();
      throw err;
    }
  }

  /** Opens the user's cache with the password alone; the vault refuses a wrong one. */
  private async openLocal(userId: string, password: string): Promise<LocalCache> {
    const vault = this.requireVault();
    this.requireClient();
    const key = await vault.unlock(userId, password);
    const cache = this.openCache(vault.cachePath(userId), key);
    try {
      const user = User.parse(JSON.parse(cache.getMeta('user') ?? 'null'));
      const policy = SessionPolicy.parse(JSON.parse(cache.getMeta('policy') ?? 'null') ?? DEFAULT_SESSION_POLICY);
      const expires = Date.parse(cache.getMeta('token_expires_at') ?? '');
      const token = expires > this.deps.clock().getTime() ? cache.getMeta('token') : null;
      return { cache, user, policy, token, contacted: false };
    } catch (err) {
      cache.close();
      throw err;
    }
  }

  /** Past the server's maximum offline age, or with the clock set back, the cache stays shut until an online sign-in. */
  private startLocal(local: LocalCache): SessionState {
    const { cache, user, policy, token } = local;
    const now = this.deps.clock();
    if (!local.contacted) refuseStaleOfflineUnlock(cache, policy, now);
    recordUnlock(cache, now, local.contacted);
    this.start(user, policy, cache, this.requireClient(), token);
    return this.changed();
  }

  /**
   * A refusal met outside the sync engine (sign-in, unlock): a disabled account or a revoked device
   * is wiped at this contact, as the engine does on its stream. Returns the error to throw.
   */
  private async wipeIfRevoked(err: unknown, userId: string | null): Promise<unknown> {
    const scope = err instanceof CareDeskError ? revocationScopeOf(err.code) : null;
    if (scope === 'user') {
      if (userId) await this.revoke('user', userId);
      return new CareDeskError('user_disabled', USER_DISABLED_MESSAGE);
    }
    if (scope === 'device' && this.client) {
      await this.revoke('device', userId);
      return new CareDeskError('device_not_enrolled', DEVICE_REVOKED_MESSAGE);
    }
    return err;
  }

  private start(user: User, policy: SessionPolicy, cache: WorkstationCache, client: CentralClient, token: string | null): void {
    const { events, clock, config } = this.deps;
    const { retry, batchSize, pullLimit } = config.sync ?? {};
    const announce = (records: RecordRef[]) => events.emit('records.changed', { records });
    const verifications = this.carried?.userId === user.id ? this.carried.verifications : new Map<string, VerificationState>();
    this.carried = null;
    if (this.endedCallOf === user.id) cache.keepWorkspace(null);
    this.endedCallOf = null;
    const session: OpenSession = { user, policy, cache, client, token, clock, announce, verifications, viewsRecorded: new Map(), lastSearch: null, engine: null as unknown as SyncEngine };
    session.engine = new SyncEngine({
      cache,
      client,
      role: user.role,
      clientId: cache.getMeta('client_id')!,
      token: () => session.token,
      clock,
      onStatus: (status) => events.emit('sync.status', status),
      onRecordsChanged: announce,
      onRevoked: (scope) => void this.revoke(scope, user.id),
      onSignInNeeded: () => {
        session.token = null;
        // the console asks for the password (and a code) where the user is (SessionState.reauth)
        if (this.open === session) this.changed();
      },
      retry,
      batchSize,
      pullLimit,
      ...(this.signViewHead ? { signViewHead: this.signViewHead } : {}),
    });
    this.open = session;
    this.lockedUser = null;
    this.state = 'unlocked';
    this.touch();
    session.engine.start();
  }

  /**
   * The server revoked the user or the device: their caches and keychain entries are wiped at
   * this contact (DESIGN §4), whether the cache is open, locked or shut. A revoked device forgets
   * its certificate and every user's cache; a disabled user loses their own cache only.
   */
  private revoke(scope: Exclude<RevocationScope, 'session'>, userId: string | null): Promise<void> {
    const run = this.revoking.then(() => this.wipe(scope, userId));
    this.revoking = run.catch(() => undefined);
    return run;
  }

  private async wipe(scope: Exclude<RevocationScope, 'session'>, userId: string | null): Promise<void> {
    const concerned = (user: User | null) => user !== null && (scope === 'device' || user.id === userId);
    // the cache is closed before its files go
    if (concerned(this.open?.user ?? null)) await this.lock();
    if (concerned(this.lockedUser)) this.lockedUser = null;
    if (this.carried && (scope === 'device' || this.carried.userId === userId)) this.carried = null;
    if (scope === 'device') {
      if (!this.deps.keychain) return;
      await this.deps.vault?.wipeDevice();
      await forgetDeviceIdentity(this.deps.config.dataDir, this.deps.keychain);
      await this.client?.close();
      this.client = null;
      this.signViewHead = undefined;
      this.state = 'not_enrolled';
    } else if (userId) {
      await this.deps.vault?.wipe(userId);
      if (!this.open && !this.lockedUser && this.state !== 'not_enrolled') this.state = 'signed_out';
    }
    this.changed();
  }

  private openCache(file: string, key: Buffer): WorkstationCache {
    try {
      return openCache({ file, key });
    } finally {
      key.fill(0);
    }
  }

  private changed(): SessionState {
    const snapshot = this.snapshot();
    this.deps.events.emit('session.changed', snapshot);
    return snapshot;
  }

  private requireKeychain(): Keychain {
    if (!this.deps.keychain) throw new CareDeskError('no_keychain', this.deps.blocker ?? 'No OS keychain is available.');
    return this.deps.keychain;
  }

  private requireVault(): Vault {
    this.requireKeychain();
    return this.deps.vault!;
  }

  private requireClient(): CentralClient {
    this.requireKeychain();
    if (!this.client) throw new CareDeskError('device_not_enrolled', 'This workstation is not enrolled yet: enter the enrolment code from IT.');
    return this.client;
  }
}
