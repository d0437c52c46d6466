import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, HELD_EDIT_CHANGED_SINCE, HELD_EDIT_DECLINED, HeldEdit, PROTOCOL, PullLine, PushResponse, type Mutation, type MutationResult } from '../../domain';
import { readLedger } from '../../central/erasure/ledger';
import { DECLINED_AFTER_ERASURE } from '../../central/sync/push';
import { Harness, type TestSession } from './harness';

/**
 * Edits the central store holds for a supervisor's review (issue 14), over HTTP the way desks (and a
 * modified desk) talk to it: an edit received after its caller verification ran out, and a conflict a
 * rep sends to a supervisor (`escalation`, protocol 6), are held with a `heldEdit` record that only
 * the reviewers' desks of protocol 6 are sent; a supervisor other than the requester applies one — if
 * the record still holds what it was made against — or declines it, and the rep's desk hears the
 * decision when it sends the held mutation again. Refusals name the field and the rule, and are
 * audited; an erasure of the customer takes the held edits with it.
 */
describe('edits held for review', () => {
  let h: Harness;
  let rep: TestSession;
  let otherRep: TestSession;
  let supervisor: TestSession;
  let otherSupervisor: TestSession;
  let compliance: TestSession;
  let others: TestSession[];

  beforeAll(async () => {
    h = await Harness.start({ customers: 10 });
    rep = await h.session('care_rep');
    otherRep = await h.session('care_rep');
    supervisor = await h.session('supervisor');
    otherSupervisor = await h.session('supervisor');
    compliance = await h.session('compliance');
    others = [rep, await h.session('billing_clerk'), await h.session('network_ops'), compliance, await h.session('admin')];
  });
  afterAll(() => h.dispose());

  const push = async (s: TestSession, m: Mutation): Promise<MutationResult> => {
    const res = await h.push(s, [m], { protocol: PROTOCOL.version });
    expect(res.status, res.text).toBe(200);
    return PushResponse.parse(res.json).results[0]!;
  };
  const decide = (s: TestSession, heldEditId: string, decision: 'apply' | 'decline', reason = 'Called the customer back to confirm') => h.operation(s, 'heldEdit.decide', { heldEditId, decision, reason });
  const pull = async (s: TestSession, protocol: number, cursor = 0) => {
    const res = await h.call(s.device.agent, 'GET', `${API.pull}?cursor=${cursor}`, { token: s.token, headers: { [PROTOCOL.header]: String(protocol) } });
    expect(res.status, res.text).toBe(200);
    return res.text.trim().split('\n').map((l) => PullLine.parse(JSON.parse(l)));
  };
  const heldEditLines = (lines: PullLine[]) => lines.filter((l) => (l.t === 'put' || l.t === 'del') && l.entity === 'heldEdit');
  const stored = async (id: string) => HeldEdit.parse((await h.record('heldEdit', id)).data);
  const heldRow = (id: string) => h.store.db.selectFrom('held_mutations').selectAll().where('mutation_id', '=', id).executeTakeFirst();
  const auditRows = (action: string, entityId: string) => h.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('entity_id', '=', entityId).orderBy('seq').execute();
  const head = async () => Number((await h.store.db.selectFrom('meta').select('value').where('key', '=', 'change_seq').executeTakeFirstOrThrow()).value);
  const rulesOf = (res: { json: { error?: { issues?: { field: string; rule: string }[] } } }) => res.json.error?.issues?.map((i) => [i.field, i.rule]);
  const customer = (i: number) => h.customer(i).customer;
  const verify = async (s: TestSession, i: number) => (await h.verify(s, customer(i).id, 'account_pin', h.customer(i).secrets.accountPin)).json.verificationId as string;

  /** `s` changes customer i's fields on a verified call, and the store receives it 31 minutes later: held */
  async function lateEdit(s: TestSession, i: number, changes: Record<string, unknown>): Promise<Mutation> {
    const verificationId = await verify(s, i);
    const current = (await h.record('customer', customer(i).id)).data;
    const m = h.mutation(s, h.nextSeq(s), { entity: 'customer', id: customer(i).id }, Object.fromEntries(Object.keys(changes).map((f) => [f, current[f]])), changes, { verificationId });
    h.clock.advance(31 * 60_000);
    expect(await push(s, m)).toMatchObject({ status: 'held', held: { reason: 'verification.expired' } });
    return m;
  }

  /** rep and otherRep change customer i's email on verified calls; otherRep meets rep's change and sends the conflict to a supervisor */
  async function escalated(i: number, note: string): Promise<{ m: Mutation; theirs: string; mine: string; result: MutationResult }> {
    const { email } = customer(i);
    const theirs = `first.${i}@example.org`;
    const mine = `second.${i}@example.org`;
    expect((await push(rep, h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer(i).id }, { email }, { email: theirs }, { verificationId: await verify(rep, i) }))).status).toBe('applied');
    const verificationId = await verify(otherRep, i);
    const met = await push(otherRep, h.mutation(otherRep, h.nextSeq(otherRep), { entity: 'customer', id: customer(i).id }, { email }, { email: mine }, { verificationId }));
    expect(met).toMatchObject({ status: 'conflict', conflicts: [{ field: 'email', theirs }] });
    const m: Mutation = { ...h.mutation(otherRep, h.nextSeq(otherRep), { entity: 'customer', id: customer(i).id }, { email: theirs }, { email: mine }, { verificationId }), escalation: { note } };
    return { m, theirs, mine, result: await push(otherRep, m) };
  }

  it('holds an edit received after its verification ran out, and sends its record only to supervisors speaking protocol 6 and to compliance', async () => {
    const verifiedAt = h.clock().toISOString();
    const m = await lateEdit(rep, 0, { lastName: 'Okonkwo-Late' });
    expect((await h.record('customer', customer(0).id)).data.lastName).toBe(customer(0).lastName);
    const record = await stored(m.id);
    expect(record).toEqual({
      id: m.id,
      customerId: customer(0).id,
      recordEntity: 'customer',
      recordId: customer(0).id,
      changes: { lastName: 'Okonkwo-Late' },
      base: { lastName: customer(0).lastName },
      reason: m.reason,
      heldFor: 'verification.expired',
      heldNote: 'received 31 minutes after the caller was verified',
      requestedBy: rep.user.id,
      requestedByName: rep.user.displayName,
      heldAt: h.clock().toISOString(),
      verifiedAt: expect.any(String),
      status: 'held',
      decidedBy: null,
      decidedByName: null,
      decidedAt: null,
      decisionReason: null,
    });
    expect(Date.parse(record.verifiedAt!)).toBeGreaterThanOrEqual(Date.parse(verifiedAt));
    // one audit row, naming the field and never the value
    const [audit, ...more] = await auditRows('record.update_held', customer(0).id);
    expect(more).toEqual([]);
    expect(audit).toMatchObject({ outcome: 'held', user_id: rep.user.id, fields: JSON.stringify(['lastName']) });
    expect(JSON.stringify(audit)).not.toContain('Okonkwo-Late');

    for (const reviewer of [supervisor, compliance]) {
      expect(heldEditLines(await pull(reviewer, PROTOCOL.version))).toEqual([expect.objectContaining({ t: 'put', id: m.id, customerId: customer(0).id, data: record })]);
    }
    for (const s of others.filter((o) => o !== compliance)) {
      expect([s.user.role, heldEditLines(await pull(s, PROTOCOL.version))]).toEqual([s.user.role, []]);
    }
    // a desk of protocol 5 would refuse the whole pull over an entity it does not know: none is sent, nor counted
    const older = await pull(supervisor, 5);
    expect(heldEditLines(older)).toEqual([]);
    const heldEdits = (await h.store.db.selectFrom('records').select('id').where('entity', '=', 'heldEdit').execute()).length;
    const total = (lines: PullLine[]) => (lines[0]!.t === 'begin' ? lines[0]!.total : NaN);
    expect(total(await pull(supervisor, PROTOCOL.version)) - total(older)).toBe(heldEdits);
  });

  it('holds a conflict a rep sends to a supervisor, with their note, and applies nothing of it', async () => {
    const note = 'Caller says the second address is the right one';
    const { m, theirs, mine, result } = await escalated(1, note);
    expect(result).toMatchObject({ status: 'held', applied: [], serverSeq: null, held: { reason: 'conflict.escalated' } });
    expect((await h.record('customer', customer(1).id)).data.email).toBe(theirs);
    expect(await stored(m.id)).toMatchObject({ heldFor: 'conflict.escalated', heldNote: note, base: { email: theirs }, changes: { email: mine }, verifiedAt: null, requestedBy: otherRep.user.id, status: 'held' });
    expect(await heldRow(m.id)).toMatchObject({ reason: 'conflict.escalated', status: 'held', user_id: otherRep.user.id });
    const audit = JSON.stringify(await auditRows('record.update_held', customer(1).id));
    for (const value of [note, theirs, mine]) expect(audit).not.toContain(value);
  });

  it('applies it when another supervisor says so: the record takes the rep’s value as their change, and the rep’s resend is answered applied', async () => {
    const { m, mine } = await escalated(2, 'Caller spelled it out twice');
    const res = await decide(supervisor, m.id, 'apply', 'Caller confirmed the second address');
    expect(res.status, res.text).toBe(200);
    expect(res.json.heldEdit).toMatchObject({ id: m.id, status: 'applied', decidedBy: supervisor.user.id, decidedByName: supervisor.user.displayName, decidedAt: h.clock().toISOString(), decisionReason: 'Caller confirmed the second address' });
    expect(await stored(m.id)).toEqual(res.json.heldEdit);
    const record = await h.record('customer', customer(2).id);
    expect([record.data.email, record.updated_by]).toEqual([mine, otherRep.user.id]);
    // the history says it is the rep's change, with the rep's reason, carried by their mutation
    const last = await h.store.db.selectFrom('record_history').selectAll().where('entity', '=', 'customer').where('id', '=', customer(2).id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(last).toMatchObject({ user_id: otherRep.user.id, mutation_id: m.id, reason: m.reason, fields: JSON.stringify(['email']) });
    expect(await heldRow(m.id)).toMatchObject({ status: 'applied', reviewed_by: supervisor.user.id, reviewed_at: h.clock().toISOString() });
    const [audit, ...more] = await auditRows('held_edit.decided', m.id);
    expect(more).toEqual([]);
    expect(audit).toMatchObject({ outcome: 'ok', user_id: supervisor.user.id, entity: 'heldEdit', customer_id: customer(2).id, fields: JSON.stringify(['email']) });
    expect(audit!.detail).toContain(otherRep.user.username);
    expect(audit!.detail).toContain('applied');
    expect(audit!.detail).not.toContain(mine);

    // the desk sends the held mutation again, as it is: same id, same content, same number
    const resend = await push(otherRep, m);
    expect(resend).toMatchObject({ id: m.id, seq: m.seq, status: 'applied', applied: ['email'], rejection: null, held: null, serverSeq: expect.any(Number) });
    expect((await h.record('customer', customer(2).id)).seq).toBe(record.seq);
  });

  it('declines it: the record stays, and the rep’s resend is answered rejected with the supervisor’s reason', async () => {
    const m = await lateEdit(rep, 3, { lastName: 'Declined-Name' });
    const before = await h.record('customer', customer(3).id);
    const res = await decide(supervisor, m.id, 'decline', 'Could not reach the caller again');
    expect(res.status, res.text).toBe(200);
    expect(res.json.heldEdit).toMatchObject({ status: 'declined', decidedBy: supervisor.user.id, decisionReason: 'Could not reach the caller again' });
    expect(await h.record('customer', customer(3).id)).toEqual(before);
    expect(await heldRow(m.id)).toMatchObject({ status: 'declined', reviewed_by: supervisor.user.id });
    expect(await push(rep, m)).toMatchObject({
      status: 'rejected',
      serverSeq: null,
      rejection: { code: HELD_EDIT_DECLINED, message: `declined by ${supervisor.user.displayName}: Could not reach the caller again` },
    });
    // deciding again, either way, is refused and changes nothing
    const seq = (await h.record('heldEdit', m.id)).seq;
    for (const decision of ['apply', 'decline'] as const) {
      const again = await decide(otherSupervisor, m.id, decision);
      expect([again.status, rulesOf(again)]).toEqual([409, [['heldEditId', 'held_edit.already_decided']]]);
    }
    expect((await h.record('heldEdit', m.id)).seq).toBe(seq);
    expect(await h.record('customer', customer(3).id)).toEqual(before);
  });

  it('refuses heldEdit.decide to every other role with 403, and audits each refusal', async () => {
    const m = await lateEdit(rep, 4, { lastName: 'Not-Theirs-To-Decide' });
    for (const s of others) {
      const res = await decide(s, m.id, 'apply');
      expect([s.user.role, res.status, res.json.error.code]).toEqual([s.user.role, 403, 'forbidden']);
      const denied = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'held_edit.decided').where('user_id', '=', s.user.id).execute();
      expect([s.user.role, denied]).toEqual([s.user.role, [expect.objectContaining({ outcome: 'denied', role: s.user.role })]]);
    }
    expect((await stored(m.id)).status).toBe('held');
    expect((await h.record('customer', customer(4).id)).data.lastName).toBe(customer(4).lastName);
  });

  it('does not let a supervisor decide an edit they made', async () => {
    const m = await lateEdit(otherSupervisor, 5, { firstName: 'Selfapproved' });
    const own = await decide(otherSupervisor, m.id, 'apply');
    expect([own.status, rulesOf(own)]).toEqual([403, [['heldEditId', 'held_edit.own_edit']]]);
    expect(await auditRows('held_edit.decided', m.id)).toEqual([expect.objectContaining({ outcome: 'denied', user_id: otherSupervisor.user.id, detail: expect.stringContaining('held_edit.own_edit') })]);
    expect((await h.record('customer', customer(5).id)).data.firstName).toBe(customer(5).firstName);
    expect((await decide(supervisor, m.id, 'apply')).status).toBe(200);
    expect((await h.record('customer', customer(5).id)).data.firstName).toBe('Selfapproved');
  });

  it('refuses to apply an edit whose field changed since, naming it and writing nothing; it stays held and can still be declined', async () => {
    const m = await lateEdit(rep, 6, { firstName: 'Held-First', lastName: 'Held-Last' });
    const verificationId = await verify(otherRep, 6);
    expect((await push(otherRep, h.mutation(otherRep, h.nextSeq(otherRep), { entity: 'customer', id: customer(6).id }, { lastName: customer(6).lastName }, { lastName: 'Changed-Since' }, { verificationId }))).status).toBe('applied');
    const before = await h.record('customer', customer(6).id);
    const headBefore = await head();

    const res = await decide(supervisor, m.id, 'apply');
    expect([res.status, res.json.error.code, rulesOf(res)]).toEqual([409, 'conflict', [['lastName', HELD_EDIT_CHANGED_SINCE]]]);
    expect(res.json.error.issues[0].message).toContain(otherRep.user.displayName);
    // the firstName it could have written is not written either: the decision is one transaction
    expect(await h.record('customer', customer(6).id)).toEqual(before);
    expect(await head()).toBe(headBefore);
    expect((await stored(m.id)).status).toBe('held');
    expect(await heldRow(m.id)).toMatchObject({ status: 'held', reviewed_by: null });
    expect((await push(rep, m)).status).toBe('held');
    expect(await auditRows('held_edit.decided', m.id)).toEqual([expect.objectContaining({ outcome: 'denied', user_id: supervisor.user.id, fields: JSON.stringify(['lastName']) })]);

    expect((await decide(supervisor, m.id, 'decline', 'Changed since by another rep')).status).toBe(200);
    expect((await stored(m.id)).status).toBe('declined');
    expect(await h.record('customer', customer(6).id)).toMatchObject({ data: before.data });
  });

  it('refuses forged input, naming the field and the rule', async () => {
    const m = await lateEdit(rep, 7, { lastName: 'Forged-Input' });
    const good = { heldEditId: m.id, decision: 'apply', reason: 'Looks right to me' };
    const cases: [Record<string, unknown>, number, [string, string][]][] = [
      [{ ...good, heldEditId: randomUUID() }, 404, [['heldEditId', 'not_found']]],
      [{ ...good, heldEditId: 'not-an-id' }, 400, [['heldEditId', 'format.uuid']]],
      // the store sets the decision's state and who took it, never the desk
      [{ ...good, status: 'applied' }, 400, [['(input)', 'unknown_field']]],
      [{ ...good, decidedBy: rep.user.id }, 400, [['(input)', 'unknown_field']]],
      [{ ...good, decision: 'approve' }, 400, [['decision', 'one_of']]],
      [{ ...good, reason: 'x'.repeat(100_000) }, 400, [['reason', 'max_length']]],
      [{ ...good, reason: 'ok' }, 400, [['reason', 'reason.required']]],
      [{ ...good, reason: 'Fine\u001b[2J' }, 400, [['reason', 'text.control']]],
      [{ heldEditId: m.id, decision: 'apply' }, 400, [['reason', 'required']]],
    ];
    for (const [body, status, rules] of cases) {
      const res = await h.operation(supervisor, 'heldEdit.decide', body);
      expect([body, res.status, rulesOf(res)]).toEqual([body, status, rules]);
    }
    expect((await h.operation(supervisor, 'heldEdit.decide', { ...good, status: 'applied' })).json.error.issues[0].message).toContain('"status"');
    expect((await stored(m.id)).status).toBe('held');
    expect((await h.record('customer', customer(7).id)).data.lastName).toBe(customer(7).lastName);
  });

  it('refuses a push whose escalation is malformed, naming the field and the rule, and holds nothing', async () => {
    // a desk of its own: a push refused whole records no sequence number, and the shared reps' counters must not skip one
    const desk = await h.session('care_rep');
    const base = h.mutation(desk, h.nextSeq(desk), { entity: 'customer', id: customer(8).id }, { email: customer(8).email }, { email: 'malformed.escalation@example.com' });
    for (const [escalation, field] of [
      [{ note: '' }, 'mutations.0.escalation.note'],
      [{ note: 'x'.repeat(5_000) }, 'mutations.0.escalation.note'],
      [{ note: 'ok\u202Eevil' }, 'mutations.0.escalation.note'],
      [{ note: 'Please decide', supervisor: 'me' }, 'mutations.0.escalation'],
      ['decide for me', 'mutations.0.escalation'],
    ] as const) {
      const res = await h.push(desk, [{ ...base, escalation } as unknown as Mutation], { protocol: PROTOCOL.version });
      expect(res.status, JSON.stringify(escalation)).toBe(400);
      expect((res.json as { error: { issues: { field: string }[] } }).error.issues.map((i) => i.field), res.text).toContain(field);
    }
    expect(await heldRow(base.id)).toBeUndefined();
  });

  it('refuses an escalation of a record that belongs to no customer', async () => {
    const lead = randomUUID();
    const fields = { firstName: 'Priya', lastName: 'Natarajan', email: 'priya.n@example.org', phone: '+14155550142', mailingAddress: { line1: '77 Geary Street', city: 'San Francisco', state: 'CA', zip: '94108' }, location: 'San Francisco, CA', requestedServices: ['business VoIP'] };
    expect((await push(rep, { ...h.mutation(rep, h.nextSeq(rep), { entity: 'lead', id: lead }, {}, fields, { reason: 'prequalification call' }), op: 'create' })).status).toBe('applied');
    const m: Mutation = { ...h.mutation(rep, h.nextSeq(rep), { entity: 'lead', id: lead }, { lastName: 'Natarajan' }, { lastName: 'Natarajan-Rao' }), escalation: { note: 'Which spelling is right?' } };
    expect(await push(rep, m)).toMatchObject({ status: 'rejected', rejection: { code: 'validation', issues: [{ field: 'escalation', rule: 'escalation.no_customer' }] } });
    expect(await heldRow(m.id)).toBeUndefined();
    expect((await h.record('lead', lead)).data.lastName).toBe('Natarajan');
  });

  it('applies an escalated erasure approval as an erasure: the held edit goes with the customer, not back into the store', async () => {
    const i = 8;
    const request = { ...h.mutation(rep, h.nextSeq(rep), { entity: 'erasureRequest', id: randomUUID() }, {}, { customerId: customer(i).id, reason: 'Caller wants every trace removed' }, { reason: 'asked on the call', verificationId: await verify(rep, i) }), op: 'create' as const };
    expect((await push(rep, request)).status).toBe('applied');
    const approval: Mutation = { ...h.mutation(otherSupervisor, h.nextSeq(otherSupervisor), { entity: 'erasureRequest', id: request.entityId }, { status: 'pending' }, { status: 'approved' }, { reason: 'identity checked on callback' }), escalation: { note: 'Please check this one with me' } };
    expect((await push(otherSupervisor, approval)).status).toBe('held');
    const res = await decide(supervisor, approval.id, 'apply');
    expect(res.status, res.text).toBe(200);
    expect((await h.record('customer', customer(i).id)).data).toBeNull();
    expect((await h.record('heldEdit', approval.id)).data).toBeNull();
    expect(await heldRow(approval.id)).toBeUndefined();
    expect(readLedger(join(h.dataDir, 'erasure-ledger.jsonl'))).toContainEqual(expect.objectContaining({ requestId: request.entityId, customerId: customer(i).id, approvedBy: otherSupervisor.user.id }));
  });

  it("leaves no heldEdit record, held row or decline reason of a customer once they are erased, whatever the erasure's scope", async () => {
    for (const [i, scope] of [[9, 'contact'], [0, 'account']] as const) {
      const cursor = await head();
      const stillHeld = await lateEdit(rep, i, { lastName: `Held-${scope}` });
      const declined = await lateEdit(otherRep, i, { firstName: `Declined-${scope}` });
      const because = `Caller ${scope} could not be reached`;
      expect((await decide(supervisor, declined.id, 'decline', because)).status).toBe(200);
      const ids = [stillHeld.id, declined.id];
      // and the edit of the first test, for the account erasure of customer 0
      const ofCustomer = (await h.store.db.selectFrom('records').select('id').where('entity', '=', 'heldEdit').where('customer_id', '=', customer(i).id).execute()).map((r) => r.id);
      expect(ofCustomer).toEqual(expect.arrayContaining(ids));

      const request = { ...h.mutation(rep, h.nextSeq(rep), { entity: 'erasureRequest', id: randomUUID() }, {}, { customerId: customer(i).id, scope, reason: 'Caller wants their data gone' }, { reason: 'asked on the call', verificationId: await verify(rep, i) }), op: 'create' as const };
      expect((await push(rep, request)).status).toBe('applied');
      const approve = h.mutation(supervisor, h.nextSeq(supervisor), { entity: 'erasureRequest', id: request.entityId }, { status: 'pending' }, { status: 'approved' }, { reason: 'identity checked on callback' });
      expect((await push(supervisor, approve)).status).toBe('applied');

      const left = await h.store.db.selectFrom('records').select(['id', 'data']).where('entity', '=', 'heldEdit').where('customer_id', '=', customer(i).id).execute();
      expect([scope, left.filter((r) => r.data !== null)]).toEqual([scope, []]);
      expect([scope, await h.store.db.selectFrom('held_mutations').select('mutation_id').where('customer_id', '=', customer(i).id).execute()]).toEqual([scope, []]);
      // the reviewers' desks are told to drop them
      const dropped = heldEditLines(await pull(supervisor, PROTOCOL.version, cursor)).filter((l) => l.t === 'del').map((l) => l.id);
      expect([scope, dropped]).toEqual([scope, expect.arrayContaining(ofCustomer)]);
      // the desks' resends are answered without a value or a reason, and the held one is no longer held
      const answers = await h.store.db.selectFrom('client_mutations').select(['mutation_id', 'result']).where('mutation_id', 'in', ids).execute();
      expect(answers.map((a) => a.result).join()).not.toContain(because);
      expect(await push(otherRep, declined)).toMatchObject({ status: 'rejected', rejection: { code: HELD_EDIT_DECLINED, message: DECLINED_AFTER_ERASURE } });
      expect(await push(rep, stillHeld)).toMatchObject({ status: 'rejected', held: null, rejection: { code: 'erased' } });
    }
  });
});
