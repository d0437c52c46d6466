import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { DEMO_SEED, PASSWORD, startTestCentral, type TestCentral } from '../../support/central';
import { signInDesk, totpFor } from '../../support/secondFactor';
import { eventually, startWorkstation, type TestWorkstation } from '../../support/workstation';

/**
 * Issue 14: when the central store's session ends while the cache is unlocked, the console asks for
 * the password (and a code, for a role with a second factor) where the user is — no sign-out, the
 * workspace and the outbox kept — and sync resumes. A disabled user or a revoked desk gets no resume.
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

/** The store's sessions all expire (its clock passes 12 hours); the desk hears it at its next sync. */
async function sessionExpires(ws: TestWorkstation) {
  offsetMs += 13 * 3_600_000;
  await ws.call('sync.now');
  return eventually(async () => {
    const s = await ws.call('session.status');
    return s.reauth ? s : null;
  }, 15_000, 'the console asking to sign in again');
}

beforeAll(async () => {
  central = await startTestCentral({
    customers: 10,
    clock: storeClock,
    users: { 'clerk.resume': 'billing_clerk', 'rep.resume': 'care_rep', 'clerk.disabled': 'billing_clerk', 'clerk.revoked': 'billing_clerk' },
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
    expect(cacheFiles(ws, id).filter((f) => f.startsWith('cache.db') || f === 'vault.json')).toEqual([]);
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
});
