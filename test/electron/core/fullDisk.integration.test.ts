import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import type { CareDeskError } from '../../../domain/errors';
import type { WorkstationCache } from '../../../electron/core/cache';
import { DEMO_SEED, PASSWORD, startTestCentral, type TestCentral } from '../../support/central';
import { fillDisk, freeDisk } from '../../support/fullDisk';
import { startWorkstation, type TestWorkstation } from '../../support/workstation';

/**
 * The console on a full disk (SQLITE_FULL in the real encrypted cache through max_page_count, see
 * test/support/fullDisk.ts), with the real OS keychain and a real central store: an edit is refused
 * with an error that names the disk, nothing queued is lost, and the same edit goes through once
 * there is room; a sync says the disk is full, and after the cache is locked and unlocked (closed,
 * opened again with the key from the vault) it pulls to the end.
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });
const DISK_FULL = /disk is full.*nothing saved before was lost/i;

let central: TestCentral;
let ws: TestWorkstation;
const cache = (): WorkstationCache => ws.core.session.unlocked().cache;

beforeAll(async () => {
  central = await startTestCentral({ customers: 20, users: { 'rep.disk': 'care_rep' } });
  ws = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl, deviceName: 'desk with a full disk' });
  await ws.call('session.signIn', { username: 'rep.disk', password: PASSWORD });
  expect((await ws.call('sync.now')).error).toBeNull();
});

afterAll(async () => {
  await ws?.dispose();
  await central?.dispose();
});

async function verified(i: number): Promise<string> {
  const { customer, secrets } = demo(i);
  expect((await ws.call('customer.verifyCaller', { customerId: customer.id, method: 'account_pin', answer: secrets.accountPin })).verified).toBe(true);
  return customer.id;
}

async function failure(work: Promise<unknown>): Promise<CareDeskError | null> {
  try {
    await work;
    return null;
  } catch (err) {
    return err as CareDeskError;
  }
}

/** What the central store filed for each mutation id: applied once each, or absent. */
async function filedAtCentral(ids: string[]) {
  const rows = await central.store.db.selectFrom('client_mutations').select(['mutation_id', 'result']).where('mutation_id', 'in', ids).execute();
  return rows.map((r) => ({ id: r.mutation_id, status: (JSON.parse(r.result) as { status: string }).status })).sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
}

describe('the console when the workstation disk is full', () => {
  it('refuses an edit naming the disk, keeps every queued edit and the view as they were, and takes the same edit once there is room', async () => {
    const customerId = await verified(3);
    await central.stop(); // offline: queued edits stay in the outbox
    const edit = (i: number) => ws.call('records.change', { operation: 'customer.editContact', id: customerId, values: { email: `disk.${i}@example.com` }, reason: 'caller gave a new email' });
    const queued = [(await edit(0)).mutationId, (await edit(1)).mutationId];

    fillDisk(cache());
    let refused: CareDeskError | null = null;
    let attempt = 2;
    for (; attempt < 60 && !refused; attempt++) {
      const before = await ws.call('customers.open', { customerId });
      refused = await failure(edit(attempt).then((r) => queued.push(r.mutationId)));
      if (refused) expect(await ws.call('customers.open', { customerId })).toEqual(before);
    }
    const failed = attempt - 1;
    expect(refused).toMatchObject({ code: 'disk_full', message: expect.stringMatching(DISK_FULL) });
    const profile = await ws.call('customers.open', { customerId });
    expect(profile.customer.email).toBe(`disk.${failed - 1}@example.com`);
    expect(profile.changes.map((c) => c.mutationId)).toEqual(queued);
    expect(profile.changes.every((c) => c.status === 'pending')).toBe(true);
    expect((await ws.call('sync.status')).pending).toBe(queued.length);

    freeDisk(cache());
    const retried = await edit(failed);
    expect((await ws.call('customers.open', { customerId })).customer.email).toBe(`disk.${failed}@example.com`);
    await central.restart();
    const status = await ws.call('sync.now');
    expect(status).toMatchObject({ error: null, pending: 0 });
    const ids = [...queued, retried.mutationId];
    expect(await filedAtCentral(ids)).toEqual(ids.map((id) => ({ id, status: 'applied' })));
    expect(cache().storedRecord('customer', customerId)?.data.email).toBe(`disk.${failed}@example.com`);
  });

  it('a sync on a full disk names the disk and loses no queued edit; locked and unlocked, the cache opens with its key and pulls to the end', async () => {
    const customerId = await verified(5);
    await central.stop();
    const queued = (await ws.call('records.change', { operation: 'customer.editContact', id: customerId, values: { email: 'before.pull@example.com' }, reason: 'caller gave a new email' })).mutationId;
    const cursor = cache().getMeta('cursor');
    fillDisk(cache());
    await central.restart();
    await central.store.admin.seedDemo(30, { seed: DEMO_SEED, historyMonths: 2 });

    const status = await ws.call('sync.now');
    expect(status).toMatchObject({ error: expect.stringMatching(DISK_FULL), progress: null });
    // the pull was one transaction, rolled back whole: the cursor did not move
    expect(cache().getMeta('cursor')).toBe(cursor);
    // pushed before the pull, or still queued: never neither
    const filed = await filedAtCentral([queued]);
    const pending = cache().pendingMutations(10).map((m) => m.id);
    expect(filed.length + pending.length).toBe(1);
    expect(filed.every((f) => f.status === 'applied')).toBe(true);

    await ws.call('session.lock');
    await ws.call('session.unlock', { password: PASSWORD });
    const after = await ws.call('sync.now');
    expect(after).toMatchObject({ error: null, pending: 0 });
    expect(await filedAtCentral([queued])).toEqual([{ id: queued, status: 'applied' }]);
    expect(cache().storedRecord('customer', customerId)?.data.email).toBe('before.pull@example.com');
    const head = await central.store.db.selectFrom('records').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow();
    expect(Number(cache().getMeta('cursor'))).toBeLessThanOrEqual(Number(head.seq));
    expect(Number(cache().getMeta('cursor'))).toBeGreaterThan(Number(cursor));
    for (const i of [20, 49]) {
      const seeded = demo(i).customer;
      expect((await ws.call('customers.search', { query: seeded.accountNumber, kind: 'account', limit: 5 })).hits).toEqual([expect.objectContaining({ id: seeded.id })]);
      expect((await ws.call('customers.open', { customerId: seeded.id })).customer).toEqual(cache().getRecord('customer', seeded.id));
    }
  });
});
