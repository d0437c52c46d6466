import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOsKeychain } from '../../../electron/core/keychain';
import { startTestCentral, PASSWORD, type TestCentral } from '../../support/central';
import { eventually, startWorkstation, type TestWorkstation } from '../../support/workstation';

/** DESIGN §4: "A revoked user or device gets its cache and keychain entries wiped at the next contact." */
let central: TestCentral;
const workstations: TestWorkstation[] = [];

async function signedIn(username: string): Promise<TestWorkstation> {
  const ws = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl });
  workstations.push(ws);
  await ws.call('session.signIn', { username, password: PASSWORD });
  await ws.call('sync.now');
  return ws;
}

const userId = async (username: string) =>
  (await central.store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
const cacheFiles = (ws: TestWorkstation, id: string) => (existsSync(join(ws.dataDir, 'users', id)) ? readdirSync(join(ws.dataDir, 'users', id)) : []);

beforeAll(async () => {
  central = await startTestCentral({
    customers: 40,
    users: { 'rep.kept': 'care_rep', 'rep.disabled': 'care_rep', 'rep.lost': 'care_rep', 'rep.away': 'care_rep', 'rep.renewed': 'care_rep', 'rep.offline': 'care_rep', 'rep.wrong': 'care_rep' },
  });
});
afterAll(async () => {
  for (const ws of workstations) await ws.dispose();
  await central?.dispose();
});

describe('revocation', () => {
  it('keeps the cache and its unsent changes when only the session ends, and asks for a sign-in', async () => {
    const ws = await signedIn('rep.kept');
    const id = await userId('rep.kept');
    await central.store.admin.revokeSessionsOf(id);
    const status = await eventually(async () => {
      const s = await ws.call('sync.status');
      return s.error?.includes('Sign in') ? s : null;
    }, 15_000, 'sign-in asked for');
    expect(status.error).toMatch(/changes are kept/);
    expect((await ws.call('session.status')).state).toBe('unlocked');
    expect(cacheFiles(ws, id)).toEqual(expect.arrayContaining(['cache.db', 'vault.json']));
  });

  it('wipes the cache of a disabled user at the next contact', async () => {
    const ws = await signedIn('rep.disabled');
    const id = await userId('rep.disabled');
    expect(cacheFiles(ws, id)).toContain('cache.db');
    await central.store.admin.disableUser(id);
    await eventually(async () => (await ws.call('session.status')).state === 'signed_out', 15_000, 'signed out');
    expect(cacheFiles(ws, id).filter((f) => f.startsWith('cache.db') || f === 'vault.json')).toEqual([]);
    await expect(ws.call('session.signIn', { username: 'rep.disabled', password: PASSWORD })).rejects.toMatchObject({ code: 'user_disabled' });
  });

  it('wipes the cache a signed-out desk holds for a disabled user when that user signs in, instead of opening it', async () => {
    const ws = await signedIn('rep.away');
    const id = await userId('rep.away');
    await ws.call('session.signOut');
    expect(cacheFiles(ws, id)).toContain('vault.json');
    await central.store.admin.disableUser(id);
    await expect(ws.call('session.signIn', { username: 'rep.away', password: PASSWORD })).rejects.toMatchObject({ code: 'user_disabled' });
    expect(cacheFiles(ws, id)).toEqual([]);
  });

  it('wipes nothing for a wrong password: it learns nothing of a disabled account', async () => {
    const ws = await signedIn('rep.wrong');
    const id = await userId('rep.wrong');
    await ws.call('session.signOut');
    await central.store.admin.disableUser(id);
    await expect(ws.call('session.signIn', { username: 'rep.wrong', password: 'not the password at all' })).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(cacheFiles(ws, id)).toContain('vault.json');
  });

  it('signs in again at unlock when an administrator only ended the session, keeping the cache', async () => {
    const ws = await signedIn('rep.renewed');
    const id = await userId('rep.renewed');
    await ws.call('session.lock');
    await central.store.admin.revokeSessionsOf(id);
    expect((await ws.call('session.unlock', { password: PASSWORD })).state).toBe('unlocked');
    await ws.call('sync.now');
    expect(await ws.call('sync.status')).toMatchObject({ online: true, error: null });
    expect(cacheFiles(ws, id)).toEqual(expect.arrayContaining(['cache.db', 'vault.json']));
    const live = await central.store.db.selectFrom('sessions').select('token_hash').where('user_id', '=', id).where('revoked_at', 'is', null).execute();
    expect(live).toHaveLength(1);
  });

  it('still unlocks offline with the password alone when the central store cannot be reached', async () => {
    const ws = await signedIn('rep.offline');
    await ws.call('session.lock');
    await central.stop();
    try {
      expect((await ws.call('session.unlock', { password: PASSWORD })).state).toBe('unlocked');
    } finally {
      await central.restart();
    }
  });

  it('wipes every cache, the device secret and the device key of a revoked workstation', async () => {
    const ws = await signedIn('rep.lost');
    const id = await userId('rep.lost');
    const deviceId = JSON.parse((await import('node:fs')).readFileSync(join(ws.dataDir, 'device.json'), 'utf8')).deviceId as string;
    await central.store.admin.revokeDevice(deviceId);
    await eventually(async () => (await ws.call('session.status')).state === 'not_enrolled', 15_000, 'not enrolled');
    expect(cacheFiles(ws, id).filter((f) => f.startsWith('cache.db') || f === 'vault.json')).toEqual([]);
    const keychain = await openOsKeychain(ws.keychainService);
    expect(await keychain.get('device-secret')).toBeNull();
    expect(await keychain.get('device-key')).toBeNull();
    expect(existsSync(join(ws.dataDir, 'device.json'))).toBe(false);
  });
});
