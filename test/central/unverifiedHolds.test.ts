import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, HELD_EDIT_RULES, HeldEdit, PROTOCOL, PullLine, PushResponse, UNVERIFIED_HOLD_MS, type Mutation, type MutationResult } from '../../domain';
import { CALLER_VERIFICATION } from '../../central/verification/callerVerification';
import { Harness, type TestSession } from './harness';

/**
 * The outage call flow (issue 16, item 3), over HTTP the way desks — and a modified desk — talk to
 * the store: a correction made while no caller could be verified is held (`caller.unverified`), never
 * applied, until the rep verifies the caller online and releases it, or a supervisor reviews it, each
 * before it expires; then it arrives marked and audited. An expired one is recorded as expired and its
 * desk is told. A client that marks such an edit verified, backdates it, replays it or forges a
 * verification gets nothing applied, and the refusal names the rule.
 */
describe('corrections held unverified during an outage', () => {
  let h: Harness;
  let rep: TestSession;
  let otherRep: TestSession;
  let supervisor: TestSession;

  beforeAll(async () => {
    h = await Harness.start({ customers: 13 });
    rep = await h.session('care_rep');
    otherRep = await h.session('care_rep');
    supervisor = await h.session('supervisor');
  });
  afterAll(() => h.dispose());

  const push = async (s: TestSession, m: Mutation): Promise<MutationResult> => {
    const res = await h.push(s, [m], { protocol: PROTOCOL.version });
    expect(res.status, res.text).toBe(200);
    return PushResponse.parse(res.json).results[0]!;
  };
  const customer = (i: number) => h.customer(i).customer;
  const current = async (i: number) => (await h.record('customer', customer(i).id)).data;
  const stored = async (id: string) => HeldEdit.parse((await h.record('heldEdit', id)).data);
  const heldRow = (id: string) => h.store.db.selectFrom('held_mutations').selectAll().where('mutation_id', '=', id).executeTakeFirst();
  const auditRows = (action: string, entityId: string) => h.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('entity_id', '=', entityId).orderBy('seq').execute();
  const rulesOf = (res: { json: { error?: { issues?: { field: string; rule: string }[] } } }) => res.json.error?.issues?.map((i) => [i.field, i.rule]);
  /** past a day the store's sessions have ended: each signs in again, as a desk would */
  const signInAgain = async (...sessions: TestSession[]) => {
    for (const s of sessions) {
      const res = await h.signInFully(s.device, s.user.username);
      expect(res.status, res.text).toBe(200);
      s.token = res.json.token as string;
    }
  };
  const release = (s: TestSession, heldEditId: string, verificationId: string) => h.operation(s, 'heldEdit.release', { heldEditId, verificationId });

  /** `s` corrects customer i's last name offline, with no verified caller, and holds it; the store receives it now */
  function unverifiedEdit(s: TestSession, i: number, lastName: string, extra: Partial<Mutation> = {}): Mutation {
    return { ...h.mutation(s, h.nextSeq(s), { entity: 'customer', id: customer(i).id }, { lastName: customer(i).lastName }, { lastName }), unverifiedHold: true, ...extra };
  }
  async function held(s: TestSession, i: number, lastName: string): Promise<Mutation> {
    const m = unverifiedEdit(s, i, lastName);
    expect(await push(s, m)).toMatchObject({ status: 'held', applied: [], serverSeq: null, held: { reason: 'caller.unverified' } });
    return m;
  }

  it('holds the correction, applies nothing of it, and records when it expires by the store’s clock', async () => {
    const m = await held(rep, 0, 'Held-Offline');
    expect((await current(0)).lastName).toBe(customer(0).lastName);
    expect(await stored(m.id)).toMatchObject({
      heldFor: 'caller.unverified',
      status: 'held',
      verifiedAt: null,
      changes: { lastName: 'Held-Offline' },
      expiresAt: new Date(Date.parse(m.createdAt) + UNVERIFIED_HOLD_MS).toISOString(),
    });
    const [audit, ...more] = await auditRows('record.update_held', customer(0).id);
    expect(more).toEqual([]);
    expect(audit).toMatchObject({ outcome: 'held', user_id: rep.user.id, fields: JSON.stringify(['lastName']) });
    expect(JSON.stringify(audit)).not.toContain('Held-Offline');
    // sent again, it is still only held
    expect(await push(rep, { ...m, seq: h.nextSeq(rep) })).toMatchObject({ status: 'held' });
    expect((await current(0)).lastName).toBe(customer(0).lastName);
  });

  it('applies it once the rep verifies the caller online and releases it: marked, audited, and the desk told', async () => {
    const m = await held(rep, 1, 'Reverified');
    h.clock.advance(60_000);
    const verificationId = await h.verified(rep, 1);
    const res = await release(rep, m.id, verificationId);
    expect(res.status, res.text).toBe(200);
    expect(res.json.heldEdit).toMatchObject({ status: 'applied', appliedAfter: 'reverification', releaseVerificationId: verificationId, decidedBy: rep.user.id });
    expect((await current(1)).lastName).toBe('Reverified');
    expect(await heldRow(m.id)).toMatchObject({ status: 'applied', reviewed_by: rep.user.id });
    const [audit] = await auditRows('held_edit.released', m.id);
    expect(audit).toMatchObject({ outcome: 'ok', user_id: rep.user.id, customer_id: customer(1).id, fields: JSON.stringify(['lastName']) });
    expect(audit!.detail).toContain(`verification ${verificationId}`);
    expect(JSON.stringify(audit)).not.toContain('Reverified');
    // the rep's desk hears it when it sends the held mutation again
    expect(await push(rep, { ...m, seq: h.nextSeq(rep) })).toMatchObject({ status: 'applied', applied: ['lastName'] });
    // the change is in the record's history in the rep's name, with their reason
    const history = await h.call(rep.device.agent, 'GET', API.history('customer', customer(1).id), { token: rep.token });
    expect(history.status, history.text).toBe(200);
    expect(JSON.stringify(history.json)).toContain(m.reason);
  });

  it('applies it after a supervisor’s review, marked as reviewed', async () => {
    const m = await held(rep, 2, 'Reviewed');
    const res = await h.operation(supervisor, 'heldEdit.decide', { heldEditId: m.id, decision: 'apply', reason: 'Called the customer back on the number on file' });
    expect(res.status, res.text).toBe(200);
    expect(res.json.heldEdit).toMatchObject({ status: 'applied', appliedAfter: 'review', decidedBy: supervisor.user.id });
    expect((await current(2)).lastName).toBe('Reviewed');
    expect(await auditRows('held_edit.decided', m.id)).toEqual([expect.objectContaining({ outcome: 'ok', user_id: supervisor.user.id })]);
  });

  it('sends its record, with the expiry, to the supervisors’ desks of protocol 8 and to none older', async () => {
    const m = await held(rep, 3, 'Shown');
    const pull = async (protocol: number) => {
      const res = await h.call(supervisor.device.agent, 'GET', `${API.pull}?cursor=0`, { token: supervisor.token, headers: { [PROTOCOL.header]: String(protocol) } });
      expect(res.status, res.text).toBe(200);
      return res.text.trim().split('\n').map((l) => PullLine.parse(JSON.parse(l))).filter((l) => l.t === 'put' && l.entity === 'heldEdit' && l.id === m.id);
    };
    expect(await pull(PROTOCOL.version)).toEqual([expect.objectContaining({ data: expect.objectContaining({ heldFor: 'caller.unverified', expiresAt: expect.any(String) }) })]);
    // a desk of 7 knows neither the reason nor the expiry: its strict schema would refuse the whole pull
    expect(await pull(7)).toEqual([]);
  });

  it('expires unreleased: nothing applied, the record and the audit log say so, the desk is told, and no release or review applies it afterwards', async () => {
    const m = await held(rep, 4, 'Too-Late');
    h.clock.advance(UNVERIFIED_HOLD_MS + 60_000);
    await signInAgain(rep, otherRep, supervisor);
    // the desk sends it again, as it does every few minutes: its answer is now final
    const answer = await push(rep, { ...m, seq: h.nextSeq(rep) });
    expect(answer).toMatchObject({ status: 'rejected', rejection: { code: HELD_EDIT_RULES.expired } });
    expect(await stored(m.id)).toMatchObject({ status: 'expired', decidedBy: null });
    expect(await heldRow(m.id)).toMatchObject({ status: 'expired' });
    expect(await auditRows('held_edit.expired', m.id)).toEqual([expect.objectContaining({ outcome: 'ok', user_id: rep.user.id })]);
    const verificationId = await h.verified(rep, 4);
    const released = await release(rep, m.id, verificationId);
    expect([released.status, rulesOf(released)]).toEqual([409, [['heldEditId', HELD_EDIT_RULES.expired]]]);
    const reviewed = await h.operation(supervisor, 'heldEdit.decide', { heldEditId: m.id, decision: 'apply', reason: 'Trying to apply it anyway' });
    expect([reviewed.status, rulesOf(reviewed)]).toEqual([409, [['heldEditId', HELD_EDIT_RULES.expired]]]);
    expect((await current(4)).lastName).toBe(customer(4).lastName);
  });

  it('expires at a release or a review past the expiry too, even before the desk sends it again', async () => {
    const m = await held(rep, 5, 'Expired-At-Review');
    h.clock.advance(UNVERIFIED_HOLD_MS + 1);
    await signInAgain(rep, otherRep, supervisor);
    const reviewed = await h.operation(supervisor, 'heldEdit.decide', { heldEditId: m.id, decision: 'apply', reason: 'Caller confirmed by email' });
    expect([reviewed.status, rulesOf(reviewed)]).toEqual([409, [['heldEditId', HELD_EDIT_RULES.expired]]]);
    expect(await stored(m.id)).toMatchObject({ status: 'expired' });
    expect(await push(rep, { ...m, seq: h.nextSeq(rep) })).toMatchObject({ status: 'rejected', rejection: { code: HELD_EDIT_RULES.expired } });
    expect(await auditRows('held_edit.decided', m.id)).toEqual([expect.objectContaining({ outcome: 'denied', detail: `apply: refused (${HELD_EDIT_RULES.expired})` })]);
  });

  describe('a hostile client', () => {
    it('that marks the held edit verified (the same id, a verification added) is refused the id, and nothing is applied', async () => {
      const m = await held(rep, 6, 'Forged-Verified');
      const verificationId = randomUUID();
      const { unverifiedHold: _mark, ...unmarked } = m;
      const res = await push(rep, { ...unmarked, seq: h.nextSeq(rep), verificationId });
      expect(res).toMatchObject({ status: 'rejected', rejection: { code: 'mutation_id_reused' } });
      expect((await current(6)).lastName).toBe(customer(6).lastName);
      expect(await stored(m.id)).toMatchObject({ status: 'held' });
    });

    it('that sends it again under a new id with a forged verification is refused (verification_required)', async () => {
      const m = h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer(6).id }, { lastName: customer(6).lastName }, { lastName: 'Forged-Verified' }, { verificationId: randomUUID() });
      expect(await push(rep, m)).toMatchObject({ status: 'rejected', rejection: { code: 'verification_required' } });
      expect((await current(6)).lastName).toBe(customer(6).lastName);
    });

    it('that holds it unverified and sends a verification with it is refused naming the rule', async () => {
      const m = unverifiedEdit(rep, 6, 'Both', { verificationId: await h.verified(rep, 6) });
      expect(await push(rep, m)).toMatchObject({ status: 'rejected', rejection: { code: 'validation', issues: [{ field: 'verificationId', rule: 'hold.unverified_with_verification' }] } });
      expect((await current(6)).lastName).toBe(customer(6).lastName);
    });

    it('that backdates it past the hold’s length gets nothing held; one dated in the future gains no time', async () => {
      const backdated = unverifiedEdit(rep, 7, 'Backdated', { createdAt: new Date(h.clock().getTime() - UNVERIFIED_HOLD_MS - 1000).toISOString() });
      expect(await push(rep, backdated)).toMatchObject({ status: 'rejected', rejection: { code: HELD_EDIT_RULES.expired, issues: [{ field: 'createdAt', rule: HELD_EDIT_RULES.expired }] } });
      expect(await heldRow(backdated.id)).toBeUndefined();
      const future = unverifiedEdit(rep, 7, 'Future', { createdAt: new Date(h.clock().getTime() + 7 * UNVERIFIED_HOLD_MS).toISOString() });
      expect((await push(rep, future)).status).toBe('held');
      expect((await stored(future.id)).expiresAt).toBe(new Date(h.clock().getTime() + UNVERIFIED_HOLD_MS).toISOString());
      expect((await current(7)).lastName).toBe(customer(7).lastName);
    });

    it('that releases with a forged, another user’s, another customer’s or a failed verification is refused (caller.not_verified)', async () => {
      const m = await held(rep, 8, 'Forged-Release');
      h.clock.advance(1000);
      const othersVerification = await h.verified(otherRep, 8);
      const otherCustomers = await h.verified(rep, 9);
      const failed = await h.verify(rep, customer(8).id, 'account_pin', '00000000');
      const failedId = failed.json.verificationId as string | null;
      const failedRow = await h.store.db.selectFrom('verifications').select('id').where('user_id', '=', rep.user.id).where('customer_id', '=', customer(8).id).where('verified', '=', 0).executeTakeFirstOrThrow();
      expect(failedId).toBeNull();
      for (const verificationId of [randomUUID(), othersVerification, otherCustomers, failedRow.id]) {
        const res = await release(rep, m.id, verificationId);
        expect([res.status, rulesOf(res)]).toEqual([403, [['verificationId', 'caller.not_verified']]]);
      }
      expect((await current(8)).lastName).toBe(customer(8).lastName);
      expect(await auditRows('held_edit.released', m.id)).toHaveLength(4);
      expect((await auditRows('held_edit.released', m.id)).every((r) => r.outcome === 'denied' && r.detail === 'release: refused (caller.not_verified)')).toBe(true);
    });

    it('that releases with its own verification once that verification has run out is refused, saying how old it is (caller.not_verified)', async () => {
      const m = await held(rep, 12, 'Stale-Release');
      h.clock.advance(1000);
      const verificationId = await h.verified(rep, 12);
      h.clock.advance(CALLER_VERIFICATION.validityMs + 60_000);
      const res = await release(rep, m.id, verificationId);
      expect([res.status, rulesOf(res)]).toEqual([403, [['verificationId', 'caller.not_verified']]]);
      expect(JSON.stringify(res.json)).toContain(`verified ${CALLER_VERIFICATION.validityMs / 60_000 + 1} minutes ago`);
      expect((await current(12)).lastName).toBe(customer(12).lastName);
    });

    it('that releases with a verification made before the store held the edit is refused (held_edit.verification_before_hold)', async () => {
      const before = await h.verified(rep, 10);
      h.clock.advance(1000);
      const m = await held(rep, 10, 'Old-Verification');
      const res = await release(rep, m.id, before);
      expect([res.status, rulesOf(res)]).toEqual([403, [['verificationId', HELD_EDIT_RULES.verificationBeforeHold]]]);
      expect((await current(10)).lastName).toBe(customer(10).lastName);
    });

    it('that releases another rep’s edit, or replays a release, is refused naming the rule, and applies nothing twice', async () => {
      const m = await held(rep, 11, 'Replayed');
      h.clock.advance(1000);
      const theirs = await release(otherRep, m.id, await h.verified(otherRep, 11));
      expect([theirs.status, rulesOf(theirs)]).toEqual([403, [['heldEditId', HELD_EDIT_RULES.notRequester]]]);
      const verificationId = await h.verified(rep, 11);
      expect((await release(rep, m.id, verificationId)).status).toBe(200);
      const seq = (await h.record('customer', customer(11).id)).seq;
      const again = await release(rep, m.id, verificationId);
      expect([again.status, rulesOf(again)]).toEqual([409, [['heldEditId', HELD_EDIT_RULES.alreadyDecided]]]);
      // the held mutation replayed under a new number is answered, never applied again
      expect(await push(rep, { ...m, seq: h.nextSeq(rep) })).toMatchObject({ status: 'applied' });
      expect((await h.record('customer', customer(11).id)).seq).toBe(seq);
    });

    it('that releases an edit held for another reason (an expired verification) is refused: a supervisor decides it', async () => {
      const verificationId = await h.verified(rep, 9);
      const m = h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer(9).id }, { firstName: customer(9).firstName }, { firstName: 'Late' }, { verificationId });
      h.clock.advance(31 * 60_000);
      expect(await push(rep, m)).toMatchObject({ status: 'held', held: { reason: 'verification.expired' } });
      const res = await release(rep, m.id, await h.verified(rep, 9));
      expect([res.status, rulesOf(res)]).toEqual([403, [['heldEditId', HELD_EDIT_RULES.notUnverified]]]);
    });

    it('that holds unverified what needs no verification, or a record born on the desk, is refused (hold.unverified_not_allowed)', async () => {
      // network operations correct a line's number with no caller on the line: nothing there to hold
      const ops = await h.session('network_ops');
      const line = h.customer(0).serviceLines[0]!;
      const m = { ...h.mutation(ops, h.nextSeq(ops), { entity: 'serviceLine', id: line.id }, { number: line.number }, { number: '+14155550199' }), unverifiedHold: true as const };
      expect(await push(ops, m)).toMatchObject({ status: 'rejected', rejection: { issues: [{ field: 'unverifiedHold', rule: 'hold.unverified_not_allowed' }] } });
      expect((await h.record('serviceLine', line.id)).data.number).toBe(line.number);
      const create = { ...h.mutation(rep, h.nextSeq(rep), { entity: 'erasureRequest', id: randomUUID() }, {}, { customerId: customer(0).id, scope: 'full', reason: 'Caller asked' }), op: 'create' as const, unverifiedHold: true as const };
      expect(await push(rep, create)).toMatchObject({ status: 'rejected', rejection: { issues: [{ field: 'unverifiedHold', rule: 'hold.unverified_not_allowed' }] } });
    });
  });

  describe('a callback the caller asked for', () => {
    const callback = (s: TestSession, i: number, fields: Record<string, unknown>) => ({ ...h.mutation(s, h.nextSeq(s), { entity: 'callbackRequest', id: randomUUID() }, {}, { customerId: customer(i).id, reason: 'Wants to go over the last bill', ...fields }), op: 'create' as const });

    it('is recorded with no verified caller as the rep’s assertion, without a number, audited, sent to desks of 8, and marked done by whoever called back', async () => {
      const m = callback(rep, 3, {});
      expect(await push(rep, m)).toMatchObject({ status: 'applied' });
      const record = (await h.record('callbackRequest', m.entityId)).data;
      expect(record).toEqual({ id: m.entityId, customerId: customer(3).id, reason: 'Wants to go over the last bill', assertion: 'caller asked to be called back', requestedBy: rep.user.id, requestedAt: h.clock().toISOString(), status: 'requested', doneBy: null, doneAt: null });
      expect(await auditRows('record.create', m.entityId)).toEqual([expect.objectContaining({ outcome: 'ok', user_id: rep.user.id, customer_id: customer(3).id })]);
      const pull = async (protocol: number) => {
        const res = await h.call(supervisor.device.agent, 'GET', `${API.pull}?cursor=0`, { token: supervisor.token, headers: { [PROTOCOL.header]: String(protocol) } });
        return res.text.trim().split('\n').map((l) => PullLine.parse(JSON.parse(l))).filter((l) => l.t === 'put' && l.entity === 'callbackRequest' && l.id === m.entityId);
      };
      expect(await pull(PROTOCOL.version)).toHaveLength(1);
      expect(await pull(7)).toEqual([]);
      const done = h.mutation(otherRep, h.nextSeq(otherRep), { entity: 'callbackRequest', id: m.entityId }, { status: 'requested' }, { status: 'done' });
      expect(await push(otherRep, done)).toMatchObject({ status: 'applied' });
      expect((await h.record('callbackRequest', m.entityId)).data).toMatchObject({ status: 'done', doneBy: otherRep.user.id, doneAt: h.clock().toISOString() });
    });

    it('takes no number typed in on the call, nor who asked or when, from a desk: refused naming the field', async () => {
      for (const [field, value] of [['phone', '+14155550100'], ['requestedBy', otherRep.user.id], ['requestedAt', '2020-01-01T00:00:00.000Z'], ['assertion', 'caller asked to be called back']] as const) {
        const res = await push(rep, callback(rep, 3, { [field]: value }));
        expect([field, res.status, res.rejection?.issues.map((i) => i.field)]).toEqual([field, 'rejected', [field]]);
      }
    });
  });
});
