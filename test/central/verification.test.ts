import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VerifyResponse } from '../../domain';
import { Harness, type TestSession } from './harness';

describe('caller verification', () => {
  let h: Harness;
  let rep: TestSession;
  beforeAll(async () => {
    h = await Harness.start({ customers: 6 });
    rep = await h.session('care_rep');
  });
  afterAll(() => h.dispose());

  const wrong = (answer: string) => String((Number(answer) + 1) % 10 ** answer.length).padStart(answer.length, '0');

  it('refuses a wrong answer, then verifies the caller with the right one for 30 minutes', async () => {
    const { customer, secrets } = h.customer(0);
    const miss = VerifyResponse.parse((await h.verify(rep, customer.id, 'ssn_last4', wrong(secrets.ssnLast4))).json);
    expect(miss).toEqual({ verified: false, attemptsLeft: 2, verificationId: null, validUntil: null });
    const hit = VerifyResponse.parse((await h.verify(rep, customer.id, 'ssn_last4', secrets.ssnLast4)).json);
    expect(hit).toMatchObject({ verified: true, attemptsLeft: 2, verificationId: expect.any(String) });
    expect(Date.parse(hit.validUntil!) - h.clock().getTime()).toBe(30 * 60_000);
  });

  it('accepts the account PIN as well', async () => {
    const { customer, secrets } = h.customer(1);
    expect((await h.verify(rep, customer.id, 'account_pin', secrets.accountPin)).json.verified).toBe(true);
  });

  it('stops after 3 failed attempts per customer in 15 minutes, across reps, even for the right answer', async () => {
    const { customer, secrets } = h.customer(2);
    const other = await h.session('supervisor');
    const left = [];
    for (const session of [rep, other, rep]) left.push((await h.verify(session, customer.id, 'account_pin', wrong(secrets.accountPin))).json.attemptsLeft);
    expect(left).toEqual([2, 1, 0]);
    expect((await h.verify(other, customer.id, 'account_pin', secrets.accountPin)).json).toEqual({ verified: false, attemptsLeft: 0, verificationId: null, validUntil: null });
    h.clock.advance(15 * 60_000 + 1000);
    expect((await h.verify(other, customer.id, 'account_pin', secrets.accountPin)).json.verified).toBe(true);
  });

  it('is for the roles that do something on a call: care reps, supervisors and billing clerks (issue 13), no one else', async () => {
    const clerk = await h.session('billing_clerk');
    expect((await h.verify(clerk, h.customer(0).customer.id, 'ssn_last4', h.customer(0).secrets.ssnLast4)).json.verified).toBe(true);
    for (const role of ['network_ops', 'compliance', 'admin'] as const) {
      const other = await h.session(role);
      const res = await h.verify(other, h.customer(0).customer.id, 'ssn_last4', h.customer(0).secrets.ssnLast4);
      expect([role, res.status]).toEqual([role, 403]);
      expect([role, (await h.verificationAttempts(other, h.customer(0).customer.id)).status]).toEqual([role, 403]);
    }
  });

  it('says the attempts left before the first one, counted per customer across users, and at 0 until when the caller is locked out', async () => {
    const { customer, secrets } = h.customer(5);
    const clerk = await h.session('billing_clerk');
    const attempts = async (session: TestSession) => (await h.verificationAttempts(session, customer.id)).json;
    expect(await attempts(clerk)).toEqual({ attemptsLeft: 3, lockedUntil: null });
    const first = h.clock();
    await h.verify(rep, customer.id, 'ssn_last4', wrong(secrets.ssnLast4));
    expect(await attempts(clerk)).toEqual({ attemptsLeft: 2, lockedUntil: null });
    h.clock.advance(60_000);
    await h.verify(clerk, customer.id, 'ssn_last4', wrong(secrets.ssnLast4));
    h.clock.advance(60_000);
    await h.verify(rep, customer.id, 'account_pin', wrong(secrets.accountPin));
    // locked until the first of the three failures leaves the 15-minute window
    const lockedUntil = new Date(first.getTime() + 15 * 60_000).toISOString();
    expect(await attempts(rep)).toEqual({ attemptsLeft: 0, lockedUntil });
    h.clock.advance(15 * 60_000 - 2 * 60_000 - 1000);
    expect(await attempts(rep)).toEqual({ attemptsLeft: 0, lockedUntil });
    h.clock.advance(1000);
    expect(await attempts(rep)).toEqual({ attemptsLeft: 1, lockedUntil: null });
    // reading counts as no attempt
    expect((await h.store.db.selectFrom('verifications').select('id').where('customer_id', '=', customer.id).execute()).length).toBe(3);
    expect((await h.verificationAttempts(rep, randomUUID())).status).toBe(404);
  });

  it('answers not found for an unknown customer', async () => {
    expect((await h.verify(rep, randomUUID(), 'ssn_last4', '1234')).status).toBe(404);
  });

  it('keeps only keyed hashes of the answers', async () => {
    const { customer, secrets } = h.customer(3);
    const row = await h.store.db.selectFrom('caller_secrets').selectAll().where('customer_id', '=', customer.id).executeTakeFirstOrThrow();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(secrets.ssnLast4);
    expect(stored).not.toContain(secrets.accountPin);
  });

  describe('edits that need a verified caller', () => {
    let seq = 0;
    const edit = (session: TestSession, i: number, verificationId: string | null, createdAt?: string) =>
      h.mutation(session, ++seq, { entity: 'customer', id: h.customer(i).customer.id }, { lastName: h.customer(i).customer.lastName }, { lastName: `Edited${seq}` }, { verificationId, ...(createdAt ? { createdAt } : {}) });
    const outcome = async (m: ReturnType<typeof edit>) => (await h.push(rep, [m])).json.results[0];

    it('holds for review, and does not apply, an edit pushed 31 minutes after the verification but dated 1 s after it (hostile desk)', async () => {
      const { customer, secrets } = h.customer(4);
      const { verificationId } = (await h.verify(rep, customer.id, 'ssn_last4', secrets.ssnLast4)).json;
      const backdated = new Date(h.clock().getTime() + 1000).toISOString();
      h.clock.advance(31 * 60_000);
      const before = await h.record('customer', customer.id);
      const m = edit(rep, 4, verificationId, backdated);
      const result = await outcome(m);
      expect(result).toMatchObject({ status: 'held', applied: [], serverSeq: null, rejection: null, held: { reason: 'verification.expired' } });
      expect(await h.record('customer', customer.id)).toEqual(before);
      const held = await h.store.db.selectFrom('held_mutations').selectAll().where('mutation_id', '=', m.id).executeTakeFirstOrThrow();
      expect(held).toMatchObject({ reason: 'verification.expired', user_id: rep.user.id, entity: 'customer', entity_id: customer.id, customer_id: customer.id, verification_id: verificationId, status: 'held', received_at: h.clock().toISOString() });
      expect(JSON.parse(held.mutation)).toEqual(m);
      const audit = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'record.update_held').where('entity_id', '=', customer.id).execute();
      expect(audit).toEqual([expect.objectContaining({ outcome: 'held', user_id: rep.user.id, customer_id: customer.id, fields: JSON.stringify(['lastName']) })]);
      expect(audit[0]!.detail).toContain('verification.expired');
      // one row for the edit, and none that says it was applied
      const rows = await h.store.db.selectFrom('audit_log').select(['action', 'outcome']).where('entity_id', '=', customer.id).where('action', 'like', 'record.update%').execute();
      expect(rows).toEqual([{ action: 'record.update_held', outcome: 'held' }]);
    });

    it('rejects a customer edit without a verification', async () => {
      expect((await outcome(edit(rep, 4, null))).rejection.code).toBe('verification_required');
    });

    it('applies an edit received within the 30-minute window plus the 30-second outage grace, whatever date the desk gives it', async () => {
      const { customer, secrets } = h.customer(3);
      const { verificationId } = (await h.verify(rep, customer.id, 'ssn_last4', secrets.ssnLast4)).json;
      const longAgo = new Date(h.clock().getTime() - 24 * 60 * 60_000).toISOString();
      const fresh = async (lastName: string, createdAt?: string) => {
        const current = (await h.record('customer', customer.id)).data.lastName;
        return h.mutation(rep, ++seq, { entity: 'customer', id: customer.id }, { lastName: current }, { lastName }, { verificationId, ...(createdAt ? { createdAt } : {}) });
      };
      h.clock.advance(30 * 60_000);
      expect((await outcome(await fresh('Backdated', longAgo))).status).toBe('applied');
      h.clock.advance(30_000); // the push was retried through a blink of the link
      expect((await outcome(await fresh('InGrace'))).status).toBe('applied');
      expect((await h.record('customer', customer.id)).data.lastName).toBe('InGrace');
      h.clock.advance(1000);
      expect((await outcome(await fresh('TooLate'))).status).toBe('held');
      expect((await h.record('customer', customer.id)).data.lastName).toBe('InGrace');
    });

    it('holds an edit received after the window and the grace, even one made on time and pushed late', async () => {
      const { customer, secrets } = h.customer(4);
      const { verificationId } = (await h.verify(rep, customer.id, 'ssn_last4', secrets.ssnLast4)).json;
      h.clock.advance(10 * 60_000);
      const m = edit(rep, 4, verificationId);
      h.clock.advance(25 * 60_000); // the workstation was offline: received 35 minutes after
      expect(await outcome(m)).toMatchObject({ status: 'held', held: { reason: 'verification.expired' } });
    });

    it('does not let a createdAt in the future extend a verification', async () => {
      const { customer, secrets } = h.customer(4);
      const { verificationId } = (await h.verify(rep, customer.id, 'ssn_last4', secrets.ssnLast4)).json;
      h.clock.advance(40 * 60_000);
      const future = new Date(h.clock().getTime() + 60 * 60_000).toISOString();
      const result = await outcome(edit(rep, 4, verificationId, future));
      expect(result).toMatchObject({ status: 'held', held: { reason: 'verification.expired' }, serverSeq: null });
    });

    it('answers a replayed held mutation with the same outcome, holding it once', async () => {
      const { customer, secrets } = h.customer(4);
      const { verificationId } = (await h.verify(rep, customer.id, 'ssn_last4', secrets.ssnLast4)).json;
      h.clock.advance(36 * 60_000);
      const m = edit(rep, 4, verificationId);
      const first = await outcome(m);
      expect(first.status).toBe('held');
      expect(await outcome(m)).toEqual(first);
      expect(await h.store.db.selectFrom('held_mutations').select('mutation_id').where('mutation_id', '=', m.id).execute()).toHaveLength(1);
    });

    it("rejects a verification of another customer, or another rep's", async () => {
      const { customer, secrets } = h.customer(5);
      const { verificationId } = (await h.verify(rep, customer.id, 'ssn_last4', secrets.ssnLast4)).json;
      expect((await outcome(edit(rep, 4, verificationId))).rejection.code).toBe('verification_required');
      const other = await h.session('care_rep');
      const theirs = (await h.verify(other, h.customer(4).customer.id, 'ssn_last4', h.customer(4).secrets.ssnLast4)).json.verificationId;
      expect((await outcome(edit(rep, 4, theirs))).rejection.code).toBe('verification_required');
    });
  });
});
