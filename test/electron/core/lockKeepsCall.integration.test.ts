import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CareDeskError } from '../../../domain/errors';
import { demoCustomer } from '../../../domain/demo/generator';
import type { Workspace } from '../../../domain/console/contract';
import type { Vault } from '../../../electron/core/vault';
import { startTestCentral, DEMO_SEED, PASSWORD, type TestCentral } from '../../support/central';
import { decryptedPages } from '../../support/decryptedPages';
import { startWorkstation, type TestWorkstation } from '../../support/workstation';

/**
 * A lock keeps the call (issue 13): the caller's verification and what the rep had in hand — the
 * customer open, the tab, the editor and its unsaved draft — are there again after the same user
 * unlocks. The draft is kept by the core in the encrypted cache (never in a plaintext file), goes
 * with the customer's erasure and at sign-out, and a forged workspace is refused naming the rule.
 * Real central store over TLS, real encrypted cache, real OS keychain.
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });
const MARKER = 'Zoë-Ann Unsaved-Draft-7731';

let central: TestCentral;
let ws: TestWorkstation;

const workspaceOf = (i: number, draft: Record<string, unknown> = { firstName: MARKER, lastName: demo(i).customer.lastName, reason: '' }): Workspace => ({
  view: 'customers',
  customer: { id: demo(i).customer.id, name: `${demo(i).customer.firstName} ${demo(i).customer.lastName}`, accountNumber: demo(i).customer.accountNumber },
  tab: 'overview',
  editing: 'name',
  drafts: { [`${demo(i).customer.id}:name`]: draft },
});
async function verify(i: number) {
  const { customer, secrets } = demo(i);
  expect((await ws.call('customer.verifyCaller', { customerId: customer.id, method: 'account_pin', answer: secrets.accountPin })).verified).toBe(true);
}
const editName = (i: number, firstName: string) => ws.call('records.change', { operation: 'customer.editContact', id: demo(i).customer.id, values: { firstName }, reason: 'Caller asked to correct it' });
/** every byte of every file the desk keeps, as stored */
function filesOf(dir: string): Buffer {
  const parts: Buffer[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    parts.push(statSync(path).isDirectory() ? filesOf(path) : readFileSync(path));
  }
  return Buffer.concat(parts);
}
async function cacheFileAndKey(username: string): Promise<[string, Buffer]> {
  const vault = (ws.core.session as unknown as { deps: { vault: Vault } }).deps.vault;
  const userId = vault.userIdFor(username)!;
  return [vault.cachePath(userId), await vault.unlock(userId, PASSWORD)];
}

beforeAll(async () => {
  central = await startTestCentral({ customers: 6, users: { 'rep.lock': 'care_rep', 'rep.other': 'care_rep' } });
  ws = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl, deviceName: 'desk of a call' });
  await ws.call('session.signIn', { username: 'rep.lock', password: PASSWORD });
  await ws.call('sync.now');
});
afterAll(async () => {
  await ws?.dispose();
  await central?.dispose();
});

describe('a lock in the middle of a call', () => {
  it('gives back the verification, the open customer and the unsaved draft when the same user unlocks; the draft is stored encrypted only', async () => {
    await verify(0);
    await ws.call('workspace.save', workspaceOf(0));
    expect((await ws.call('session.lock')).state).toBe('locked');
    await expect(ws.call('workspace.get')).rejects.toMatchObject({ code: 'locked' });

    // while locked, no file the desk keeps holds the draft in plaintext
    expect(filesOf(ws.dataDir).includes(Buffer.from(MARKER))).toBe(false);
    const pages = decryptedPages(...(await cacheFileAndKey('rep.lock')));
    expect(pages.includes(Buffer.from(MARKER))).toBe(true); // it is in the encrypted cache: the scan finds it

    expect((await ws.call('session.unlock', { password: PASSWORD })).state).toBe('unlocked');
    expect(await ws.call('workspace.get')).toEqual(workspaceOf(0));
    // the caller is still verified: the correction goes through without asking again
    const profile = await ws.call('customers.open', { customerId: demo(0).customer.id });
    expect(profile.verification?.verified).toBe(true);
    await expect(editName(0, 'Zoe')).resolves.toMatchObject({ change: { status: 'pending' } });
  });

  it('ends with the call: after a sign-out nothing is kept and the next caller must be verified again', async () => {
    await verify(1);
    await ws.call('workspace.save', workspaceOf(1));
    await ws.call('session.signOut');
    await ws.call('session.signIn', { username: 'rep.lock', password: PASSWORD });
    expect(await ws.call('workspace.get')).toBeNull();
    expect((await ws.call('customers.open', { customerId: demo(1).customer.id })).verification?.verified ?? false).toBe(false);
    await expect(editName(1, 'Zed')).rejects.toBeInstanceOf(CareDeskError);
  });

  it('ends with the call when the user signs out from the lock screen too: the next sign-in finds nothing kept', async () => {
    await verify(1);
    await ws.call('workspace.save', workspaceOf(1));
    await ws.call('session.lock');
    await ws.call('session.signOut');
    await ws.call('session.signIn', { username: 'rep.lock', password: PASSWORD });
    expect(await ws.call('workspace.get')).toBeNull();
    expect((await ws.call('customers.open', { customerId: demo(1).customer.id })).verification?.verified ?? false).toBe(false);
  });

  it('keeps nothing of a customer erased meanwhile: the workspace of that customer goes, another customer’s draft of them goes', async () => {
    const cache = () => ws.core.session.unlocked().cache;
    await ws.call('workspace.save', workspaceOf(2));
    const cursor = Number(cache().getMeta('cursor'));
    cache().applyPull([{ t: 'del', seq: cursor + 1, entity: 'customer', id: demo(2).customer.id, customerId: demo(2).customer.id }], cursor + 1);
    expect(await ws.call('workspace.get')).toBeNull();

    const other = workspaceOf(3);
    await ws.call('workspace.save', { ...other, drafts: { ...other.drafts, [`${demo(4).customer.id}:email`]: { email: 'draft@example.org', reason: '' } } });
    cache().applyPull([{ t: 'del', seq: cursor + 2, entity: 'customer', id: demo(4).customer.id, customerId: demo(4).customer.id }], cursor + 2);
    expect(await ws.call('workspace.get')).toEqual(other);
  });

  it('refuses a forged workspace, naming the field and the rule: absurd nesting, a huge draft, a key that is not customer:form, a script for a view', async () => {
    let nested: Record<string, unknown> = { x: 1 };
    for (let i = 0; i < 200; i++) nested = { x: nested };
    const key = `${demo(0).customer.id}:name`;
    const cases: [Partial<Workspace> & Record<string, unknown>, string][] = [
      [{ drafts: { [key]: nested } }, 'draft.depth'],
      [{ drafts: { [key]: { firstName: 'x'.repeat(20_000) } } }, 'draft.size'],
      [{ drafts: { '../../etc/passwd': {} } }, 'drafts'],
      [{ view: '<img src=x onerror=alert(1)>' }, 'view'],
      [{ customer: { id: 'not-an-id', name: 'x', accountNumber: null } }, 'customer.id'],
    ];
    const before = await ws.call('workspace.get');
    for (const [patch, expected] of cases) {
      const error = await ws.call('workspace.save', { ...workspaceOf(0), ...patch } as Workspace).then(
        () => null,
        (err: unknown) => err as CareDeskError,
      );
      expect(error, expected).toBeInstanceOf(CareDeskError);
      expect(JSON.stringify(error!.issues), expected).toContain(expected);
    }
    expect(await ws.call('workspace.get')).toEqual(before);
  });

  it('gives nothing of one user’s call to another who unlocks the same desk', async () => {
    await verify(5);
    await ws.call('workspace.save', workspaceOf(5));
    await ws.call('session.lock');
    await ws.call('session.signIn', { username: 'rep.other', password: PASSWORD });
    await ws.call('sync.now');
    expect(await ws.call('workspace.get')).toBeNull();
    expect((await ws.call('customers.open', { customerId: demo(5).customer.id })).verification?.verified ?? false).toBe(false);
  });
});
