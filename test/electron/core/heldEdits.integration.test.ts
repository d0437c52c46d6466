import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { PROTOCOL } from '../../../domain/sync/protocol';
import { DEMO_SEED, PASSWORD, startTestCentral, type TestCentral } from '../../support/central';
import { syncedDesk } from '../../support/secondFactor';
import { eventually, type TestWorkstation } from '../../support/workstation';

/**
 * Issue 14, protocol 6, on real desks: a rep who meets a conflict asks a supervisor (the escalation
 * goes through the outbox and the store holds it); a supervisor's desk syncs the held edit and
 * decides it online; the rep's desk, asking about its held changes again, hears the decision —
 * applied (the change leaves its outbox, the record holds it) or declined (refused, with the
 * supervisor's reason) — and the held edit reaches only the roles that review it.
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });

let central: TestCentral;
const workstations: TestWorkstation[] = [];

const workstation = (username: string) => syncedDesk(central, username, workstations);

async function verified(ws: TestWorkstation, index: number): Promise<string> {
  const { customer, secrets } = demo(index);
  expect((await ws.call('customer.verifyCaller', { customerId: customer.id, method: 'account_pin', answer: secrets.accountPin })).verified).toBe(true);
  return customer.id;
}

const centralEmail = async (id: string) => JSON.parse(String((await central.store.db.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', id).executeTakeFirstOrThrow()).data)).email as string;

/** Two reps change one email while the store is down; the second to reach it meets a conflict, which it escalates. */
async function escalated(a: TestWorkstation, b: TestWorkstation, index: number, note: string): Promise<string> {
  const id = await verified(a, index);
  await verified(b, index);
  await central.stop();
  await a.call('records.change', { operation: 'customer.editContact', id, values: { email: `a.${index}@example.com` }, reason: 'caller on line A' });
  await b.call('records.change', { operation: 'customer.editContact', id, values: { email: `b.${index}@example.com` }, reason: 'caller on line B' });
  // B's desk is locked (its sync stops) until A's edit is in: else B's own retry may reach the store first
  await b.call('session.lock');
  await central.restart();
  await a.call('sync.now');
  await eventually(async () => (await a.call('sync.status')).pending === 0, 30_000, 'a applied');
  await b.call('session.unlock', { password: PASSWORD });
  await b.call('sync.now');
  const [conflict] = await eventually(async () => {
    const list = await b.call('conflicts.list');
    return list.length ? list : null;
  }, 30_000, 'conflict on b');
  expect(await b.call('conflicts.escalate', { mutationId: conflict!.mutationId, field: 'email', note })).toEqual([]);
  await eventually(async () => (await b.call('sync.status')).held === 1, 30_000, 'held on b');
  return id;
}

let repA: TestWorkstation;
let repB: TestWorkstation;
let sup: TestWorkstation;

beforeAll(async () => {
  central = await startTestCentral({ customers: 60, users: { 'rep.a': 'care_rep', 'rep.b': 'care_rep', 'sup.one': 'supervisor', 'sup.two': 'supervisor', 'clerk.one': 'billing_clerk' } });
  repA = await workstation('rep.a');
  repB = await workstation('rep.b');
  sup = await workstation('sup.one');
}, 180_000);
afterAll(async () => {
  for (const ws of workstations) await ws.dispose();
  await central?.dispose();
});

describe('a conflict a rep asks a supervisor to decide', () => {
  it('is held by the store, reaches the supervisor’s desk, and once applied leaves the rep’s outbox with the rep’s value in the record', async () => {
    const id = await escalated(repA, repB, 11, 'the caller spelled it twice');
    expect(await centralEmail(id)).toBe('a.11@example.com');
    const changes = await repB.call('changes.list');
    expect(changes).toEqual([expect.objectContaining({ status: 'held', hold: expect.objectContaining({ reason: 'conflict.escalated' }) })]);

    await sup.call('sync.now');
    const queue = await eventually(async () => {
      const list = await sup.call('records.list', { entity: 'heldEdit' });
      return list.length ? list : null;
    }, 30_000, 'held edit on the supervisor’s desk');
    expect(queue[0]!.record).toMatchObject({ status: 'held', heldFor: 'conflict.escalated', heldNote: 'the caller spelled it twice', changes: { email: 'b.11@example.com' }, base: { email: 'a.11@example.com' } });
    expect(queue[0]!.customerName).toBe(`${demo(11).customer.firstName} ${demo(11).customer.lastName}`);

    await sup.call('heldEdit.decide', { heldEditId: String(queue[0]!.record.id), decision: 'apply', reason: 'Confirmed on a callback' });
    expect(await centralEmail(id)).toBe('b.11@example.com');
    // the rep's desk asks again after the store's head moved: applied, so it leaves the outbox
    await repB.call('sync.now');
    await eventually(async () => (await repB.call('sync.status')).held === 0, 30_000, 'the decision heard on b');
    expect(await repB.call('changes.list')).toEqual([]);
    expect((await repB.call('customers.open', { customerId: id })).customer.email).toBe('b.11@example.com');
  });

  it('once declined, is refused on the rep’s desk with the supervisor’s reason, the record unchanged', async () => {
    const id = await escalated(repA, repB, 12, 'not sure which one is current');
    await sup.call('sync.now');
    const [item] = await eventually(async () => {
      const list = (await sup.call('records.list', { entity: 'heldEdit' })).filter((i) => i.record.status === 'held');
      return list.length ? list : null;
    }, 30_000, 'held edit on the supervisor’s desk');
    await sup.call('heldEdit.decide', { heldEditId: String(item!.record.id), decision: 'decline', reason: 'The customer confirmed the first address' });
    await repB.call('sync.now');
    const refused = await eventually(async () => {
      const list = (await repB.call('changes.list')).filter((c) => c.status === 'rejected');
      return list.length ? list : null;
    }, 30_000, 'the decline heard on b');
    expect(refused[0]!.rejection).toMatchObject({ code: 'held_edit.declined', message: expect.stringContaining('The customer confirmed the first address') });
    expect(await centralEmail(id)).toBe('a.12@example.com');
  });

  it('is offered only to roles that do not decide held edits themselves, and reaches only the reviewers’ desks', async () => {
    await expect(sup.call('conflicts.escalate', { mutationId: '00000000-0000-4000-8000-000000000000', field: 'email', note: 'asking myself' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(repA.call('records.list', { entity: 'heldEdit' })).rejects.toMatchObject({ code: 'forbidden' });
    const clerk = await workstation('clerk.one');
    await expect(clerk.call('records.list', { entity: 'heldEdit' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(repA.call('heldEdit.decide', { heldEditId: '00000000-0000-4000-8000-000000000000', decision: 'apply', reason: 'I decide myself' })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('a supervisor’s desk that synced before protocol 6', () => {
  it('pulls everything again once after the upgrade, and so gets the held edits made meanwhile; a desk already on 6 does not', async () => {
    const desk = await workstation('sup.two');
    const cache = desk.core.session.unlocked().cache;
    const held = await desk.call('records.list', { entity: 'heldEdit' });
    expect(held.length).toBeGreaterThan(0);
    const cursor = Number(cache.getMeta('cursor'));
    /** what a protocol-5 desk holds: no held edit (the store sent it none), and no record of the protocol it pulled with */
    const asIfMissed = () => cache.applyPull(held.map((h) => ({ t: 'del' as const, seq: cursor, entity: 'heldEdit' as const, id: String(h.record.id), customerId: String(h.record.customerId) })), cursor);

    asIfMissed();
    cache.deleteMeta('sync_protocol');
    expect(await desk.call('records.list', { entity: 'heldEdit' })).toEqual([]);
    await desk.call('sync.now');
    expect((await desk.call('records.list', { entity: 'heldEdit' })).map((h) => h.record.id).sort()).toEqual(held.map((h) => h.record.id).sort());
    expect(cache.getMeta('sync_protocol')).toBe(String(PROTOCOL.version));
    expect(Number(cache.getMeta('cursor'))).toBeGreaterThanOrEqual(cursor);

    // already pulled with this protocol: an ordinary sync goes on from its cursor
    asIfMissed();
    await desk.call('sync.now');
    expect(await desk.call('records.list', { entity: 'heldEdit' })).toEqual([]);
  });
});
