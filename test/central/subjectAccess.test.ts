import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushResponse, ROLES, SubjectAccessReport, SubjectAccessResult } from '../../domain';
import { Harness, type TestSession } from './harness';

/**
 * The subject access report (issue 14) at the central store: everything held about one customer and
 * who viewed or changed it, by role; the third parties of approved disclosures, except one under a
 * non-disclosure order, which leaves no trace in the report (its record, its history, its audit rows,
 * its requester, no count, no word of it); and the report itself an audited export.
 */
describe('subject access report', () => {
  let h: Harness;
  let officer: TestSession;
  let other: TestSession;
  let rep: TestSession;
  const report = (s: TestSession, body: unknown) => h.operation(s, 'subjectAccess.report', body);
  const disclose = async (i: number, extra: Record<string, unknown>) => {
    const id = randomUUID();
    const body = { id, customerId: h.customer(i).customer.id, requester: 'Requester', legalBasis: 'ecpa_subpoena', fieldsDisclosed: ['name', 'phones'], documentReference: 'REF-1', nonDisclosureOrder: false, ...extra };
    expect((await h.operation(officer, 'disclosure.prepare', body)).status).toBe(200);
    expect((await h.operation(other, 'disclosure.approve', { disclosureId: id })).status).toBe(200);
    return id;
  };

  beforeAll(async () => {
    h = await Harness.start({ customers: 6 });
    officer = await h.session('compliance');
    other = await h.session('compliance');
    rep = await h.session('care_rep');
  });
  afterAll(() => h.dispose());

  it('holds every record of the customer, each change and access with its role, and the recipients by role; it omits a disclosure under a non-disclosure order', async () => {
    const c = h.customer(0).customer;
    // a care rep verifies the caller and corrects the email: a view and a change by care_rep
    const verificationId = await h.verified(rep, 0);
    const edit = h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: c.id }, { email: c.email }, { email: 'new.address@example.org' }, { verificationId });
    expect(PushResponse.parse((await h.push(rep, [edit])).json).results[0]!.status).toBe('applied');
    // two approved disclosures: one the customer may be told of, one under a non-disclosure order
    const told = await disclose(0, { requester: 'Upstream Carrier Abuse Desk', legalBasis: 'aup_violation', fieldsDisclosed: ['name', 'accountNumber'], documentReference: 'AUP-2026-77' });
    const secret = await disclose(0, { requester: 'Special Agent Okafor, FBI Field Office', documentReference: 'GJ-SUBPOENA-5521', nonDisclosureOrder: true });
    // and one for another customer, which is not this customer's
    await disclose(1, { requester: 'Another Customer’s Requester' });

    const res = await report(officer, { customerId: c.id });
    expect(res.status, res.text).toBe(200);
    const { report: r, file, saveAs, sha256 } = SubjectAccessResult.parse(res.json);
    expect(SubjectAccessReport.parse(JSON.parse(file))).toEqual(r);
    expect(saveAs).toBe(`subject-access-${c.accountNumber}-${h.clock().toISOString().slice(0, 10)}.json`);
    expect(sha256).toBe(createHash('sha256').update(file, 'utf8').digest('hex'));

    // everything held: the customer (with the corrected email), their lines, account, invoices, masked cards
    const entities = new Set(r.records.map((x) => x.entity));
    for (const entity of ['customer', 'serviceLine', 'billingAccount', 'invoice', 'paymentMethod']) expect(entities, entity).toContain(entity);
    expect(r.records.find((x) => x.entity === 'customer')!.data).toMatchObject({ id: c.id, lastName: c.lastName, email: 'new.address@example.org' });
    expect(r.changes).toContainEqual(expect.objectContaining({ entity: 'customer', id: c.id, kind: 'update', fields: ['email'], role: 'care_rep' }));
    expect(r.accesses).toContainEqual(expect.objectContaining({ action: 'caller.verification', role: 'care_rep' }));
    expect(r.recipients).toContainEqual({ role: 'care_rep', viewed: expect.any(Number), changed: expect.any(Number) });
    const repTally = r.recipients.find((x) => x.role === 'care_rep')!;
    expect(repTally.viewed).toBeGreaterThanOrEqual(1);
    expect(repTally.changed).toBeGreaterThanOrEqual(1);

    // the disclosure the customer may be told of is there; the one under a non-disclosure order leaves no trace
    expect(r.disclosures).toEqual([expect.objectContaining({ requester: 'Upstream Carrier Abuse Desk', legalBasis: 'aup_violation', documentReference: 'AUP-2026-77' })]);
    for (const trace of [secret, 'Okafor', 'GJ-SUBPOENA-5521', 'non-disclosure', 'nonDisclosureOrder', 'withheld', 'Another Customer']) expect(file, trace).not.toContain(trace);
    expect(file).not.toContain(told);
    expect(r.accesses.filter((a) => a.entity === 'disclosureRecord' || a.entity === 'legalHold')).toEqual([]);
    expect(r.changes.filter((x) => x.entity === 'disclosureRecord')).toEqual([]);
    // card numbers never: the cards are the masked form
    for (const pm of r.records.filter((x) => x.entity === 'paymentMethod')) expect(Object.keys(pm.data)).not.toContain('pan');

    // the report is an audited export: counts and the file's hash, never a value
    const audit = await h.store.db.selectFrom('audit_log').select(['user_id', 'role', 'outcome', 'customer_id', 'detail']).where('action', '=', 'subject_access.exported').execute();
    expect(audit).toEqual([{ user_id: officer.user.id, role: 'compliance', outcome: 'ok', customer_id: c.id, detail: expect.stringContaining(sha256) }]);
    expect(JSON.stringify(audit)).not.toContain(c.lastName);
    // and the next report shows it, by role
    const next = SubjectAccessResult.parse((await report(other, { customerId: c.id })).json).report;
    expect(next.accesses).toContainEqual(expect.objectContaining({ action: 'subject_access.exported', role: 'compliance' }));
    // what the desk keeps: nothing (the register of exports is the audit log; no record was written)
    expect((await h.pull(officer)).lines.some((l) => JSON.stringify(l).includes(sha256))).toBe(false);
  });

  it('once the order is lifted (a new disclosure without one), it is reported like any other', async () => {
    const c = h.customer(2).customer;
    await disclose(2, { requester: 'County Court Clerk', legalBasis: 'ecpa_court_order', fieldsDisclosed: ['name', 'invoices'], documentReference: 'ORDER-9' });
    const { report: r } = SubjectAccessResult.parse((await report(officer, { customerId: c.id })).json);
    expect(r.disclosures.map((d) => d.requester)).toEqual(['County Court Clerk']);
  });

  it('counts a line’s plan changed online as a change by network operations, not a view', async () => {
    const c = [3, 4, 5].map((i) => h.customer(i)).find((x) => x.serviceLines[0]!.status !== 'ported_out')!;
    const l = c.serviceLines[0]!;
    const ops = await h.session('network_ops');
    const change = await h.operation(ops, 'serviceLine.changePlan', { lineId: l.id, expected: l.plan, plan: l.plan === 'Business Line' ? 'Residential Basic' : 'Business Line', reason: 'Customer upgraded on the order desk' });
    expect(change.status, change.text).toBe(200);
    const { report: r } = SubjectAccessResult.parse((await report(officer, { customerId: c.customer.id })).json);
    expect(r.recipients.find((x) => x.role === 'network_ops')).toEqual({ role: 'network_ops', viewed: 0, changed: 1 });
  });

  it('is compliance’s alone, refuses an unknown customer and forged fields, and records nothing for a refusal', async () => {
    const c = h.customer(1).customer;
    const refused: string[] = [];
    for (const role of ROLES.filter((x) => x !== 'compliance')) {
      const s = await h.session(role);
      refused.push(s.user.id);
      const res = await report(s, { customerId: c.id });
      expect([role, res.status, res.json.error.message]).toEqual([role, 403, `the ${role} role may not make a subject access report`]);
      expect(res.text).not.toContain(c.lastName);
    }
    expect((await report(officer, { customerId: randomUUID() })).status).toBe(404);
    for (const forged of [{ includeWithheld: true }, { role: 'admin' }, { entities: ['disclosureRecord'] }]) {
      const res = await report(officer, { customerId: c.id, ...forged });
      expect([res.status, res.json.error.issues[0].rule], JSON.stringify(forged)).toEqual([400, 'unknown_field']);
    }
    // each refusal audited; no report of this customer was made
    const denied = await h.store.db.selectFrom('audit_log').select('user_id').where('action', '=', 'subject_access.exported').where('outcome', '=', 'denied').execute();
    // the roles refused, and the officer's three forged bodies (the operations route audits a refused body too, by field and rule)
    expect(denied.map((e) => e.user_id).sort()).toEqual([...refused, officer.user.id, officer.user.id, officer.user.id].sort());
    expect(await h.store.db.selectFrom('audit_log').select('seq').where('action', '=', 'subject_access.exported').where('customer_id', '=', c.id).execute()).toEqual([]);
  });
});
