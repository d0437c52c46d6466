import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { CareDeskError } from '../../../domain/errors';
import { PaymentMethod } from '../../../domain/entities';
import { accessOf } from '../../../domain/policy';
import type { EntityName } from '../../../domain/entities';
import { cacheContents } from '../../support/cacheContents';
import { filesUnder, foundInFiles, foundInTexts, spellings, testCardNumber } from '../../support/cardLeaks';
import { DEMO_SEED, startTestCentral, type TestCentral } from '../../support/central';
import { recordResponseBodies } from '../../support/responseRecorder';
import { eventually, startWorkstation, type TestWorkstation } from '../../support/workstation';
import { signInDesk } from '../../support/secondFactor';

/**
 * A billing clerk's workstation against a real central store: the billing projection in the
 * encrypted cache and nothing more, card replacement straight through to the card vault, credits,
 * the billing address through the outbox, and every read audited. A care rep's cache has no
 * invoices, payments or payment methods at all.
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });
const PAN = testCardNumber('4916338');
const year = new Date().getUTCFullYear();
const card = (overrides: Record<string, unknown> = {}) => ({ cardNumber: PAN, expMonth: 4, expYear: year + 2, holderName: 'Morgan Reyes', billingZip: '94107', ...overrides });

let central: TestCentral;
let clerk: TestWorkstation;
let rep: TestWorkstation;
const recorder = recordResponseBodies();

/** The customer's caller verified on this desk, as a clerk does on the call before a card or a credit they ask for. */
async function verified(ws: TestWorkstation, d: ReturnType<typeof demo>): Promise<string> {
  const result = await ws.call('customer.verifyCaller', { customerId: d.customer.id, method: 'ssn_last4', answer: d.secrets.ssnLast4 });
  expect(result.verified).toBe(true);
  return result.verificationId!;
}

async function signedIn(username: string): Promise<TestWorkstation> {
  const ws = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl, deviceName: `desk of ${username}` });
  await signInDesk(ws, username);
  await ws.call('sync.now');
  return ws;
}

beforeAll(async () => {
  central = await startTestCentral({ customers: 40, users: { 'clerk.one': 'billing_clerk', 'rep.one': 'care_rep' } });
  clerk = await signedIn('clerk.one');
  rep = await signedIn('rep.one');
});

afterAll(async () => {
  recorder.stop();
  await clerk?.dispose();
  await rep?.dispose();
  await central?.dispose();
});

describe("a care rep's workstation", () => {
  it('holds no invoice, payment, payment method, credit or adjustment rows in its cache', async () => {
    const { records } = await cacheContents(rep, 'rep.one');
    const entities = new Set(records.map((r) => r.entity));
    expect(entities).toEqual(new Set(['customer', 'serviceLine', 'billingAccount', 'order', 'lead', 'inquiry']));
    for (const account of records.filter((r) => r.entity === 'billingAccount')) expect(account.data).not.toHaveProperty('billingAddress');
  });

  it('refuses to open a billing tab', async () => {
    await expect(rep.call('billing.open', { customerId: demo(1).customer.id })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe("a billing clerk's workstation", () => {
  it('holds the billing projection in its cache, and no field the role may not see', async () => {
    const { records } = await cacheContents(clerk, 'clerk.one');
    const entities = new Set(records.map((r) => r.entity));
    for (const entity of ['customer', 'billingAccount', 'invoice', 'payment', 'paymentMethod']) expect(entities.has(entity), entity).toBe(true);
    for (const hidden of ['lead', 'inquiry', 'erasureRequest']) expect(entities.has(hidden), hidden).toBe(false);
    for (const { entity, data } of records) {
      for (const field of Object.keys(data)) expect(accessOf(entity as EntityName, field, 'billing_clerk'), `${entity}.${field}`).not.toBe('hidden');
    }
    for (const method of records.filter((r) => r.entity === 'paymentMethod')) PaymentMethod.parse(method.data);
  });

  it('opens a billing tab: account, invoices with their lines, payments with failure reasons, masked payment methods', async () => {
    const d = demo(2);
    const view = await clerk.call('billing.open', { customerId: d.customer.id });
    expect(view.account).toMatchObject({ id: d.billingAccount.id, billingAddress: d.billingAccount.billingAddress });
    expect(view.invoices.map((i) => i.number).sort()).toEqual(d.invoices.map((i) => i.number).sort());
    expect(view.invoices[0]!.lines!.length).toBeGreaterThan(0);
    expect(view.payments.map((p) => p.id).sort()).toEqual(d.payments.map((p) => p.id).sort());
    expect(view.paymentMethods.map((m) => m.last4).sort()).toEqual(d.paymentMethods.map((m) => m.last4).sort());
    expect(JSON.stringify(view)).not.toMatch(/\d{12,19}/);
    expect(view.editablePaths).toEqual(['status', 'autopay', 'billingAddress']);
    expect(view.may).toEqual({ replaceCard: true, recordAdjustment: true, reverseAdjustment: true });
  });

  it('reports each billing tab view for the audit log, once per customer in ten minutes', async () => {
    const d = demo(3);
    await clerk.call('billing.open', { customerId: d.customer.id });
    await clerk.call('billing.open', { customerId: d.customer.id });
    const rows = await eventually(async () => {
      const found = await central.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'billing.read').where('customer_id', '=', d.customer.id).execute();
      return found.length ? found : null;
    }, 10_000, 'billing view audited');
    expect(rows).toHaveLength(1);
    const user = await central.store.db.selectFrom('users').select('id').where('username', '=', 'clerk.one').executeTakeFirstOrThrow();
    expect(rows[0]).toMatchObject({ user_id: user.id, role: 'billing_clerk', entity: 'billingAccount', entity_id: d.billingAccount.id, outcome: 'ok' });
    expect(rows[0]!.device_id).toBeTruthy();
  });

  it('may not change a customer name, email or phones: the core refuses and queues nothing', async () => {
    const { customer } = demo(4);
    for (const changes of [{ firstName: 'Changed' }, { email: 'changed@example.com' }, { phones: [{ kind: 'mobile', number: '(212) 555-0100' }] }]) {
      await expect(clerk.call('records.change', { operation: 'customer.editContact', id: customer.id, values: changes, reason: 'trying anyway' })).rejects.toMatchObject({
        code: 'forbidden',
        issues: [expect.objectContaining({ rule: 'policy.write' })],
      });
    }
    expect((await clerk.call('sync.status')).pending).toBe(0);
  });

  it('corrects a billing address through the outbox, and the central store applies it', async () => {
    const d = demo(5);
    const address = { line1: '1 Ferry Building', city: 'San Francisco', state: 'CA', zip: '94111' };
    await clerk.call('records.change', { operation: 'billingAccount.edit', id: d.billingAccount.id, values: { billingAddress: address }, reason: 'Customer moved' });
    const billing = await clerk.call('billing.open', { customerId: d.customer.id });
    expect(billing.account?.billingAddress).toEqual(address);
    expect(billing.changes).toEqual([expect.objectContaining({ status: 'pending', fields: ['billingAddress'] })]);
    await eventually(async () => (await clerk.call('sync.status')).pending === 0, 15_000, 'confirmed');
    const row = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'billingAccount').where('id', '=', d.billingAccount.id).executeTakeFirstOrThrow();
    expect(JSON.parse(row.data!).billingAddress).toEqual(address);
  });

  it('asks the central store for a caller’s attempts left before the first one', async () => {
    const d = demo(11);
    expect(await clerk.call('customers.verificationAttempts', { customerId: d.customer.id })).toEqual({ attemptsLeft: 3, lockedUntil: null });
    await clerk.call('customer.verifyCaller', { customerId: d.customer.id, method: 'account_pin', answer: d.secrets.accountPin === '0000' ? '1111' : '0000' });
    // counted per customer across users: the rep's desk sees the clerk's miss
    expect(await rep.call('customers.verificationAttempts', { customerId: d.customer.id })).toEqual({ attemptsLeft: 2, lockedUntil: null });
  });

  it('refuses a card replacement and a credit the caller asked for before the caller is verified, naming the rule, and sends nothing', async () => {
    const d = demo(12);
    const refusal = { code: 'forbidden', issues: [expect.objectContaining({ field: 'verificationId', rule: 'caller.not_verified' })] };
    await expect(clerk.call('paymentMethod.replaceCard', { customerId: d.customer.id, paymentMethodId: d.paymentMethods[0]!.id, card: card() })).rejects.toMatchObject(refusal);
    await expect(clerk.call('billingAccount.recordAdjustment', { customerId: d.customer.id, kind: 'credit', amountCents: -500, reason: 'Goodwill', requestedBy: 'caller' })).rejects.toMatchObject(refusal);
    const denied = await central.store.db.selectFrom('audit_log').select('seq').where('customer_id', '=', d.customer.id).where('outcome', '=', 'denied').execute();
    expect(denied).toEqual([]);
    // a correction no one asked for needs no caller, and says so on the record
    const { adjustment } = await clerk.call('billingAccount.recordAdjustment', { customerId: d.customer.id, kind: 'adjustment', amountCents: 300, reason: 'Billing error corrected', requestedBy: 'internal' });
    expect(adjustment).toMatchObject({ requestedBy: 'internal', verificationId: null });
  });

  it('refuses an invalid card in the core, naming the rule, and sends nothing', async () => {
    const d = demo(6);
    const methodId = d.paymentMethods[0]!.id;
    await verified(clerk, d);
    const attempts: [Record<string, unknown>, string][] = [
      [card({ cardNumber: PAN.slice(0, -1) + String((Number(PAN.at(-1)) + 1) % 10) }), 'card.luhn'],
      [card({ expMonth: 1, expYear: year - 1 }), 'card.expired'],
      [card({ billingZip: '9410' }), 'zip.format'],
      [card({ cvc: '123' }), 'card.security_code'],
    ];
    for (const [attempt, rule] of attempts) {
      const err = await clerk.call('paymentMethod.replaceCard', { customerId: d.customer.id, paymentMethodId: methodId, card: attempt }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CareDeskError);
      expect((err as CareDeskError).issues.map((i) => i.rule)).toContain(rule);
      expect(JSON.stringify(err)).not.toContain(PAN.slice(0, 8));
    }
    expect(await central.store.db.selectFrom('card_vault').select('payment_method_id').where('payment_method_id', '=', methodId).executeTakeFirst()).toBeDefined();
  });

  it('refuses a card replacement while offline, with a clear message, and saves nothing anywhere', async () => {
    const d = demo(7);
    await verified(clerk, d);
    await central.stop();
    await eventually(async () => !(await clerk.call('sync.status')).online, 15_000, 'offline');
    const err = await clerk.call('paymentMethod.replaceCard', { customerId: d.customer.id, paymentMethodId: d.paymentMethods[0]!.id, card: card() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'offline', message: expect.stringMatching(/offline now\. Nothing was saved/) });
    expect((await clerk.call('sync.status')).pending).toBe(0);
    await central.restart();
    await eventually(async () => (await clerk.call('sync.status')).online, 30_000, 'online again');
    const vault = await central.store.db.selectFrom('card_vault').select('payment_method_id').where('customer_id', '=', d.customer.id).execute();
    expect(vault.map((v) => v.payment_method_id).sort()).toEqual(d.paymentMethods.map((m) => m.id).sort());
  });

  it('replaces a card online: the answer is masked, and the next pull brings the new payment method', async () => {
    const d = demo(8);
    const old = d.paymentMethods[0]!;
    const verificationId = await verified(clerk, d);
    const spaced = PAN.match(/.{4}/g)!.join(' ');
    const { paymentMethod } = await clerk.call('paymentMethod.replaceCard', { customerId: d.customer.id, paymentMethodId: old.id, card: card({ cardNumber: spaced }) });
    expect(paymentMethod).toMatchObject({ brand: 'visa', last4: PAN.slice(-4), expMonth: 4, expYear: year + 2, holderName: 'Morgan Reyes', billingZip: '94107', isDefault: old.isDefault });
    const view = await eventually(async () => {
      const v = await clerk.call('billing.open', { customerId: d.customer.id });
      return v.paymentMethods.some((m) => m.id === paymentMethod.id) ? v : null;
    }, 15_000, 'new card pulled');
    expect(view.paymentMethods.map((m) => m.id)).not.toContain(old.id);
    const audit = await central.store.db.selectFrom('audit_log').select('detail').where('action', '=', 'card.replace').where('entity_id', '=', paymentMethod.id).executeTakeFirstOrThrow();
    expect(audit.detail).toContain(`caller verification ${verificationId}`);
  });

  it('records a credit the caller asked for online, with the verification; it arrives in the account history with who and when', async () => {
    const d = demo(9);
    const verificationId = await verified(clerk, d);
    const { adjustment } = await clerk.call('billingAccount.recordAdjustment', { customerId: d.customer.id, kind: 'credit', amountCents: -2000, reason: 'Outage credit', requestedBy: 'caller' });
    expect(adjustment).toMatchObject({ kind: 'credit', amountCents: -2000, recordedBy: 'clerk one', requestedBy: 'caller', verificationId });
    const view = await eventually(async () => {
      const v = await clerk.call('billing.open', { customerId: d.customer.id });
      return v.adjustments.some((a) => a.id === adjustment.id) ? v : null;
    }, 15_000, 'credit pulled');
    expect(view.adjustments.find((a) => a.id === adjustment.id)).toMatchObject({ reason: 'Outage credit', recordedBy: 'clerk one', recordedAt: adjustment.recordedAt });
    expect(view.account?.balanceCents).toBe(d.billingAccount.balanceCents - 2000);
  });

  it('refuses a credit while offline, with a clear message', async () => {
    const d = demo(10);
    await central.stop();
    await eventually(async () => !(await clerk.call('sync.status')).online, 15_000, 'offline');
    await expect(clerk.call('billingAccount.recordAdjustment', { customerId: d.customer.id, kind: 'credit', amountCents: -100, reason: 'Goodwill', requestedBy: 'internal' })).rejects.toMatchObject({ code: 'offline' });
    await central.restart();
    await eventually(async () => (await clerk.call('sync.status')).online, 30_000, 'online again');
  });
});

describe('the card number typed in this run', () => {
  it('is nowhere: not in the cache files, the outbox, view events, any file of the workstation, an HTTP answer, an audit row, or the database file', async () => {
    await clerk.call('sync.now');
    const needles = spellings(PAN);
    const contents = await cacheContents(clerk, 'clerk.one');
    expect(foundInFiles([contents.file], needles)).toEqual([]);
    expect(foundInTexts([JSON.stringify(contents.outbox), JSON.stringify(contents.views), JSON.stringify(contents.records)], needles)).toEqual([]);
    expect(foundInTexts(filesUnder(clerk.dataDir).map((f) => readFileSync(f, 'latin1')), needles)).toEqual([]);
    // the scans can see: the masked answer was recorded, and the store's file holds the holder name in the clear
    expect(recorder.texts().some((t) => t.includes(`"last4":"${PAN.slice(-4)}"`))).toBe(true);
    expect(foundInFiles([`${central.dataDir}/central.sqlite`], ['Morgan Reyes'])).toEqual(['Morgan Reyes']);
    expect(foundInTexts(recorder.texts(), needles)).toEqual([]);
    expect(foundInTexts([JSON.stringify(await central.store.db.selectFrom('audit_log').selectAll().execute())], needles)).toEqual([]);
    expect(foundInFiles([`${central.dataDir}/central.sqlite`], needles)).toEqual([]);
    expect(foundInTexts(filesUnder(central.dataDir).map((f) => readFileSync(f, 'latin1')), needles)).toEqual([]);
    expect((await central.store.admin.verifyAudit()).ok).toBe(true);
  });
});
