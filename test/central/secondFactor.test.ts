import { randomUUID } from 'node:crypto';
import { generateSync as generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, ROLES, SECOND_FACTOR_ROLES, SIGN_IN_LOCKOUT, SecondFactorChallenge, SecondFactorSignIn, SignInResponse, TOTP, type Role } from '../../domain';
import { centralCli } from '../support/cli';
import { Harness, PASSWORD, type TestDevice, type TestSession } from './harness';
import { storedBytes } from '../support/storedBytes';

/** Issue 14's second factor at the central store, over HTTP as a desk (or a modified one) talks to it. */
describe('the second factor at sign-in', () => {
  let h: Harness;
  let desk: TestDevice;
  let admin: TestSession;
  beforeAll(async () => {
    h = await Harness.start();
    desk = await h.enrol();
    admin = await h.session('admin');
  });
  afterAll(() => h.dispose());

  const codeAt = (secret: string, offsetSteps: number) => generate({ secret, epoch: Math.floor(h.clock().getTime() / 1000) + offsetSteps * TOTP.periodSeconds });
  const second = (device: TestDevice, body: Record<string, unknown>) => h.call(device.agent, 'POST', API.secondFactor, { body });
  const audit = (action: string) => h.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq', 'desc').execute();

  /** a user of `role` enrolled through the harness (password, QR secret, first code), and their recovery codes */
  async function enrolled(role: Role = 'billing_clerk') {
    const user = await h.addUser(role);
    const res = await h.signInFully(desk, user.username);
    expect(res.status).toBe(200);
    const body = SecondFactorSignIn.parse(res.json);
    return { user, recoveryCodes: body.recoveryCodes!, secret: h.totpSecrets.get(user.username)!.secret };
  }

  async function challenge(username: string, device = desk): Promise<string> {
    const res = await h.signIn(device, username);
    expect(res.status).toBe(200);
    return SecondFactorChallenge.parse(res.json).secondFactor.challenge;
  }

  it('asks it of exactly the roles that see payment data or administer, derived from the field policy', () => {
    expect([...SECOND_FACTOR_ROLES].sort()).toEqual(['admin', 'billing_clerk', 'compliance', 'supervisor']);
  });

  it.each(ROLES.filter((r) => !SECOND_FACTOR_ROLES.includes(r)))('leaves %s signing in with the password alone', async (role) => {
    const user = await h.addUser(role);
    const res = await h.signIn(desk, user.username);
    expect(res.status).toBe(200);
    expect(SignInResponse.parse(res.json).user.id).toBe(user.id);
  });

  it.each(SECOND_FACTOR_ROLES)('gives %s no session for the password alone: a challenge, and at first sign-in the secret to enrol', async (role) => {
    const user = await h.addUser(role);
    const res = await h.signIn(desk, user.username);
    expect(res.status).toBe(200);
    const { secondFactor } = SecondFactorChallenge.parse(res.json);
    expect(secondFactor.enrol?.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(secondFactor.enrol?.otpauthUri).toContain(`otpauth://totp/CareDesk:${user.username}?`);
    expect(await h.store.db.selectFrom('sessions').select('token_hash').where('user_id', '=', user.id).execute()).toHaveLength(0);
  });

  it('enrols with the first good code: recovery codes shown once, the secret sealed and the codes hashed at rest', async () => {
    const user = await h.addUser('billing_clerk');
    const first = SecondFactorChallenge.parse((await h.signIn(desk, user.username)).json).secondFactor;
    const wrong = await second(desk, { challenge: first.challenge, code: codeAt(first.enrol!.secret, 0) === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.issues[0].rule).toBe('second_factor.wrong');
    const ok = await second(desk, { challenge: first.challenge, code: codeAt(first.enrol!.secret, 0) });
    expect(ok.status).toBe(200);
    const body = SecondFactorSignIn.parse(ok.json);
    expect(body.user.id).toBe(user.id);
    expect(body.recoveryCodes).toHaveLength(10);
    const stored = await h.store.db.selectFrom('second_factors').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored.secret_sealed).not.toContain(first.enrol!.secret);
    const file = (await storedBytes(h.store)).toString('latin1');
    expect(file).not.toContain(first.enrol!.secret);
    for (const code of body.recoveryCodes!) expect(file).not.toContain(code);
    expect((await audit('session.second_factor_enrolled'))[0]!.user_id).toBe(user.id);
    // an enrolled user is never offered a secret again: a password thief cannot enrol their own phone
    expect(SecondFactorChallenge.parse((await h.signIn(desk, user.username)).json).secondFactor.enrol).toBeNull();
  });

  it('refuses a wrong code, a replayed code and an expired code; takes the code of the moment once', async () => {
    const { user, secret } = await enrolled();
    const used = h.totpSecrets.get(user.username)!.lastStep;
    const replayed = generate({ secret, epoch: used * TOTP.periodSeconds });
    let c = await challenge(user.username);
    expect((await second(desk, { challenge: c, code: replayed })).status).toBe(401);
    h.clock.advance(3 * TOTP.periodSeconds * 1000);
    expect((await second(desk, { challenge: c, code: codeAt(secret, -3) })).status).toBe(401); // expired: three steps old
    expect((await second(desk, { challenge: c, code: codeAt(secret, 0) === '123456' ? '654321' : '123456' })).status).toBe(401);
    const now = codeAt(secret, 0);
    const ok = await second(desk, { challenge: c, code: now });
    expect(ok.status).toBe(200);
    // the same code again, on a fresh challenge: replayed within its window
    c = await challenge(user.username);
    const again = await second(desk, { challenge: c, code: now });
    expect(again.status).toBe(401);
    expect(again.json.error.code).toBe('unauthenticated');
  });

  it('takes a challenge once: a second use, even with a new code, is refused', async () => {
    const { user, secret } = await enrolled();
    const c = await challenge(user.username);
    h.clock.advance(TOTP.periodSeconds * 1000);
    expect((await second(desk, { challenge: c, code: codeAt(secret, 0) })).status).toBe(200);
    h.clock.advance(TOTP.periodSeconds * 1000);
    expect((await second(desk, { challenge: c, code: codeAt(secret, 0) })).status).toBe(401);
  });

  it('refuses a challenge past its few minutes', async () => {
    const { user, secret } = await enrolled();
    const c = await challenge(user.username);
    h.clock.advance(6 * 60_000);
    expect((await second(desk, { challenge: c, code: codeAt(secret, 0) })).status).toBe(401);
  });

  it('takes each recovery code once, instead of a code', async () => {
    const { user, recoveryCodes } = await enrolled();
    const [code] = recoveryCodes;
    const ok = await second(desk, { challenge: await challenge(user.username), recoveryCode: code!.toUpperCase() });
    expect(ok.status).toBe(200);
    expect(SecondFactorSignIn.parse(ok.json).recoveryCodes).toBeUndefined();
    const again = await second(desk, { challenge: await challenge(user.username), recoveryCode: code });
    expect(again.status).toBe(401);
    // another user's recovery code signs nobody in
    const other = await enrolled();
    expect((await second(desk, { challenge: await challenge(user.username), recoveryCode: other.recoveryCodes[0] })).status).toBe(401);
  });

  describe('a modified client', () => {
    it('cannot skip the code: the challenge is no bearer token for any other call', async () => {
      const { user } = await enrolled('supervisor');
      const c = await challenge(user.username);
      for (const [method, path] of [
        ['GET', API.session],
        ['POST', API.clients],
        ['GET', `${API.pull}?cursor=0`],
        ['POST', API.operation('lockout.list')],
      ] as const) {
        const res = await h.call(desk.agent, method, path, { token: c, body: method === 'POST' ? { clientId: randomUUID() } : undefined });
        expect(res.status, `${method} ${path}`).toBe(401);
      }
      expect(await h.store.db.selectFrom('sessions').select('token_hash').where('user_id', '=', user.id).execute()).toHaveLength(1); // enrolment's only
    });

    it('cannot finish a challenge issued to another device', async () => {
      const { user, secret } = await enrolled();
      const c = await challenge(user.username);
      const other = await h.enrol('another desk');
      h.clock.advance(TOTP.periodSeconds * 1000);
      expect((await second(other, { challenge: c, code: codeAt(secret, 0) })).status).toBe(401);
    });

    it('cannot bring a secret of its own, nor confirm another user’s enrolment with its own challenge', async () => {
      const a = await h.addUser('compliance');
      const b = await h.addUser('compliance');
      const ca = SecondFactorChallenge.parse((await h.signIn(desk, a.username)).json).secondFactor;
      const cb = SecondFactorChallenge.parse((await h.signIn(desk, b.username)).json).secondFactor;
      const forged = await second(desk, { challenge: ca.challenge, code: codeAt(ca.enrol!.secret, 0), secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' });
      expect(forged.status).toBe(400);
      // a's challenge with a code of the secret offered to b: a's offer stands, b's secret proves nothing for a
      const crossed = await second(desk, { challenge: ca.challenge, code: codeAt(cb.enrol!.secret, 0) });
      expect(crossed.status).toBe(401);
      expect(await h.store.db.selectFrom('second_factors').select('user_id').where('user_id', 'in', [a.id, b.id]).execute()).toHaveLength(0);
      // absurd input is refused naming the field and the rule
      const absurd = await second(desk, { challenge: ca.challenge, code: '12 34 56 78' });
      expect(absurd.status).toBe(400);
    });
  });

  describe('lockouts (PCI DSS 8.3.4)', () => {
    it(`locks a username after ${SIGN_IN_LOCKOUT.maxFailures} failures of passwords and codes together, with its audit row; an administrator lists and lifts it`, async () => {
      const { user, secret } = await enrolled();
      for (let i = 0; i < 5; i++) expect((await h.signIn(desk, user.username, `wrong password ${i}`)).status).toBe(401);
      const c = await challenge(user.username);
      for (let i = 0; i < 4; i++) expect((await second(desk, { challenge: c, code: String(100000 + i) })).status).toBe(401);
      const tenth = await second(desk, { challenge: c, code: '999999' });
      expect(tenth.status).toBe(429);
      expect(tenth.json.error.code).toBe('rate_limited');
      const row = (await audit('session.locked_out'))[0]!;
      expect(row.user_id).toBe(user.id);
      expect(row.detail).toContain('5 password, 5 code');
      // locked: the right password and the right code are refused alike
      expect((await h.signIn(desk, user.username)).status).toBe(429);
      const listed = await h.operation(admin, 'lockout.list', {});
      expect(listed.status).toBe(200);
      const lockout = listed.json.lockouts.find((l: { username: string }) => l.username === user.username);
      expect(lockout).toMatchObject({ userId: user.id, role: 'billing_clerk', failures: { password: 5, code: 5 } });
      expect(Date.parse(lockout.lockedUntil) - Date.parse(lockout.lockedAt)).toBe(SIGN_IN_LOCKOUT.minutes * 60_000);
      const lifted = await h.operation(admin, 'lockout.lift', { username: user.username });
      expect(lifted.json).toEqual({ lifted: true });
      expect((await audit('session.lockout_lifted'))[0]).toMatchObject({ user_id: admin.user.id, outcome: 'ok' });
      expect((await h.operation(admin, 'lockout.lift', { username: user.username })).json).toEqual({ lifted: false });
      h.clock.advance(TOTP.periodSeconds * 1000);
      expect((await second(desk, { challenge: await challenge(user.username), code: codeAt(secret, 0) })).status).toBe(200);
    });

    it('keeps the lock at least 30 minutes, then lets the right password through', async () => {
      const user = await h.addUser('care_rep');
      for (let i = 0; i < SIGN_IN_LOCKOUT.maxFailures; i++) await h.signIn(desk, user.username, `guess ${i}`);
      h.clock.advance(29 * 60_000);
      expect((await h.signIn(desk, user.username)).status).toBe(429);
      h.clock.advance(60_000 + 1000);
      expect((await h.signIn(desk, user.username)).status).toBe(200);
    });

    it('locks a username nobody has the same way, so the answer tells a guesser nothing', async () => {
      for (let i = 0; i < SIGN_IN_LOCKOUT.maxFailures; i++) await h.signIn(desk, 'nobody.at.all', `guess ${i}`);
      expect((await h.signIn(desk, 'nobody.at.all')).status).toBe(429);
      const listed = await h.operation(admin, 'lockout.list', {});
      expect(listed.json.lockouts.find((l: { username: string }) => l.username === 'nobody.at.all')).toMatchObject({ userId: null, role: null });
    });
  });

  describe('the administrator’s reset', () => {
    it('makes the user enrol again: old codes and recovery codes no longer work; audited', async () => {
      const { user, secret, recoveryCodes } = await enrolled('supervisor');
      const pending = await challenge(user.username);
      const res = await h.operation(admin, 'secondFactor.reset', { userId: user.id });
      expect(res.json).toEqual({ reset: true, username: user.username });
      expect((await audit('user.second_factor_reset'))[0]).toMatchObject({ entity_id: user.id, user_id: admin.user.id, outcome: 'ok' });
      h.clock.advance(TOTP.periodSeconds * 1000);
      expect((await second(desk, { challenge: pending, code: codeAt(secret, 0) })).status).toBe(401);
      const next = SecondFactorChallenge.parse((await h.signIn(desk, user.username)).json).secondFactor;
      expect(next.enrol).not.toBeNull();
      expect((await second(desk, { challenge: next.challenge, recoveryCode: recoveryCodes[1] })).status).toBe(401);
      expect((await h.operation(admin, 'secondFactor.reset', { userId: randomUUID() })).status).toBe(404);
    });
  });

  describe('every role × the administrator’s operations', () => {
    const cases = ROLES.flatMap((role) => (['lockout.list', 'lockout.lift', 'secondFactor.reset'] as const).map((op) => [role, op] as const));
    it.each(cases)('%s × %s', async (role, op) => {
      const session = role === 'admin' ? admin : await h.session(role);
      const target = await h.addUser('billing_clerk');
      const body = op === 'lockout.list' ? {} : op === 'lockout.lift' ? { username: target.username } : { userId: target.id };
      const res = await h.operation(session, op, body);
      if (role === 'admin') expect(res.status).toBe(200);
      else {
        expect(res.status).toBe(403);
        expect(res.json.error.message).toContain(`the ${role} role may not`);
      }
    });
  });

  it('the CLI lists and lifts lockouts and resets a second factor through the same functions', async () => {
    const { user } = await enrolled();
    for (let i = 0; i < SIGN_IN_LOCKOUT.maxFailures; i++) await h.signIn(desk, user.username, `guess ${i}`);
    // the CLI runs on the real clock; the store's test clock may be ahead of it
    const listed = await centralCli(h.dataDir, 'list-lockouts');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(user.username);
    const lifted = await centralCli(h.dataDir, 'lift-lockout', user.username);
    expect(lifted.stdout).toContain(`lifted the lockout of ${user.username}`);
    const reset = await centralCli(h.dataDir, 'reset-second-factor', user.username);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain(`reset ${user.username}'s second factor`);
    expect(SecondFactorChallenge.parse((await h.signIn(desk, user.username, PASSWORD)).json).secondFactor.enrol).not.toBeNull();
  });
});
