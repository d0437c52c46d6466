import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCardNumber } from '../support/cardLeaks';
import { Harness, type TestSession } from './harness';

/**
 * A billing clerk's caller, checked by the central store (issue 13), attacked as a modified desk
 * would: a card replacement or a credit the caller asked for, sent with no verification, another
 * customer's, another user's, a failed one, one that ran out by the store's clock, or one made up.
 * Each is refused naming `caller.not_verified`, changes nothing and is audited as denied; a good
 * one goes through and is recorded with the change. An internal correction needs none, and says so.
 */
const PAN = testCardNumber('45320151');
const year = new Date().getUTCFullYear();
const card = { cardNumber: PAN, expMonth: 5, expYear: year + 2, holderName: 'Robin Castellanos', billingZip: '30301' };
const VALIDITY_MS = 30 * 60_000;

describe('a billing clerk’s caller, checked by the central store', () => {
  let h: Harness;
  let clerk: TestSession;
  let otherClerk: TestSession;
  let rep: TestSession;

  beforeAll(async () => {
    h = await Harness.start({ customers: 8 });
    clerk = await h.session('billing_clerk');
    otherClerk = await h.session('billing_clerk');
    rep = await h.session('care_rep');
  });
  afterAll(() => h.dispose());

  const customerId = (i: number) => h.customer(i).customer.id;
  const wrong = (answer: string) => String((Number(answer) + 1) % 10 ** answer.length).padStart(answer.length, '0');
  /** A failed attempt's id: the store never answers it, so a hostile desk could only have guessed or stolen it. */
  async function failedVerification(session: TestSession, i: number): Promise<string> {
    const res = await h.verify(session, customerId(i), 'ssn_last4', wrong(h.customer(i).secrets.ssnLast4));
    expect(res.json).toMatchObject({ verified: false, verificationId: null });
    const row = await h.store.db.selectFrom('verifications').select('id').where('customer_id', '=', customerId(i)).where('user_id', '=', session.user.id).where('verified', '=', 0).orderBy('at', 'desc').executeTakeFirstOrThrow();
    return row.id;
  }

  /** Everything a refused call must leave as it was: the customer's records, sealed cards and the stored record of the attempted id. */
  async function snapshot(i: number, attemptedId: string) {
    const records = await h.store.db.selectFrom('records').select(['entity', 'id', 'seq', 'data']).where('customer_id', '=', customerId(i)).orderBy('entity').orderBy('id').execute();
    const vault = await h.store.db.selectFrom('card_vault').select(['payment_method_id', 'wrapped_dek', 'ciphertext']).where('customer_id', '=', customerId(i)).orderBy('payment_method_id').execute();
    const attempted = await h.store.db.selectFrom('records').select('id').where('id', '=', attemptedId).execute();
    return { records, vault, attempted };
  }
  const lastAudit = (action: string) => h.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq', 'desc').executeTakeFirstOrThrow();

  /** The verifications a hostile desk could send for customer `i`, each made now by the store's clock. */
  const BAD: [string, (i: number) => Promise<Record<string, unknown>>][] = [
    ['no verificationId at all', async () => ({})],
    ['a null verificationId', async () => ({ verificationId: null })],
    ['a verification of another customer', async (i) => ({ verificationId: await h.verified(clerk, i + 1) })],
    ['another user’s verification of this customer', async (i) => ({ verificationId: await h.verified(otherClerk, i) })],
    ['a care rep’s verification of this customer', async (i) => ({ verificationId: await h.verified(rep, i) })],
    ['a failed verification', async (i) => ({ verificationId: await failedVerification(clerk, i) })],
    ['a made-up id', async () => ({ verificationId: randomUUID() })],
    [
      'a verification that ran out by the store’s clock (30 minutes and 10 seconds: an online call gets no outage grace)',
      async (i) => {
        const verificationId = await h.verified(clerk, i);
        h.clock.advance(VALIDITY_MS + 10_000);
        return { verificationId };
      },
    ],
  ];

  describe('replacing a card', () => {
    it.each(BAD)('refuses %s, changes nothing, and audits the refusal', async (_what, make) => {
      const method = h.customer(0).paymentMethods[0]!;
      const replacementId = randomUUID();
      const extra = await make(0);
      const before = await snapshot(0, replacementId);
      const res = await h.replaceCard(clerk, method.id, card, replacementId, extra);
      expect(res.status).toBe(403);
      expect(res.json.error).toMatchObject({ code: 'forbidden', issues: [{ field: 'verificationId', rule: 'caller.not_verified', message: expect.stringContaining('replace a card') }] });
      expect(await snapshot(0, replacementId)).toEqual(before);
      expect(await lastAudit('card.replace')).toMatchObject({ outcome: 'denied', user_id: clerk.user.id, customer_id: customerId(0), entity_id: method.id, detail: expect.stringContaining('caller.not_verified') });
    });

    it('refuses the card before looking at it: an unverified call learns nothing of its card’s faults', async () => {
      const res = await h.replaceCard(clerk, h.customer(0).paymentMethods[0]!.id, { ...card, cvv: '123' });
      expect(res.json.error.issues.map((i: { rule: string }) => i.rule)).toEqual(['caller.not_verified']);
    });

    it('replaces the card with this clerk’s current verification of this customer, and records it on the audit row', async () => {
      const method = h.customer(0).paymentMethods[0]!;
      const verificationId = await h.verified(clerk, 0);
      h.clock.advance(VALIDITY_MS - 1000);
      const replacementId = randomUUID();
      const res = await h.replaceCard(clerk, method.id, card, replacementId, { verificationId });
      expect(res.status).toBe(200);
      expect(res.json.paymentMethod).toMatchObject({ id: replacementId, last4: PAN.slice(-4) });
      expect(await lastAudit('card.replace')).toMatchObject({ outcome: 'ok', user_id: clerk.user.id, customer_id: customerId(0), entity_id: replacementId, detail: expect.stringContaining(`caller verification ${verificationId}`) });
    });

    it('lets no care rep replace a card, whatever verification it sends', async () => {
      const method = h.customer(3).paymentMethods[0]!;
      const replacementId = randomUUID();
      const before = await snapshot(3, replacementId);
      const res = await h.replaceCard(rep, method.id, card, replacementId, { verificationId: await h.verified(rep, 3) });
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe('forbidden');
      expect(await snapshot(3, replacementId)).toEqual(before);
      expect(await lastAudit('card.replace')).toMatchObject({ outcome: 'denied', user_id: rep.user.id, detail: 'role may not replace cards' });
    });
  });

  describe('a credit the caller asked for', () => {
    const account = (i: number) => h.customer(i).billingAccount;
    const balance = async (i: number) => (await h.record('billingAccount', account(i).id)).data.balanceCents as number;

    it.each(BAD)('refuses %s, moves no money, and audits the refusal', async (_what, make) => {
      const id = randomUUID();
      const extra = await make(4);
      const before = await snapshot(4, id);
      const res = await h.adjust(clerk, account(4).id, { id, kind: 'credit', amountCents: -2500, reason: 'Caller says the outage lasted two days', requestedBy: 'caller', ...extra });
      expect(res.status).toBe(403);
      expect(res.json.error).toMatchObject({ code: 'forbidden', issues: [{ field: 'verificationId', rule: 'caller.not_verified', message: expect.stringContaining('record a credit') }] });
      expect(await snapshot(4, id)).toEqual(before);
      expect(await lastAudit('billing.adjustment')).toMatchObject({ outcome: 'denied', user_id: clerk.user.id, customer_id: customerId(4), entity_id: id, detail: expect.stringContaining('caller.not_verified') });
    });

    it('records it with this clerk’s current verification, kept on the record and named on the audit row', async () => {
      const before = await balance(4);
      const verificationId = await h.verified(clerk, 4);
      const id = randomUUID();
      const res = await h.adjust(clerk, account(4).id, { id, kind: 'credit', amountCents: -2500, reason: 'Caller says the outage lasted two days', requestedBy: 'caller', verificationId });
      expect(res.status).toBe(200);
      expect((await h.record('billingAdjustment', id)).data).toMatchObject({ requestedBy: 'caller', verificationId, amountCents: -2500 });
      expect(await balance(4)).toBe(before - 2500);
      expect(await lastAudit('billing.adjustment')).toMatchObject({ outcome: 'ok', entity_id: id, detail: expect.stringContaining(`requested by the caller, caller verification ${verificationId}`) });
    });

    it('records an internal correction without a verification, and keeps that it was internal', async () => {
      const before = await balance(5);
      const id = randomUUID();
      const res = await h.adjust(clerk, account(5).id, { id, kind: 'adjustment', amountCents: 700, reason: 'Billing error corrected: fee missed in March', requestedBy: 'internal' });
      expect(res.status).toBe(200);
      expect((await h.record('billingAdjustment', id)).data).toMatchObject({ requestedBy: 'internal', verificationId: null });
      expect(await balance(5)).toBe(before + 700);
      expect(await lastAudit('billing.adjustment')).toMatchObject({ outcome: 'ok', entity_id: id, detail: expect.stringContaining('internal, no caller') });
    });

    it('refuses a credit that does not say who asked for it, naming the field', async () => {
      const res = await h.adjust(clerk, account(5).id, { kind: 'credit', amountCents: -100, reason: 'Goodwill' });
      expect(res.status).toBe(400);
      expect(res.json.error.issues).toEqual([expect.objectContaining({ field: 'requestedBy' })]);
    });

    it('lets no care rep record one, whatever verification it sends', async () => {
      const before = await balance(6);
      const res = await h.adjust(rep, account(6).id, { kind: 'credit', amountCents: -100, reason: 'Goodwill', requestedBy: 'caller', verificationId: await h.verified(rep, 6) });
      expect(res.status).toBe(403);
      expect(await balance(6)).toBe(before);
    });
  });

  it('keeps an audit chain that verifies', async () => {
    expect((await h.store.admin.verifyAudit()).ok).toBe(true);
  });
});
