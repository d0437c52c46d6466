import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../../central/inquiries/ingest';
import { purgeStaleLeads } from '../../../central/leads/retention';
import { inProcessChangeFeed } from '../../../central/sync/changeFeed';
import { demoCustomer } from '../../../domain/demo/generator';
import { DEFAULT_LEAD_RETENTION_DAYS } from '../../../domain/entities';
import { eml } from '../../support/mail';
import { MIGRATIONS } from '../../../electron/core/cache';
import { startTestCentral, DEMO_SEED, PASSWORD, type TestCentral } from '../../support/central';
import type { Vault } from '../../../electron/core/vault';
import { decryptedPages } from '../../support/decryptedPages';
import { cacheConnection } from '../../support/fullDisk';
import { startWorkstation, eventually, type TestWorkstation } from '../../support/workstation';
import { signInDesk } from '../../support/secondFactor';

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
  await signInDesk(ws, username);
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
  central = await startTestCentral({ customers: 12, users: { 'rep.ops': 'care_rep', 'sup.ops': 'supervisor', 'comp.ops': 'compliance', 'comp2.ops': 'compliance' } });
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
      expect((await ws.call('customers.search', { query: customer.phones[0]!.number.slice(-7) })).hits.map((h) => h.id)).not.toContain(customerId);
    }

    // the certificate, read on the supervisor's desk: both desks confirmed
    const certificate = await supervisor.call('erasure.certificate', { requestId: receipt.id });
    expect(certificate.desks).toEqual([
      { device: 'desk of rep.ops', confirmedAt: expect.any(String) },
      { device: 'desk of sup.ops', confirmedAt: expect.any(String) },
    ]);
    await expect(rep.call('erasure.certificate', { requestId: receipt.id })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('erases only the contact data when the caller asks for that: the account stays, every desk purges the rest, an edit queued before cannot write it back', async () => {
    const customerId = await verify(rep, 4);
    const { customer } = demo(4);
    // contact data of the customer's own to erase: a second phone and a mailing address apart from the service address
    const extra = { phones: [customer.phones[0]!, { kind: 'work', number: '+12125550188' }], mailingAddress: { line1: 'PO Box 4471', city: 'Albany', state: 'NY', zip: '12201' } };
    await rep.call('records.change', { operation: 'customer.editContact', id: customerId, values: extra, reason: 'caller gave a work number and a PO box' });
    const request = await rep.call('records.change', { operation: 'erasureRequest.file', values: { customerId, scope: 'contact', reason: 'caller wants their contact details removed' }, reason: 'erasure asked for on the call' });
    await eventually(() => cacheOf(supervisor).storedRecord('erasureRequest', request.id) ?? null, 20_000, 'seen by the supervisor');
    expect(cacheOf(supervisor).storedRecord('customer', customerId)!.data).toMatchObject({ mailingAddress: { line1: 'PO Box 4471' } });

    // an edit made on the rep's desk while offline, from what is about to be erased; the desk is locked during the approval
    await central.stop();
    await rep.call('records.change', { operation: 'customer.editContact', id: customerId, values: { email: 'typed.before@example.org' }, reason: 'caller spelled a new email' });
    await rep.call('session.lock');
    await central.restart();
    await supervisor.call('records.change', { operation: 'erasureRequest.decide', id: request.id, values: { status: 'approved' }, reason: 'identity checked, no hold applies' });
    await eventually(async () => (await stored('erasureRequest', request.id))?.status === 'completed' || null, 20_000, 'approved and carried out');

    // the account stays with what the service needs
    const kept = (await stored('customer', customerId))!;
    expect(kept).toMatchObject({ firstName: customer.firstName, email: null, phones: [customer.phones[0]], mailingAddress: customer.serviceAddress, erasedContactAt: expect.any(String) });
    expect(Object.values(kept.consents as Record<string, boolean>).every((v) => v === false)).toBe(true);
    expect(await stored('billingAccount', demo(4).billingAccount.id)).not.toBeNull();

    const confirmations = () => central.store.db.selectFrom('erasure_acks').select(['confirmed_at']).where('request_id', '=', request.id).execute();
    await rep.call('session.unlock', { password: PASSWORD });
    await eventually(async () => ((await confirmations()).every((a) => a.confirmed_at) ? true : null), 20_000, 'both desks confirmed');
    await eventually(() => (cacheOf(rep).storedRecord('customer', customerId)?.data.erasedContactAt ? true : null), 20_000, 'the erasure pulled');
    // the edit queued before the erasure is gone; the store never took it
    expect(cacheOf(rep).changesOf('customer', customerId).filter((c) => 'email' in c.changes)).toEqual([]);
    expect((await stored('customer', customerId))!.email).toBeNull();

    const erasedValues = [customer.email, 'typed.before@example.org', '+12125550188', '2125550188', 'PO Box 4471', 'caller wants their contact details removed'];
    for (const [ws, username] of [[rep, 'rep.ops'], [supervisor, 'sup.ops']] as const) {
      const pages = decryptedPages(...(await cacheFileAndKey(ws, username)));
      expect(pages.includes(Buffer.from(customer.serviceAddress.line1))).toBe(true); // kept, and the scan finds it
      expect(erasedValues.filter((v) => pages.includes(Buffer.from(v)))).toEqual([]);
      expect((await ws.call('customers.search', { query: '555-0188' })).hits.map((h) => h.id)).not.toContain(customerId);
      expect((await ws.call('customers.search', { query: customer.phones[0]!.number.slice(-7) })).hits.map((h) => h.id)).toContain(customerId);
    }
    const certificate = await supervisor.call('erasure.certificate', { requestId: request.id });
    expect(certificate).toMatchObject({ scope: 'contact', erased: [expect.objectContaining({ entity: 'customer', fields: ['email', 'phones', 'mailingAddress', 'consents'] })] });
    expect(certificate.retained).toEqual([expect.objectContaining({ entity: 'customer', retainUntil: null })]);

    // once the desk has seen the erasure, a new email the caller gives is an ordinary edit
    await verify(rep, 4);
    await rep.call('records.change', { operation: 'customer.editContact', id: customerId, values: { email: 'given.after@example.org' }, reason: 'caller gave a new email' });
    await eventually(async () => (await stored('customer', customerId))?.email === 'given.after@example.org' || null, 20_000, 'the new email stored');
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

  it('converts a lead through the store’s operations route: the new customer reaches the desk; offline, it is refused before anything is sent', async () => {
    const lead = await rep.call('records.change', { operation: 'lead.create', values: { ...LEAD, email: 'convert.me@example.org', phone: '(415) 555-0177', lastName: 'Adeyemi' }, reason: 'quote call' });
    await rep.call('records.change', { operation: 'lead.setStatus', id: lead.id, values: { status: 'quoted' }, reason: 'quote sent' });
    await eventually(async () => (await stored('lead', lead.id))?.status === 'quoted' || null, 20_000, 'the quote stored');
    const request = { leadId: lead.id, serviceAddress: LEAD.mailingAddress, plans: [{ plan: 'Business Unlimited' as const, quantity: 1 }] };
    const result = await rep.call('lead.convert', request);
    if (result.status !== 'converted') throw new Error(`not converted: ${JSON.stringify(result)}`);
    await eventually(() => cacheOf(rep).storedRecord('customer', result.customerId) ?? null, 20_000, 'the new customer on the desk');
    expect((await rep.call('customers.search', { query: 'Adeyemi' })).hits.map((h) => h.id)).toContain(result.customerId);
    await expect(supervisor.call('lead.convert', request)).rejects.toMatchObject({ code: 'validation', issues: [expect.objectContaining({ field: 'leadId', rule: 'transition.not_allowed' })] });

    await central.stop();
    await eventually(async () => ((await rep.call('sync.status')).online ? null : true), 20_000, 'the desk sees it is offline');
    await expect(rep.call('lead.convert', request)).rejects.toMatchObject({ code: 'offline', message: expect.stringContaining('convert a lead into a customer') });
    await central.restart();
    await rep.call('sync.now').catch(() => undefined);
    await eventually(async () => ((await rep.call('sync.status')).online ? true : null), 20_000, 'the desk back online');
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

describe('leads and inquiries kept to their purpose on the desk (issue 12)', () => {
  it('an inquiry holding a card number and an SSN reaches the desks with both removed: no page of a cache holds them', async () => {
    const card = '4111 1111 1111 1111';
    const ssn = '078-05-1120';
    const bytes = eml(
      { From: 'Rosa Lind <rosa.lind@example.net>', To: 'care@voip.example', Subject: `Card ${card} declined`, 'Message-ID': '<desk-scan-1@example.net>', Date: new Date().toUTCString() },
      `My card ${card} was declined and my SSN is ${ssn}. Please call me.`,
    );
    const ingested = await ingestMessage({ db: central.store.db, clock: () => new Date(), feed: inProcessChangeFeed() }, bytes);
    if (ingested.outcome !== 'ingested') throw new Error(JSON.stringify(ingested));
    for (const ws of [rep, supervisor]) {
      await ws.call('sync.now');
      await eventually(() => cacheOf(ws).storedRecord('inquiry', ingested.inquiryId) ?? null, 20_000, 'the inquiry on the desk');
      expect(cacheOf(ws).storedRecord('inquiry', ingested.inquiryId)!.data.body).toContain('[card number removed]');
    }
    const forms = [card, card.replaceAll(' ', ''), card.replaceAll(' ', '-'), ssn, ssn.replaceAll('-', ''), ssn.replaceAll('-', ' ')];
    for (const [ws, username] of [[rep, 'rep.ops'], [supervisor, 'sup.ops']] as const) {
      const pages = decryptedPages(...(await cacheFileAndKey(ws, username)));
      expect(pages.includes(Buffer.from('rosa.lind@example.net'))).toBe(true); // the inquiry is there: the scan finds it
      expect(forms.filter((v) => pages.includes(Buffer.from(v)))).toEqual([]);
    }
  });

  it('a lead past its retention is purged from every desk, with what was queued for it', async () => {
    const lead = await rep.call('records.change', { operation: 'lead.create', values: { ...LEAD, email: 'expired.prospect@example.org', lastName: 'Expired' }, reason: 'quote call' });
    await eventually(async () => (await stored('lead', lead.id)) ?? null, 20_000, 'the lead stored');
    await eventually(() => cacheOf(supervisor).storedRecord('lead', lead.id) ?? null, 20_000, 'the lead on the other desk');
    // an edit queued while the store is away, for a lead whose time runs out meanwhile
    await central.stop();
    await rep.call('records.change', { operation: 'lead.setStatus', id: lead.id, values: { status: 'contacted' }, reason: 'left a voicemail' });
    await central.restart();
    const later = () => new Date(Date.now() + (DEFAULT_LEAD_RETENTION_DAYS + 1) * 86_400_000);
    const { purged } = await purgeStaleLeads({ db: central.store.db, clock: later, feed: inProcessChangeFeed(), leadRetentionDays: DEFAULT_LEAD_RETENTION_DAYS });
    expect(purged).toBeGreaterThanOrEqual(1);
    for (const ws of [rep, supervisor]) {
      await ws.call('sync.now');
      await eventually(() => (cacheOf(ws).storedRecord('lead', lead.id) === null ? true : null), 20_000, 'the lead gone from the desk');
    }
    expect(cacheOf(rep).changesOf('lead', lead.id)).toEqual([]);
    expect(await stored('lead', lead.id)).toBeNull();
    for (const [ws, username] of [[rep, 'rep.ops'], [supervisor, 'sup.ops']] as const) {
      const pages = decryptedPages(...(await cacheFileAndKey(ws, username)));
      expect(pages.includes(Buffer.from('expired.prospect@example.org'))).toBe(false);
    }
  });
});

describe('a partner file on the compliance desk (issue 14)', () => {
  it('passes through the desk to the officer and stays nowhere in its cache: the register entry arrives, the rows do not', async () => {
    // two customers in collections who agreed to partner sharing: the state the export starts from
    for (const i of [4, 5]) {
      const { billingAccount, customer } = demo(i);
      const account = (await stored('billingAccount', billingAccount.id))!;
      await central.store.db.updateTable('records').set({ data: JSON.stringify({ ...account, status: 'collections' }) }).where('entity', '=', 'billingAccount').where('id', '=', billingAccount.id).execute();
      const data = (await stored('customer', customer.id))!;
      await central.store.db.updateTable('records').set({ data: JSON.stringify({ ...data, consents: { ...(data.consents as object), partnerSharing: true } }) }).where('entity', '=', 'customer').where('id', '=', customer.id).execute();
    }
    const comp = await desk('comp.ops');
    try {
      const file = await comp.call('sharing.export', { partner: 'Northwind Collections LLC', purpose: 'collections' });
      const lines = file.csv.split('\r\n');
      expect(lines[0]).toBe('account_number,first_name,last_name,phone,address_1,address_2,city,state,zip,balance_cents,currency');
      expect(file.record.customerCount).toBeGreaterThanOrEqual(2);
      const row = lines.find((l) => l.startsWith(`${demo(4).customer.accountNumber},`))!;
      expect(row).toContain(demo(4).customer.lastName);

      await comp.call('sync.now');
      await eventually(() => cacheOf(comp).storedRecord('sharingRecord', file.record.id) ?? null, 20_000, 'the register entry on the desk');
      const pages = decryptedPages(...(await cacheFileAndKey(comp, 'comp.ops')));
      expect(pages.includes(Buffer.from(file.record.sha256))).toBe(true); // the register entry is there: the scan finds it
      expect(pages.includes(Buffer.from(lines[0]!))).toBe(false);
      expect(pages.includes(Buffer.from(row))).toBe(false);
    } finally {
      await comp.dispose();
    }
  });
});

describe('the disclosure register and a subject access report on compliance desks (issue 14)', () => {
  it('records a disclosure through one officer’s desk, releases it through another’s, and keeps no report file in either cache', async () => {
    const comp = await desk('comp.ops');
    const comp2 = await desk('comp2.ops');
    try {
      const { customer } = demo(6);
      const id = randomUUID();
      const prepared = await comp.call('disclosure.prepare', { id, customerId: customer.id, requester: 'Det. Ruiz, Reno PD', legalBasis: 'ecpa_subpoena', fieldsDisclosed: ['name', 'phones'], documentReference: 'SUB-2026-18', nonDisclosureOrder: true });
      expect(prepared.record).toMatchObject({ status: 'prepared', preparedBy: await userId('comp.ops') });
      // the preparer's own approval is refused by the central store, with its rule
      await expect(comp.call('disclosure.approve', { disclosureId: id })).rejects.toMatchObject({ code: 'forbidden', issues: [expect.objectContaining({ rule: 'disclosure.same_person' })] });
      // the register entry reaches the other officer's desk, who approves it
      await comp2.call('sync.now');
      await eventually(async () => ((await comp2.call('records.list', { entity: 'disclosureRecord' })).some((i) => i.record.id === id) ? true : null), 20_000, 'the register entry on the other desk');
      const approved = await comp2.call('disclosure.approve', { disclosureId: id });
      expect(approved.disclosed).toEqual([
        { field: 'name', label: 'Name', value: `${customer.firstName} ${customer.lastName}` },
        { field: 'phones', label: 'Telephone numbers', value: customer.phones.map((p) => p.number).join('; ') },
      ]);

      const report = await comp.call('subjectAccess.report', { customerId: customer.id });
      expect(report.report.disclosures).toEqual([]); // under a non-disclosure order
      await comp.call('sync.now');
      await eventually(() => (cacheOf(comp).storedRecord('disclosureRecord', id)?.data.status === 'approved' ? true : null), 20_000, 'the approval on the preparer’s desk');
      const pages = decryptedPages(...(await cacheFileAndKey(comp, 'comp.ops')));
      expect(pages.includes(Buffer.from(id))).toBe(true); // the register entry is there: the scan finds it
      expect(pages.includes(Buffer.from(report.sha256))).toBe(false);
      expect(pages.includes(Buffer.from(report.file.slice(0, 120)))).toBe(false);
    } finally {
      await comp.dispose();
      await comp2.dispose();
    }
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
      // none of what later migrations add (the queue indexes, the phone index's secure-delete), user_version 2
      const db = cacheConnection(cacheOf(ws));
      db.exec(MIGRATIONS[1]!.sql);
      db.exec("DROP INDEX record_body_queue; DROP INDEX record_body_marked_queue; INSERT INTO phone_search (phone_search, rank) VALUES ('secure-delete', 0);");
      // nor network operations' line indexes (008), the search events (009)
      db.exec('DROP INDEX record_body_line_status; DROP INDEX record_body_line_review; DROP TABLE search_event; ALTER TABLE view_event DROP COLUMN search_id;');
      db.pragma('user_version = 2');
      expect((db.prepare('PRAGMA table_info(outbox)').all() as { name: string }[]).map((c) => c.name)).not.toContain('op');
      expect(db.prepare('SELECT id FROM outbox').pluck().all()).toEqual([mutationId]);
      await ws.restart();

      await central.restart();
      await ws.call('session.signIn', { username: 'rep.ops', password: PASSWORD });
      expect(cacheOf(ws).schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
      await eventually(async () => (await ws.call('sync.status')).pending === 0 || null, 20_000, 'the old edit delivered');
      expect(await stored('customer', customerId)).toMatchObject({ email: 'from.old.desk@example.org' });
      const audit = await central.store.db.selectFrom('audit_log').select('action').where('entity_id', '=', customerId).where('action', '=', 'record.update').execute();
      expect(audit).toHaveLength(1);
    } finally {
      await ws.dispose();
    }
  });
});
