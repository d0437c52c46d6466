import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADJUSTMENT_APPROVAL_ABOVE_CENTS } from '../../../domain/entities';
import { demoCustomer } from '../../../domain/demo/generator';
import { DEMO_SEED, startTestCentral, type TestCentral } from '../../support/central';
import { eventually, startWorkstation, type TestWorkstation } from '../../support/workstation';
import { signInDesk } from '../../support/secondFactor';

/**
 * Issue 13 across desks: the clerk's desk learns the store's approval threshold at sign-in and its
 * billing tab says it; a credit above it waits, balance unchanged; the supervisor's desk lists it in
 * its approvals queue (with whose account and in which currency) and approves it through the declared
 * operation's channel; the clerk's balance then moves; a reversal comes back linked. Real store, real
 * caches.
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });
const ABOVE = DEFAULT_ADJUSTMENT_APPROVAL_ABOVE_CENTS + 10_000;

let central: TestCentral;
let clerk: TestWorkstation;
let supervisor: TestWorkstation;
let rep: TestWorkstation;

async function signedIn(username: string): Promise<TestWorkstation> {
  const ws = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl, deviceName: `desk of ${username}` });
  await signInDesk(ws, username);
  await ws.call('sync.now');
  return ws;
}

beforeAll(async () => {
  central = await startTestCentral({ customers: 12, users: { 'clerk.one': 'billing_clerk', 'sup.one': 'supervisor', 'rep.one': 'care_rep' } });
  clerk = await signedIn('clerk.one');
  supervisor = await signedIn('sup.one');
  rep = await signedIn('rep.one');
});

afterAll(async () => {
  await clerk?.dispose();
  await supervisor?.dispose();
  await rep?.dispose();
  await central?.dispose();
});

describe('a credit above the approval threshold, desk to desk', () => {
  const d = demo(4);
  const billing = () => clerk.call('billing.open', { customerId: d.customer.id });
  let waitingId: string;

  it("says the store's threshold on the clerk's billing tab, and that this role may reverse", async () => {
    const view = await billing();
    expect(view.approvalAboveCents).toBe(DEFAULT_ADJUSTMENT_APPROVAL_ABOVE_CENTS);
    expect(view.may).toEqual({ replaceCard: true, recordAdjustment: true, reverseAdjustment: true });
  });

  it('records it awaiting approval; the balance on the clerk’s desk does not move', async () => {
    const { adjustment } = await clerk.call('billingAccount.recordAdjustment', { customerId: d.customer.id, kind: 'credit', amountCents: -ABOVE, reason: 'Outage credit for the quarter', requestedBy: 'internal' });
    expect(adjustment).toMatchObject({ status: 'awaiting_approval', approvalAboveCents: DEFAULT_ADJUSTMENT_APPROVAL_ABOVE_CENTS });
    waitingId = adjustment.id;
    const view = await eventually(async () => {
      const v = await billing();
      return v.adjustments.some((a) => a.id === waitingId) ? v : null;
    }, 15_000, 'credit pulled');
    expect(view.adjustments.find((a) => a.id === waitingId)).toMatchObject({ status: 'awaiting_approval' });
    expect(view.account?.balanceCents).toBe(d.billingAccount.balanceCents);
  });

  it("lists it in the supervisor's approvals queue with the customer, the account and its currency, and nothing applied without approval", async () => {
    const queue = await eventually(async () => {
      const items = await supervisor.call('records.list', { entity: 'billingAdjustment' });
      return items.some((i) => i.record.id === waitingId) ? items : null;
    }, 15_000, 'credit on the supervisor desk');
    expect(queue).toEqual([expect.objectContaining({ customerName: `${d.customer.firstName} ${d.customer.lastName}`, accountNumber: d.customer.accountNumber, currency: 'USD', record: expect.objectContaining({ amountCents: -ABOVE, recordedBy: 'clerk one' }) })]);
    // a care rep's desk has no credits or adjustments to list
    await expect(rep.call('records.list', { entity: 'billingAdjustment' })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('refuses the decision on the clerk’s desk before anything is sent; the supervisor approves, and the clerk’s balance moves', async () => {
    await expect(clerk.call('billingAdjustment.decide', { adjustmentId: waitingId, decision: 'approve', reason: 'my own credit' })).rejects.toMatchObject({ code: 'forbidden' });
    const { adjustment } = await supervisor.call('billingAdjustment.decide', { adjustmentId: waitingId, decision: 'approve', reason: 'Outage confirmed' });
    expect(adjustment).toMatchObject({ status: 'applied', decidedBy: 'sup one', decisionReason: 'Outage confirmed' });
    const view = await eventually(async () => {
      const v = await billing();
      return v.account?.balanceCents === d.billingAccount.balanceCents - ABOVE ? v : null;
    }, 15_000, 'balance moved on the clerk desk');
    expect(view.adjustments.find((a) => a.id === waitingId)).toMatchObject({ status: 'applied', decidedBy: 'sup one' });
    const again = supervisor.call('billingAdjustment.decide', { adjustmentId: waitingId, decision: 'decline', reason: 'second thoughts' });
    await expect(again).rejects.toMatchObject({ code: 'conflict', issues: [expect.objectContaining({ rule: 'adjustment.not_awaiting_approval' })] });
  });

  it('reverses it with a linked reversal, itself awaiting approval above the threshold; a second reversal is refused naming the rule', async () => {
    const id = randomUUID();
    const { adjustment } = await clerk.call('billingAdjustment.reverse', { id, billingAccountId: d.billingAccount.id, adjustmentId: waitingId, reason: 'Credited the wrong customer' });
    expect(adjustment).toMatchObject({ id, reverses: waitingId, amountCents: ABOVE, status: 'awaiting_approval' });
    await expect(clerk.call('billingAdjustment.reverse', { id: randomUUID(), billingAccountId: d.billingAccount.id, adjustmentId: waitingId, reason: 'Again' })).rejects.toMatchObject({
      code: 'conflict',
      issues: [expect.objectContaining({ rule: 'reversal.twice' })],
    });
    const view = await eventually(async () => {
      const v = await billing();
      return v.adjustments.some((a) => a.reverses === waitingId) ? v : null;
    }, 15_000, 'reversal pulled');
    expect(view.account?.balanceCents).toBe(d.billingAccount.balanceCents - ABOVE);
  });
});
