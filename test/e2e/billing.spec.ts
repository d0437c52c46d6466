import { readFileSync } from 'node:fs';
import { cacheContents } from '../support/cacheContents';
import { filesUnder, foundInFiles, foundInTexts, spellings, testCardNumber } from '../support/cardLeaks';
import { recordResponseBodies } from '../support/responseRecorder';
import { billingUi, customerWhere } from './support/billingUi';
import { formatPhone, nameOf, openCustomer, signInAndSync, ui, verifyCaller } from './support/consoleUi';
import { wrongAnswer } from './support/centralRecords';
import { capture, expect, test } from './support/fixtures';

/**
 * The billing clerk's console end to end: the billing tab of a customer (account, invoices with
 * their lines, payments with failure reasons, cards on file in masked form), a card replaced as
 * the customer reads it out, a credit and an adjustment, the billing address corrected; and the
 * card number typed found nowhere afterwards.
 */
const PAN = testCardNumber('4024007');
const year = new Date().getUTCFullYear();

test('a billing clerk checks a failed payment, replaces the card, records a credit and an adjustment, and corrects the billing address', async ({ openDesk, central }) => {
  test.setTimeout(180_000);
  const responses = recordResponseBodies();
  const { page, ws } = await openDesk({ name: 'billing desk' });
  const u = ui(page);
  const b = billingUi(page);
  await signInAndSync(page, 'billing.bea');
  const c = customerWhere((d) => d.payments.some((p) => p.status === 'failed') && d.paymentMethods.length === 2);
  const failed = c.payments.find((p) => p.status === 'failed')!;
  const card = c.paymentMethods.find((m) => m.isDefault)!;

  // search and profile as for care reps; contact data read-only
  await openCustomer(page, c);
  await expect(page.getByRole('button', { name: /^Edit/ })).toHaveCount(0);
  await page.keyboard.press('Alt+B');
  await expect(b.tab).toHaveAttribute('aria-selected', 'true');

  // the billing tab: account, invoices, payments with their failure reasons, masked cards
  await expect(b.account).toContainText('Balance');
  await expect(b.payments).toContainText(failed.failureReason!, { ignoreCase: true });
  await expect(b.payments.getByRole('row').filter({ hasText: 'Failed' }).first()).toContainText(`•••• ${card.last4}`);
  for (const m of c.paymentMethods) await expect(b.methods).toContainText(`•••• ${m.last4}`);
  await expect(b.methods).toContainText(card.holderName);
  await expect(b.invoices.getByRole('row')).toHaveCount(c.invoices.length + 1);
  await capture(page, 'billing-tab');

  // invoices by status and period, each with its lines
  await b.invoices.getByLabel('Status').selectOption('paid');
  await expect(b.invoices.getByRole('status')).toContainText(`${c.invoices.filter((i) => i.status === 'paid').length} of ${c.invoices.length} invoices`);
  await b.invoices.getByLabel('Status').selectOption('');
  const newest = [...c.invoices].sort((x, y) => y.periodStart.localeCompare(x.periodStart))[0]!;
  await b.invoices.getByLabel('Period').selectOption(newest.periodStart.slice(0, 7));
  await expect(b.invoices.getByRole('status')).toContainText(`1 of ${c.invoices.length} invoices`);
  await b.invoices.getByRole('button', { name: `Lines of invoice ${newest.number}` }).click();
  const lines = page.getByRole('table', { name: `Lines of invoice ${newest.number}` });
  // each line names its number as the console shows phones, never the stored +1… form
  for (const line of newest.lines) {
    const number = /\+\d+/.exec(line.description)![0];
    await expect(lines).toContainText(line.description.replace(number, formatPhone(number)));
  }
  await expect(lines).not.toContainText(/\+\d{6,}/);
  await expect(b.invoices).not.toContainText(/\+1\d/);
  await expect(lines).toContainText('Total');
  await b.invoices.scrollIntoViewIfNeeded();
  await capture(page, 'billing-invoice');
  await page.evaluate(() => document.querySelector('.customers-detail')?.scrollTo(0, 0));
  await capture(page, 'billing-payment-methods');

  // no card is replaced for a caller not verified (issue 13): the buttons wait, saying why; the attempts
  // left, counted by the central store across all users, show before the first one
  const tile = b.methods.getByTestId('payment-method').filter({ hasText: `•••• ${card.last4}` });
  await expect(tile.getByRole('button', { name: 'Replace card' })).toBeDisabled();
  await expect(tile.getByRole('button', { name: 'Replace card' })).toHaveAccessibleDescription(/Verify the caller first: a card is replaced only for a caller verified on this call/);
  await expect(u.verification).toContainText('Caller not verified');
  await expect(page.getByTestId('attempts-left')).toHaveText('3 attempts left');
  await expect(u.verification).toContainText('Replacing a card and recording a credit the caller asks for open once the caller is verified.');
  // the reason's own button takes the clerk to the caller's answer
  await b.methods.getByRole('button', { name: /^Verify the caller/ }).click();
  await expect(u.answer).toBeFocused();
  await u.answer.fill(wrongAnswer(c.secrets.ssnLast4));
  await u.answer.press('Enter');
  await expect(page.getByText('That answer does not match. 2 attempts left.')).toBeVisible();
  await expect(page.getByTestId('attempts-left')).toHaveText('2 attempts left');
  await expect(tile.getByRole('button', { name: 'Replace card' })).toBeDisabled();
  await capture(page, 'billing-verification');
  await u.answer.fill(c.secrets.ssnLast4);
  await u.answer.press('Enter');
  await expect(page.getByTestId('verify-window')).toContainText(/Card replacement and credits the caller asks for are open for (29|30) more minutes/);
  await expect(b.methods.getByText('Verify the caller first')).toHaveCount(0);

  // replace the card: the number is grouped and checked as it is typed; a bad one names the rule
  await tile.getByRole('button', { name: 'Replace card' }).click();
  await expect(b.cardNumber).toBeFocused();
  await expect(page.getByLabel(/security code|cvv|cvc/i)).toHaveCount(0);
  const badLuhn = PAN.slice(0, -1) + String((Number(PAN.at(-1)) + 5) % 10);
  await b.cardNumber.pressSequentially(badLuhn);
  await expect(b.cardNumber).toHaveValue(badLuhn.match(/.{4}/g)!.join(' '));
  await expect(b.cardForm.locator('.field-error').filter({ hasText: 'card.luhn' })).toBeVisible();
  await expect(b.cardNumber).toHaveAttribute('aria-invalid', 'true');
  await b.expiry.pressSequentially(`01${String(year - 1).slice(-2)}`);
  await expect(b.expiry).toHaveValue(`01/${String(year - 1).slice(-2)}`);
  await expect(b.cardForm.locator('.field-error').filter({ hasText: 'card.expired' })).toBeVisible();
  await b.zip.fill('9411');
  await expect(b.cardForm.locator('.field-error').filter({ hasText: 'zip.format' })).toBeVisible();
  await capture(page, 'billing-replace-card-error');
  await b.replaceSubmit.click();
  await expect(page.getByRole('alert').filter({ hasText: 'Not replaced: 3 fields need correcting' })).toBeVisible();
  await expect(b.cardNumber).toBeFocused();
  expect(await central.store.db.selectFrom('card_vault').select('payment_method_id').where('payment_method_id', '=', card.id).executeTakeFirst()).toBeDefined();

  await b.cardNumber.fill('');
  await b.cardNumber.pressSequentially(PAN);
  await expect(b.cardForm.getByText('passes the Luhn check')).toBeVisible();
  await b.expiry.fill('');
  await b.expiry.pressSequentially(`08${String(year + 3).slice(-2)}`);
  await b.zip.fill('94110');
  await b.holder.fill('Jordan Avery');
  await b.replaceSubmit.click();
  await expect(b.methods.getByRole('status')).toContainText(`Card replaced: Visa •••• ${PAN.slice(-4)}, expires 08/${String(year + 3).slice(-2)}`);
  await expect(b.cardForm).toHaveCount(0);
  await expect(b.methods.getByTestId('payment-method').filter({ hasText: `•••• ${PAN.slice(-4)}` })).toContainText('Jordan Avery', { timeout: 20_000 });
  await expect(b.methods).not.toContainText(`•••• ${card.last4}`);
  expect(await page.content()).not.toContain(PAN);
  // which card did that failed payment use? The payment kept it (issue 13), now marked replaced
  const failedRow = b.payments.getByRole('row').filter({ hasText: 'Failed' }).first();
  await expect(failedRow).toContainText(`•••• ${card.last4}`);
  await expect(failedRow).toContainText('(since replaced)');

  // a credit the caller asked for (on this verified call) and an internal adjustment, each with its reason;
  // both in the account history with who, when and who asked
  await b.history.getByRole('button', { name: /^Record a credit or adjustment/ }).click();
  await expect(page.getByRole('radio', { name: /^The caller/ })).toBeChecked();
  await page.getByLabel('Amount (USD)').fill('15.00');
  await page.getByLabel('Reason', { exact: true }).fill('Outage on the 3rd');
  await page.getByRole('button', { name: /^Review/ }).click();
  await expect(page.getByRole('group', { name: 'Review the credit' })).toContainText('Asked for by the caller, verified on this call.');
  await page.getByRole('button', { name: 'Confirm and record $15.00' }).click();
  const credit = b.history.getByRole('listitem').filter({ hasText: 'Outage on the 3rd' });
  await expect(credit).toContainText(/Credit\s*−\$15\.00/, { timeout: 20_000 });
  await expect(credit).toContainText('Caller asked');
  await b.history.getByRole('button', { name: /^Record a credit or adjustment/ }).click();
  await page.getByRole('radio', { name: /^Adjustment/ }).check();
  await page.getByRole('radio', { name: 'Raise it' }).check();
  await page.getByLabel('Amount (USD)').fill('4.50');
  await page.getByLabel('Reason', { exact: true }).fill('Late fee reinstated');
  await page.getByRole('radio', { name: /^No one: internal/ }).check();
  await page.getByRole('button', { name: /^Review/ }).click();
  await expect(page.getByRole('group', { name: 'Review the adjustment' })).toContainText('Recording it raises the balance by $4.50');
  await expect(page.getByRole('group', { name: 'Review the adjustment' })).toContainText('Internal: no customer asked for it.');
  await page.getByRole('button', { name: 'Confirm and record $4.50' }).click();
  const entry = b.history.getByRole('listitem').filter({ hasText: 'Late fee reinstated' });
  await expect(entry).toContainText(/Adjustment\s*\+\$4\.50/, { timeout: 20_000 });
  await expect(entry).toContainText('Internal');
  await expect(entry).toContainText('Bea Billing');
  await expect(entry).toContainText(/\w{3} \d{1,2}, \d\d:\d\d/);
  const balance = c.billingAccount.balanceCents - 1500 + 450;
  await expect(b.account.getByTestId('balance')).toHaveText(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(balance / 100));
  await b.history.scrollIntoViewIfNeeded();
  await capture(page, 'billing-history');

  // the billing address, the one contact field a billing clerk corrects
  await u.section('Billing address').getByRole('button', { name: 'Edit billing address' }).click();
  await page.getByLabel('Address line 1').fill('500 Howard Street');
  await page.getByLabel('Address line 2 (optional)').fill('');
  await page.getByLabel('City').fill('San Francisco');
  await page.getByLabel('State').selectOption('CA');
  await page.getByLabel('ZIP', { exact: true }).fill('94105');
  await u.reason.fill('Customer moved');
  // a look at the overview and back: the correction is still there as typed, not yet saved
  await page.getByRole('tab', { name: /^Overview/ }).click();
  await expect(page.getByLabel('Address line 1')).toHaveCount(0);
  await page.getByRole('tab', { name: /^Billing/ }).click();
  await expect(page.getByLabel('Address line 1')).toHaveValue('500 Howard Street');
  await expect(u.reason).toHaveValue('Customer moved');
  await u.save.click();
  await expect(u.section('Billing address')).toContainText(/500 Howard Street\s*San Francisco, CA 94105/);
  await expect(u.section('Billing address').getByText('Confirmed')).toBeVisible({ timeout: 20_000 });

  // the audit log has every read and every change, with user, role, device and time, and verifies
  const audit = await central.store.db.selectFrom('audit_log').innerJoin('users', 'users.id', 'audit_log.user_id').selectAll('audit_log').where('users.username', '=', 'billing.bea').execute();
  const actions = (action: string) => audit.filter((r) => r.action === action);
  expect(actions('billing.read').some((r) => r.customer_id === c.customer.id && r.entity === 'billingAccount')).toBe(true);
  expect(actions('billing.read').some((r) => r.detail?.startsWith('pull of'))).toBe(true);
  // the replacement and the caller's credit name the verification they rested on; the adjustment says internal
  const [verification] = await central.store.db.selectFrom('verifications').select('id').where('customer_id', '=', c.customer.id).where('verified', '=', 1).execute();
  expect(actions('card.replace').filter((r) => r.outcome === 'ok')).toEqual([expect.objectContaining({ detail: expect.stringContaining(`caller verification ${verification!.id}`) })]);
  expect(actions('billing.adjustment').map((r) => r.detail)).toEqual([expect.stringContaining(`requested by the caller, caller verification ${verification!.id}`), expect.stringContaining('internal, no caller')]);
  for (const row of [...actions('billing.read'), ...actions('card.replace'), ...actions('billing.adjustment')]) {
    expect(row).toMatchObject({ role: 'billing_clerk', device_id: expect.any(String), at: expect.stringMatching(/^\d{4}-/) });
  }
  expect((await central.store.admin.verifyAudit()).ok).toBe(true);

  // the card number typed: in no cache file, outbox, file of the workstation, answer, audit row or database file
  responses.stop();
  const needles = spellings(PAN);
  const cache = await cacheContents(ws, 'billing.bea');
  expect(foundInFiles([cache.file], needles)).toEqual([]);
  expect(foundInTexts([JSON.stringify(cache.outbox), JSON.stringify(cache.views), JSON.stringify(cache.records)], needles)).toEqual([]);
  expect(foundInTexts(filesUnder(ws.dataDir).map((f) => readFileSync(f, 'latin1')), needles)).toEqual([]);
  expect(responses.texts().some((t) => t.includes(`"last4":"${PAN.slice(-4)}"`))).toBe(true);
  expect(foundInTexts(responses.texts(), needles)).toEqual([]);
  expect(foundInTexts([JSON.stringify(audit)], needles)).toEqual([]);
  expect(foundInFiles([`${central.dataDir}/central.sqlite`], needles)).toEqual([]);
  expect(foundInTexts(filesUnder(central.dataDir).map((f) => readFileSync(f, 'latin1')), needles)).toEqual([]);
  expect(nameOf(c)).toBeTruthy();
});

test('offline, a card cannot be replaced nor a credit recorded, and the console says why', async ({ openDesk, central }) => {
  const { page, link } = await openDesk({ name: 'billing desk' });
  const b = billingUi(page);
  await signInAndSync(page, 'billing.bea');
  const c = customerWhere((d) => d.paymentMethods.length >= 1, 40);
  await openCustomer(page, c);
  await b.tab.click();
  await verifyCaller(page, c);
  await expect(b.methods.getByRole('button', { name: 'Replace card' }).first()).toBeEnabled();

  // the form is open when the connection drops: it says so and sends nothing
  await b.methods.getByRole('button', { name: 'Replace card' }).first().click();
  link.cut();
  await expect(ui(page).status.online).toHaveText('Offline', { timeout: 30_000 });
  await expect(b.cardForm).toContainText('Offline: replacing a card needs the central store');
  await expect(b.replaceSubmit).toBeDisabled();
  await page.keyboard.press('Escape');

  await expect(b.methods.getByRole('button', { name: 'Replace card' }).first()).toBeDisabled();
  await expect(b.methods).toContainText('Offline: replacing a card needs the central store.');
  await expect(b.history.getByRole('button', { name: /^Record a credit or adjustment/ })).toBeDisabled();
  await expect(b.history).toContainText('Offline: credits and adjustments are recorded at the central store.');
  await capture(page, 'billing-offline');

  link.restore();
  await expect(ui(page).status.online).toHaveText('Online', { timeout: 30_000 });
  await expect(b.methods.getByRole('button', { name: 'Replace card' }).first()).toBeEnabled();
  const vault = await central.store.db.selectFrom('card_vault').select('payment_method_id').where('customer_id', '=', c.customer.id).execute();
  expect(vault.map((v) => v.payment_method_id).sort()).toEqual(c.paymentMethods.map((m) => m.id).sort());
});

test('a caller who gave three wrong answers is locked out, and the console says until when', async ({ openDesk }) => {
  const { page } = await openDesk({ name: 'billing desk' });
  const u = ui(page);
  await signInAndSync(page, 'billing.bea');
  const c = customerWhere((d) => d.paymentMethods.length >= 1, 80);
  await openCustomer(page, c);
  await expect(page.getByTestId('attempts-left')).toHaveText('3 attempts left');
  for (const left of [2, 1]) {
    await u.answer.fill(wrongAnswer(c.secrets.ssnLast4));
    await u.answer.press('Enter');
    await expect(page.getByTestId('attempts-left')).toHaveText(`${left} ${left === 1 ? 'attempt' : 'attempts'} left`);
  }
  await u.answer.fill(wrongAnswer(c.secrets.ssnLast4));
  await u.answer.press('Enter');
  await expect(page.getByTestId('attempts-left')).toHaveText('0 attempts left');
  // the store's time the oldest miss leaves the 15-minute window
  await expect(page.getByTestId('verify-locked')).toContainText(/the caller is locked out until \d\d:\d\d\. They cannot be verified by phone before then; offer a call back\./);
  await expect(u.answer).toHaveCount(0);
  await capture(page, 'verification-locked');
});

test('an account kept in euros or in yen shows every amount in its own currency, yen without decimals', async ({ openDesk, central }) => {
  // two accounts of the store moved to other currencies before the desk's first sync
  const euro = customerWhere((d) => d.invoices.length > 0 && d.payments.length > 0 && d.adjustments.length > 0, 60);
  const yen = customerWhere((d) => d.invoices.length > 0 && d.payments.length > 0, 90);
  for (const [c, currency] of [[euro, 'EUR'], [yen, 'JPY']] as const) {
    await central.store.db.updateTable('records').set({ data: JSON.stringify({ ...c.billingAccount, currency }) }).where('entity', '=', 'billingAccount').where('id', '=', c.billingAccount.id).execute();
  }
  const { page } = await openDesk({ name: 'billing desk' });
  const b = billingUi(page);
  await signInAndSync(page, 'billing.bea');
  const format = (minor: number, currency: string, digits: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(minor / 10 ** digits);

  await openCustomer(page, euro);
  await page.keyboard.press('Alt+B');
  await expect(b.account.getByTestId('balance')).toHaveText(format(euro.billingAccount.balanceCents, 'EUR', 2));
  await expect(b.invoices.getByRole('row').nth(1)).toContainText('€');
  await expect(b.payments).toContainText(format(euro.payments[0]!.amountCents, 'EUR', 2));
  await expect(b.history).toContainText(format(Math.abs(euro.adjustments[0]!.amountCents), 'EUR', 2));
  await expect(page.locator('.billing')).not.toContainText('$');
  await b.history.getByRole('button', { name: /^Record a credit or adjustment/ }).click();
  await expect(page.getByLabel('Amount (EUR)')).toBeVisible();
  await page.keyboard.press('Escape');
  await capture(page, 'billing-tab-eur');

  await openCustomer(page, yen);
  await page.keyboard.press('Alt+B');
  await expect(b.account.getByTestId('balance')).toHaveText(format(yen.billingAccount.balanceCents, 'JPY', 0));
  await expect(b.account.getByTestId('balance')).not.toContainText('.');
  await expect(b.payments).toContainText(format(yen.payments[0]!.amountCents, 'JPY', 0));
  await expect(page.locator('.billing')).not.toContainText('$');
  // an amount is typed in yen: 1500 is ¥1,500, and a fraction of a yen is refused
  await b.history.getByRole('button', { name: /^Record a credit or adjustment/ }).click();
  await page.getByRole('radio', { name: /^No one: internal/ }).check();
  await page.getByLabel('Amount (JPY)').fill('15.5');
  await page.getByLabel('Reason', { exact: true }).fill('Goodwill credit');
  await page.getByRole('button', { name: /^Review/ }).click();
  await expect(page.getByText('an amount in JPY, e.g. 1250', { exact: false })).toBeVisible();
  await page.getByLabel('Amount (JPY)').fill('1500');
  await page.getByRole('button', { name: /^Review/ }).click();
  await expect(page.getByRole('group', { name: 'Review the credit' })).toContainText('Credit of ¥1,500 JPY');
  await capture(page, 'billing-review-jpy');
});
