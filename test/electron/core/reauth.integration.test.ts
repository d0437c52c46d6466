import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { SECOND_FACTOR_CHALLENGE_MINUTES } from '../../../domain/secondFactor';
import { DEMO_SEED, PASSWORD, startTestCentral, type TestCentral } from '../../support/central';
import { signInDesk, totpFor } from '../../support/secondFactor';
import { eventually, startWorkstation, type TestWorkstation } from '../../support/workstation';

/**
 * Issue 14: when the central store's session ends while the cache is unlocked, the console asks for
 * the password (and a code, for a role with a second factor) where the user is — no sign-out, the
 * workspace and the outbox kept — and sync resumes. A disabled user, a revoked desk, a new role or a
 * password reset by an administrator gets no resume.
 */
let central: TestCentral;
let offsetMs = 0;
/** the store's clock: moved on past a session's 12 hours */
const storeClock = () => new Date(Date.now() + offsetMs);
const workstations: TestWorkstation[] = [];
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });

async function signedIn(username: string): Promise<TestWorkstation> {
  const ws = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: await central.store.admin.createEnrolmentCode(), enrolmentUrl: central.store.enrolmentUrl, deviceName: `desk of ${username}`, sync: { retry: { baseMs: 100, maxMs: 500 } } });
  workstations.push(ws);
  const state = await signInDesk(ws, username, { clock: storeClock });
  expect(state.state).toBe('unlocked');
  await ws.call('sync.now');
  return ws;
}

const userId = async (username: string) => (await central.store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
const cacheFiles = (ws: TestWorkstation, id: string) => (existsSync(join(ws.dataDir, 'users', id)) ? readdirSync(join(ws.dataDir, 'users', id)) : []);
const cacheAndKey = (ws: TestWorkstation, id: string) => cacheFiles(ws, id).filter((f) => f.startsWith('cache.db') || f === 'vault.json');

/** The store's sessions all expire (its clock passes 12 hours); the desk hears it at its next sync. */
async function sessionExpires(ws: TestWorkstation) {
  offsetMs += 13 * 3_600_000;
  await ws.call('sync.now');
  return eventually(async () => {
    const s = await ws.call('session.status');
    return s.reauth ? s : null;
  }, 15_000, 'the console asking to sign in again');
}

/**
 * An outage cuts the desk's live-update stream; its session ended, it does not reconnect, so what an
 * administrator does next reaches it only when the user signs in again (a connected desk hears it at once).
 */
async function streamCut(ws: TestWorkstation) {
  await central.stop();
  await eventually(async () => !(await ws.call('sync.status')).online, 15_000, 'the stream cut');
  await central.restart();
}

beforeAll(async () => {
  central = await startTestCentral({
    customers: 10,
    clock: storeClock,
    users: {
      'clerk.resume': 'billing_clerk',
      'rep.resume': 'care_rep',
      'clerk.disabled': 'billing_clerk',
      'clerk.revoked': 'billing_clerk',
      'clerk.demoted': 'billing_clerk',
      'rep.promoted': 'care_rep',
      'rep.reset': 'care_rep',
      'clerk.slow': 'billing_clerk',
    },
  });
}, 120_000);
afterAll(async () => {
  for (const ws of workstations) await ws.dispose();
  await central?.dispose();
});

describe('signing in again where the user is', () => {
  it('asks a billing clerk for password and code, keeps the workspace and the queued edit, and resumes sync', async () => {
    const ws = await signedIn('clerk.resume');
    const { billingAccount, customer } = demo(1);
    const workspace = { view: 'customers', customer: { id: customer.id, name: `${customer.firstName} ${customer.lastName}`, accountNumber: customer.accountNumber }, tab: 'billing' as const, editing: null, drafts: {} };
    await ws.call('workspace.save', workspace);
    const state = await sessionExpires(ws);
    expect(state).toMatchObject({ state: 'unlocked', reauth: { secondFactor: true } });
    // queued while the session is dead: kept, not sent
    await ws.call('records.change', { operation: 'billingAccount.edit', id: billingAccount.id, values: { autopay: !billingAccount.autopay }, reason: 'Customer asked on the phone' });
    expect((await ws.call('sync.status')).pending).toBe(1);

    // the password alone is not enough for this role; a wrong code is refused; neither signs anyone out
    await expect(ws.call('session.reauthenticate', { password: PASSWORD })).rejects.toMatchObject({ code: 'validation', issues: [{ field: 'code', rule: 'required' }] });
    await expect(ws.call('session.reauthenticate', { password: PASSWORD, code: '000000' === (await totpFor('clerk.resume', storeClock)) ? '111111' : '000000' })).rejects.toMatchObject({ code: 'unauthenticated' });
    expect((await ws.call('session.status')).state).toBe('unlocked');

    const resumed = await ws.call('session.reauthenticate', { password: PASSWORD, code: await totpFor('clerk.resume', storeClock) });
    expect(resumed).toMatchObject({ state: 'unlocked', reauth: null });
    await eventually(async () => (await ws.call('sync.status')).pending === 0, 15_000, 'the queued edit sent');
    const stored = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'billingAccount').where('id', '=', billingAccount.id).executeTakeFirstOrThrow();
    expect(JSON.parse(stored.data!).autopay).toBe(!billingAccount.autopay);
    expect(await ws.call('workspace.get')).toMatchObject(workspace);
    expect((await ws.call('sync.status')).error).toBeNull();
  });

  it('asks a care rep for the password alone', async () => {
    const ws = await signedIn('rep.resume');
    expect(await sessionExpires(ws)).toMatchObject({ reauth: { secondFactor: false } });
    expect(await ws.call('session.reauthenticate', { password: PASSWORD })).toMatchObject({ state: 'unlocked', reauth: null });
    await ws.call('sync.now');
    expect((await ws.call('sync.status')).error).toBeNull();
  });

  it('gives a disabled user no resume: their cache is wiped', async () => {
    const ws = await signedIn('clerk.disabled');
    const id = await userId('clerk.disabled');
    await sessionExpires(ws);
    await central.store.admin.disableUser(id);
    await expect(ws.call('session.reauthenticate', { password: PASSWORD, code: await totpFor('clerk.disabled', storeClock) })).rejects.toMatchObject({ code: 'user_disabled' });
    expect((await ws.call('session.status')).state).toBe('signed_out');
    expect(cacheAndKey(ws, id)).toEqual([]);
  });

  it('gives a revoked workstation no resume: every cache and its keys are wiped', async () => {
    const ws = await signedIn('clerk.revoked');
    const id = await userId('clerk.revoked');
    await sessionExpires(ws);
    const device = (await central.store.admin.listDevices()).find((d) => d.name === 'desk of clerk.revoked')!;
    await central.store.admin.revokeDevice(device.id);
    await expect(ws.call('session.reauthenticate', { password: PASSWORD, code: await totpFor('clerk.revoked', storeClock) })).rejects.toMatchObject({ code: 'device_not_enrolled' });
    expect((await ws.call('session.status')).state).toBe('not_enrolled');
    expect(cacheFiles(ws, id)).toEqual([]);
  });

  it('gives a user whose role changed while the session was expired no resume: the old role’s cache is wiped', async () => {
    const ws = await signedIn('clerk.demoted');
    const id = await userId('clerk.demoted');
    await sessionExpires(ws);
    await streamCut(ws);
    await central.store.admin.changeRole(id, 'care_rep');
    // the password and code of the old role are accepted, but the answer is a care rep's: the clerk's payment data must not stay open
    await expect(ws.call('session.reauthenticate', { password: PASSWORD, code: await totpFor('clerk.demoted', storeClock) })).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('changed your role') });
    expect((await ws.call('session.status')).state).toBe('signed_out');
    expect(cacheAndKey(ws, id)).toEqual([]);
    await ws.call('session.signIn', { username: 'clerk.demoted', password: PASSWORD });
    expect(await ws.call('session.status')).toMatchObject({ state: 'unlocked', user: { role: 'care_rep' } });
  });

  it('gives a care rep made a billing clerk no resume: the store asks a code the old role never had', async () => {
    const ws = await signedIn('rep.promoted');
    const id = await userId('rep.promoted');
    expect(await sessionExpires(ws)).toMatchObject({ reauth: { secondFactor: false } });
    await streamCut(ws);
    await central.store.admin.changeRole(id, 'billing_clerk');
    await expect(ws.call('session.reauthenticate', { password: PASSWORD })).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('changed your role') });
    expect((await ws.call('session.status')).state).toBe('signed_out');
    expect(cacheAndKey(ws, id)).toEqual([]);
  });

  it('gives a user whose password an administrator reset no resume: the cache the old password opened is wiped', async () => {
    const ws = await signedIn('rep.reset');
    const id = await userId('rep.reset');
    await sessionExpires(ws);
    await streamCut(ws);
    const { temporaryPassword } = await central.store.admin.resetPassword(id);
    await expect(ws.call('session.reauthenticate', { password: temporaryPassword })).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('reset by an administrator') });
    expect((await ws.call('session.status')).state).toBe('signed_out');
    expect(cacheAndKey(ws, id)).toEqual([]);
    await ws.call('session.signIn', { username: 'rep.reset', password: temporaryPassword });
    expect((await ws.call('session.status')).state).toBe('unlocked');
  });
});

describe('a sign-in left between its password and its code', () => {
  it('forgets the typed password when the challenge expires, and says so', async () => {
    // this desk's clock runs ahead of the store's: the store's challenge ends here in 3 seconds rather than minutes
    const ahead = SECOND_FACTOR_CHALLENGE_MINUTES * 60_000 - 3_000;
    const ws = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: await central.store.admin.createEnrolmentCode(), enrolmentUrl: central.store.enrolmentUrl, deviceName: 'desk left alone', clock: () => new Date(storeClock().getTime() + ahead) });
    workstations.push(ws);
    expect((await ws.call('session.signIn', { username: 'clerk.slow', password: PASSWORD })).secondFactor).toMatchObject({ step: 'enrol' });
    expect(await ws.next('session.changed', (state) => state.secondFactor === null, 10_000)).toMatchObject({ state: 'signed_out', secondFactor: null });
    expect((await ws.call('session.status')).secondFactor).toBeNull();
    await expect(ws.call('session.secondFactor', { code: '123456' })).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('username and password first') });
  });
});
