import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { UNVERIFIED_HOLD_MS } from '../../../domain/entities';
import { DEMO_SEED, startTestCentral, type TestCentral } from '../../support/central';
import { syncedDesk } from '../../support/secondFactor';
import { eventually, type TestWorkstation } from '../../support/workstation';

/**
 * Issue 16 on real desks (encrypted cache, real keychain, the real store over TLS): while the store is
 * unreachable a rep holds a correction unverified — refused while the store answers, refused for a
 * record born on the desk — and it changes nothing of the desk's view; back online the store holds it
 * (`caller.unverified`); a supervisor's desk sees it with its expiry and applies it, and the rep's
 * desk hears so and the record holds it.
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });

let central: TestCentral;
const workstations: TestWorkstation[] = [];
let rep: TestWorkstation;
let sup: TestWorkstation;

const centralEmail = async (id: string) => JSON.parse(String((await central.store.db.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', id).executeTakeFirstOrThrow()).data)).email as string;
const issuesOf = async (promise: Promise<unknown>) => {
  const err = (await promise.then(() => null, (e: unknown) => e)) as { issues?: { field: string; rule: string }[] } | null;
  return err?.issues?.map((i) => [i.field, i.rule]);
};

beforeAll(async () => {
  central = await startTestCentral({ customers: 30, users: { 'rep.h': 'care_rep', 'sup.h': 'supervisor' } });
  rep = await syncedDesk(central, 'rep.h', workstations);
  sup = await syncedDesk(central, 'sup.h', workstations);
}, 180_000);
afterAll(async () => {
  for (const ws of workstations) await ws.dispose();
  await central?.dispose();
});

describe('a correction held unverified during an outage', () => {
  it('is held, never applied on the desk, and applied by the store only after a supervisor’s review', async () => {
    const { customer } = demo(7);
    const change = { operation: 'customer.editContact' as const, id: customer.id, values: { email: 'held.7@example.com' }, reason: 'Caller asked to correct it', holdUnverified: true as const };
    // the store answers: the caller can be verified now, so nothing is held
    expect(await issuesOf(rep.call('records.change', change))).toEqual([['holdUnverified', 'hold.online']]);

    await central.stop();
    await rep.call('sync.now').catch(() => undefined);
    await eventually(async () => !(await rep.call('sync.status')).online, 30_000, 'the desk is offline');
    // without the hold, an unverified edit is refused as before
    const { holdUnverified: _hold, ...unheld } = change;
    expect(await issuesOf(rep.call('records.change', unheld))).toEqual([['verification', 'verification.required']]);
    // a record born on the desk is never held unverified
    expect(await issuesOf(rep.call('records.change', { operation: 'erasureRequest.file', values: { customerId: customer.id, scope: 'full', reason: 'Caller asked' }, reason: 'Caller asked', holdUnverified: true }))).toEqual([['holdUnverified', 'hold.unverified_not_allowed']]);

    const receipt = await rep.call('records.change', change);
    expect(receipt.change).toMatchObject({ status: 'pending', unverified: { expiresAt: new Date(Date.parse(receipt.change.createdAt) + UNVERIFIED_HOLD_MS).toISOString() } });
    // the desk's view keeps the email on file: nothing is applied until it is verified or reviewed
    const profile = await rep.call('customers.open', { customerId: customer.id });
    expect(profile.customer.email).toBe(customer.email);
    expect(profile.changes).toEqual([expect.objectContaining({ mutationId: receipt.mutationId, unverified: receipt.change.unverified })]);
    expect(await rep.call('changes.list')).toEqual([expect.objectContaining({ mutationId: receipt.mutationId, status: 'pending', unverified: receipt.change.unverified })]);

    await central.restart();
    await rep.call('sync.now');
    await eventually(async () => (await rep.call('sync.status')).held === 1, 30_000, 'held on the rep’s desk');
    expect(await rep.call('changes.list')).toEqual([expect.objectContaining({ status: 'held', hold: expect.objectContaining({ reason: 'caller.unverified' }), unverified: receipt.change.unverified })]);
    expect(await centralEmail(customer.id)).toBe(customer.email);

    await sup.call('sync.now');
    const [held] = await eventually(async () => {
      const list = await sup.call('records.list', { entity: 'heldEdit' });
      return list.length ? list : null;
    }, 30_000, 'the held edit on the supervisor’s desk');
    expect(held!.record).toMatchObject({ status: 'held', heldFor: 'caller.unverified', changes: { email: 'held.7@example.com' }, expiresAt: expect.any(String) });
    await sup.call('heldEdit.decide', { heldEditId: receipt.mutationId, decision: 'apply', reason: 'Called the customer back on the number on file' });
    expect(await centralEmail(customer.id)).toBe('held.7@example.com');

    await eventually(async () => {
      await rep.call('sync.now');
      return (await rep.call('changes.list')).length === 0;
    }, 30_000, 'the rep’s desk hears it was applied');
    expect((await rep.call('customers.open', { customerId: customer.id })).customer.email).toBe('held.7@example.com');
  });
});
