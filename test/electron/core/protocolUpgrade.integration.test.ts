import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { PROTOCOL } from '../../../domain/sync/protocol';
import { startTestCentral, DEMO_SEED, PASSWORD, type TestCentral } from '../../support/central';
import { startWorkstation, eventually, type TestWorkstation } from '../../support/workstation';

/**
 * A fleet updates over days (issue 10): when the central store is updated to a protocol this desk
 * no longer speaks, the desk says plainly that it needs updating, keeps its queued edits, and
 * delivers them once the two speak a common version again. Real store over TLS, real cache.
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });
const NEWER = { min: PROTOCOL.version + 1, max: PROTOCOL.version + 1 };

let central: TestCentral;
let ws: TestWorkstation;

beforeAll(async () => {
  central = await startTestCentral({ customers: 10, users: { 'rep.fleet': 'care_rep' } });
  ws = await startWorkstation({
    serverUrl: central.store.url,
    caPem: central.store.caPem,
    enrolmentCode: central.enrolmentCode,
    enrolmentUrl: central.store.enrolmentUrl,
    deviceName: 'desk of rep.fleet',
    sync: { retry: { baseMs: 100, maxMs: 500 } },
  });
  await ws.call('session.signIn', { username: 'rep.fleet', password: PASSWORD });
  await ws.call('sync.now');
});

afterAll(async () => {
  await ws?.dispose();
  await central?.dispose();
});

describe('a central store updated past this desk', () => {
  it('tells the rep this desk needs updating, keeps the edit, and delivers it once they speak a common version', async () => {
    const { customer, secrets } = demo(2);
    expect((await ws.call('customer.verifyCaller', { customerId: customer.id, method: 'account_pin', answer: secrets.accountPin })).verified).toBe(true);
    await central.restart({ protocols: NEWER });
    await ws.call('records.change', { operation: 'customer.editContact', id: customer.id, values: { email: 'fleet.update@example.org' }, reason: 'caller asked for a new email' });

    const status = await eventually(async () => {
      const s = await ws.call('sync.status');
      return s.error?.includes('update CareDesk on this workstation') ? s : null;
    }, 20_000, 'the desk says it needs updating');
    expect(status.pending).toBe(1);
    // a sign-in says the same, rather than failing vaguely or opening offline
    await ws.call('session.lock');
    await expect(ws.call('session.signIn', { username: 'rep.fleet', password: PASSWORD })).rejects.toMatchObject({ code: 'protocol_unsupported' });

    // the desk is updated (here: the store speaks its version again): the edit arrives, once
    await central.restart();
    await ws.call('session.signIn', { username: 'rep.fleet', password: PASSWORD });
    await eventually(async () => (await ws.call('sync.status')).pending === 0 || null, 20_000, 'the edit delivered');
    const row = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', customer.id).executeTakeFirstOrThrow();
    expect(JSON.parse(String(row.data)).email).toBe('fleet.update@example.org');
  });
});
