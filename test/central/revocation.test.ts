import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCentral, type OpenedCentral } from '../../central';
import { sessionEnded, tokenHash } from '../../central/identity/sessions';
import { API, ROUTED_OPERATION_NAMES } from '../../domain';
import { Harness, readEvents } from './harness';

type Method = 'GET' | 'POST' | 'DELETE';

/**
 * Every route of the API that a session token opens, keyed by the API table so that a new route
 * does not compile until it is listed here. Health, readiness and enrolment are public; POST session is the
 * sign-in, which takes a password, not a token.
 */
const SESSION_ROUTES: Record<keyof typeof API, [Method, string][]> = {
  health: [],
  ready: [],
  enrol: [],
  // the second step of a sign-in takes a challenge, not a token (test/central/secondFactor.test.ts)
  secondFactor: [],
  session: [
    ['GET', API.session],
    ['DELETE', API.session],
  ],
  clients: [['POST', API.clients]],
  pull: [['GET', `${API.pull}?cursor=0`]],
  snapshot: [['GET', API.snapshot]],
  push: [['POST', API.push]],
  events: [['GET', API.events]],
  verify: [
    ['GET', API.verify(randomUUID())],
    ['POST', API.verify(randomUUID())],
  ],
  replaceCard: [['POST', API.replaceCard(randomUUID())]],
  adjustments: [['POST', API.adjustments(randomUUID())]],
  history: [['GET', API.history('customer', randomUUID())]],
  erasureCertificate: [['GET', API.erasureCertificate(randomUUID())]],
  operation: ROUTED_OPERATION_NAMES.map((name) => ['POST', API.operation(name)]),
};
const everySessionRoute = Object.values(SESSION_ROUTES).flat();

describe('revocation by an administrator', () => {
  let h: Harness;
  /** a second process on the same database, as the admin CLI is: its own connection and its own feed */
  let admin: OpenedCentral;
  beforeAll(async () => {
    h = await Harness.start({ customers: 3 });
    admin = await openCentral({ dataDir: h.dataDir });
  });
  afterAll(async () => {
    await admin?.close();
    await h.dispose();
  });

  it('answers a live session with who it is and the policy in force', async () => {
    const rep = await h.session('care_rep');
    const res = await h.call(rep.device.agent, 'GET', API.session, { token: rep.token });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ user: { id: rep.user.id, status: 'active' }, policy: { idleLockMinutes: 15 } });
  });

  it('refuses a disabled user’s existing session token on every route, with user_disabled', async () => {
    const rep = await h.session('care_rep');
    await admin.admin.disableUser(rep.user.id);
    for (const [method, path] of everySessionRoute) {
      const res = await h.call(rep.device.agent, method, path, { token: rep.token, body: method === 'POST' ? {} : undefined });
      expect([method, path, res.status, res.json?.error?.code]).toEqual([method, path, 403, 'user_disabled']);
    }
    const sessions = await h.store.db.selectFrom('sessions').select('revoked_at').where('user_id', '=', rep.user.id).execute();
    expect(sessions.every((s) => s.revoked_at !== null)).toBe(true);
  });

  it('does not tell a token copied to another workstation that its user is disabled', async () => {
    const rep = await h.session('care_rep');
    const other = await h.enrol('another desk');
    await admin.admin.disableUser(rep.user.id);
    const res = await h.call(other.agent, 'GET', API.session, { token: rep.token });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('unauthenticated');
  });

  it('refuses a request replayed from a revoked workstation, on every route and at sign-in, and applies nothing', async () => {
    const rep = await h.session('care_rep');
    const { billingAccount } = h.customer(0);
    const clerk = await h.session('billing_clerk', rep.device);
    const before = await h.record('billingAccount', billingAccount.id);
    const mutation = h.mutation(clerk, 1, { entity: 'billingAccount', id: billingAccount.id }, { autopay: billingAccount.autopay }, { autopay: !billingAccount.autopay });
    const captured = JSON.stringify({ clientId: clerk.clientId, mutations: [mutation], views: [] });

    const revoked = await admin.admin.revokeDevice(rep.device.id);
    expect(revoked).toMatchObject({ changed: true, sessionsEnded: 2 });
    const replay = await h.call(clerk.device.agent, 'POST', API.push, { token: clerk.token, rawBody: captured });
    expect(replay.status).toBe(401);
    expect(replay.json.error.code).toBe('device_not_enrolled');
    expect((await h.record('billingAccount', billingAccount.id)).seq).toBe(before.seq);
    for (const [method, path] of everySessionRoute) {
      const res = await h.call(rep.device.agent, method, path, { token: rep.token, body: method === 'POST' ? {} : undefined });
      expect([method, path, res.status, res.json?.error?.code]).toEqual([method, path, 401, 'device_not_enrolled']);
    }
    const signIn = await h.signIn(rep.device, rep.user.username);
    expect(signIn.json.error.code).toBe('device_not_enrolled');
    // its token, carried to a workstation still enrolled, is worth nothing there either
    const elsewhere = await h.enrol('thief desk');
    expect((await h.call(elsewhere.agent, 'GET', API.session, { token: clerk.token })).json.error.code).toBe('unauthenticated');
  });

  it('ends an open event stream within seconds when another process disables its user', async () => {
    const rep = await h.session('care_rep');
    let disabledAt = 0;
    const events = await readEvents(
      h,
      rep,
      (seen) => seen.some((e) => e.type === 'revoked'),
      async () => {
        disabledAt = performance.now();
        await admin.admin.disableUser(rep.user.id);
      },
    );
    const seconds = (performance.now() - disabledAt) / 1000;
    expect(events.at(-1)).toEqual({ type: 'revoked', scope: 'user', reason: 'user disabled' });
    expect(seconds).toBeLessThan(5);
  });

  it('ends an open event stream within seconds when another process revokes its workstation', async () => {
    const rep = await h.session('care_rep');
    const events = await readEvents(
      h,
      rep,
      (seen) => seen.some((e) => e.type === 'revoked'),
      async () => void (await admin.admin.revokeDevice(rep.device.id)),
    );
    expect(events.at(-1)).toEqual({ type: 'revoked', scope: 'device', reason: 'device revoked' });
  });

  it('sends a poke when another process advances the change log', async () => {
    const rep = await h.session('care_rep');
    const events = await readEvents(
      h,
      rep,
      (seen) => seen.filter((e) => e.type === 'poke').length >= 2,
      async () => void (await admin.admin.seedDemo(1, { seed: 99, historyMonths: 0 })),
    );
    const [first, second] = events as { type: 'poke'; head: number }[];
    expect(second!.head).toBeGreaterThan(first!.head);
  });

  it('finds on the heartbeat a session ended behind the feed’s back', async () => {
    const rep = await h.session('care_rep');
    const hash = tokenHash(rep.token);
    expect(await sessionEnded(h.store.db, h.clock, hash)).toBeNull();
    // a status written straight into the database, with no revocation recorded
    await h.store.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', rep.user.id).execute();
    expect(await sessionEnded(h.store.db, h.clock, hash)).toEqual({ scope: 'user', reason: 'user disabled' });
    await h.store.db.updateTable('devices').set({ revoked_at: h.clock().toISOString() }).where('id', '=', rep.device.id).execute();
    expect(await sessionEnded(h.store.db, h.clock, hash)).toEqual({ scope: 'device', reason: 'device revoked' });
  });

  it('names what it cannot find', async () => {
    await expect(admin.admin.revokeDevice(randomUUID())).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('no such device') });
    await expect(admin.admin.userNamed('nobody.here')).rejects.toMatchObject({ code: 'not_found', message: 'no such user: nobody.here' });
  });
});
