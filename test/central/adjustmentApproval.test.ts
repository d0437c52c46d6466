import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API, BillingAdjustment, PROTOCOL, SignInResponse, type PullLine } from '../../domain';
import { Harness, PASSWORD, type TestSession } from './harness';

/**
 * Issue 13, "nothing costly happens by accident", tried at the central store over HTTP the way a
 * modified desk would: above the store's own threshold (here $100, from its config.json) a credit or
 * an adjustment waits for a supervisor other than its recorder and moves no money until approved;
 * a decision is taken once; a mistake is taken back by a linked reversal, never an edit. After every
 * step the balance is what the rules say, and each outcome has its audit row.
 */
const THRESHOLD = 10_000;

describe('credits and adjustments above the approval threshold', () => {
  let h: Harness;
  let clerk: TestSession;
  let otherClerk: TestSession;
  let supervisor: TestSession;
  let rep: TestSession;
  let compliance: TestSession;

  beforeAll(async () => {
    h = await Harness.start({ customers: 8, config: { adjustmentApprovalAboveCents: THRESHOLD } });
    clerk = await h.session('billing_clerk');
    otherClerk = await h.session('billing_clerk');
    supervisor = await h.session('supervisor');
    rep = await h.session('care_rep');
    compliance = await h.session('compliance');
  });
  afterAll(() => h.dispose());

  const account = (i: number) => h.customer(i).billingAccount;
  const balance = async (i: number) => (await h.record('billingAccount', account(i).id)).data.balanceCents as number;
  const stored = async (id: string) => BillingAdjustment.parse((await h.record('billingAdjustment', id)).data);
  const auditRows = (action: string, entityId: string) => h.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('entity_id', '=', entityId).orderBy('seq').execute();
  const decide = (s: TestSession, adjustmentId: string, decision: 'approve' | 'decline', reason = 'Checked against the outage ticket') => h.operation(s, 'billingAdjustment.decide', { adjustmentId, decision, reason });
  const reverse = (s: TestSession, i: number, adjustmentId: string, id: string = randomUUID()) => h.operation(s, 'billingAdjustment.reverse', { id, billingAccountId: account(i).id, adjustmentId, reason: 'Recorded on the wrong account' });
  const rulesOf = (res: { json: { error?: { issues?: { rule: string }[] } } }) => res.json.error?.issues?.map((i) => i.rule);
  async function recorded(i: number, amountCents: number, id: string = randomUUID()): Promise<BillingAdjustment> {
    const res = await h.adjust(clerk, account(i).id, { id, kind: amountCents < 0 ? 'credit' : 'adjustment', amountCents, reason: 'Outage on the 3rd', requestedBy: 'internal' });
    expect(res.status, res.text).toBe(200);
    return BillingAdjustment.parse(res.json.adjustment);
  }

  it('records one above the threshold as awaiting approval, with who, when and why, and leaves the balance', async () => {
    const before = await balance(0);
    const res = await h.adjust(clerk, account(0).id, { kind: 'credit', amountCents: -THRESHOLD - 1, reason: 'Outage credit for the month', requestedBy: 'internal' });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ balanceCents: before, adjustment: { status: 'awaiting_approval', approvalAboveCents: THRESHOLD, recordedBy: clerk.user.displayName, recordedById: clerk.user.id, recordedAt: h.clock().toISOString(), amountCents: -THRESHOLD - 1 } });
    expect(await balance(0)).toBe(before);
    expect(await stored(res.json.adjustment.id)).toEqual(res.json.adjustment);
    const [row] = await auditRows('billing.adjustment', res.json.adjustment.id);
    expect(row).toMatchObject({ outcome: 'ok', user_id: clerk.user.id, detail: expect.stringContaining("awaiting a supervisor's approval") });
    expect(row!.detail).not.toContain(String(THRESHOLD + 1));
  });

  it('applies one at the threshold at once, as before', async () => {
    const before = await balance(1);
    const adjustment = await recorded(1, -THRESHOLD);
    expect(adjustment).toMatchObject({ status: 'applied' });
    expect(adjustment.approvalAboveCents).toBeUndefined();
    expect(await balance(1)).toBe(before - THRESHOLD);
  });

  it('judges by its own threshold: the desk cannot say the state, the decider or the amount of a reversal (400 naming the field)', async () => {
    const forged = await h.adjust(clerk, account(0).id, { kind: 'credit', amountCents: -20_000, reason: 'Outage', status: 'applied', requestedBy: 'internal' });
    expect([forged.status, rulesOf(forged)]).toEqual([400, ['unknown_field']]);
    expect(forged.json.error.issues[0].message).toContain('"status"');
    const waiting = await recorded(0, -20_000);
    const stamped = await h.operation(supervisor, 'billingAdjustment.decide', { adjustmentId: waiting.id, decision: 'approve', reason: 'Checked it', decidedBy: 'Someone Else' });
    expect([stamped.status, stamped.json.error.issues[0].message]).toEqual([400, expect.stringContaining('"decidedBy"')]);
    const applied = await h.operation(supervisor, 'billingAdjustment.decide', { adjustmentId: waiting.id, decision: 'applied', reason: 'Checked it' });
    expect([applied.status, applied.json.error.issues[0].field]).toEqual([400, 'decision']);
    const amount = await h.operation(clerk, 'billingAdjustment.reverse', { id: randomUUID(), billingAccountId: account(0).id, adjustmentId: waiting.id, reason: 'Wrong account', amountCents: 1 });
    expect([amount.status, amount.json.error.issues[0].message]).toEqual([400, expect.stringContaining('"amountCents"')]);
    expect((await stored(waiting.id)).status).toBe('awaiting_approval');
  });

  it('a supervisor approves: the balance the store holds then moves, in the transaction of the decision and its audit row', async () => {
    const waiting = await recorded(2, -25_000);
    // the balance moves in the meantime: the approval moves it from there, not from what it was when recorded
    await recorded(2, 700);
    const before = await balance(2);
    h.clock.advance(60_000);
    const res = await decide(supervisor, waiting.id, 'approve', 'Outage confirmed by network ops');
    expect(res.status, res.text).toBe(200);
    expect(res.json.adjustment).toMatchObject({ status: 'applied', decidedBy: supervisor.user.displayName, decidedAt: h.clock().toISOString(), decisionReason: 'Outage confirmed by network ops' });
    expect(await balance(2)).toBe(before - 25_000);
    const seqs = async () => [(await h.record('billingAccount', account(2).id)).seq, (await h.record('billingAdjustment', waiting.id)).seq];
    const [accountSeq, adjustmentSeq] = await seqs();
    expect(adjustmentSeq).toBe(accountSeq! + 1);
    const [row] = await auditRows('billing.adjustment_decided', waiting.id);
    expect(row).toMatchObject({ outcome: 'ok', user_id: supervisor.user.id, role: 'supervisor', customer_id: h.customer(2).customer.id, fields: '["status","decidedBy","decidedAt","decisionReason"]' });
    expect(row!.detail).not.toMatch(/25000|Outage/);
    const history = await h.store.db.selectFrom('record_history').select(['reason', 'user_id']).where('id', '=', waiting.id).orderBy('seq').execute();
    expect(history.at(-1)).toEqual({ reason: 'Outage confirmed by network ops', user_id: supervisor.user.id });
  });

  it('holds a credit the caller asked for with who asked and the verification it rested on, and keeps both through the approval', async () => {
    const verificationId = await h.verified(clerk, 6);
    const res = await h.adjust(clerk, account(6).id, { kind: 'credit', amountCents: -THRESHOLD - 500, reason: 'Outage on the 3rd', requestedBy: 'caller', verificationId });
    expect(res.status, res.text).toBe(200);
    expect(res.json.adjustment).toMatchObject({ status: 'awaiting_approval', requestedBy: 'caller', verificationId });
    const [recordedRow] = await auditRows('billing.adjustment', res.json.adjustment.id);
    expect(recordedRow!.detail).toContain(`caller verification ${verificationId}`);
    // the verification runs out before the supervisor decides: the approval is not a new caller request
    h.clock.advance(31 * 60_000);
    const approved = await decide(supervisor, res.json.adjustment.id, 'approve');
    expect(approved.status, approved.text).toBe(200);
    expect(await stored(res.json.adjustment.id)).toMatchObject({ status: 'applied', requestedBy: 'caller', verificationId });
  });

  it('refuses a caller’s credit above the threshold without a verification before holding anything', async () => {
    const id = randomUUID();
    const res = await h.adjust(clerk, account(6).id, { id, kind: 'credit', amountCents: -THRESHOLD - 500, reason: 'Outage on the 3rd', requestedBy: 'caller' });
    expect([res.status, rulesOf(res)]).toEqual([403, ['caller.not_verified']]);
    expect(await h.store.db.selectFrom('records').select('id').where('id', '=', id).execute()).toEqual([]);
  });

  it('refuses to approve twice, to approve a declined one, or to decline an applied one, naming the rule; the balance stays', async () => {
    const approved = await recorded(3, -15_000);
    expect((await decide(supervisor, approved.id, 'approve')).status).toBe(200);
    const afterApproval = await balance(3);
    for (const decision of ['approve', 'decline'] as const) {
      const again = await decide(supervisor, approved.id, decision);
      expect([again.status, rulesOf(again)]).toEqual([409, ['adjustment.not_awaiting_approval']]);
    }
    const declined = await recorded(3, -16_000);
    const no = await decide(supervisor, declined.id, 'decline', 'Customer was already credited by phone');
    expect(no.status, no.text).toBe(200);
    expect(no.json.adjustment).toMatchObject({ status: 'declined', decidedBy: supervisor.user.displayName, decisionReason: 'Customer was already credited by phone' });
    const late = await decide(supervisor, declined.id, 'approve');
    expect([late.status, rulesOf(late), late.json.error.message]).toEqual([409, ['adjustment.not_awaiting_approval'], expect.stringContaining('declined')]);
    expect(await balance(3)).toBe(afterApproval);
    expect(await auditRows('billing.adjustment_decided', declined.id)).toEqual([expect.objectContaining({ outcome: 'ok' }), expect.objectContaining({ outcome: 'denied', detail: 'adjustment.not_awaiting_approval' })]);
  });

  it('lets neither a billing clerk, its recorder included, nor a care rep nor compliance decide; each attempt audited', async () => {
    const waiting = await recorded(4, -30_000);
    const before = await balance(4);
    for (const s of [clerk, otherClerk, rep, compliance]) {
      const res = await decide(s, waiting.id, 'approve');
      expect([s.user.role, res.status, res.json.error.code]).toEqual([s.user.role, 403, 'forbidden']);
    }
    expect(await balance(4)).toBe(before);
    expect((await stored(waiting.id)).status).toBe('awaiting_approval');
    const denied = await h.store.db.selectFrom('audit_log').select('user_id').where('action', '=', 'billing.adjustment_decided').where('outcome', '=', 'denied').execute();
    expect(denied.map((r) => r.user_id)).toEqual(expect.arrayContaining([clerk.user.id, otherClerk.user.id, rep.user.id, compliance.user.id]));
  });

  it('refuses its recorder, even once made a supervisor', async () => {
    const promoted = await h.session('billing_clerk');
    const res = await h.adjust(promoted, account(4).id, { kind: 'credit', amountCents: -12_000, reason: 'Porting delay', requestedBy: 'internal' });
    await h.store.db.updateTable('users').set({ role: 'supervisor' }).where('id', '=', promoted.user.id).execute();
    const own = await decide(promoted, res.json.adjustment.id, 'approve');
    expect([own.status, rulesOf(own)]).toEqual([403, ['adjustment.same_person']]);
    expect((await stored(res.json.adjustment.id)).status).toBe('awaiting_approval');
    expect((await decide(supervisor, res.json.adjustment.id, 'decline')).status).toBe(200);
  });

  it('takes a replayed id as the same request: recorded once, approved once, reversed once', async () => {
    const id = randomUUID();
    const before = await balance(5);
    await recorded(5, -40_000, id);
    await recorded(5, -40_000, id);
    expect(await balance(5)).toBe(before);
    expect((await decide(supervisor, id, 'approve')).status).toBe(200);
    // the clerk's desk retries the recording after a lost answer: it gets the record as it is now, and nothing moves twice
    expect(await recorded(5, -40_000, id)).toMatchObject({ status: 'applied' });
    expect(await balance(5)).toBe(before - 40_000);
    const other = await h.adjust(clerk, account(5).id, { id, kind: 'credit', amountCents: -41_000, reason: 'Outage', requestedBy: 'internal' });
    expect(other.status).toBe(409);

    const small = await recorded(5, -2_000);
    const reversalId = randomUUID();
    expect((await reverse(clerk, 5, small.id, reversalId)).status).toBe(200);
    const again = await reverse(clerk, 5, small.id, reversalId);
    expect([again.status, again.json.adjustment?.id]).toEqual([200, reversalId]);
    expect(await balance(5)).toBe(before - 40_000);
    const count = await h.store.db.selectFrom('records').select('id').where('entity', '=', 'billingAdjustment').where('customer_id', '=', h.customer(5).customer.id).execute();
    expect(count.filter((r) => r.id === reversalId)).toHaveLength(1);
  });

  describe('a linked reversal', () => {
    it('takes an applied one back with a new adjustment of the opposite amount naming it; the original is not edited', async () => {
      const original = await recorded(6, 4_500);
      const before = await balance(6);
      const data = (await h.record('billingAdjustment', original.id)).data;
      h.clock.advance(60_000);
      const res = await reverse(otherClerk, 6, original.id);
      expect(res.status, res.text).toBe(200);
      expect(res.json.adjustment).toMatchObject({ kind: 'adjustment', amountCents: -4_500, reverses: original.id, status: 'applied', recordedBy: otherClerk.user.displayName, reason: 'Recorded on the wrong account' });
      expect(await balance(6)).toBe(before - 4_500);
      expect((await h.record('billingAdjustment', original.id)).data).toEqual(data);
      const [row] = await auditRows('billing.adjustment_reversed', res.json.adjustment.id);
      expect(row).toMatchObject({ outcome: 'ok', user_id: otherClerk.user.id, detail: expect.stringContaining(`reversal of ${original.id}`) });
    });

    it('refuses reversing twice, reversing a reversal, one awaiting approval or declined, and one of another account, naming each rule', async () => {
      const original = await recorded(6, -3_000);
      const reversal = (await reverse(clerk, 6, original.id)).json.adjustment as BillingAdjustment;
      const waiting = await recorded(6, -30_000);
      const declined = await recorded(6, -31_000);
      expect((await decide(supervisor, declined.id, 'decline')).status).toBe(200);
      const before = await balance(6);
      const cases: [string, Awaited<ReturnType<typeof reverse>>, number][] = [
        ['reversal.twice', await reverse(clerk, 6, original.id), 409],
        ['reversal.of_reversal', await reverse(clerk, 6, reversal.id), 409],
        ['reversal.awaiting_approval', await reverse(clerk, 6, waiting.id), 409],
        ['reversal.declined', await reverse(clerk, 6, declined.id), 409],
        ['reversal.other_account', await reverse(clerk, 7, original.id), 400],
      ];
      for (const [rule, res, status] of cases) expect([rule, res.status, rulesOf(res)]).toEqual([rule, status, [rule]]);
      expect(await balance(6)).toBe(before);
      const denied = await h.store.db.selectFrom('audit_log').select('detail').where('action', '=', 'billing.adjustment_reversed').where('outcome', '=', 'denied').execute();
      expect(denied.map((r) => r.detail)).toEqual(expect.arrayContaining(cases.map(([rule]) => rule)));
      // a care rep or a supervisor does not reverse
      for (const s of [rep, supervisor]) expect((await reverse(s, 6, waiting.id)).status).toBe(403);
    });

    it('needs approval itself above the threshold: reversing a $2,000 charge is a $2,000 credit', async () => {
      const charge = await recorded(7, 200_000);
      expect((await decide(supervisor, charge.id, 'approve')).status).toBe(200);
      const charged = await balance(7);
      const res = await reverse(clerk, 7, charge.id);
      expect(res.json.adjustment).toMatchObject({ amountCents: -200_000, reverses: charge.id, status: 'awaiting_approval', approvalAboveCents: THRESHOLD });
      expect(await balance(7)).toBe(charged);
      // while it waits, the charge is not reversed a second time
      expect(rulesOf(await reverse(otherClerk, 7, charge.id))).toEqual(['reversal.twice']);
      expect((await decide(supervisor, res.json.adjustment.id, 'approve')).status).toBe(200);
      expect(await balance(7)).toBe(charged - 200_000);
    });

    it('lets a charge whose reversal was declined be reversed again', async () => {
      const charge = await recorded(7, 300_000);
      expect((await decide(supervisor, charge.id, 'approve')).status).toBe(200);
      const first = await reverse(clerk, 7, charge.id);
      expect((await decide(supervisor, first.json.adjustment.id, 'decline', 'Wrong charge picked')).status).toBe(200);
      const charged = await balance(7);
      const second = await reverse(clerk, 7, charge.id);
      expect(second.json.adjustment).toMatchObject({ status: 'awaiting_approval', reverses: charge.id });
      expect(await balance(7)).toBe(charged);
    });
  });

  it('sends supervisors the approval state, and care reps no credit or adjustment at all', async () => {
    const lines = async (s: TestSession) => (await h.pull(s)).lines.filter((l): l is Extract<PullLine, { t: 'put' }> => l.t === 'put' && l.entity === 'billingAdjustment');
    const waiting = (await lines(supervisor)).find((l) => l.data.status === 'awaiting_approval');
    expect(waiting?.data).toMatchObject({ approvalAboveCents: THRESHOLD, recordedById: expect.any(String), recordedBy: expect.any(String) });
    expect((await lines(supervisor)).some((l) => l.data.decidedBy === supervisor.user.displayName && typeof l.data.decisionReason === 'string')).toBe(true);
    expect(await lines(rep)).toEqual([]);
  });

  it('tells a desk of this protocol the threshold at sign-in and at unlock, and an older desk neither it nor fields it does not know', async () => {
    const device = await h.enrol();
    const user = await h.addUser('billing_clerk');
    const v = (version: number) => ({ headers: { [PROTOCOL.header]: String(version) } });
    // a billing clerk signs in with the second factor (issue 14): the billing policy comes with the session
    const current = await h.signInFully(device, user.username, PASSWORD, v(PROTOCOL.version).headers);
    expect(SignInResponse.safeExtend({ recoveryCodes: z.array(z.string()).optional() }).parse(current.json).billing).toEqual({ adjustmentApprovalAboveCents: THRESHOLD });
    expect((await h.call(device.agent, 'GET', API.session, { token: current.json.token, ...v(PROTOCOL.version) })).json.billing).toEqual({ adjustmentApprovalAboveCents: THRESHOLD });
    const older = await h.signInFully(device, user.username, PASSWORD, v(3).headers);
    expect(older.json.billing).toBeUndefined();
    const answer = await h.call(device.agent, 'POST', API.adjustments(account(1).id), { token: older.json.token, body: { id: randomUUID(), kind: 'credit', amountCents: -50_000, reason: 'Outage', requestedBy: 'internal' }, ...v(3) });
    expect(Object.keys(answer.json.adjustment).sort()).toEqual(['amountCents', 'billingAccountId', 'customerId', 'id', 'kind', 'reason', 'recordedAt', 'recordedBy']);
    // the store still holds it for approval, whatever the desk knows
    expect((await stored(answer.json.adjustment.id)).status).toBe('awaiting_approval');
  });

  it('keeps an audit chain that verifies', async () => {
    expect((await h.store.admin.verifyAudit()).ok).toBe(true);
  });
});
