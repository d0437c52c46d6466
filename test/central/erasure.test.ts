import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, ERASED_REASON, ErasureCertificate, PushResponse, type Mutation, type MutationResult } from '../../domain';
import { readLedger } from '../../central/erasure/ledger';
import { restoreDatabase } from '../../central/erasure/restore';
import { backupTo, openDatabase } from '../../central/storage/database';
import { Harness, type TestSession } from './harness';
import { storedBytes } from '../support/storedBytes';
import { sqliteOnly } from '../support/backendTests';

/**
 * "Remove my personal data" at the central store (issue 11): a care rep files the request on a
 * verified call, a legal hold blocks the approval and says why, the approval of someone other than
 * the filer erases the customer in the same transaction — records tombstoned for every desk, billing
 * records kept apart at their legal minimum, change reasons, verification answers, held edits,
 * conflict values and card vault entries gone — and the database files hold none of the values.
 */
describe('an approved erasure at the central store', () => {
  let h: Harness;
  let rep: TestSession;
  let otherRep: TestSession;
  let supervisor: TestSession;
  let compliance: TestSession;
  const subject = () => h.customer(0);
  const bystander = () => h.customer(1);
  const push = async (s: TestSession, m: Mutation): Promise<MutationResult> => PushResponse.parse((await h.push(s, [m])).json).results[0]!;
  const create = (s: TestSession, entity: Mutation['entity'], changes: Record<string, unknown>, reason: string, verificationId: string | null = null): Mutation => ({
    ...h.mutation(s, h.nextSeq(s), { entity, id: randomUUID() }, {}, changes, { reason, verificationId }),
    op: 'create',
  });
  const verify = async (s: TestSession) => (await h.verify(s, subject().customer.id, 'account_pin', subject().secrets.accountPin)).json.verificationId as string;
  const files = () => storedBytes(h.store);

  beforeAll(async () => {
    h = await Harness.start({ customers: 3 });
    rep = await h.session('care_rep');
    otherRep = await h.session('care_rep');
    supervisor = await h.session('supervisor');
    compliance = await h.session('compliance');
  });
  afterAll(() => h.dispose());

  it('is blocked by a legal hold, then erases every copy once the hold is released, keeping billing at its legal minimum', async () => {
    const { customer, billingAccount, paymentMethods } = subject();
    // history that an erasure must reach: a correction with its reason, and a conflict holding both values
    const v1 = await verify(rep);
    expect((await push(rep, h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer.id }, { email: customer.email }, { email: 'first.move@example.org' }, { verificationId: v1, reason: 'Moved to Springfield, new email' }))).status).toBe('applied');
    const v2 = await verify(otherRep);
    const conflict = await push(otherRep, h.mutation(otherRep, h.nextSeq(otherRep), { entity: 'customer', id: customer.id }, { email: customer.email }, { email: 'second.try@example.org' }, { verificationId: v2 }));
    expect(conflict.status).toBe('conflict');

    const request = create(rep, 'erasureRequest', { customerId: customer.id, reason: 'Caller wants every trace removed' }, 'asked on the call', await verify(rep));
    expect((await push(rep, request)).status).toBe('applied');
    const hold = create(compliance, 'legalHold', { customerId: customer.id, kind: 'ecpa_preservation', reference: 'Preservation letter 2026-771' }, 'letter received');
    expect((await push(compliance, hold)).status).toBe('applied');

    const approve = () => h.mutation(supervisor, h.nextSeq(supervisor), { entity: 'erasureRequest', id: request.entityId }, { status: 'pending' }, { status: 'approved' }, { reason: 'identity checked on callback' });
    const blocked = await push(supervisor, approve());
    expect(blocked).toMatchObject({ status: 'rejected', rejection: { code: 'forbidden', issues: [{ field: 'status', rule: 'erasure.legal_hold' }] } });
    expect(blocked.rejection!.message).toContain('ECPA preservation request (Preservation letter 2026-771)');
    expect((await h.record('erasureRequest', request.entityId)).data.status).toBe('pending');
    expect((await h.record('customer', customer.id)).data).not.toBeNull();

    expect((await push(compliance, h.mutation(compliance, h.nextSeq(compliance), { entity: 'legalHold', id: hold.entityId }, { status: 'active' }, { status: 'released' }, { reason: 'preservation period over' }))).status).toBe('applied');
    expect((await push(supervisor, approve())).status).toBe('applied');

    // the request is evidence: completed by the store, decided by the supervisor, its free text gone
    expect((await h.record('erasureRequest', request.entityId)).data).toMatchObject({ status: 'completed', decidedBy: supervisor.user.id, reason: ERASED_REASON });
    // every record of the customer is a tombstone for the desks
    const live = await h.store.db.selectFrom('records').select(['entity', 'id']).where('customer_id', '=', customer.id).where('data', 'is not', null).execute();
    expect(live.map((r) => r.entity).sort()).toEqual(['erasureRequest', 'legalHold']);
    // billing kept apart at its legal minimum, without the billing address
    const kept = await h.store.db.selectFrom('retained_records').selectAll().where('customer_id', '=', customer.id).execute();
    expect(kept.map((r) => r.entity)).toContain('billingAccount');
    const keptAccount = JSON.parse(kept.find((r) => r.id === billingAccount.id)!.data) as Record<string, unknown>;
    expect(keptAccount.balanceCents).toBe(billingAccount.balanceCents);
    expect(keptAccount).not.toHaveProperty('billingAddress');
    // what went with it
    expect(await h.store.db.selectFrom('caller_secrets').selectAll().where('customer_id', '=', customer.id).execute()).toEqual([]);
    expect(await h.store.db.selectFrom('verifications').selectAll().where('customer_id', '=', customer.id).execute()).toEqual([]);
    expect(await h.store.db.selectFrom('card_vault').selectAll().where('customer_id', '=', customer.id).execute()).toEqual([]);
    expect((await h.store.db.selectFrom('record_history').select('reason').where('customer_id', '=', customer.id).execute()).every((r) => r.reason === null)).toBe(true);
    const stored = await h.store.db.selectFrom('client_mutations').select('result').where('mutation_id', '=', conflict.id).executeTakeFirstOrThrow();
    expect((JSON.parse(stored.result) as MutationResult).conflicts).toEqual([expect.objectContaining({ field: 'email', base: null, mine: null, theirs: null, changeReason: null })]);
    // the certificate's evidence: ids, entities, field names, categories, bases — no value
    const erasure = await h.store.db.selectFrom('erasures').selectAll().where('request_id', '=', request.entityId).executeTakeFirstOrThrow();
    expect(erasure.approved_by).toBe(supervisor.user.id);
    expect(JSON.parse(erasure.erased)).toEqual(expect.arrayContaining([expect.objectContaining({ entity: 'customer', id: customer.id, fields: expect.arrayContaining(['email', 'phones']) })]));
    expect(JSON.parse(erasure.erased).map((r: { id: string }) => r.id)).toContain(paymentMethods[0]!.id);
    expect(JSON.parse(erasure.retained)).toEqual(expect.arrayContaining([expect.objectContaining({ entity: 'billingAccount', basis: expect.stringContaining('tax') })]));
    expect(erasure.erased + erasure.retained).not.toContain(customer.email);
    const audit = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'erasure.completed').execute();
    expect(audit).toEqual([expect.objectContaining({ entity_id: request.entityId, customer_id: customer.id, outcome: 'ok' })]);

    // the files: none of the values in any stored form, the bystander's still there
    const bytes = await files();
    const c = customer;
    const values = [
      c.email, 'first.move@example.org', 'second.try@example.org', c.firstName + ' ' + c.lastName, c.lastName,
      ...c.phones.flatMap((p) => [p.number, p.number.slice(2)]), c.serviceAddress.line1, c.mailingAddress.line1, billingAccount.billingAddress.line1,
      'Caller wants every trace removed', 'Moved to Springfield, new email', 'identity checked on callback', paymentMethods[0]!.holderName,
    ];
    expect(values.filter((v) => bytes.includes(Buffer.from(v)))).toEqual([]);
    expect(bytes.includes(Buffer.from(bystander().customer.email))).toBe(true);
  });

  it('certifies what was erased and kept, who filed and approved, and each desk’s confirmation, with no value; for approvers and compliance only', async () => {
    const { customer } = subject();
    const erasure = await h.store.db.selectFrom('erasures').select('request_id').where('customer_id', '=', customer.id).executeTakeFirstOrThrow();
    const read = (s: TestSession) => h.call(s.device.agent, 'GET', API.erasureCertificate(erasure.request_id), { token: s.token });
    const res = await read(compliance);
    expect(res.status, res.text).toBe(200);
    const certificate = ErasureCertificate.parse(res.json);
    expect(certificate).toMatchObject({ customerId: customer.id, filedBy: rep.user.displayName, approvedBy: supervisor.user.displayName });
    expect(certificate.erased.map((r) => r.entity)).toEqual(expect.arrayContaining(['customer', 'serviceLine', 'paymentMethod']));
    expect(certificate.retained.every((r) => r.basis.length > 0 && r.retainUntil! > certificate.completedAt)).toBe(true);
    // every desk that held customers is listed, none has confirmed here (the desks' side: operations.integration.test.ts)
    expect(certificate.desks).toHaveLength(4);
    expect(certificate.desks.every((d) => d.confirmedAt === null)).toBe(true);
    // a desk's report of its purge confirms it
    await h.call(rep.device.agent, 'POST', API.push, { token: rep.token, body: { clientId: rep.clientId, mutations: [], views: [], purged: [customer.id] } });
    expect(ErasureCertificate.parse((await read(supervisor)).json).desks.filter((d) => d.confirmedAt)).toHaveLength(1);
    for (const value of [customer.email, customer.lastName, customer.phones[0]!.number, 'Caller wants every trace removed', 'identity checked on callback']) expect(res.text).not.toContain(value);

    expect((await read(rep)).status).toBe(403);
    const malformed = await h.call(compliance.device.agent, 'GET', API.erasureCertificate('not-an-id'), { token: compliance.token });
    expect([malformed.status, malformed.json.error.issues]).toEqual([400, [expect.objectContaining({ field: 'requestId' })]]);
    // a desk's purge report names customers by id, or the push is refused whole, naming the slot
    const badPurge = await h.call(rep.device.agent, 'POST', API.push, { token: rep.token, body: { clientId: rep.clientId, mutations: [], views: [], purged: ['not-an-id'] } });
    expect([badPurge.status, badPurge.json.error.issues]).toEqual([400, [expect.objectContaining({ field: 'purged.0' })]]);
    const reads = await h.store.db.selectFrom('audit_log').select(['user_id', 'outcome']).where('action', '=', 'erasure.certificate_read').execute();
    expect(reads).toEqual([
      { user_id: compliance.user.id, outcome: 'ok' },
      { user_id: supervisor.user.id, outcome: 'ok' },
      { user_id: rep.user.id, outcome: 'denied' },
    ]);
  });

  it('refuses a later edit of the erased customer from a desk that was offline: it does not come back', async () => {
    const { customer } = subject();
    const late = h.mutation(otherRep, h.nextSeq(otherRep), { entity: 'customer', id: customer.id }, { lastName: customer.lastName }, { lastName: 'Resurrected' });
    expect(await push(otherRep, late)).toMatchObject({ status: 'rejected', rejection: { code: 'not_found' } });
    expect((await h.record('customer', customer.id)).data).toBeNull();
    const pulled = await h.pull(rep, 0);
    expect(pulled.lines.filter((l) => l.t === 'put' && l.id === customer.id)).toEqual([]);
  });
});

/**
 * A caller who keeps their service and asks for their contact data to go (ErasureRequest.scope
 * `contact`, domain/erasure.ts): the account holder's name, the service address and the first phone
 * stay; the email, the other phones, a mailing address of its own, the consents, linked inquiries,
 * reasons and conflict values go; no desk may write back what it saw before; a restore re-applies it.
 */
describe('an approved erasure of contact data only', () => {
  let h: Harness;
  let rep: TestSession;
  let otherRep: TestSession;
  let supervisor: TestSession;
  const subject = () => h.customer(2);
  const push = async (s: TestSession, m: Mutation): Promise<MutationResult> => PushResponse.parse((await h.push(s, [m])).json).results[0]!;
  const verify = async (s: TestSession) => (await h.verify(s, subject().customer.id, 'account_pin', subject().secrets.accountPin)).json.verificationId as string;
  const files = () => storedBytes(h.store);
  const WORK_PHONE = '+13125550177';
  const PO_BOX = { line1: 'PO Box 9120', city: 'Chicago', state: 'IL', zip: '60601' };

  beforeAll(async () => {
    h = await Harness.start({ customers: 3 });
    rep = await h.session('care_rep');
    otherRep = await h.session('care_rep');
    supervisor = await h.session('supervisor');
  });
  afterAll(() => h.dispose().catch(() => undefined));

  it('keeps the account and what its service needs, erases the rest in every stored form, and refuses a write-back from before', async () => {
    const { customer, billingAccount } = subject();
    const phones = [customer.phones[0]!, { kind: 'work', number: WORK_PHONE }];
    const v1 = await verify(rep);
    expect((await push(rep, h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer.id }, { phones: customer.phones, mailingAddress: customer.mailingAddress }, { phones, mailingAddress: PO_BOX }, { verificationId: v1, reason: 'Work number and PO box given' }))).status).toBe('applied');
    // an email inquiry the rep links to the customer: it is theirs from then on, and goes with their contact data
    const inquiryRow = await h.store.db.selectFrom('records').select(['id', 'data']).where('entity', '=', 'inquiry').executeTakeFirstOrThrow();
    const inquiry = JSON.parse(inquiryRow.data!) as { returnAddress: string; subject: string };
    expect((await push(rep, h.mutation(rep, h.nextSeq(rep), { entity: 'inquiry', id: inquiryRow.id }, { customerId: null }, { customerId: customer.id }, { reason: 'the caller wrote this email' }))).status).toBe('applied');
    expect((await h.store.db.selectFrom('records').select('customer_id').where('id', '=', inquiryRow.id).executeTakeFirstOrThrow()).customer_id).toBe(customer.id);
    // the other rep's desk saw the email before the erasure and edits it later, offline
    const v2 = await verify(otherRep);
    const fromBefore = h.mutation(otherRep, h.nextSeq(otherRep), { entity: 'customer', id: customer.id }, { email: customer.email }, { email: 'queued.before@example.org' }, { verificationId: v2 });

    const request = { ...h.mutation(rep, h.nextSeq(rep), { entity: 'erasureRequest', id: randomUUID() }, {}, { customerId: customer.id, scope: 'contact', reason: 'Caller wants contact details gone' }, { reason: 'asked on the call', verificationId: await verify(rep) }), op: 'create' as const };
    expect((await push(rep, request)).status).toBe('applied');
    expect((await h.record('erasureRequest', request.entityId)).data.scope).toBe('contact');
    expect((await push(supervisor, h.mutation(supervisor, h.nextSeq(supervisor), { entity: 'erasureRequest', id: request.entityId }, { status: 'pending' }, { status: 'approved' }, { reason: 'identity checked on callback' }))).status).toBe('applied');

    const kept = (await h.record('customer', customer.id)).data;
    expect(kept).toMatchObject({ firstName: customer.firstName, lastName: customer.lastName, email: null, phones: [customer.phones[0]], serviceAddress: customer.serviceAddress, mailingAddress: customer.serviceAddress, erasedContactAt: expect.any(String) });
    expect(Object.values(kept.consents as Record<string, boolean>)).toEqual([false, false, false, false]);
    // the account stays: its lines, its billing, its cards, the caller's verification secrets
    expect((await h.record('billingAccount', billingAccount.id)).data).toMatchObject({ billingAddress: billingAccount.billingAddress });
    expect(await h.store.db.selectFrom('caller_secrets').selectAll().where('customer_id', '=', customer.id).execute()).toHaveLength(1);
    expect((await h.store.db.selectFrom('card_vault').selectAll().where('customer_id', '=', customer.id).execute()).length).toBeGreaterThan(0);
    expect(await h.store.db.selectFrom('retained_records').selectAll().where('customer_id', '=', customer.id).execute()).toEqual([]);
    const erasure = await h.store.db.selectFrom('erasures').selectAll().where('request_id', '=', request.entityId).executeTakeFirstOrThrow();
    expect(erasure.scope).toBe('contact');
    expect(JSON.parse(erasure.retained)).toEqual([expect.objectContaining({ entity: 'customer', retainUntil: null })]);
    expect(JSON.parse(erasure.erased)).toEqual(expect.arrayContaining([expect.objectContaining({ entity: 'inquiry', id: inquiryRow.id, fields: expect.arrayContaining(['returnAddress', 'body']) })]));
    expect((await h.record('inquiry', inquiryRow.id)).data).toBeNull();
    expect(readLedger(join(h.dataDir, 'erasure-ledger.jsonl'))).toEqual([expect.objectContaining({ requestId: request.entityId, scope: 'contact' })]);

    // a desk's edit made from what it saw before the erasure is refused, naming the rule; nothing of it is stored
    const late = await push(otherRep, fromBefore);
    expect(late).toMatchObject({ status: 'rejected', rejection: { code: 'erased', issues: [{ field: 'email', rule: 'erasure.contact_erased' }] } });
    expect((await h.record('customer', customer.id)).data.email).toBeNull();

    const bytes = await files();
    const erasedValues = [customer.email, inquiry.returnAddress, 'queued.before@example.org', WORK_PHONE, WORK_PHONE.slice(2), PO_BOX.line1, 'Caller wants contact details gone', 'Work number and PO box given'];
    expect(erasedValues.filter((v) => bytes.includes(Buffer.from(v)))).toEqual([]);
    expect(bytes.includes(Buffer.from(customer.serviceAddress.line1))).toBe(true);

    // after the erasure, a value the caller gives anew is an ordinary edit
    const v3 = await verify(otherRep);
    expect((await push(otherRep, h.mutation(otherRep, h.nextSeq(otherRep), { entity: 'customer', id: customer.id }, { email: null }, { email: 'given.after@example.org' }, { verificationId: v3 }))).status).toBe('applied');
  });

  sqliteOnly('is re-applied, as contact data only, after a restore of a backup taken before it', async () => {
    const { customer } = subject();
    // a backup taken before: the erasure is undone in the copy, as a backup from the day before would be
    const backup = join(h.dataDir, '..', `before-${randomUUID()}.sqlite`);
    await backupTo(h.store.db, backup);
    const copy = await openDatabase(backup);
    try {
      const row = await copy.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', customer.id).executeTakeFirstOrThrow();
      const undone = { ...(JSON.parse(row.data!) as Record<string, unknown>), email: customer.email, phones: [customer.phones[0], { kind: 'work', number: WORK_PHONE }], mailingAddress: PO_BOX, erasedContactAt: null };
      await copy.updateTable('records').set({ data: JSON.stringify(undone) }).where('entity', '=', 'customer').where('id', '=', customer.id).execute();
      await copy.deleteFrom('erasures').execute();
    } finally {
      await copy.destroy();
    }
    expect(readFileSync(backup).includes(Buffer.from(PO_BOX.line1))).toBe(true);

    await h.store.close();
    expect(await restoreDatabase(h.dataDir, backup)).toBe(1);
    rmSync(backup, { force: true });
    const db = await openDatabase(join(h.dataDir, 'central.sqlite'));
    try {
      const row = await db.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', customer.id).executeTakeFirstOrThrow();
      expect(JSON.parse(row.data!)).toMatchObject({ email: null, phones: [customer.phones[0]], mailingAddress: customer.serviceAddress, erasedContactAt: expect.any(String) });
      expect((await db.selectFrom('erasures').select('scope').execute()).map((r) => r.scope)).toEqual(['contact']);
    } finally {
      await db.destroy();
    }
    const bytes = await files();
    expect([customer.email, WORK_PHONE, PO_BOX.line1].filter((v) => bytes.includes(Buffer.from(v)))).toEqual([]);
    expect(bytes.includes(Buffer.from(customer.serviceAddress.line1))).toBe(true);
  });
});
