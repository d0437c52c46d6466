import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import type { PostalAddress } from '../../../domain/validation';
import { startTestCentral, DEMO_SEED, PASSWORD, type TestCentral } from '../../support/central';
import { startWorkstation, eventually, type TestWorkstation } from '../../support/workstation';

/**
 * Network operations' desk (issue 14): service lines listed from the encrypted cache by status, by
 * customer and as the E911 review queue (oldest flag first) through the partial indexes of cache
 * migration 008, each with the customer's name, phones and service address only; plan, status and
 * E911 address changed through their online channels, never the outbox. Real central store over TLS,
 * real caches, real OS keychain; a rep's desk makes the store flag a line.
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });
const MOVED: PostalAddress = { line1: '12 Harbor Road', city: 'Sausalito', state: 'CA', zip: '94965' };

let central: TestCentral;
let rep: TestWorkstation;
let ops: TestWorkstation;

async function desk(username: string): Promise<TestWorkstation> {
  const ws = await startWorkstation({
    serverUrl: central.store.url,
    caPem: central.store.caPem,
    enrolmentCode: central.enrolmentCode,
    enrolmentUrl: central.store.enrolmentUrl,
    deviceName: `desk of ${username}`,
    sync: { retry: { baseMs: 100, maxMs: 500 } },
  });
  await ws.call('session.signIn', { username, password: PASSWORD });
  await ws.call('sync.now');
  return ws;
}
const cacheOf = (ws: TestWorkstation) => ws.core.session.unlocked().cache;
/** a seeded customer whose lines are all active */
function activeCustomer(from: number): { i: number; c: ReturnType<typeof demo> } {
  for (let i = from; ; i++) if (demo(i).serviceLines.every((l) => l.status === 'active')) return { i, c: demo(i) };
}

beforeAll(async () => {
  central = await startTestCentral({ customers: 12, users: { 'rep.lines': 'care_rep', 'ops.lines': 'network_ops' } });
  rep = await desk('rep.lines');
  ops = await desk('ops.lines');
});
afterAll(async () => {
  await rep?.dispose();
  await ops?.dispose();
  await central?.dispose();
});

describe("network operations' service lines", () => {
  it('lists the lines of a status and of a customer from the cache, with the customer’s name, phones and service address only', async () => {
    const all = Array.from({ length: 12 }, (_, i) => demo(i));
    const active = all.flatMap((c) => c.serviceLines.filter((l) => l.status === 'active'));
    const listed = await ops.call('serviceLines.list', { by: 'status', status: 'active' });
    expect(listed.total).toBe(active.length);
    expect(new Set(listed.lines.map((l) => l.line.id))).toEqual(new Set(active.map((l) => l.id)));
    const { c } = activeCustomer(0);
    const entry = listed.lines.find((l) => l.line.customerId === c.customer.id)!;
    expect(entry.customer).toEqual({ id: c.customer.id, name: `${c.customer.firstName} ${c.customer.lastName}`, phones: c.customer.phones, serviceAddress: c.customer.serviceAddress });
    // one page at a time: the first `limit`, with how many there are
    const page = await ops.call('serviceLines.list', { by: 'status', status: 'active', limit: 2 });
    expect([page.lines.length, page.total, page.capped]).toEqual([2, active.length, false]);
    const mine = await ops.call('serviceLines.list', { by: 'customer', customerId: c.customer.id });
    expect(mine.lines.map((l) => l.line.id)).toEqual(c.serviceLines.map((l) => l.id));
    // even a role whose cache holds the email gets a line's customer as network operations see them
    const asRep = await rep.call('serviceLines.list', { by: 'customer', customerId: c.customer.id });
    expect(Object.keys(asRep.lines[0]!.customer!).sort()).toEqual(['id', 'name', 'phones', 'serviceAddress']);
  });

  it('reads each list through its index, never by scanning every record', () => {
    for (const by of ['status', 'review'] as const) {
      const plan = cacheOf(ops).serviceLineQueryPlan(by);
      // a scan of the partial index reads the flagged lines only; a scan of record_body itself would read everything
      expect(plan.filter((step) => /^SCAN b(?! USING (COVERING )?INDEX record_body_line_)/.test(step)), `${by}: ${plan.join(' | ')}`).toEqual([]);
      expect(plan.join(' | '), by).toMatch(by === 'status' ? /INDEX record_body_line_status/ : /INDEX record_body_line_review/);
    }
  });

  it('queues the lines the store flagged after a service address change, oldest first, and an E911 update online clears them', async () => {
    const flagged: string[] = [];
    // two customers move, one after the other: their lines are flagged by the store in that order
    for (const from of [0, 4]) {
      const { i, c } = activeCustomer(from + flagged.length);
      const customerId = c.customer.id;
      expect((await rep.call('customer.verifyCaller', { customerId, method: 'account_pin', answer: demo(i).secrets.accountPin })).verified).toBe(true);
      await rep.call('records.change', { operation: 'customer.editContact', id: customerId, values: { serviceAddress: MOVED }, reason: 'Customer moved' });
      await eventually(async () => (await rep.call('sync.status')).pending === 0 || null, 20_000, 'the correction delivered');
      flagged.push(...c.serviceLines.map((l) => l.id));
    }
    await ops.call('sync.now');
    const queue = await eventually(async () => {
      const listed = await ops.call('serviceLines.list', { by: 'review' });
      return listed.total === flagged.length ? listed : null;
    }, 20_000, 'the flags pulled');
    expect(queue.lines.map((l) => l.line.id)).toEqual(flagged);
    const since = queue.lines.map((l) => l.line.e911Review!.since);
    expect([...since].sort()).toEqual(since);
    expect(queue.lines[0]!.customer!.serviceAddress).toEqual(MOVED);

    // network operations resolve each with an E911 update, online: the flag goes at the store and, after the sync, from the queue
    for (const entry of queue.lines) {
      const result = await ops.call('serviceLine.setE911Address', { lineId: entry.line.id, expected: entry.line.e911Address!, address: MOVED, reason: 'Confirmed the new premises' });
      expect(result).toMatchObject({ status: 'updated', reviewCleared: true });
    }
    await ops.call('sync.now');
    await eventually(async () => ((await ops.call('serviceLines.list', { by: 'review' })).total === 0 ? true : null), 20_000, 'the queue cleared');
    expect(cacheOf(ops).queuedChanges()).toEqual([]);
  });

  it('changes a plan and a status online, never through the outbox; the desk refuses them as offline edits, and other roles up front', async () => {
    const { c } = activeCustomer(8);
    const line = c.serviceLines[0]!;
    const plan = line.plan === 'Business Line' ? 'Residential Basic' : 'Business Line';
    expect(await ops.call('serviceLine.changePlan', { lineId: line.id, expected: line.plan, plan, reason: 'Upgrade ordered' })).toMatchObject({ status: 'updated', line: { plan } });
    expect(await ops.call('serviceLine.setStatus', { lineId: line.id, expected: 'active', status: 'suspended', reason: 'Carrier fraud hold' })).toMatchObject({ status: 'updated', line: { status: 'suspended' } });
    await expect(ops.call('records.change', { operation: 'serviceLine.edit', id: line.id, values: { plan: 'International Plus' }, reason: 'Upgrade' })).rejects.toMatchObject({ code: 'validation', issues: [expect.objectContaining({ field: 'plan' })] });
    expect(cacheOf(ops).queuedChanges()).toEqual([]);
    await expect(rep.call('serviceLine.changePlan', { lineId: line.id, expected: plan, plan: 'International Plus', reason: 'Upgrade' })).rejects.toMatchObject({ code: 'forbidden' });
    await ops.call('sync.now');
    await eventually(async () => ((await ops.call('serviceLines.list', { by: 'status', status: 'suspended' })).lines.some((l) => l.line.id === line.id && l.line.plan === plan) ? true : null), 20_000, 'the change pulled');
  });
});
