import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCard } from '../../central/billing/cardVault';
import { keyringFromFile } from '../../central/billing/masterKeys';
import { API, PaymentMethod, type PullLine } from '../../domain';
import { foundInFiles, foundInTexts, spellings, testCardNumber } from '../support/cardLeaks';
import { Harness, type TestSession } from './harness';
import { storedFiles } from '../support/storedBytes';

/**
 * Billing at the central store: a new card goes into the card vault and nowhere else, comes back
 * masked, and is audited without its number; credits and adjustments move the balance; every read
 * of billing data is an audit event; a care rep gets none of it.
 */
const PAN = testCardNumber('45560017');
const year = new Date().getUTCFullYear();
const goodCard = { cardNumber: PAN.match(/.{4}/g)!.join(' '), expMonth: 8, expYear: year + 3, holderName: 'Dana Whitfield', billingZip: '02110' };

describe('billing at the central store', () => {
  let h: Harness;
  let clerk: TestSession;
  let rep: TestSession;
  let supervisor: TestSession;
  let seq = 0;

  beforeAll(async () => {
    h = await Harness.start({ customers: 6 });
    clerk = await h.session('billing_clerk');
    rep = await h.session('care_rep');
    supervisor = await h.session('supervisor');
  });
  afterAll(() => h.dispose());

  const methodOf = (i: number) => h.customer(i).paymentMethods[0]!;
  /** the clerk's verification of each customer's caller, as a desk sends it with a card (billingCaller.test.ts attacks it) */
  const onCall = new Map<number, string>();
  const caller = async (i: number) => ({ verificationId: onCall.get(i) ?? onCall.set(i, await h.verified(clerk, i)).get(i)! });
  const vaultRow = (id: string) => h.store.db.selectFrom('card_vault').selectAll().where('payment_method_id', '=', id).executeTakeFirst();
  const auditRows = (action: string) => h.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();

  describe('replacing a card', () => {
    let replacementId: string;
    let response: Awaited<ReturnType<Harness['replaceCard']>>;

    beforeAll(async () => {
      replacementId = randomUUID();
      response = await h.replaceCard(clerk, methodOf(0).id, goodCard, replacementId, await caller(0));
    });

    it('stores the card in the vault, encrypted, and answers with the masked form only', async () => {
      expect(response.status).toBe(200);
      expect(response.json.replaced).toBe(methodOf(0).id);
      const masked = PaymentMethod.parse(response.json.paymentMethod);
      expect(masked).toMatchObject({ id: replacementId, brand: 'visa', last4: PAN.slice(-4), expMonth: 8, expYear: year + 3, holderName: 'Dana Whitfield', billingZip: '02110', isDefault: true });
      expect(Object.keys(response.json.paymentMethod).sort()).toEqual(['billingAccountId', 'billingZip', 'brand', 'customerId', 'expMonth', 'expYear', 'holderName', 'id', 'isDefault', 'last4']);
      const row = (await vaultRow(replacementId))!;
      expect(openCard(keyringFromFile(join(h.dataDir, 'card-keys.json')), row)).toBe(PAN);
    });

    it('retires the old payment method and its encrypted card in the same transaction', async () => {
      expect(await vaultRow(methodOf(0).id)).toBeUndefined();
      const old = await h.store.db.selectFrom('records').select('data').where('entity', '=', 'paymentMethod').where('id', '=', methodOf(0).id).executeTakeFirstOrThrow();
      expect(old.data).toBeNull();
      const { lines } = await h.pull(clerk);
      const puts = lines.filter((l): l is Extract<PullLine, { t: 'put' }> => l.t === 'put' && l.entity === 'paymentMethod');
      expect(puts.map((p) => p.id)).toContain(replacementId);
      expect(puts.map((p) => p.id)).not.toContain(methodOf(0).id);
    });

    it('answers a retry with the same replacement id without replacing anything twice', async () => {
      const again = await h.replaceCard(clerk, methodOf(0).id, goodCard, replacementId, await caller(0));
      expect(again.status).toBe(200);
      expect(again.json.paymentMethod.id).toBe(replacementId);
      expect(await h.store.db.selectFrom('card_vault').select('payment_method_id').where('customer_id', '=', h.customer(0).customer.id).execute()).toHaveLength(Object.keys(h.customer(0).secrets.cardNumbers).length);
    });

    it('writes an audit event naming the fields, with user, role, device and time, and no card number', async () => {
      const [row] = (await auditRows('card.replace')).filter((r) => r.outcome === 'ok');
      expect(row).toMatchObject({ user_id: clerk.user.id, role: 'billing_clerk', device_id: clerk.device.id, entity: 'paymentMethod', entity_id: replacementId, customer_id: h.customer(0).customer.id });
      expect(row!.detail).toContain(`caller verification ${onCall.get(0)}`);
      expect(JSON.parse(row!.fields)).toEqual(['brand', 'last4', 'expMonth', 'expYear', 'holderName', 'billingZip']);
      expect(row!.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    it.each([
      ['a number failing the Luhn check', { cardNumber: PAN.slice(0, -1) + String((Number(PAN.at(-1)) + 3) % 10) }, 'cardNumber', 'card.luhn'],
      ['an expiry in the past', { expMonth: 1, expYear: year - 1 }, 'expYear', 'card.expired'],
      ['a bad billing ZIP', { billingZip: '0211' }, 'billingZip', 'zip.format'],
      ['a security code', { cvv: '737' }, 'cvv', 'card.security_code'],
    ])('refuses %s, naming the rule, and saves nothing', async (_what, change, field, rule) => {
      const target = methodOf(1);
      const before = { record: await h.record('paymentMethod', target.id), vault: await vaultRow(target.id) };
      const res = await h.replaceCard(clerk, target.id, { ...goodCard, ...change }, undefined, await caller(1));
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ code: 'validation', issues: [expect.objectContaining({ field, rule })] });
      expect({ record: await h.record('paymentMethod', target.id), vault: await vaultRow(target.id) }).toEqual(before);
      const denied = (await auditRows('card.replace')).at(-1)!;
      expect(denied).toMatchObject({ outcome: 'denied', user_id: clerk.user.id, detail: expect.stringContaining(rule) });
    });

    it('lets no other role put a card on file, and audits the attempt', async () => {
      for (const who of [rep, supervisor]) {
        // even with a verification of the caller of their own
        const res = await h.replaceCard(who, methodOf(2).id, goodCard, undefined, { verificationId: await h.verified(who, 2) });
        expect(res.status).toBe(403);
        expect(res.json.error.code).toBe('forbidden');
      }
      expect((await auditRows('card.replace')).filter((r) => r.outcome === 'denied' && [rep.user.id, supervisor.user.id].includes(r.user_id!))).toHaveLength(2);
      expect(await vaultRow(methodOf(2).id)).toBeDefined();
    });

    it('does not echo a card number sent in a malformed body', async () => {
      const res = await h.call(clerk.device.agent, 'POST', API.replaceCard(methodOf(3).id), { token: clerk.token, rawBody: `{"replacementId": "x", "card": {"cardNumber": "${PAN}" x` });
      expect(res.status).toBe(400);
      expect(res.text).not.toContain(PAN);
    });
  });

  describe('credits and adjustments', () => {
    const account = (i: number) => h.customer(i).billingAccount;
    const balance = async (i: number) => (await h.record('billingAccount', account(i).id)).data.balanceCents as number;

    it('records a credit with who and when, and lowers the balance in the same transaction', async () => {
      const before = await balance(4);
      const res = await h.adjust(clerk, account(4).id, { kind: 'credit', amountCents: -1250, reason: 'Outage on the 3rd', requestedBy: 'caller', ...(await caller(4)) });
      expect(res.status).toBe(200);
      expect(res.json.adjustment).toMatchObject({ kind: 'credit', amountCents: -1250, reason: 'Outage on the 3rd', recordedBy: clerk.user.displayName, customerId: h.customer(4).customer.id, requestedBy: 'caller', verificationId: onCall.get(4), status: 'applied' });
      expect(await balance(4)).toBe(before - 1250);
      expect(res.json.balanceCents).toBe(before - 1250);
      const [row] = await auditRows('billing.adjustment');
      expect(row).toMatchObject({ outcome: 'ok', user_id: clerk.user.id, role: 'billing_clerk', device_id: clerk.device.id, fields: '["kind","amountCents","reason","status"]' });
      expect(row!.detail).not.toContain('1250');
      expect(row!.detail).not.toContain('Outage');
    });

    it('records an adjustment once, however often it is sent', async () => {
      const before = await balance(5);
      const body = { id: randomUUID(), kind: 'adjustment', amountCents: 900, reason: 'Late fee reinstated', requestedBy: 'internal' };
      expect((await h.adjust(clerk, account(5).id, body)).status).toBe(200);
      expect((await h.adjust(clerk, account(5).id, body)).status).toBe(200);
      expect(await balance(5)).toBe(before + 900);
    });

    it('refuses a credit that would raise the balance, naming the rule', async () => {
      const res = await h.adjust(clerk, account(4).id, { kind: 'credit', amountCents: 500, reason: 'Wrong sign', requestedBy: 'internal' });
      expect(res.status).toBe(400);
      expect(res.json.error.issues).toEqual([expect.objectContaining({ field: 'amountCents', rule: 'adjustment.credit_lowers' })]);
    });

    it('refuses a care rep', async () => {
      const res = await h.adjust(rep, account(4).id, { kind: 'credit', amountCents: -100, reason: 'Trying', requestedBy: 'caller', verificationId: await h.verified(rep, 4) });
      expect(res.status).toBe(403);
    });
  });

  describe('edits by a billing clerk', () => {
    it('applies a billing address correction', async () => {
      const acct = h.customer(3).billingAccount;
      const address = { line1: '77 Summer Street', city: 'Boston', state: 'MA', zip: '02110' };
      const res = await h.push(clerk, [h.mutation(clerk, ++seq, { entity: 'billingAccount', id: acct.id }, { billingAddress: acct.billingAddress }, { billingAddress: address }, { reason: 'Customer moved' })]);
      expect(res.json.results[0]).toMatchObject({ status: 'applied' });
      expect((await h.record('billingAccount', acct.id)).data.billingAddress).toEqual(address);
    });

    it('refuses a change of a customer name, email or phones', async () => {
      const { customer } = h.customer(3);
      const res = await h.push(clerk, [
        h.mutation(clerk, ++seq, { entity: 'customer', id: customer.id }, { firstName: customer.firstName, email: customer.email, phones: customer.phones }, { firstName: 'Changed', email: 'changed@example.com', phones: [{ kind: 'mobile', number: '+12125550100' }] }),
      ]);
      expect(res.json.results[0]).toMatchObject({ status: 'rejected', rejection: { code: 'forbidden' } });
      expect(res.json.results[0].rejection.issues.map((i: { field: string; rule: string }) => `${i.field}:${i.rule}`)).toEqual(['firstName:policy.write', 'email:policy.write', 'phones:policy.write']);
      expect((await h.record('customer', customer.id)).data).toMatchObject({ firstName: customer.firstName, email: customer.email });
    });
  });

  describe('reads of billing data', () => {
    it('sends a care rep no invoice, payment, payment method, credit or adjustment, even on a direct call', async () => {
      const { lines } = await h.pull(rep);
      const entities = new Set(lines.flatMap((l) => (l.t === 'put' || l.t === 'del' ? [l.entity] : [])));
      for (const hidden of ['invoice', 'payment', 'paymentMethod', 'billingAdjustment'] as const) expect(entities.has(hidden), hidden).toBe(false);
      const text = JSON.stringify(lines);
      expect(text).not.toMatch(/"last4"|"failureReason"|"lines"/);
    });

    it('audits each pull that carries billing data to a workstation, with user, role, device and time', async () => {
      const before = (await auditRows('billing.read')).length;
      await h.pull(clerk);
      await h.pull(rep);
      const rows = (await auditRows('billing.read')).slice(before);
      expect(rows.map((r) => [r.user_id, r.role, r.device_id])).toEqual([
        [clerk.user.id, 'billing_clerk', clerk.device.id],
        [rep.user.id, 'care_rep', rep.device.id],
      ]);
      expect(rows[0]!.detail).toContain('invoice');
      expect(rows[1]!.detail).not.toContain('invoice');
    });

    it('audits a billing view reported by a workstation as a read of billing data', async () => {
      const view = { id: randomUUID(), entity: 'billingAccount', entityId: h.customer(2).billingAccount.id, at: h.clock().toISOString() };
      await h.push(clerk, [], { views: [view] });
      const [row] = (await auditRows('billing.read')).filter((r) => r.event_id === view.id);
      expect(row).toMatchObject({ user_id: clerk.user.id, role: 'billing_clerk', device_id: clerk.device.id, customer_id: h.customer(2).customer.id, entity: 'billingAccount' });
    });

    it('keeps an audit chain that verifies', async () => {
      expect((await h.store.admin.verifyAudit()).ok).toBe(true);
    });
  });

  describe('the card number typed in this run', () => {
    it('is in no response body, no audit row, and not in the database file as plaintext', async () => {
      const needles = spellings(PAN);
      expect(foundInTexts(h.responses, needles)).toEqual([]);
      expect(foundInTexts([JSON.stringify(await h.store.db.selectFrom('audit_log').selectAll().execute())], needles)).toEqual([]);
      expect(foundInFiles(await storedFiles(h.store), needles)).toEqual([]);
    });
  });
});
