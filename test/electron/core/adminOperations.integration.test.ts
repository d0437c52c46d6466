import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { openOsKeychain } from '../../../electron/core/keychain';
import { startTestCentral, DEMO_SEED, PASSWORD, type TestCentral } from '../../support/central';
import { signInDesk } from '../../support/secondFactor';
import { eventually, startWorkstation, type TestWorkstation } from '../../support/workstation';

/**
 * The administrator's operations from an admin's own desk (issue 14): the console channels derived
 * from the `admin.*` declarations, through the workstation core, to the central store's operations
 * route. Disabling a user and revoking a workstation that way wipe the other desk's real cache files
 * (and, for the workstation, its keys) at its next contact; the admin sees the pending edits a desk
 * reported before the wipe; the session policy the admin sets is the one a desk then works under.
 */
let central: TestCentral;
const workstations: TestWorkstation[] = [];
let admin: TestWorkstation;

async function signedIn(username: string): Promise<TestWorkstation> {
  const ws = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl });
  workstations.push(ws);
  // the admin with their second factor (issue 14), a care rep with the password alone
  await signInDesk(ws, username);
  await ws.call('sync.now');
  await eventually(async () => (await ws.call('sync.status')).online, 15_000, 'online');
  return ws;
}
const userId = async (username: string) => (await central.store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
const cacheFiles = (ws: TestWorkstation, id: string) => (existsSync(join(ws.dataDir, 'users', id)) ? readdirSync(join(ws.dataDir, 'users', id)) : []);
const deviceIdOf = (ws: TestWorkstation) => (JSON.parse(readFileSync(join(ws.dataDir, 'device.json'), 'utf8')) as { deviceId: string }).deviceId;
const keychainEntry = async (ws: TestWorkstation, account: string) => (await openOsKeychain(ws.keychainService)).get(account);

beforeAll(async () => {
  central = await startTestCentral({ customers: 20, users: { 'admin.ada': 'admin', 'rep.conflicted': 'care_rep', 'rep.lost': 'care_rep', 'rep.policy': 'care_rep', 'rep.promoted': 'care_rep', 'rep.moved': 'care_rep', 'rep.away': 'care_rep', 'rep.reset': 'care_rep' } });
  admin = await signedIn('admin.ada');
});
afterAll(async () => {
  for (const ws of workstations) await ws.dispose();
  await central?.dispose();
});

describe('admin operations from the admin’s desk', () => {
  it('shows the rep’s desk with the edits it has not delivered, then disabling the rep wipes that desk’s cache at once', async () => {
    const rep = await signedIn('rep.conflicted');
    const id = await userId('rep.conflicted');
    // an edit the store cannot apply as it stands: someone changed the email behind the desk's back (a conflict the rep has not resolved)
    const { customer, secrets } = demoCustomer(2, { seed: DEMO_SEED, historyMonths: 2 });
    const stored = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', customer.id).executeTakeFirstOrThrow();
    await central.store.db.updateTable('records').set({ data: JSON.stringify({ ...JSON.parse(stored.data!), email: 'changed.elsewhere@example.net' }) }).where('entity', '=', 'customer').where('id', '=', customer.id).execute();
    await rep.call('customer.verifyCaller', { customerId: customer.id, method: 'ssn_last4', answer: secrets.ssnLast4 });
    await rep.call('records.change', { operation: 'customer.editContact', id: customer.id, values: { email: 'caller.new@example.net' }, reason: 'Caller gave a new email' });
    await eventually(async () => (await rep.call('sync.status')).conflicts === 1, 15_000, 'conflict');
    await rep.call('sync.now');

    const directory = await admin.call('admin.users', {});
    const listed = directory.users.find((u) => u.id === id)!;
    expect(listed.desks).toEqual([expect.objectContaining({ deviceId: deviceIdOf(rep), deviceName: 'test workstation', pending: 1, revoked: false })]);
    expect(JSON.stringify(directory)).not.toContain(customer.lastName);

    expect(cacheFiles(rep, id)).toEqual(expect.arrayContaining(['cache.db', 'vault.json']));
    const result = await admin.call('admin.disableUser', { userId: id });
    expect(result).toMatchObject({ changed: true, sessionsEnded: 1 });
    await eventually(async () => (await rep.call('session.status')).state === 'signed_out', 15_000, 'rep signed out');
    expect(cacheFiles(rep, id)).toEqual([]);
    await expect(rep.call('session.signIn', { username: 'rep.conflicted', password: PASSWORD })).rejects.toMatchObject({ code: 'user_disabled' });
    const audit = await central.store.db.selectFrom('audit_log').select(['user_id', 'role']).where('action', '=', 'user.disabled').where('entity_id', '=', id).execute();
    expect(audit).toEqual([{ user_id: await userId('admin.ada'), role: 'admin' }]);
  });

  it('revoking a workstation wipes every cache on it and its keys at its next contact (here: its unlock, being locked)', async () => {
    const lost = await signedIn('rep.lost');
    const id = await userId('rep.lost');
    await lost.call('session.lock');
    const deviceId = deviceIdOf(lost);
    const before = (await admin.call('admin.devices', {})).devices.find((d) => d.id === deviceId)!;
    expect(before).toMatchObject({ revokedAt: null, users: [expect.objectContaining({ username: 'rep.lost', pending: 0 })] });
    expect(before.lastContactAt).not.toBeNull();

    expect(await admin.call('admin.revokeDevice', { deviceId })).toMatchObject({ deviceId, changed: true });
    // locked: no stream open, nothing happened yet
    expect(cacheFiles(lost, id)).toEqual(expect.arrayContaining(['cache.db', 'vault.json']));
    await expect(lost.call('session.unlock', { password: PASSWORD })).rejects.toMatchObject({ code: 'device_not_enrolled' });
    expect(cacheFiles(lost, id)).toEqual([]);
    expect(existsSync(join(lost.dataDir, 'users'))).toBe(false);
    expect(existsSync(join(lost.dataDir, 'device.json'))).toBe(false);
    expect(await keychainEntry(lost, 'device-secret')).toBeNull();
    expect(await keychainEntry(lost, 'device-key')).toBeNull();
    expect((await admin.call('admin.devices', {})).devices.find((d) => d.id === deviceId)!.revokedAt).not.toBeNull();
  });

  it('a desk works under the session policy the admin set: given at sign-in, used for the idle lock', async () => {
    const { policy } = await admin.call('admin.setSessionPolicy', { idleLockMinutes: 3, maxOfflineHours: 12 });
    expect(policy).toEqual({ idleLockMinutes: 3, maxOfflineHours: 12 });
    const rep = await signedIn('rep.policy');
    expect((await rep.call('session.status')).policy).toEqual({ idleLockMinutes: 3, maxOfflineHours: 12 });
    expect(await rep.call('session.idle', {})).toMatchObject({ idleLockMinutes: 3 });
    expect((await rep.call('session.idle', {})).lockInMs).toBeLessThanOrEqual(3 * 60_000);
  });

  it('a new role wipes the old role’s cache: at once on a connected desk, at unlock on a locked one; the next sign-in starts a fresh cache', async () => {
    const connected = await signedIn('rep.promoted');
    const connectedId = await userId('rep.promoted');
    expect(await admin.call('admin.changeRole', { userId: connectedId, role: 'billing_clerk' })).toMatchObject({ changed: true, sessionsEnded: 1 });
    await eventually(async () => (await connected.call('session.status')).state === 'signed_out', 15_000, 'connected desk signed out');
    expect(cacheFiles(connected, connectedId)).toEqual([]);

    const locked = await signedIn('rep.moved');
    const lockedId = await userId('rep.moved');
    const { customer } = demoCustomer(4, { seed: DEMO_SEED, historyMonths: 2 });
    expect((await locked.call('customers.search', { query: customer.email! })).hits.length).toBe(1);
    await locked.call('session.lock');
    await admin.call('admin.changeRole', { userId: lockedId, role: 'network_ops' });
    expect(cacheFiles(locked, lockedId)).toEqual(expect.arrayContaining(['cache.db']));
    await expect(locked.call('session.unlock', { password: PASSWORD })).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('changed your role') });
    expect(cacheFiles(locked, lockedId)).toEqual([]);
    expect((await locked.call('session.status')).state).toBe('signed_out');
    await locked.call('session.signIn', { username: 'rep.moved', password: PASSWORD });
    await locked.call('sync.now');
    expect((await locked.call('session.status')).user).toMatchObject({ role: 'network_ops' });
    // network operations do not read emails: the fresh cache has none to find
    expect((await locked.call('customers.search', { query: customer.email! })).hits).toEqual([]);
  });

  it('a password reset wipes the cache of a locked desk at its unlock: the old password opens nothing more', async () => {
    const ws = await signedIn('rep.reset');
    const id = await userId('rep.reset');
    await ws.call('session.lock');
    const { temporaryPassword } = await admin.call('admin.resetPassword', { userId: id });
    await expect(ws.call('session.unlock', { password: PASSWORD })).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('reset by an administrator') });
    expect(cacheFiles(ws, id)).toEqual([]);
    expect((await ws.call('session.status')).state).toBe('signed_out');
    await ws.call('session.signIn', { username: 'rep.reset', password: temporaryPassword });
    expect((await ws.call('session.status')).state).toBe('unlocked');
  });

  it('a signed-out desk holding the old role’s cache starts a fresh one at the next sign-in', async () => {
    const ws = await signedIn('rep.away');
    const id = await userId('rep.away');
    const { customer } = demoCustomer(5, { seed: DEMO_SEED, historyMonths: 2 });
    expect((await ws.call('customers.search', { query: customer.email! })).hits.length).toBe(1);
    await ws.call('session.signOut');
    const before = readFileSync(join(ws.dataDir, 'users', id, 'vault.json'), 'utf8');
    await admin.call('admin.changeRole', { userId: id, role: 'network_ops' });
    await ws.call('session.signIn', { username: 'rep.away', password: PASSWORD });
    expect(JSON.parse(readFileSync(join(ws.dataDir, 'users', id, 'vault.json'), 'utf8')).wrappedKey).not.toEqual(JSON.parse(before).wrappedKey);
    expect((await ws.call('customers.search', { query: customer.email! })).hits).toEqual([]);
  });

  it('refuses the admin’s desk every customer channel: it holds no customer', async () => {
    const { customer } = demoCustomer(1, { seed: DEMO_SEED, historyMonths: 2 });
    expect((await admin.call('customers.search', { query: customer.email! })).hits).toEqual([]);
    await expect(admin.call('customers.open', { customerId: customer.id })).rejects.toMatchObject({ code: expect.stringMatching(/not_found|forbidden/) });
  });
});
