import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, DEFAULT_SESSION_POLICY, SignInResponse } from '../../domain';
import { Harness, PASSWORD, type TestDevice } from './harness';

describe('users and sessions', () => {
  let h: Harness;
  let desk: TestDevice;
  beforeAll(async () => {
    h = await Harness.start();
    desk = await h.enrol();
  });
  afterAll(() => h.dispose());

  it('signs a user in with a token bound to the device, the user and the session policy', async () => {
    const user = await h.addUser('care_rep');
    const res = await h.signIn(desk, user.username);
    expect(res.status).toBe(200);
    const body = SignInResponse.parse(res.json);
    expect(body.user).toEqual(user);
    expect(body.policy).toEqual(DEFAULT_SESSION_POLICY);
    expect(Date.parse(body.expiresAt) - Date.parse(body.serverTime)).toBe(12 * 3_600_000);
    expect(Buffer.from(body.token, 'base64url')).toHaveLength(32);
    const stored = await h.store.db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toContain(body.token);
    expect(stored[0]!.device_id).toBe(desk.id);
  });

  it('stores passwords as argon2id hashes', async () => {
    const user = await h.addUser('billing_clerk');
    const row = await h.store.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('gives a wrong password and an unknown user the same answer', async () => {
    const user = await h.addUser('care_rep');
    const wrong = await h.signIn(desk, user.username, 'not the password at all');
    const unknown = await h.signIn(desk, 'nobody.here', PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json).toEqual(unknown.json);
    expect(wrong.json.error.code).toBe('unauthenticated');
  });

  it('refuses further sign-ins after 10 failures, even with the right password, for 30 minutes (PCI DSS 8.3.4)', async () => {
    const user = await h.addUser('care_rep');
    for (let i = 0; i < 10; i++) expect((await h.signIn(desk, user.username, 'guess number ' + i)).status).toBe(401);
    const locked = await h.signIn(desk, user.username);
    expect(locked.status).toBe(429);
    expect(locked.json.error.code).toBe('rate_limited');
    h.clock.advance(30 * 60_000 + 1000);
    expect((await h.signIn(desk, user.username)).status).toBe(200);
  });

  it('refuses a disabled user with an answer of its own, given only with the right password', async () => {
    const user = await h.addUser('care_rep');
    await h.store.admin.disableUser(user.id);
    const refused = await h.signIn(desk, user.username);
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('user_disabled');
    // a wrong password learns nothing about the account
    const guess = await h.signIn(desk, user.username, 'not the password at all');
    expect(guess.json.error.code).toBe('unauthenticated');
  });

  it('refuses a token used from another device', async () => {
    const session = await h.session('care_rep');
    const otherDesk = await h.enrol('other desk');
    const res = await h.call(otherDesk.agent, 'POST', API.clients, { token: session.token, body: { clientId: randomUUID() } });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('unauthenticated');
  });

  it('refuses requests without a token, or with a made-up one', async () => {
    expect((await h.call(desk.agent, 'GET', `${API.pull}?cursor=0`)).json.error.code).toBe('unauthenticated');
    const res = await h.call(desk.agent, 'GET', `${API.pull}?cursor=0`, { token: 'x'.repeat(43) });
    expect(res.status).toBe(401);
  });

  it('ends the session on sign-out', async () => {
    const session = await h.session('care_rep');
    expect((await h.call(desk.agent, 'DELETE', API.session, { token: session.token })).status).toBe(401); // not this device's token
    expect((await h.call(session.device.agent, 'DELETE', API.session, { token: session.token })).status).toBe(204);
    const res = await h.pull(session);
    expect(res.status).toBe(401);
  });

  it('expires a session after 12 hours', async () => {
    const session = await h.session('care_rep');
    h.clock.advance(12 * 3_600_000 + 1000);
    expect((await h.pull(session)).status).toBe(401);
  });

  it('ends the sessions of a user an administrator revokes', async () => {
    const session = await h.session('supervisor');
    expect(await h.store.admin.revokeSessionsOf(session.user.id)).toBe(1);
    expect((await h.pull(session)).status).toBe(401);
  });
});
