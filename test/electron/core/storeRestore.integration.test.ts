import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { project, visibleEntities, type EntityName, type Mutation } from '../../../domain';
import { demoCustomer } from '../../../domain/demo/generator';
import { restoreDatabase } from '../../../central/erasure/restore';
import { changeHead, readMeta } from '../../../central/storage/changeLog';
import { backupTo, inTransaction } from '../../../central/storage/database';
import { readRecord, writeRecords } from '../../../central/storage/recordStore';
import { META } from '../../../electron/core/cache';
import { cacheContents } from '../../support/cacheContents';
import { DEMO_SEED, PASSWORD, startTestCentral, type TestCentral } from '../../support/central';
import { eventually, startWorkstation, type TestWorkstation } from '../../support/workstation';

/**
 * A restore of the central store from an older backup puts its change log behind the desks'
 * cursors: the next changes take numbers the desks already hold, and a desk pulling "since its
 * cursor" would never see them. With the store's generation (protocol 3) each desk learns of the
 * restore at its next contact, drops its cached records and cursor and syncs again from the start,
 * keeping its outbox: an edit queued while the store was down is delivered once, and the cache
 * ends equal to the store, record by record. Real store over TLS, real desks with the OS keychain.
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });
const scratch = mkdtempSync(join(tmpdir(), 'caredesk-restore-'));

let central: TestCentral;
/** has an edit queued across the restore: learns of it from its push */
let busy: TestWorkstation;
/** has nothing to send: learns of it from its pull */
let idle: TestWorkstation;

const desk = (username: string) =>
  startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl, deviceName: `desk of ${username}`, sync: { retry: { baseMs: 100, maxMs: 500 } } });
const cacheOf = (ws: TestWorkstation) => ws.core.session.unlocked().cache;

/** A change made at the store itself (as the CLI or a billing run would): the customer's email. */
async function storeChange(customerId: string, email: string): Promise<number> {
  return inTransaction(central.store.db, async (tx) => {
    const current = (await readRecord(tx, 'customer', customerId))!;
    const [seq] = await writeRecords(tx, [{ op: 'update', entity: 'customer', id: customerId, customerId, data: { ...current.data!, email }, fields: ['email'] }], { at: new Date(), by: null });
    return seq!;
  });
}

/** Online, nothing pending, no error, and the cursor at the store's head. */
async function synced(ws: TestWorkstation): Promise<void> {
  await eventually(async () => {
    const status = await ws.call('sync.now');
    return status.online && status.pending === 0 && status.error === null && Number(cacheOf(ws).getMeta(META.cursor)) === (await changeHead(central.store.db));
  }, 30_000, 'the desk synced');
}

/** The cache holds exactly the store's records as the role sees them, once each. */
async function expectCacheIsCentral(ws: TestWorkstation, username: string): Promise<void> {
  const role = ws.core.session.unlocked().user.role;
  const rows = await central.store.db.selectFrom('records').select(['entity', 'id', 'data']).where('entity', 'in', visibleEntities(role)).where('data', 'is not', null).execute();
  const expected: Record<string, unknown> = {};
  for (const row of rows) {
    const data = project(row.entity as EntityName, JSON.parse(String(row.data)) as Record<string, unknown>, role);
    if (data) expected[`${row.entity}/${row.id}`] = data;
  }
  const cached = (await cacheContents(ws, username)).records;
  const keys = cached.map((r) => `${r.entity}/${r.id}`);
  expect(new Set(keys).size, 'no record twice in the cache').toBe(keys.length);
  expect(Object.fromEntries(cached.map((r) => [`${r.entity}/${r.id}`, r.data]))).toEqual(expected);
}

beforeAll(async () => {
  central = await startTestCentral({ customers: 12, users: { 'rep.busy': 'care_rep', 'rep.idle': 'care_rep' } });
  busy = await desk('rep.busy');
  idle = await desk('rep.idle');
  await busy.call('session.signIn', { username: 'rep.busy', password: PASSWORD });
  await idle.call('session.signIn', { username: 'rep.idle', password: PASSWORD });
  await Promise.all([synced(busy), synced(idle)]);
});

afterAll(async () => {
  await busy?.dispose();
  await idle?.dispose();
  await central?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe('a central store restored from an older backup', () => {
  it('makes each desk sync again from the start, delivering an edit queued across the restore once', async () => {
    const [lostByDesk, lostAtStore, queued, afterRestore] = [demo(2), demo(3), demo(4), demo(5)].map((d) => d);
    // the calls are verified before the backup, so the restored store knows the verifications
    for (const { customer, secrets } of [lostByDesk!, queued!]) {
      expect((await busy.call('customer.verifyCaller', { customerId: customer.id, method: 'account_pin', answer: secrets.accountPin })).verified).toBe(true);
    }
    const generationBefore = (await readMeta(central.store.db, 'store_generation'))!;
    expect(cacheOf(busy).getMeta(META.generation)).toBe(generationBefore);
    const backup = join(scratch, 'backup.sqlite');
    await backupTo(central.store.db, backup);
    const backupHead = await changeHead(central.store.db);

    // after the backup: an edit from the busy desk (its mutation 1) and one made at the store; both desks pull them
    await busy.call('records.change', { operation: 'customer.editContact', id: lostByDesk!.customer.id, values: { email: 'lost.in.restore@example.org' }, reason: 'caller asked for a new email' });
    await storeChange(lostAtStore!.customer.id, 'also.lost@example.org');
    await Promise.all([synced(busy), synced(idle)]);
    const cursorBefore = Number(cacheOf(busy).getMeta(META.cursor));
    expect(cursorBefore).toBeGreaterThan(backupHead + 1);

    // the store goes down; the busy desk queues an edit meanwhile (its mutation 2)
    await central.stop();
    await busy.call('records.change', { operation: 'customer.editContact', id: queued!.customer.id, values: { email: 'queued.offline@example.org' }, reason: 'caller asked for a new email' });
    const [edit] = cacheOf(busy).pendingMutations(10) as [Mutation];
    expect(edit).toMatchObject({ seq: 2, entityId: queued!.customer.id });

    // restored from the backup, and a change made at once: it takes a number both desks believe they have
    await restoreDatabase(central.dataDir, backup);
    await central.restart();
    const newSeq = await storeChange(afterRestore!.customer.id, 'after.restore@example.org');
    expect(newSeq).toBeLessThanOrEqual(cursorBefore);
    const generationAfter = (await readMeta(central.store.db, 'store_generation'))!;
    expect(generationAfter).not.toBe(generationBefore);

    await Promise.all([synced(busy), synced(idle)]);

    // each cache is the store's, record by record: the change after the restore is there, what the restore lost is not
    for (const [ws, username] of [[busy, 'rep.busy'], [idle, 'rep.idle']] as const) {
      await expectCacheIsCentral(ws, username);
      expect(cacheOf(ws).getRecord('customer', afterRestore!.customer.id)).toMatchObject({ email: 'after.restore@example.org' });
      expect(cacheOf(ws).getRecord('customer', lostByDesk!.customer.id)).toMatchObject({ email: lostByDesk!.customer.email });
      expect(cacheOf(ws).getMeta(META.generation)).toBe(generationAfter);
    }
    // the queued edit arrived once, numbered after what the restored store had counted of this desk (none)
    const delivered = await central.store.db.selectFrom('client_mutations').select(['seq', 'result']).where('mutation_id', '=', edit.id).execute();
    expect(delivered.map((r) => [r.seq, JSON.parse(r.result).status])).toEqual([[1, 'applied']]);
    expect(await central.store.db.selectFrom('record_history').select('seq').where('mutation_id', '=', edit.id).execute()).toHaveLength(1);
    expect(cacheOf(busy).getRecord('customer', queued!.customer.id)).toMatchObject({ email: 'queued.offline@example.org' });
    expect(await busy.call('sync.status')).toMatchObject({ pending: 0, conflicts: 0, rejected: 0 });

    // the store's audit log says which desk was told to start over (the idle one learnt it from its pull)
    const idleUser = await central.store.db.selectFrom('users').select('id').where('username', '=', 'rep.idle').executeTakeFirstOrThrow();
    const told = await central.store.db.selectFrom('audit_log').select(['outcome', 'detail']).where('action', '=', 'sync.pull').where('user_id', '=', idleUser.id).where('outcome', '=', 'conflict').execute();
    expect(told).toEqual([{ outcome: 'conflict', detail: expect.stringContaining(`of generation ${generationBefore}; the store is at generation ${generationAfter}`) }]);
  });
});
