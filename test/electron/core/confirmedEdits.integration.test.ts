import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { changeHead } from '../../../central/storage/changeLog';
import { CentralClient } from '../../../electron/core/sync/centralClient';
import { DEMO_SEED, PASSWORD, startTestCentral, type TestCentral } from '../../support/central';
import { syncedDesk } from '../../support/secondFactor';
import { eventually, type TestWorkstation } from '../../support/workstation';

/**
 * A desk edits a field, the central store applies it, and the desk edits the same field again
 * before its pull has brought the record as the store wrote it. The second edit must be based on
 * the first (the desk's view keeps a confirmed edit until the pull catches up), or the store sees
 * a conflict with the desk's own edit. A real workstation core (encrypted cache, OS keychain) and
 * a real central store over TLS; the desk's pulls are held back at its client, so the window the
 * bug needs stays open as long as the test wants (a pull that never arrives, a restart in it).
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });

let central: TestCentral;
const workstations: TestWorkstation[] = [];

beforeAll(async () => {
  central = await startTestCentral({ customers: 30, users: { 'rep.again': 'care_rep', 'rep.restart': 'care_rep' } });
});
afterAll(async () => {
  for (const ws of workstations) await ws.dispose();
  await central?.dispose();
});

/**
 * Holds pulls at the desk's client while `held`: each waits (or gives up with the engine) until
 * `release`. Set on one client, or on CentralClient's prototype to hold the pulls of a core not
 * built yet (a restarted one) from its first sync on; `restore` takes it off.
 */
class PullGate {
  held = true;
  /** pulls that reached the gate while it was held */
  waited = 0;
  private opened: (() => void)[] = [];
  private readonly original: CentralClient['pull'];

  constructor(private readonly target: Pick<CentralClient, 'pull'>) {
    const original = (this.original = target.pull);
    const wait = (signal?: AbortSignal) => this.wait(signal);
    target.pull = async function (this: CentralClient, token, query, limit, onBatch, batchSize, signal) {
      await wait(signal);
      return original.call(this, token, query, limit, onBatch, batchSize, signal);
    };
  }

  private async wait(signal?: AbortSignal): Promise<void> {
    if (!this.held) return;
    this.waited++;
    await new Promise<void>((resolve, reject) => {
      this.opened.push(resolve);
      signal?.addEventListener('abort', () => reject(new Error('the engine stopped')), { once: true });
    });
  }

  release(): void {
    this.held = false;
    for (const open of this.opened.splice(0)) open();
  }

  restore(): void {
    this.release();
    this.target.pull = this.original;
  }
}

function clientOf(ws: TestWorkstation): CentralClient {
  return ws.core.session.unlocked().client;
}

function cursorOf(ws: TestWorkstation): number {
  return Number(ws.core.session.unlocked().cache.getMeta('cursor'));
}

async function storedEmail(id: string): Promise<string> {
  const row = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', id).executeTakeFirstOrThrow();
  return String((JSON.parse(String(row.data)) as { email: string }).email);
}

async function verified(ws: TestWorkstation, index: number): Promise<string> {
  const { customer, secrets } = demo(index);
  expect((await ws.call('customer.verifyCaller', { customerId: customer.id, method: 'account_pin', answer: secrets.accountPin })).verified).toBe(true);
  return customer.id;
}

const editEmail = (ws: TestWorkstation, id: string, email: string) =>
  ws.call('records.change', { operation: 'customer.editContact', id, values: { email }, reason: 'caller corrected the address' });

/** The push was answered (nothing waits to be sent), whatever the pull is doing. */
const confirmed = (ws: TestWorkstation, what: string) => eventually(async () => (await ws.call('sync.status')).pending === 0 || null, 20_000, what);

describe('a desk editing a field again right after its previous edit was confirmed', () => {
  it('bases the second edit on the first while the pull lags: no conflict with its own edit, and the store keeps the last value', async () => {
    const ws = await syncedDesk(central, 'rep.again', workstations);
    const id = await verified(ws, 3);
    const gate = new PullGate(clientOf(ws));

    await editEmail(ws, id, 'first.fix@example.org');
    await confirmed(ws, 'the first edit confirmed');
    await eventually(() => gate.waited > 0 || null, 20_000, 'the pull after the push held');
    expect(await storedEmail(id)).toBe('first.fix@example.org');
    // the window: the store wrote the edit past where this cache has pulled
    expect(cursorOf(ws)).toBeLessThan(await changeHead(central.store.db));
    // confirmed, so no longer listed as waiting, and still what the rep sees and finds
    expect(await ws.call('changes.list')).toEqual([]);
    const profile = await ws.call('customers.open', { customerId: id });
    expect(profile.customer.email).toBe('first.fix@example.org');
    expect(profile.changes).toEqual([]);
    expect((await ws.call('customers.search', { query: 'first.fix@' })).hits.map((h) => h.id)).toEqual([id]);

    await editEmail(ws, id, 'second.fix@example.org');
    gate.release();
    await eventually(async () => {
      const status = await ws.call('sync.status');
      return status.pending === 0 && cursorOf(ws) === (await changeHead(central.store.db)) ? status : null;
    }, 20_000, 'the second edit pushed and everything pulled');
    expect(await ws.call('sync.status')).toMatchObject({ conflicts: 0, rejected: 0, error: null });
    expect(await storedEmail(id)).toBe('second.fix@example.org');
    expect((await ws.call('customers.open', { customerId: id })).customer.email).toBe('second.fix@example.org');
    expect(await ws.call('changes.list')).toEqual([]);
  });

  it('keeps the confirmed edit in view while the pull does not arrive, across a restart of the core, then edits on from it without a conflict', async () => {
    const ws = await syncedDesk(central, 'rep.restart', workstations);
    const id = await verified(ws, 4);
    // on the prototype: the restarted core's client is held from its first pull too
    const gate = new PullGate(CentralClient.prototype);
    try {
      await editEmail(ws, id, 'third.fix@example.org');
      await confirmed(ws, 'the edit confirmed');
      await eventually(() => gate.waited > 0 || null, 20_000, 'the pull after the push held');
      expect(await storedEmail(id)).toBe('third.fix@example.org');

      await ws.restart();
      expect((await ws.call('session.signIn', { username: 'rep.restart', password: PASSWORD })).state).toBe('unlocked');
      await eventually(() => gate.waited > 1 || null, 20_000, 'the restarted core’s pull held');
      expect(cursorOf(ws)).toBeLessThan(await changeHead(central.store.db));
      expect(await ws.call('sync.status')).toMatchObject({ pending: 0, conflicts: 0 });
      expect(await ws.call('changes.list')).toEqual([]);
      expect((await ws.call('customers.open', { customerId: id })).customer.email).toBe('third.fix@example.org');
      expect((await ws.call('customers.search', { query: 'third.fix@' })).hits.map((h) => h.id)).toEqual([id]);

      // a new call, the caller verified again, the field edited again before the pull has come
      await verified(ws, 4);
      await editEmail(ws, id, 'fourth.fix@example.org');
      gate.release();
      await eventually(async () => {
        const status = await ws.call('sync.status');
        return status.online && status.pending === 0 && cursorOf(ws) === (await changeHead(central.store.db)) ? status : null;
      }, 20_000, 'delivered and pulled');
      expect(await ws.call('sync.status')).toMatchObject({ conflicts: 0, rejected: 0, error: null });
      expect(await storedEmail(id)).toBe('fourth.fix@example.org');
      expect((await ws.call('customers.open', { customerId: id })).customer.email).toBe('fourth.fix@example.org');
    } finally {
      gate.restore();
    }
  });
});
