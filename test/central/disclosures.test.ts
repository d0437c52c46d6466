import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCLOSABLE_FIELD_NAMES, DisclosureRecord, DisclosureResult, LEGAL_BASES, LEGAL_BASIS_RULES, ROLES, disclosedItems, disclosureFieldIssues, type DisclosableFieldName, type DisclosureSource } from '../../domain';
import { Harness, type TestSession } from './harness';

/**
 * The disclosure register (DESIGN §1 "Special cases", issue 14) at the central store: a disclosure
 * is recorded before anything leaves — prepared by one compliance officer with the items its legal
 * basis allows, approved by another, and only then are the items read and handed over. Every other
 * role is refused with a reason, and a modified client gains nothing: not by approving its own
 * disclosure, not by naming items beyond the basis, not by sending the register's own fields.
 */
describe('disclosure register', () => {
  let h: Harness;
  let preparer: TestSession;
  let approver: TestSession;
  let rep: TestSession;

  const prepare = (s: TestSession, body: Record<string, unknown>) => h.operation(s, 'disclosure.prepare', body);
  const approve = (s: TestSession, disclosureId: string, extra: Record<string, unknown> = {}) => h.operation(s, 'disclosure.approve', { disclosureId, ...extra });
  const subpoena = (i = 0, extra: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    customerId: h.customer(i).customer.id,
    requester: 'Det. A. Ruiz, Reno Police Department',
    legalBasis: 'ecpa_subpoena',
    fieldsDisclosed: ['name', 'serviceAddress', 'phones'],
    documentReference: 'Subpoena 2026-CR-0412',
    nonDisclosureOrder: false,
    ...extra,
  });
  const registered = async () => (await h.store.db.selectFrom('records').select('id').where('entity', '=', 'disclosureRecord').execute()).length;
  const audits = (action: string, entityId: string) => h.store.db.selectFrom('audit_log').select(['user_id', 'outcome', 'fields', 'detail', 'customer_id']).where('action', '=', action).where('entity_id', '=', entityId).orderBy('seq').execute();

  beforeAll(async () => {
    h = await Harness.start({ customers: 4 });
    preparer = await h.session('compliance');
    approver = await h.session('compliance');
    rep = await h.session('care_rep');
  });
  afterAll(() => h.dispose());

  it('records a prepared disclosure before anything leaves: the store sets who and when, the register syncs to compliance only', async () => {
    const body = subpoena();
    const res = await prepare(preparer, body);
    expect(res.status, res.text).toBe(200);
    const { record, disclosed } = DisclosureResult.parse(res.json);
    expect(disclosed).toBeNull();
    expect(record).toMatchObject({ ...body, status: 'prepared', preparedBy: preparer.user.id, preparedAt: h.clock().toISOString(), approvedBy: null, approvedAt: null });
    expect(DisclosureRecord.parse((await h.record('disclosureRecord', body.id)).data)).toEqual(record);
    // its audit row names the items, never a value
    const [row] = await audits('disclosure.prepared', body.id);
    expect(row).toMatchObject({ user_id: preparer.user.id, outcome: 'ok', customer_id: body.customerId, fields: JSON.stringify(body.fieldsDisclosed) });
    expect(JSON.stringify(row)).not.toContain(h.customer(0).customer.lastName);

    const pulled = (await h.pull(approver)).lines.filter((l) => l.t === 'put' && l.entity === 'disclosureRecord');
    expect(pulled.map((l) => l.t === 'put' && l.id)).toContain(body.id);
    for (const role of ROLES.filter((r) => r !== 'compliance')) {
      const s = role === 'care_rep' ? rep : await h.session(role);
      expect((await h.pull(s)).lines.some((l) => l.t === 'put' && l.entity === 'disclosureRecord'), role).toBe(false);
    }
  });

  it('needs an approver other than its preparer; the other officer’s approval releases exactly the items, once', async () => {
    const body = subpoena(1, { fieldsDisclosed: ['name', 'accountNumber', 'phones', 'serviceAddress'] });
    expect((await prepare(preparer, body)).status).toBe(200);

    const own = await approve(preparer, body.id);
    expect([own.status, own.json.error.issues[0].rule], own.text).toEqual([403, 'disclosure.same_person']);
    expect(DisclosureRecord.parse((await h.record('disclosureRecord', body.id)).data)).toMatchObject({ status: 'prepared', approvedBy: null });
    expect(await audits('disclosure.approved', body.id)).toEqual([expect.objectContaining({ user_id: preparer.user.id, outcome: 'denied', detail: 'disclosure.same_person' })]);
    // nothing of the customer in the refusal
    expect(own.text).not.toContain(h.customer(1).customer.lastName);

    h.clock.advance(60_000);
    const res = await approve(approver, body.id);
    expect(res.status, res.text).toBe(200);
    const { record, disclosed } = DisclosureResult.parse(res.json);
    expect(record).toMatchObject({ status: 'approved', preparedBy: preparer.user.id, approvedBy: approver.user.id, approvedAt: h.clock().toISOString() });
    const c = h.customer(1).customer;
    expect(disclosed!.map((d) => d.field)).toEqual(body.fieldsDisclosed);
    expect(Object.fromEntries(disclosed!.map((d) => [d.field, d.value]))).toEqual({
      name: `${c.firstName} ${c.lastName}`,
      accountNumber: c.accountNumber,
      phones: c.phones.map((p) => p.number).join('; '),
      serviceAddress: expect.stringContaining(c.serviceAddress.line1),
    });
    // nothing it did not name: no email, no card
    expect(res.text).not.toContain(c.email!);
    const approvedRows = await audits('disclosure.approved', body.id);
    expect(approvedRows.at(-1)).toMatchObject({ user_id: approver.user.id, outcome: 'ok', fields: JSON.stringify(body.fieldsDisclosed) });
    expect(JSON.stringify(approvedRows)).not.toContain(c.lastName);

    // approved once: a replay, by either officer, changes nothing
    for (const s of [approver, preparer]) {
      const again = await approve(s, body.id);
      expect([again.status, again.json.error.issues[0].rule]).toEqual([409, 'disclosure.not_prepared']);
    }
    expect(DisclosureRecord.parse((await h.record('disclosureRecord', body.id)).data)).toEqual(record);
  });

  it('refuses items beyond what the legal basis allows (a subpoena reaches basic subscriber information only), recording nothing', async () => {
    const before = await registered();
    const beyond = await prepare(preparer, subpoena(0, { fieldsDisclosed: ['name', 'invoices', 'payments'] }));
    expect([beyond.status, beyond.json.error.issues[0]], beyond.text).toEqual([400, expect.objectContaining({ field: 'fieldsDisclosed.1', rule: 'disclosure.beyond_basis' })]);
    for (const [basis, field] of [['ecpa_emergency', 'email'], ['aup_violation', 'serviceAddress'], ['protection', 'paymentMeans']] as const) {
      const res = await prepare(preparer, subpoena(0, { legalBasis: basis, fieldsDisclosed: ['name', field] }));
      expect([basis, res.status, res.json.error.issues[0].rule]).toEqual([basis, 400, 'disclosure.beyond_basis']);
    }
    // an item no basis knows, a repeat, none at all
    expect((await prepare(preparer, subpoena(0, { fieldsDisclosed: ['name', 'ssn'] }))).json.error.issues[0].field).toBe('fieldsDisclosed.1');
    expect((await prepare(preparer, subpoena(0, { fieldsDisclosed: ['name', 'name'] }))).json.error.issues[0].rule).toBe('disclosure.repeated');
    expect((await prepare(preparer, subpoena(0, { fieldsDisclosed: [] }))).status).toBe(400);
    expect(await registered()).toBe(before);
    // the same items under a court order are allowed
    expect((await prepare(preparer, subpoena(0, { legalBasis: 'ecpa_court_order', fieldsDisclosed: ['name', 'invoices', 'payments'] }))).status).toBe(200);

    // the limit is judged again at the approval: a record altered in the database since releases nothing
    const body = subpoena(2);
    expect((await prepare(preparer, body)).status).toBe(200);
    const stored = await h.record('disclosureRecord', body.id);
    await h.store.db.updateTable('records').set({ data: JSON.stringify({ ...stored.data, fieldsDisclosed: ['name', 'payments'] }) }).where('entity', '=', 'disclosureRecord').where('id', '=', body.id).execute();
    const res = await approve(approver, body.id);
    expect([res.status, res.json.error.issues[0].rule]).toEqual([400, 'disclosure.beyond_basis']);
    expect((await h.record('disclosureRecord', body.id)).data).toMatchObject({ status: 'prepared' });
  });

  it('takes none of the register’s own fields from a client: status, preparer, approver, dates', async () => {
    const before = await registered();
    for (const forged of [{ status: 'approved' }, { preparedBy: approver.user.id }, { approvedBy: approver.user.id }, { approvedAt: h.clock().toISOString() }, { preparedAt: '2020-01-01T00:00:00.000Z' }]) {
      const res = await prepare(preparer, subpoena(0, forged));
      expect([res.status, res.json.error.issues[0].rule], JSON.stringify(forged)).toEqual([400, 'unknown_field']);
    }
    const body = subpoena(0);
    expect((await prepare(preparer, body)).status).toBe(200);
    for (const forged of [{ approvedBy: approver.user.id }, { preparedBy: approver.user.id }, { fieldsDisclosed: ['email'] }]) {
      const res = await approve(preparer, body.id, forged);
      expect([res.status, res.json.error.issues[0].rule], JSON.stringify(forged)).toEqual([400, 'unknown_field']);
    }
    expect(await registered()).toBe(before + 1);
    expect((await h.record('disclosureRecord', body.id)).data).toMatchObject({ status: 'prepared', preparedBy: preparer.user.id, approvedBy: null });
  });

  it('records a retried request once, refuses another disclosure under a taken id, and an unknown customer or disclosure', async () => {
    const body = subpoena(3);
    const first = await prepare(preparer, body);
    const retry = await prepare(preparer, body);
    expect(retry.json).toEqual(first.json);
    expect((await h.store.db.selectFrom('record_history').select('seq').where('entity', '=', 'disclosureRecord').where('id', '=', body.id).execute()).length).toBe(1);
    const taken = await prepare(approver, { ...body, requester: 'Someone else entirely' });
    expect([taken.status, taken.json.error.issues[0].rule]).toEqual([409, 'disclosure.id_taken']);
    const unknown = await prepare(preparer, subpoena(0, { customerId: randomUUID() }));
    expect([unknown.status, unknown.json.error.issues[0].field]).toEqual([400, 'customerId']);
    expect((await approve(approver, randomUUID())).status).toBe(404);
  });

  it('is compliance’s alone: every other role is refused each operation with a reason, audited, and nothing is recorded', async () => {
    const body = subpoena(0);
    expect((await prepare(preparer, body)).status).toBe(200);
    const before = await registered();
    for (const role of ROLES.filter((r) => r !== 'compliance')) {
      const s = await h.session(role);
      const prepared = await prepare(s, subpoena(0));
      expect([role, prepared.status, prepared.json.error.message]).toEqual([role, 403, `the ${role} role may not prepare a legal disclosure`]);
      const approved = await approve(s, body.id);
      expect([role, approved.status, approved.json.error.message]).toEqual([role, 403, `the ${role} role may not approve a legal disclosure`]);
      const denied = await h.store.db.selectFrom('audit_log').select('action').where('user_id', '=', s.user.id).where('outcome', '=', 'denied').execute();
      expect(denied.map((d) => d.action).sort()).toEqual(['disclosure.approved', 'disclosure.prepared']);
    }
    expect(await registered()).toBe(before);
    expect((await h.record('disclosureRecord', body.id)).data).toMatchObject({ status: 'prepared', approvedBy: null });
  });
});

describe('legal bases, declared as data', () => {
  it('each basis allows only items a disclosure can name, and a subpoena no billing records', () => {
    for (const basis of LEGAL_BASES) {
      expect(LEGAL_BASIS_RULES[basis].fields.length, basis).toBeGreaterThan(0);
      expect(disclosureFieldIssues(basis, LEGAL_BASIS_RULES[basis].fields)).toEqual([]);
    }
    const beyondSubpoena = DISCLOSABLE_FIELD_NAMES.filter((f) => !(LEGAL_BASIS_RULES.ecpa_subpoena.fields as readonly DisclosableFieldName[]).includes(f));
    expect(beyondSubpoena).toEqual(expect.arrayContaining(['invoices', 'payments', 'billingAddress']));
    expect(disclosureFieldIssues('ecpa_subpoena', beyondSubpoena).every((i) => i.rule === 'disclosure.beyond_basis')).toBe(true);
  });

  it('states an amount in the minor units of the account’s currency: yen have no cents', () => {
    const held = (currency: string) =>
      ({
        billingAccount: { currency },
        invoices: [{ number: 'INV-1', periodStart: '2026-01-01', periodEnd: '2026-01-31', amountCents: 1250, status: 'paid' }],
        payments: [{ at: '2026-02-01T09:00:00.000Z', amountCents: 1250, status: 'settled' }],
      }) as unknown as DisclosureSource;
    expect(disclosedItems(['invoices', 'payments'], held('JPY')).map((i) => i.value)).toEqual(['INV-1 2026-01-01–2026-01-31 ¥1,250 paid', '2026-02-01 ¥1,250 settled']);
    expect(disclosedItems(['invoices'], held('USD'))[0]!.value).toBe('INV-1 2026-01-01–2026-01-31 $12.50 paid');
  });
});
