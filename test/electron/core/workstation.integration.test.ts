import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { CareDeskError } from '../../../domain/errors';
import { startTestCentral, DEMO_SEED, PASSWORD, type TestCentral } from '../../support/central';
import { eventually, type TestWorkstation } from '../../support/workstation';
import { syncedDesk } from '../../support/secondFactor';
import { CentralClient } from '../../../electron/core/sync/centralClient';
import { loadDeviceIdentity } from '../../../electron/core/device/identity';
import { openOsKeychain } from '../../../electron/core/keychain';

/**
 * The whole path for real (DESIGN §6): a central store over TLS 1.3 on loopback with its SQLite
 * file, workstation cores with the real encrypted cache and the real OS keychain.
 */
const CUSTOMERS = 300;
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });

let central: TestCentral;
const workstations: TestWorkstation[] = [];

const workstation = (username: string) => syncedDesk(central, username, workstations);

async function centralCustomer(id: string): Promise<Record<string, unknown>> {
  const row = await central.store.db.selectFrom('records').select(['data', 'seq']).where('entity', '=', 'customer').where('id', '=', id).executeTakeFirstOrThrow();
  return { ...JSON.parse(String(row.data)), _seq: Number(row.seq) };
}

async function verified(ws: TestWorkstation, index: number): Promise<string> {
  const { customer, secrets } = demo(index);
  const result = await ws.call('customer.verifyCaller', { customerId: customer.id, method: 'account_pin', answer: secrets.accountPin });
  expect(result.verified).toBe(true);
  return customer.id;
}

beforeAll(async () => {
  central = await startTestCentral({
    customers: CUSTOMERS,
    users: { 'rep.one': 'care_rep', 'rep.two': 'care_rep', 'rep.three': 'care_rep', 'clerk.one': 'billing_clerk' },
  });
});

afterAll(async () => {
  for (const ws of workstations) await ws.dispose();
  await central?.dispose();
});

describe('a care rep on a call', () => {
  let one: TestWorkstation;
  let two: TestWorkstation;

  beforeAll(async () => {
    one = await workstation('rep.one');
    two = await workstation('rep.two');
  });

  it('signs in, and the first sync fills the encrypted cache with the role projection', async () => {
    const status = await one.call('sync.status');
    expect(status).toMatchObject({ online: true, pending: 0, conflicts: 0, rejected: 0, progress: null });
    expect(status.lastSyncAt).not.toBeNull();
    const session = await one.call('session.status');
    expect(session).toMatchObject({ state: 'unlocked', user: { username: 'rep.one', role: 'care_rep' } });
  });

  it('finds a caller by phone digits, name, email and account number', async () => {
    const { customer } = demo(7);
    const digits = customer.phones[0]!.number.slice(2);
    for (const query of [digits, digits.slice(-4) + '', digits.slice(3, 8), `${customer.lastName} ${customer.firstName.slice(0, 2)}`, customer.email.slice(0, 6), customer.accountNumber]) {
      const hits = (await one.call('customers.search', { query })).hits;
      expect(hits.map((h) => h.id), `search ${query}`).toContain(customer.id);
    }
  });

  it('opens a profile holding exactly what a care rep may see', async () => {
    const { customer } = demo(7);
    const profile = await one.call('customers.open', { customerId: customer.id });
    expect(profile.customer).toMatchObject({ firstName: customer.firstName, email: customer.email, accountNumber: customer.accountNumber });
    expect(profile.serviceLines.length).toBeGreaterThan(0);
    expect(profile.billing).not.toBeNull();
    expect(profile.billing).not.toHaveProperty('billingAddress');
    expect(profile.verificationRequired).toBe(true);
    expect(profile.editablePaths).toEqual(expect.arrayContaining(['email', 'phones', 'serviceAddress', 'consents.sms']));
    expect(profile.editablePaths).not.toContain('accountStatus');
  });

  it('verifies the caller at the central store: a wrong answer, then the right one', async () => {
    const { customer, secrets } = demo(8);
    const wrong = secrets.accountPin === '000000' ? '111111' : '000000';
    const first = await one.call('customer.verifyCaller', { customerId: customer.id, method: 'account_pin', answer: wrong });
    expect(first).toMatchObject({ verified: false, verificationId: null });
    expect(first.attemptsLeft).toBeGreaterThan(0);
    const second = await one.call('customer.verifyCaller', { customerId: customer.id, method: 'ssn_last4', answer: secrets.ssnLast4 });
    expect(second.verified).toBe(true);
    const profile = await one.call('customers.open', { customerId: customer.id });
    expect(profile.verification?.verified).toBe(true);
  });

  it('refuses an edit before the caller is verified, and queues nothing', async () => {
    const { customer } = demo(9);
    await expect(one.call('records.change', { operation: 'customer.editContact', id: customer.id, values: { email: 'new@example.com' }, reason: 'caller asked' })).rejects.toMatchObject({
      code: 'forbidden',
      issues: [expect.objectContaining({ field: 'verification', rule: 'verification.required' })],
    });
    expect((await one.call('sync.status')).pending).toBe(0);
  });

  it('corrects a phone: pushed to the central store, and seen by a second workstation after its poke', async () => {
    const id = await verified(one, 10);
    const newPhone = '+12125550199';
    const seenByTwo = two.next('records.changed', (p) => p.records.some((r) => r.entity === 'customer' && r.id === id && r.customerId === id));
    const receipt = await one.call('records.change', { operation: 'customer.editContact', id, values: { phones: [{ kind: 'mobile', number: '(212) 555-0199' }] }, reason: 'caller has a new mobile' });
    expect(receipt).toMatchObject({ entity: 'customer', id, customerId: id });
    const customer = await one.call('customers.open', { customerId: id });
    expect(customer.customer.phones).toEqual([{ kind: 'mobile', number: newPhone }]);
    expect(customer.changes).toEqual([expect.objectContaining({ status: 'pending', fields: ['phones'] })]);

    await eventually(async () => (await centralCustomer(id)).phones, 10_000);
    await eventually(async () => JSON.stringify((await centralCustomer(id)).phones) === JSON.stringify([{ kind: 'mobile', number: newPhone }]), 10_000, 'central store has the phone');
    await eventually(async () => (await one.call('sync.status')).pending === 0, 10_000, 'confirmed');
    expect((await one.call('customers.open', { customerId: id })).changes).toEqual([]);

    await seenByTwo;
    const hits = (await two.call('customers.search', { query: '2125550199' })).hits;
    expect(hits.map((h) => h.id)).toContain(id);
    expect((await two.call('customers.open', { customerId: id })).customer.phones).toEqual([{ kind: 'mobile', number: newPhone }]);
  });

  it('corrects an address and, as its own operation, a consent', async () => {
    const id = await verified(one, 11);
    const address = { line1: '500 Market Street', line2: 'Suite 200', city: 'San Francisco', state: 'ca', zip: '94105-1234' };
    // a consent is not a contact field: the operation that changes contact data refuses it, naming the rule
    await expect(one.call('records.change', { operation: 'customer.editContact', id, values: { serviceAddress: address, 'consents.marketingCalls': false }, reason: 'moved office' })).rejects.toMatchObject({
      code: 'validation',
      issues: [expect.objectContaining({ field: 'consents.marketingCalls', rule: 'operation.field' })],
    });
    await one.call('records.change', { operation: 'customer.editContact', id, values: { serviceAddress: address }, reason: 'moved office' });
    const agreed = ((await centralCustomer(id)).consents as Record<string, boolean>).marketingCalls;
    await one.call('records.change', { operation: 'customer.editConsents', id, values: { 'consents.marketingCalls': !agreed }, reason: 'caller changed their mind on sales calls' });
    await one.call('sync.now');
    const stored = await centralCustomer(id);
    expect(stored.serviceAddress).toEqual({ ...address, state: 'CA' });
    expect((stored.consents as Record<string, boolean>).marketingCalls).toBe(!agreed);
  });

  it('refuses an invalid phone, email or ZIP in the core, naming the field and the rule, and queues nothing', async () => {
    const id = await verified(one, 12);
    const attempts: [Record<string, unknown>, string, string][] = [
      [{ phones: [{ kind: 'home', number: '555-12' }] }, 'phones.0.number', 'phone.e164'],
      [{ email: 'jane@' }, 'email', 'email.format'],
      [{ mailingAddress: { line1: '1 Main St', city: 'Austin', state: 'TX', zip: '7870' } }, 'mailingAddress.zip', 'zip.format'],
    ];
    for (const [changes, field, rule] of attempts) {
      const err = await one.call('records.change', { operation: 'customer.editContact', id, values: changes, reason: 'caller correction' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CareDeskError);
      expect((err as CareDeskError).issues).toEqual([expect.objectContaining({ field, rule })]);
    }
    expect((await one.call('sync.status')).pending).toBe(0);
  });

  it('refuses a change outside the operation and outside the care rep write set, in the core', async () => {
    const id = await verified(one, 13);
    await expect(one.call('records.change', { operation: 'customer.editContact', id, values: { accountStatus: 'closed' }, reason: 'asked to close' })).rejects.toMatchObject({
      code: 'validation',
      issues: [expect.objectContaining({ field: 'accountStatus', rule: 'operation.field' })],
    });
    const account = demo(13).billingAccount;
    await expect(one.call('records.change', { operation: 'billingAccount.edit', id: account.id, values: { autopay: !account.autopay }, reason: 'caller wants autopay changed' })).rejects.toMatchObject({
      code: 'forbidden',
      issues: [expect.objectContaining({ field: 'autopay', rule: 'policy.write' })],
    });
    expect((await one.call('sync.status')).pending).toBe(0);
  });

  it('also gets a refusal from the central store when a modified client pushes bad values', async () => {
    const id = await verified(one, 14);
    const open = one.core.session.unlocked();
    // a mutation the core would never queue, sent straight to the central store from a client of its own
    const probe = new CentralClient(central.store.url, central.store.caPem, await loadDeviceIdentity(one.dataDir, await openOsKeychain(one.keychainService)));
    const clientId = crypto.randomUUID();
    try {
      await probe.registerClient(open.token!, clientId);
      const response = await probe.push(open.token!, {
        clientId,
        views: [],
        mutations: [
          {
            id: crypto.randomUUID(),
            clientId,
            seq: 1,
            entity: 'customer',
            entityId: id,
            base: { email: demo(14).customer.email },
            changes: { email: 'not-an-email' },
            reason: 'modified client',
            verificationId: open.verifications.get(id)!.verificationId,
            createdAt: new Date().toISOString(),
          },
        ],
      });
      expect(response.results[0]).toMatchObject({ status: 'rejected', rejection: { code: 'validation', issues: [expect.objectContaining({ field: 'email', rule: 'email.format' })] } });
    } finally {
      await probe.close();
    }
    expect((await centralCustomer(id)).email).toBe(demo(14).customer.email);
  });
});

describe('working through an outage', () => {
  it('keeps an edit made offline and delivers it after reconnecting', async () => {
    const ws = await workstation('rep.three');
    const id = await verified(ws, 20);
    await central.stop();
    await ws.call('records.change', { operation: 'customer.editContact', id, values: { email: 'offline.edit@example.com' }, reason: 'caller update during outage' });
    const customer = await ws.call('customers.open', { customerId: id });
    expect(customer.customer.email).toBe('offline.edit@example.com');
    await ws.call('sync.now');
    const offline = await ws.call('sync.status');
    expect(offline).toMatchObject({ online: false, pending: 1 });
    // still searchable by the new value while pending
    expect((await ws.call('customers.search', { query: 'offline.edit@' })).hits.map((h) => h.id)).toContain(id);

    await central.restart();
    await eventually(async () => (await ws.call('sync.status')).pending === 0, 30_000, 'outbox drained after reconnect');
    expect((await centralCustomer(id)).email).toBe('offline.edit@example.com');
  });

  it('keeps an edit made offline across a restart of the core, and delivers it', async () => {
    const ws = await workstation('rep.three');
    const id = await verified(ws, 21);
    await central.stop();
    await ws.call('records.change', { operation: 'customer.editContact', id, values: { lastName: 'Restarted' }, reason: 'legal name change' });
    await ws.restart();
    // offline: the password alone opens the cache on this workstation
    const session = await ws.call('session.signIn', { username: 'rep.three', password: PASSWORD });
    expect(session.state).toBe('unlocked');
    expect((await ws.call('sync.status')).pending).toBe(1);
    expect((await ws.call('customers.open', { customerId: id })).customer.lastName).toBe('Restarted');

    await central.restart();
    await eventually(async () => (await ws.call('sync.status')).pending === 0, 30_000, 'outbox drained after restart');
    expect((await centralCustomer(id)).lastName).toBe('Restarted');
  });

  it('keeps what is already in the outbox when a bad edit is refused', async () => {
    const ws = await workstation('rep.three');
    const id = await verified(ws, 22);
    await central.stop();
    await ws.call('records.change', { operation: 'customer.editContact', id, values: { firstName: 'Kept' }, reason: 'spelling' });
    await expect(ws.call('records.change', { operation: 'customer.editContact', id, values: { email: 'broken@' }, reason: 'typo' })).rejects.toMatchObject({ code: 'validation' });
    expect((await ws.call('sync.status')).pending).toBe(1);
    await central.restart();
    await eventually(async () => (await ws.call('sync.status')).pending === 0, 30_000);
    expect((await centralCustomer(id)).firstName).toBe('Kept');
  });
});

describe('two workstations, one field', () => {
  it('gives the second writer a conflict holding both values, and lets them resolve it', async () => {
    const a = await workstation('rep.one');
    const b = await workstation('rep.two');
    const id = await verified(a, 30);
    await verified(b, 30);
    const original = demo(30).customer.email;
    await central.stop();
    await a.call('records.change', { operation: 'customer.editContact', id, values: { email: 'from.a@example.com' }, reason: 'caller on line A' });
    await b.call('records.change', { operation: 'customer.editContact', id, values: { email: 'from.b@example.com' }, reason: 'caller on line B' });
    await central.restart();
    await a.call('sync.now');
    await eventually(async () => (await a.call('sync.status')).pending === 0, 30_000);
    await b.call('sync.now');
    const conflicts = await eventually(async () => {
      const list = await b.call('conflicts.list');
      return list.length ? list : null;
    }, 30_000, 'conflict on b');
    expect(conflicts).toEqual([expect.objectContaining({ customerId: id, field: 'email', base: original, mine: 'from.b@example.com', theirs: 'from.a@example.com' })]);
    // both sides with who, when and why: the rep's own reason and time, and the change that got there first
    const c = demo(30).customer;
    expect(conflicts[0]).toMatchObject({
      customerName: `${c.firstName} ${c.lastName}`,
      customerVisible: true,
      accountNumber: c.accountNumber,
      reason: 'caller on line B',
      createdAt: expect.any(String),
      changedBy: expect.any(String),
      changedAt: expect.any(String),
      changeReason: 'caller on line A',
    });
    expect((await centralCustomer(id)).email).toBe('from.a@example.com');

    await b.call('conflicts.resolve', { mutationId: conflicts[0]!.mutationId, field: 'email', keep: 'mine' });
    await eventually(async () => (await centralCustomer(id)).email === 'from.b@example.com', 30_000, 'mine applied');
    expect(await b.call('conflicts.list')).toEqual([]);
  });
});

describe('exactly once', () => {
  it('applies the same mutation pushed twice only once', async () => {
    const ws = await workstation('rep.two');
    const id = await verified(ws, 40);
    await central.stop();
    await ws.call('records.change', { operation: 'customer.editContact', id, values: { firstName: 'Once' }, reason: 'spelling' });
    await central.restart();
    const open = ws.core.session.unlocked();
    await open.engine.stop();
    const [mutation] = open.cache.pendingMutations(10);
    const clientId = open.cache.getMeta('client_id')!;
    const probe = new CentralClient(central.store.url, central.store.caPem, await loadDeviceIdentity(ws.dataDir, await openOsKeychain(ws.keychainService)));
    try {
      const first = await probe.push(open.token!, { clientId, mutations: [mutation!], views: [] });
      const seqAfterFirst = (await centralCustomer(id))._seq;
      const second = await probe.push(open.token!, { clientId, mutations: [mutation!], views: [] });
      expect(second.results).toEqual(first.results);
      expect(first.results[0]!.status).toBe('applied');
      expect((await centralCustomer(id))._seq).toBe(seqAfterFirst);
      const audits = await central.store.db
        .selectFrom('audit_log')
        .select('seq')
        .where('action', '=', 'record.update')
        .where('entity_id', '=', id)
        .execute();
      expect(audits).toHaveLength(1);
    } finally {
      await probe.close();
    }
  });
});

describe('the connection to the central store', () => {
  it('refuses a central store whose certificate is not from the pinned CA', async () => {
    const { startCentralStore } = await import('../../../central');
    const { mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const impostor = await startCentralStore({ dataDir: mkdtempSync(join(tmpdir(), 'caredesk-impostor-')), port: 0 });
    try {
      const client = new CentralClient(impostor.url, central.store.caPem, null);
      await expect(client.health()).rejects.toMatchObject({ code: 'untrusted_server' });
      await client.close();
    } finally {
      await impostor.close();
    }
  });
});
