import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../../central/storage/database';
import { writeRecords } from '../../../central/storage/recordStore';
import { BILLING_ENTITIES } from '../../../domain/policy';
import type { Role } from '../../../domain/roles';
import { startTestCentral, type TestCentral } from '../../support/central';
import { engineDesk } from '../../support/engineDesk';

/**
 * Issue 15: a cache filled by the first sync's snapshot equals, record by record (entity, id,
 * customer, sequence and the stored text itself) and in its search keys, one filled by pulling the
 * whole change log as a desk before protocol 7 does — with the store changing while the snapshot runs.
 */
const CUSTOMERS = 2_000;
let central: TestCentral;

beforeAll(async () => {
  central = await startTestCentral({ customers: CUSTOMERS, users: { 'rep.snapshot': 'care_rep', 'ops.snapshot': 'network_ops' } });
});
afterAll(async () => {
  await central?.dispose();
});

/** After the snapshot's first page: a customer already sent and one not yet sent change, a lead goes, an inquiry is linked to a customer. */
async function changeTheStore(): Promise<void> {
  const db = central.store.db;
  const customers = await db.selectFrom('records').select(['id', 'data']).where('entity', '=', 'customer').orderBy('id').execute();
  const [first, last] = [customers[0]!, customers.at(-1)!];
  const lead = await db.selectFrom('records').select(['id']).where('entity', '=', 'lead').where('customer_id', 'is', null).where('data', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
  const inquiry = await db.selectFrom('records').select(['id', 'data']).where('entity', '=', 'inquiry').where('customer_id', 'is', null).orderBy('id', 'desc').executeTakeFirstOrThrow();
  const line = await db.selectFrom('records').select(['id', 'data', 'customer_id']).where('entity', '=', 'serviceLine').where('customer_id', '=', last.id).executeTakeFirstOrThrow();
  const edit = (row: { data: string | null }, changes: Record<string, unknown>) => ({ ...(JSON.parse(row.data!) as Record<string, unknown>), ...changes });
  await inTransaction(db, (tx) =>
    writeRecords(
      tx,
      [
        { op: 'update', entity: 'customer', id: first.id, customerId: first.id, data: edit(first, { email: 'first.moved@example.com' }), fields: ['email'] },
        { op: 'update', entity: 'customer', id: last.id, customerId: last.id, data: edit(last, { email: 'last.moved@example.com' }), fields: ['email'] },
        { op: 'delete', entity: 'lead', id: lead.id, customerId: null, fields: [] },
        { op: 'update', entity: 'inquiry', id: inquiry.id, customerId: first.id, data: edit(inquiry, { customerId: first.id }), fields: ['customerId'] },
        { op: 'update', entity: 'serviceLine', id: line.id, customerId: last.id, data: edit(line, { status: 'suspended' }), fields: ['status'] },
      ],
      { at: new Date(), by: null },
    ),
  );
}

describe('a cache filled by the snapshot', () => {
  it.each([
    ['care_rep', 'rep.snapshot'],
    ['network_ops', 'ops.snapshot'],
  ] as [Role, string][])('equals one filled by incremental pulls, record by record, for a %s', async (role, username) => {
    const bySnapshot = await engineDesk(central, { username, role, engine: { batchSize: 150, pullLimit: 2_000 } });
    let changed: Promise<void> | null = null;
    const applyPage = bySnapshot.cache.applySnapshotPage.bind(bySnapshot.cache);
    bySnapshot.cache.applySnapshotPage = (changes, position) => {
      const affected = applyPage(changes, position);
      changed ??= changeTheStore();
      return affected;
    };
    await bySnapshot.engine.syncNow();
    expect(bySnapshot.engine.status().error).toBeNull();
    await changed;
    // the snapshot came in several responses, each resumed where the last page ended, at one head
    expect(bySnapshot.snapshots.length).toBeGreaterThan(2);
    expect(new Set(bySnapshot.snapshots.slice(1).map((q) => JSON.parse(q).at)).size).toBe(1);
    // the changes made meanwhile arrive with the pull that follows the snapshot (a poke would prompt it)
    await bySnapshot.engine.syncNow();

    const byPull = await engineDesk(central, { username, role, identity: bySnapshot.identity, engine: { firstSyncBy: 'pull' } });
    await byPull.engine.syncNow();
    expect(byPull.engine.status().error).toBeNull();
    expect(byPull.snapshots).toEqual([]);

    // the same lines in the same order for a customer's profile
    const customers = bySnapshot.cache.customerCount();
    expect(customers).toBe(CUSTOMERS);
    const ids = (await central.store.db.selectFrom('records').select('id').where('entity', '=', 'customer').orderBy('id').execute()).map((r) => r.id);
    for (const id of [...ids.slice(0, 10), ...ids.slice(-10)]) {
      const lines = bySnapshot.cache.recordsOfCustomer('serviceLine', id);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines).toEqual(byPull.cache.recordsOfCustomer('serviceLine', id));
    }
    for (const desk of [bySnapshot, byPull]) {
      await desk.engine.stop();
      desk.cache.close();
    }
    const [snapshot, pulled] = [bySnapshot.contents(), byPull.contents()];
    expect(snapshot.records.length).toBeGreaterThan(CUSTOMERS * 2);
    expect(snapshot.records).toEqual(pulled.records);
    expect(snapshot.search).toEqual(pulled.search);
    const entities = new Set(snapshot.records.map((r) => r.entity));
    if (role === 'network_ops') for (const billing of BILLING_ENTITIES) expect(entities.has(billing)).toBe(false);
    if (role === 'care_rep') expect(snapshot.records.find((r) => r.entity === 'customer' && r.data.includes('first.moved@example.com'))).toBeDefined();
    else expect(snapshot.records.filter((r) => r.entity === 'customer' && r.data.includes('"email"'))).toEqual([]);
    await bySnapshot.dispose();
    await byPull.dispose();
  });
});
