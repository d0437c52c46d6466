import { billingUi } from './support/billingUi';
import { customerNo, nameOf, openCustomer, signInAndSync } from './support/consoleUi';
import { capture, expect, test } from './support/fixtures';

/**
 * Issue 13, "nothing costly happens by accident", on two desks: a billing clerk's $1,500 credit is
 * reviewed with the approval it needs and, confirmed, waits with the balance unchanged; the
 * supervisor's approvals queue shows it as money with whose account it is, who recorded it and why,
 * and approves it; the clerk's balance then moves. A mistake is taken back by a linked reversal,
 * which itself waits above the threshold. Real desks, the real central store (threshold $500).
 */
const money = (cents: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);

test('a $1,500 credit waits for a supervisor, who approves it in Approvals; the balance moves then; its reversal is linked', async ({ openDesk, central }) => {
  const clerk = await openDesk({ name: 'desk of Bea' });
  const sup = await openDesk({ name: 'desk of Sam' });
  await signInAndSync(clerk.page, 'billing.bea');
  await signInAndSync(sup.page, 'sup.sam');
  const c = customerNo(8);
  const balance = c.billingAccount.balanceCents;
  const page = clerk.page;
  const b = billingUi(page);

  // the clerk records it: the review says it needs approval; confirmed, it waits and the balance stays
  await openCustomer(page, c);
  await page.keyboard.press('Alt+B');
  await expect(b.history).toBeVisible();
  await expect(page.getByTestId('balance')).toHaveText(money(balance));
  await page.keyboard.press('Alt+R');
  await page.getByLabel('Amount (USD)').fill('1500');
  await page.getByLabel('Reason', { exact: true }).fill('Outage credit for the quarter');
  // a goodwill credit billing found itself: no caller to verify
  await page.getByRole('radio', { name: /^No one: internal/ }).check();
  await page.getByLabel('Reason', { exact: true }).press('Enter');
  const review = page.getByRole('group', { name: 'Review the credit' });
  await expect(review.getByRole('note').filter({ hasText: 'Needs a supervisor’s approval' })).toBeVisible();
  await review.getByRole('button', { name: 'Confirm and record $1,500.00' }).click();
  await expect(b.history.getByRole('status')).toContainText('It waits for a supervisor’s approval: the balance does not move until then.');
  const credit = b.history.getByRole('listitem').filter({ hasText: 'Outage credit for the quarter' });
  await expect(credit).toContainText('Waiting for a supervisor’s approval', { timeout: 20_000 });
  await expect(credit).toContainText('The balance is unchanged until a supervisor approves it.');
  await expect(credit.getByRole('button', { name: 'Reverse' })).toHaveCount(0);
  await expect(page.getByTestId('balance')).toHaveText(money(balance));

  // the supervisor's queue: the customer, the account, the amount as money in its currency, who, when, why
  await sup.page.getByRole('button', { name: /Approvals/ }).click();
  const item = sup.page.getByRole('region', { name: /Waiting for a decision/ }).getByRole('listitem').filter({ hasText: nameOf(c) });
  await expect(item).toContainText('Credit', { timeout: 20_000 });
  await expect(item).toContainText(`account ${c.customer.accountNumber}`);
  await expect(item).toContainText('−$1,500.00 USD, lowers the balance');
  await expect(item).toContainText('above $500.00');
  await expect(item).toContainText(/Asked by\s*no one: an internal correction/);
  await expect(item).toContainText('Bea Billing');
  await expect(item).toContainText('“Outage credit for the quarter”');
  await item.getByLabel('Reason for the decision').fill('Outage confirmed by network operations');
  await capture(sup.page, 'adjustment-approval');
  await item.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(sup.page.getByRole('region', { name: 'Decided' })).toContainText('Approved by Sam Supervisor', { timeout: 20_000 });

  // the clerk's desk: approved, and the balance moved by the store's approval
  await expect(credit).toContainText('Approved by Sam Supervisor', { timeout: 20_000 });
  await expect(page.getByTestId('balance')).toHaveText(money(balance - 150_000));

  // a mistake: reversed with a reason, reviewed as money; above the threshold the reversal waits too
  await credit.getByRole('button', { name: 'Reverse' }).click();
  await page.getByLabel('Reason for the reversal').fill('Credited the wrong customer');
  await page.getByLabel('Reason for the reversal').press('Enter');
  const reversalReview = page.getByRole('group', { name: 'Review the reversal' });
  await expect(reversalReview).toContainText('Reversal of $1,500.00 USD');
  await expect(reversalReview).toContainText('once approved, it raises the balance by $1,500.00');
  await expect(reversalReview.getByRole('note')).toContainText('Needs a supervisor’s approval');
  await reversalReview.getByRole('button', { name: 'Confirm the reversal of $1,500.00' }).click();
  const reversal = b.history.getByRole('listitem').filter({ hasText: 'Credited the wrong customer' });
  await expect(reversal).toContainText('Reversal', { timeout: 20_000 });
  await expect(reversal).toContainText('Takes back the credit of $1,500.00');
  await expect(credit).toContainText('Being reversed by the reversal');
  await expect(credit.getByRole('button', { name: 'Reverse' })).toHaveCount(0);
  await expect(page.getByTestId('balance')).toHaveText(money(balance - 150_000));
  // the link goes to the entry it names
  await reversal.getByRole('button', { name: /^the credit of \$1,500\.00/ }).click();
  await expect(credit).toBeFocused();
  await reversal.scrollIntoViewIfNeeded();
  await capture(page, 'adjustment-history');

  // the store holds the original as recorded and approved, and the reversal naming it
  const rows = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'billingAdjustment').where('customer_id', '=', c.customer.id).execute();
  const stored = rows.map((r) => JSON.parse(String(r.data)) as Record<string, unknown>);
  const original = stored.find((r) => r.reason === 'Outage credit for the quarter')!;
  expect(original).toMatchObject({ amountCents: -150_000, status: 'applied', decidedBy: 'Sam Supervisor' });
  expect(stored.find((r) => r.reverses === original.id)).toMatchObject({ amountCents: 150_000, status: 'awaiting_approval' });
});
