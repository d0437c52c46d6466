import { customerNo, nameOf, signInAndSync, ui } from './support/consoleUi';
import { capture, expect, test } from './support/fixtures';

/**
 * A compliance officer's legal holds (issue 11), on three desks against a real central store: the
 * Legal holds view is in compliance's navigation only; a hold placed there on a customer found with
 * the console's search stops a supervisor's approval of that customer's erasure request, and the
 * approvals view says which hold; released there with a reason, it no longer blocks. The compliance
 * desk runs at 1024 px wide, the narrowest window the console supports.
 */
test('compliance places a legal hold from its view, the approval it blocks says so, and compliance releases it', async ({ openDesk }) => {
  const rep = await openDesk({ name: 'desk of Casey' });
  const sup = await openDesk({ name: 'desk of Sam' });
  const comp = await openDesk({ name: 'desk of Cora' });
  await comp.page.setViewportSize({ width: 1024, height: 768 });
  await signInAndSync(rep.page, 'care.rep');
  await signInAndSync(sup.page, 'sup.sam');
  await signInAndSync(comp.page, 'comp.cora');
  const c = customerNo(42);

  // the view goes to whoever places holds (compliance), with its own shortcut, and to no one else
  const views = (desk: typeof rep) => desk.page.getByRole('navigation', { name: 'Console views' }).getByRole('button');
  await expect(views(comp)).toHaveText([/Customers/, /Approvals/, /Legal holds/, /Disclosures/, /Partner sharing/, /Subject access/, /Audit log/]);
  for (const other of [sup, rep]) await expect(views(other).filter({ hasText: 'Legal holds' })).toHaveCount(0);
  await expect(comp.page.locator('.status-hint')).toContainText('Alt+4 legal holds');

  // the rep files the caller's erasure request (the profile's panel is erasure.spec.ts's subject: here through the desk's console API)
  await rep.ws.call('customer.verifyCaller', { customerId: c.customer.id, method: 'ssn_last4', answer: c.secrets.ssnLast4 });
  await rep.ws.call('records.change', { operation: 'erasureRequest.file', values: { customerId: c.customer.id, reason: 'Caller asked us to remove their personal data' }, reason: 'Caller asked us to remove their personal data' });

  // compliance, from the keyboard: Alt+4, place a hold; an empty form names each field and its rule
  await comp.page.keyboard.press('Alt+4');
  const holds = comp.page.getByRole('region', { name: 'Legal holds' });
  await expect(holds.getByRole('heading', { name: 'Active (0)' })).toBeVisible();
  await holds.getByRole('button', { name: 'Place a hold' }).click();
  const form = holds.getByRole('form', { name: 'Place a legal hold' });
  await form.getByRole('button', { name: 'Place the hold' }).click();
  await expect(form).toContainText('Not placed: 4 fields need correcting.');
  const fieldError = (text: string) => form.locator('.field-error').filter({ hasText: text });
  await expect(fieldError('Pick the customer the hold is on').locator('.rule')).toHaveText('required');
  await expect(fieldError('Choose what the hold is for').locator('.rule')).toHaveText('one_of');
  await expect(fieldError('at least 3 characters').locator('.rule')).toHaveText('reason.required');
  await expect(form.getByRole('combobox', { name: 'Customer' })).toBeFocused();

  // the customer through the console's search: the account number, Enter on the result
  const customer = form.getByRole('combobox', { name: 'Customer' });
  await customer.fill(c.customer.accountNumber);
  await expect(form.getByRole('option').first()).toContainText(nameOf(c));
  await customer.press('Enter');
  await expect(customer).toHaveValue(`${nameOf(c)} · ${c.customer.accountNumber}`);
  await form.getByLabel('Kind').selectOption({ label: 'An ECPA preservation request' });
  await form.getByLabel('Reference').fill('Preservation letter 2026-771');
  await form.getByLabel('Reason for the hold').fill('Letter from the district attorney received');
  await expect(form).not.toContainText('Not placed');
  await capture(comp.page, 'legal-holds-place');
  await form.getByLabel('Reason for the hold').press('Enter');

  // the hold, once the central store has stored it: who placed it and when
  await expect(holds).toContainText(`Hold placed on ${nameOf(c)}`);
  await expect(holds.getByRole('button', { name: 'Place a hold' })).toBeFocused();
  const hold = holds.getByRole('list', { name: 'Active holds' }).getByRole('listitem').filter({ hasText: nameOf(c) });
  await expect(hold).toContainText('An ECPA preservation request');
  await expect(hold).toContainText('Preservation letter 2026-771');
  await expect(hold).toContainText('by you', { timeout: 20_000 });
  await expect(ui(comp.page).status.pending).toContainText('0 waiting to send');
  await capture(comp.page, 'legal-holds');

  // the supervisor's approval is refused, naming the hold
  await sup.page.keyboard.press('Alt+3');
  const request = sup.page.getByRole('listitem').filter({ hasText: nameOf(c) });
  await expect(request).toContainText('Caller asked us to remove their personal data', { timeout: 20_000 });
  await request.getByLabel('Reason for the decision').fill('Identity checked on a callback');
  await request.getByRole('button', { name: 'Approve and erase' }).click();
  await expect(request).toContainText('a legal hold blocks this erasure: an ECPA preservation request (Preservation letter 2026-771)', { timeout: 20_000 });

  // compliance releases it with a reason; it moves under Released, stamped by the central store
  await hold.getByRole('button', { name: `Release the hold on ${nameOf(c)}` }).click();
  const release = hold.getByRole('form', { name: `Release the hold: ${nameOf(c)}` });
  await expect(release.getByLabel('Reason to release the hold')).toBeFocused();
  await release.getByLabel('Reason to release the hold').fill('Preservation period over');
  await release.getByLabel('Reason to release the hold').press('Enter');
  await expect(holds.getByRole('heading', { name: 'Active (0)' })).toBeVisible();
  const released = holds.getByRole('list', { name: 'Released holds' }).getByRole('listitem').filter({ hasText: nameOf(c) });
  await expect(released).toContainText('Released');
  await expect(released).not.toContainText('not yet stored', { timeout: 20_000 });
  await expect(ui(comp.page).status.pending).toContainText('0 waiting to send');
  await capture(comp.page, 'legal-holds-released');
});
