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

  it('is only for roles that change customer records', async () => {
    const clerk = await h.session('billing_clerk');
    const res = await h.verify(clerk, h.customer(0).customer.id, 'ssn_last4', h.customer(0).secrets.ssnLast4);
    expect(res.status).toBe(403);
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

    it('rejects a customer edit without a verification', async () => {
      expect((await outcome(edit(rep, 4, null))).rejection.code).toBe('verification_required');
    });

    it('rejects an edit made more than 30 minutes after the verification', async () => {
      const { customer, secrets } = h.customer(4);
      const { verificationId } = (await h.verify(rep, customer.id, 'ssn_last4', secrets.ssnLast4)).json;
      h.clock.advance(31 * 60_000);
      expect((await outcome(edit(rep, 4, verificationId))).rejection.code).toBe('verification_required');
    });

    it('accepts an edit made within 30 minutes of the verification, even when pushed later', async () => {
      const { customer, secrets } = h.customer(4);
      const { verificationId } = (await h.verify(rep, customer.id, 'ssn_last4', secrets.ssnLast4)).json;
      h.clock.advance(10 * 60_000);
      const m = edit(rep, 4, verificationId);
      h.clock.advance(60 * 60_000); // the workstation was offline
      expect((await outcome(m)).status).toBe('applied');
    });

    it('rejects an edit dated in the future', async () => {
      const { customer, secrets } = h.customer(4);
      const { verificationId } = (await h.verify(rep, customer.id, 'ssn_last4', secrets.ssnLast4)).json;
      const future = new Date(h.clock().getTime() + 10 * 60_000).toISOString();
      expect((await outcome(edit(rep, 4, verificationId, future))).rejection.code).toBe('verification_required');
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
