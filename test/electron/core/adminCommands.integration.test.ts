import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { openOsKeychain } from '../../../electron/core/keychain';
import { startTestCentral, DEMO_SEED, PASSWORD, type TestCentral } from '../../support/central';
import { centralCli } from '../../support/cli';
import { eventually, startWorkstation, type TestWorkstation } from '../../support/workstation';

/**
 * The administrator's commands, run as the CLI is run: a second process on the data dir of a store
 * that is serving, while workstations are connected with their event streams open (issue 8, item 6).
 * Real central store over TLS on loopback, real encrypted cache files, real OS keychain.
 */
let central: TestCentral;
const workstations: TestWorkstation[] = [];

async function workstation(): Promise<TestWorkstation> {
  const ws = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl });
  workstations.push(ws);
  return ws;
}

async function signedIn(ws: TestWorkstation, username: string): Promise<void> {
  await ws.call('session.signIn', { username, password: PASSWORD });
  await ws.call('sync.now');
  // the event stream is open once the engine reports itself online
  await eventually(async () => (await ws.call('sync.status')).online, 15_000, 'online');
}

const userId = async (username: string) =>
  (await central.store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
/** what is left on disk of a user's cache: the database, its companions, the wrapped key */
const cacheFiles = (ws: TestWorkstation, id: string) => (existsSync(join(ws.dataDir, 'users', id)) ? readdirSync(join(ws.dataDir, 'users', id)) : []);
const keychainEntry = async (ws: TestWorkstation, account: string) => (await openOsKeychain(ws.keychainService)).get(account);
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

beforeAll(async () => {
  central = await startTestCentral({ customers: 30, users: { 'rep.kept': 'care_rep', 'rep.gone': 'care_rep', 'rep.lost': 'care_rep', 'rep.locked': 'care_rep' } });
});
afterAll(async () => {
  for (const ws of workstations) await ws.dispose();
  await central?.dispose();
});

describe('admin commands reach a running store and its open streams', () => {
  it('disable-user from the CLI wipes the connected desk’s cache of that user within seconds, and leaves another user’s cache', async () => {
    const ws = await workstation();
    await signedIn(ws, 'rep.kept');
    await ws.call('session.signOut');
    await signedIn(ws, 'rep.gone');
    const gone = await userId('rep.gone');
    const kept = await userId('rep.kept');
    expect(cacheFiles(ws, gone)).toEqual(expect.arrayContaining(['cache.db', 'vault.json']));

    const started = performance.now();
    const cli = await centralCli(central.dataDir, 'disable-user', 'rep.gone');
    const cliDone = performance.now();
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('disabled rep.gone (care_rep): 1 live session(s) ended');
    await eventually(() => cacheFiles(ws, gone).length === 0, 15_000, 'cache of rep.gone wiped');
    console.log(`disable-user: cache wiped ${seconds(cliDone)} s after the CLI exited (${seconds(started)} s with the CLI's own start)`);

    expect(existsSync(join(ws.dataDir, 'users', gone))).toBe(false);
    expect((await ws.call('session.status')).state).toBe('signed_out');
    // the other user's cache, and the device secret it needs, stay
    expect(cacheFiles(ws, kept)).toEqual(expect.arrayContaining(['cache.db', 'vault.json']));
    expect(await keychainEntry(ws, 'device-secret')).not.toBeNull();
    expect(await keychainEntry(ws, 'device-key')).not.toBeNull();
    await expect(ws.call('session.signIn', { username: 'rep.gone', password: PASSWORD })).rejects.toMatchObject({ code: 'user_disabled' });
  });

  it('revoke-device from the CLI wipes every cache and the keys of the connected desk within seconds', async () => {
    const ws = await workstation();
    await signedIn(ws, 'rep.lost');
    const id = await userId('rep.lost');
    const deviceId = (JSON.parse(readFileSync(join(ws.dataDir, 'device.json'), 'utf8')) as { deviceId: string }).deviceId;

    const started = performance.now();
    const cli = await centralCli(central.dataDir, 'revoke-device', deviceId);
    const cliDone = performance.now();
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`revoked device ${deviceId} (test workstation): 1 live session(s) ended`);
    await eventually(async () => (await ws.call('session.status')).state === 'not_enrolled', 15_000, 'not enrolled');
    console.log(`revoke-device: desk wiped ${seconds(cliDone)} s after the CLI exited (${seconds(started)} s with the CLI's own start)`);

    expect(cacheFiles(ws, id)).toEqual([]);
    expect(existsSync(join(ws.dataDir, 'users'))).toBe(false);
    expect(existsSync(join(ws.dataDir, 'device.json'))).toBe(false);
    expect(await keychainEntry(ws, 'device-secret')).toBeNull();
    expect(await keychainEntry(ws, 'device-key')).toBeNull();
    const listed = await centralCli(central.dataDir, 'list-devices');
    expect(listed.stdout).toMatch(new RegExp(`${deviceId}\\s+test workstation\\s+\\S+ \\S+\\s+\\S+ \\S+\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d`));
  });

  it('a locked desk of a disabled user wipes its cache at unlock instead of asking for a sign-in; enable-user lets the user start afresh', async () => {
    const ws = await workstation();
    await signedIn(ws, 'rep.locked');
    const id = await userId('rep.locked');
    const firstVault = readFileSync(join(ws.dataDir, 'users', id, 'vault.json'), 'utf8');
    await ws.call('session.lock');

    const disabled = await centralCli(central.dataDir, 'disable-user', 'rep.locked');
    expect(disabled.code, disabled.stderr).toBe(0);
    // locked: no stream is open, so nothing has happened on the desk yet
    expect(cacheFiles(ws, id)).toEqual(expect.arrayContaining(['cache.db', 'vault.json']));

    await expect(ws.call('session.unlock', { password: PASSWORD })).rejects.toMatchObject({ code: 'user_disabled', message: expect.stringContaining('removed from this workstation') });
    expect(await ws.call('session.status')).toMatchObject({ state: 'signed_out', user: null });
    expect(cacheFiles(ws, id)).toEqual([]);
    // the only cache is gone, so the device secret that wrapped its key is gone too; the device stays enrolled
    expect(await keychainEntry(ws, 'device-secret')).toBeNull();
    expect(await keychainEntry(ws, 'device-key')).not.toBeNull();

    const enabled = await centralCli(central.dataDir, 'enable-user', 'rep.locked');
    expect(enabled.code, enabled.stderr).toBe(0);
    await signedIn(ws, 'rep.locked');
    expect((await ws.call('session.status')).state).toBe('unlocked');
    const freshVault = readFileSync(join(ws.dataDir, 'users', id, 'vault.json'), 'utf8');
    expect(JSON.parse(freshVault).wrappedKey).not.toEqual(JSON.parse(firstVault).wrappedKey);
    const { customer } = demoCustomer(3, { seed: DEMO_SEED, historyMonths: 2 });
    expect((await ws.call('customers.search', { query: customer.email })).hits.map((hit) => hit.id)).toContain(customer.id);

    const verified = await centralCli(central.dataDir, 'verify-audit');
    expect(verified.code).toBe(0);
  });
});
