import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { MIGRATIONS } from '../../../electron/core/cache';
import { startTestCentral, DEMO_SEED, PASSWORD, type TestCentral } from '../../support/central';
import type { Vault } from '../../../electron/core/vault';
import { decryptedPages } from '../../support/decryptedPages';
import { cacheConnection } from '../../support/fullDisk';
import { startWorkstation, eventually, type TestWorkstation } from '../../support/workstation';

/**
 * The desk's offline pipeline for every declared operation (domain/operations.ts, issue 10): records
 * born on a desk with a client-made id, transitions checked against the lifecycle, and the upgrade of
 * a cache whose outbox a previous CareDesk wrote. Real central store over TLS, real encrypted caches,
 * real OS keychain; two desks.
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });
const LEAD = {
  firstName: 'Priya',
  lastName: 'Natarajan',
  email: 'priya.n@example.org',
  phone: '(415) 555-0142',
  mailingAddress: { line1: '77 Geary Street', city: 'San Francisco', state: 'CA', zip: '94108' },
  location: 'San Francisco, CA',
  requestedServices: ['business VoIP', 'toll-free number'],
};

let central: TestCentral;
let rep: TestWorkstation;
let supervisor: TestWorkstation;

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
const stored = async (entity: string, id: string) => {
  const row = await central.store.db.selectFrom('records').select(['data']).where('entity', '=', entity).where('id', '=', id).executeTakeFirst();
  return row?.data ? (JSON.parse(String(row.data)) as Record<string, unknown>) : null;
};
const userId = async (username: string) => (await central.store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
async function verify(ws: TestWorkstation, i: number): Promise<string> {
  const { customer, secrets } = demo(i);
  expect((await ws.call('customer.verifyCaller', { customerId: customer.id, method: 'account_pin', answer: secrets.accountPin })).verified).toBe(true);
  return customer.id;
}

/**
 * A desk's cache file and its key, the way the desk derives it (the vault: Argon2id of the password
 * and the device secret in the OS keychain), for the scans of decrypted pages. Tests only: the
 * session keeps its vault to itself.
 */
async function cacheFileAndKey(ws: TestWorkstation, username: string): Promise<[string, Buffer]> {
  const vault = (ws.core.session as unknown as { deps: { vault: Vault } }).deps.vault;
  const userId = vault.userIdFor(username)!;
  return [vault.cachePath(userId), await vault.unlock(userId, PASSWORD)];
}

beforeAll(async () => {
  central = await startTestCentral({ customers: 12, users: { 'rep.ops': 'care_rep', 'sup.ops': 'supervisor' } });
  rep = await desk('rep.ops');
  supervisor = await desk('sup.ops');
});

afterAll(async () => {
  await rep?.dispose();
  await supervisor?.dispose();
  await central?.dispose();
});

describe('records born on a desk', () => {
  it('files an erasure request offline on a verified call: shown at once, delivered once, the store setting who filed, when and the status', async () => {
    const customerId = await verify(rep, 1);
    await central.stop();
    const receipt = await rep.call('records.change', { operation: 'erasureRequest.file', values: { customerId, reason: 'caller asked us to remove their data' }, reason: 'erasure asked for on the call' });
    expect(receipt).toMatchObject({ entity: 'erasureRequest', customerId });
    // the local view shows it as created, before the store has it
    expect(cacheOf(rep).effectiveRecordsOfCustomer('erasureRequest', customerId)).toEqual([expect.objectContaining({ id: receipt.id, status: 'pending', reason: 'caller asked us to remove their data' })]);
    expect(cacheOf(rep).changesOf('erasureRequest', receipt.id)).toEqual([expect.objectContaining({ id: receipt.mutationId, op: 'create', status: 'pending' })]);

    await central.restart();
    await eventually(async () => (await rep.call('sync.status')).pending === 0 || null, 20_000, 'the create delivered');
    expect(await stored('erasureRequest', receipt.id)).toMatchObject({ customerId, status: 'pending', filedBy: await userId('rep.ops'), decidedBy: null });
    const created = await central.store.db.selectFrom('audit_log').select('action').where('entity_id', '=', receipt.id).execute();
    expect(created.map((r) => r.action)).toEqual(['record.create']);
    // the store's copy replaces the desk's own once pulled, with the store's fields
    await eventually(() => cacheOf(rep).storedRecord('erasureRequest', receipt.id)?.data.filedBy || null, 20_000, 'pulled back');
    expect(cacheOf(rep).effectiveRecordsOfCustomer('erasureRequest', customerId)).toHaveLength(1);

    // the rep's desk is locked (away from the network) while a supervisor approves it on another desk;
    // who decided is the store's word, and the store erases and completes
    await eventually(() => cacheOf(supervisor).storedRecord('erasureRequest', receipt.id) ?? null, 20_000, 'seen by the supervisor');
    await rep.call('session.lock');
    await supervisor.call('records.change', { operation: 'erasureRequest.decide', id: receipt.id, values: { status: 'approved' }, reason: 'identity checked, no hold applies' });
    await eventually(async () => (await stored('erasureRequest', receipt.id))?.status === 'completed' || null, 20_000, 'approved and carried out');
    expect(await stored('erasureRequest', receipt.id)).toMatchObject({ decidedBy: await userId('sup.ops') });

    // the supervisor's desk purges and confirms; the locked desk is pending, then confirms at its next contact
    const confirmations = () => central.store.db.selectFrom('erasure_acks').select(['device_id', 'confirmed_at']).where('request_id', '=', receipt.id).execute();
    await eventually(async () => ((await confirmations()).filter((a) => a.confirmed_at).length === 1 ? true : null), 20_000, 'the supervisor desk confirmed');
    expect(await confirmations()).toHaveLength(2);
    expect(cacheOf(supervisor).getRecord('customer', customerId)).toBeNull();
    await rep.call('session.unlock', { password: PASSWORD });
    await eventually(async () => ((await confirmations()).every((a) => a.confirmed_at) ? true : null), 20_000, 'the rep desk confirmed at its next contact');
    expect(cacheOf(rep).getRecord('customer', customerId)).toBeNull();
    expect(cacheOf(rep).changesOf('erasureRequest', receipt.id)).toEqual([]);
    expect(cacheOf(rep).pendingPurges(10)).toEqual([]);

    // on both desks, every decrypted page of the cache (and its WAL) holds none of the customer's values, and search finds nothing
    const { customer } = demo(1);
    const erasedValues = [customer.email, `${customer.firstName} ${customer.lastName}`, `${customer.lastName} ${customer.firstName}`.toLowerCase(), ...customer.phones.flatMap((p) => [p.number, p.number.slice(2)]), customer.serviceAddress.line1, 'caller asked us to remove their data'];
    for (const [ws, username] of [[rep, 'rep.ops'], [supervisor, 'sup.ops']] as const) {
      const pages = decryptedPages(...(await cacheFileAndKey(ws, username)));
      expect(pages.includes(Buffer.from(demo(2).customer.email))).toBe(true); // the scan finds what is there
      expect(erasedValues.filter((v) => pages.includes(Buffer.from(v)))).toEqual([]);
      expect((await ws.call('customers.search', { query: customer.phones[0]!.number.slice(-7) })).map((h) => h.id)).not.toContain(customerId);
    }

    // the certificate, read on the supervisor's desk: both desks confirmed
    const certificate = await supervisor.call('erasure.certificate', { requestId: receipt.id });
    expect(certificate.desks).toEqual([
      { device: 'desk of rep.ops', confirmedAt: expect.any(String) },
      { device: 'desk of sup.ops', confirmedAt: expect.any(String) },
    ]);
    await expect(rep.call('erasure.certificate', { requestId: receipt.id })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('creates a lead offline on one desk and it reaches another desk after sync', async () => {
    await central.stop();
    const receipt = await rep.call('records.change', { operation: 'lead.create', values: LEAD, reason: 'prequalification call' });
    expect(receipt).toMatchObject({ entity: 'lead', customerId: null });
    expect(cacheOf(rep).effectiveRecord('lead', receipt.id)).toMatchObject({ ...LEAD, phone: '+14155550142', status: 'new' });
    await central.restart();
    await eventually(() => cacheOf(supervisor).storedRecord('lead', receipt.id)?.data ?? null, 30_000, 'the lead on the supervisor desk');
    expect(cacheOf(supervisor).storedRecord('lead', receipt.id)!.data).toMatchObject({ lastName: 'Natarajan', phone: '+14155550142', status: 'new', convertedCustomerId: null });

    // a step on the other desk, with its reason; the history reads both back, online
    await supervisor.call('records.change', { operation: 'lead.setStatus', id: receipt.id, values: { status: 'contacted' }, reason: 'called back about pricing' });
    await eventually(async () => (await stored('lead', receipt.id))?.status === 'contacted' || null, 20_000, 'the step stored');
    const { entries } = await rep.call('records.history', { entity: 'lead', id: receipt.id });
    expect(entries).toEqual([
      expect.objectContaining({ kind: 'create', by: 'rep ops', reason: 'prequalification call' }),
      expect.objectContaining({ kind: 'update', by: 'sup ops', fields: ['status'], reason: 'called back about pricing' }),
    ]);
    await central.stop();
    await expect(rep.call('records.history', { entity: 'lead', id: receipt.id })).rejects.toMatchObject({ code: 'offline', message: expect.stringContaining('read the change history') });
    await central.restart();
  });

  it('refuses, in the core and before anything is queued: an id already taken, a field the store sets, a caller not verified, a step not in the lifecycle', async () => {
    const pending = () => cacheOf(rep).outboxCounts().pending + cacheOf(supervisor).outboxCounts().pending;
    const before = pending();
    const customerId = await verify(rep, 2);
    const lead = await rep.call('records.change', { operation: 'lead.create', values: LEAD, reason: 'prequalification call' });
    await eventually(() => cacheOf(rep).storedRecord('lead', lead.id) ?? null, 20_000, 'the lead stored');
    const queued = pending();

    await expect(rep.call('records.change', { operation: 'lead.create', id: lead.id, values: LEAD, reason: 'same id again' })).rejects.toMatchObject({
      code: 'validation',
      issues: [expect.objectContaining({ field: 'id', rule: 'create.id_taken' })],
    });
    await expect(rep.call('records.change', { operation: 'erasureRequest.file', values: { customerId, reason: 'forged filer', filedBy: randomUUID() }, reason: 'erasure asked for' })).rejects.toMatchObject({
      code: 'validation',
      issues: [expect.objectContaining({ field: 'filedBy', rule: 'field.server_owned' })],
    });
    await expect(rep.call('records.change', { operation: 'erasureRequest.file', values: { customerId: demo(3).customer.id, reason: 'not verified' }, reason: 'erasure asked for' })).rejects.toMatchObject({
      code: 'forbidden',
      issues: [expect.objectContaining({ rule: 'verification.required' })],
    });
    const request = await rep.call('records.change', { operation: 'erasureRequest.file', values: { customerId, reason: 'caller asked to be forgotten' }, reason: 'erasure asked for' });
    await eventually(() => cacheOf(supervisor).storedRecord('erasureRequest', request.id) ?? null, 20_000, 'seen by the supervisor');
    const afterFiling = pending();
    await expect(supervisor.call('records.change', { operation: 'erasureRequest.decide', id: request.id, values: { status: 'completed' }, reason: 'done, trust me' })).rejects.toMatchObject({
      code: 'forbidden',
      issues: [expect.objectContaining({ field: 'status', rule: 'transition.not_allowed' })],
    });
    await expect(supervisor.call('records.change', { operation: 'erasureRequest.decide', id: request.id, values: { reason: 'rewritten' }, reason: 'tidy up' })).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'reason', rule: 'operation.field' })],
    });
    await expect(rep.call('records.change', { operation: 'customer.editContact', values: { email: 'no.id@example.com' }, reason: 'no record named' })).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'id', rule: 'required' })],
    });
    expect(pending()).toBe(afterFiling);
    expect(queued).toBeGreaterThanOrEqual(before);
  });
});

describe('a cache whose outbox a previous CareDesk wrote', () => {
  it('upgrades at the next sign-in and delivers the edit it holds, once', async () => {
    const ws = await desk('rep.ops');
    try {
      const customerId = await verify(ws, 5);
      await central.stop();
      const { mutationId } = await ws.call('records.change', { operation: 'customer.editContact', id: customerId, values: { email: 'from.old.desk@example.org' }, reason: 'caller gave a new email' });
      // the file as the previous release leaves it: the outbox of schema 2 (its migration's table, no `op`),
      // none of what later migrations add (the queue index, the phone index's secure-delete), user_version 2
      const db = cacheConnection(cacheOf(ws));
      db.exec(MIGRATIONS[1]!.sql);
      db.exec("DROP INDEX record_body_queue; INSERT INTO phone_search (phone_search, rank) VALUES ('secure-delete', 0);");
      db.pragma('user_version = 2');
      expect((db.prepare('PRAGMA table_info(outbox)').all() as { name: string }[]).map((c) => c.name)).not.toContain('op');
      expect(db.prepare('SELECT id FROM outbox').pluck().all()).toEqual([mutationId]);
      await ws.restart();

      await central.restart();
      await ws.call('session.signIn', { username: 'rep.ops', password: PASSWORD });
      expect(cacheOf(ws).schemaVersion()).toBe(MIGRATIONS.length);
      await eventually(async () => (await ws.call('sync.status')).pending === 0 || null, 20_000, 'the old edit delivered');
      expect(await stored('customer', customerId)).toMatchObject({ email: 'from.old.desk@example.org' });
      const audit = await central.store.db.selectFrom('audit_log').select('action').where('entity_id', '=', customerId).where('action', '=', 'record.update').execute();
      expect(audit).toHaveLength(1);
    } finally {
      await ws.dispose();
    }
  });
});
