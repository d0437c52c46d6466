import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { startTestCentral, DEMO_SEED, PASSWORD, type TestCentral } from '../../support/central';
import { startWorkstation, eventually, type TestWorkstation } from '../../support/workstation';

/**
 * An edit that reaches the central store after its caller verification ran out, by the store's own
 * clock, is held for a supervisor's review: the desk shows it as held, with the reason, and neither
 * applies it locally, nor leaves it pending, nor drops it. Real store over TLS, real encrypted cache.
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });

let now = Date.now();
const storeClock = () => new Date(now);
let central: TestCentral;
let ws: TestWorkstation;

beforeAll(async () => {
  central = await startTestCentral({ customers: 20, users: { 'rep.late': 'care_rep' }, clock: storeClock });
  ws = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl, deviceName: 'desk of rep.late' });
  await ws.call('session.signIn', { username: 'rep.late', password: PASSWORD });
  await ws.call('sync.now');
});

afterAll(async () => {
  await ws?.dispose();
  await central?.dispose();
});

describe('an edit the central store receives after the caller verification ran out', () => {
  it('is shown on the desk as held for review with the reason, not applied, not pending, not rejected', async () => {
    const { customer, secrets } = demo(3);
    expect((await ws.call('customer.verifyCaller', { customerId: customer.id, method: 'account_pin', answer: secrets.accountPin })).verified).toBe(true);
    const before = await central.store.db.selectFrom('records').select(['data', 'seq']).where('entity', '=', 'customer').where('id', '=', customer.id).executeTakeFirstOrThrow();

    now += 31 * 60_000; // the store's clock: the push arrives 31 minutes after the verification
    await ws.call('records.change', { operation: 'customer.editContact', id: customer.id, values: { email: 'late.edit@example.com' }, reason: 'caller asked for a new email' });

    const status = await eventually(async () => {
      const s = await ws.call('sync.status');
      return s.held === 1 ? s : null;
    }, 15_000, 'the desk learns the edit is held');
    expect(status).toMatchObject({ pending: 0, conflicts: 0, rejected: 0, held: 1 });

    const profile = await ws.call('customers.open', { customerId: customer.id });
    expect(profile.changes).toEqual([
      expect.objectContaining({ status: 'held', fields: ['email'], rejection: null, hold: { reason: 'verification.expired', message: expect.stringContaining('review') } }),
    ]);
    expect(profile.customer.email).toBe(customer.email);

    const after = await central.store.db.selectFrom('records').select(['data', 'seq']).where('entity', '=', 'customer').where('id', '=', customer.id).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    const held = await central.store.db.selectFrom('held_mutations').select(['reason', 'status', 'customer_id']).execute();
    expect(held).toEqual([{ reason: 'verification.expired', status: 'held', customer_id: customer.id }]);

    // another sync neither resends nor forgets it
    await ws.call('sync.now');
    expect(await ws.call('sync.status')).toMatchObject({ pending: 0, held: 1 });
    expect((await ws.call('customers.open', { customerId: customer.id })).changes).toEqual([expect.objectContaining({ status: 'held' })]);
  });
});
