import type { Page } from '@playwright/test';
import type { DemoCustomer } from '../../domain/demo/generator';
import { formatAddress, type PostalAddress } from '../../domain/validation/address';
import type { TestCentral } from '../support/central';
import { customerNo, formatPhone, nameOf, signInAndSync, signInByKeys, ui } from './support/consoleUi';
import { capture, expect, PASSWORD, test, type Desk } from './support/fixtures';
import { retype, tabTo } from './support/keyboard';

/**
 * Network operations' console (issue 14): only its views in the navigation (customers, service lines,
 * E911 review); lines by status and by customer with the customer's name, phones and service address
 * and nothing else of them; a line's plan and status changed online, at the central store, audited; the
 * queue of lines the store flagged after a service address change, oldest first, cleared by an E911
 * update; and the whole of it again by the keyboard alone.
 */
test.use({ customers: 40 });

const MOVED: PostalAddress = { line1: '400 Pine Avenue', line2: 'Apt 3', city: 'Sparks', state: 'NV', zip: '89431' };

/** active demo customers with one line, active, in index order, skipping `skip` */
function activeCustomers(count: number, skip = 0): DemoCustomer[] {
  const found: DemoCustomer[] = [];
  for (let i = 0; found.length < count + skip; i++) {
    const c = customerNo(i);
    if (c.customer.accountStatus === 'active' && c.serviceLines.length === 1 && c.serviceLines[0]!.status === 'active') found.push(c);
  }
  return found.slice(skip);
}
async function lineInCentral(central: TestCentral, id: string): Promise<Record<string, unknown>> {
  const row = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'serviceLine').where('id', '=', id).executeTakeFirstOrThrow();
  return JSON.parse(row.data!);
}
const lineAudit = (central: TestCentral, id: string) => central.store.db.selectFrom('audit_log').select(['action', 'outcome', 'fields']).where('entity_id', '=', id).orderBy('seq').execute();

/** A care rep's desk corrects each customer's service address on a verified call, through its console API: the store flags their lines. */
async function moveCustomers(rep: Desk, customers: DemoCustomer[]): Promise<void> {
  await rep.ws.call('session.signIn', { username: 'care.rep', password: PASSWORD });
  await rep.ws.call('sync.now');
  for (const c of customers) {
    expect((await rep.ws.call('customer.verifyCaller', { customerId: c.customer.id, method: 'account_pin', answer: c.secrets.accountPin })).verified).toBe(true);
    await rep.ws.call('records.change', { operation: 'customer.editContact', id: c.customer.id, values: { serviceAddress: MOVED }, reason: 'Customer moved' });
    await expect.poll(async () => (await rep.ws.call('sync.status')).pending, { timeout: 20_000 }).toBe(0);
  }
}

const views = (page: Page) => page.getByRole('navigation', { name: 'Console views' }).getByRole('button');
const lineCard = (page: Page, number: string) => page.getByRole('listitem').filter({ has: page.getByText(formatPhone(number), { exact: true }) });
const lineDialog = (page: Page, number: string) => page.getByRole('dialog', { name: `Line ${formatPhone(number)}` });

test('network operations see lines by status and by customer, and change a plan and a status online', async ({ openDesk, central }) => {
  // axe over a page of every active line, twice
  test.setTimeout(240_000);
  const { page } = await openDesk({ name: 'netops desk' });
  await signInAndSync(page, 'netops.nia');
  // only its views: no conflicts, approvals, leads, inquiries
  await expect(views(page)).toHaveText([/Customers/, /Service lines/, /E911 review/]);

  await page.keyboard.press('Alt+7');
  const view = page.getByRole('region', { name: 'Service lines' });
  await expect(view.getByRole('heading', { name: /^Active lines \(\d+\)$/ })).toBeVisible();
  const [c, other] = activeCustomers(2);
  const line = c!.serviceLines[0]!;
  const card = lineCard(page, line.number);
  await expect(card).toContainText(nameOf(c!));
  await expect(card).toContainText(formatAddress(c!.customer.serviceAddress));
  for (const p of c!.customer.phones) await expect(card).toContainText(formatPhone(p.number));
  // nothing of the customer beyond the name, phones and service address reaches this desk
  await expect(view).not.toContainText(c!.customer.email!);
  await capture(page, 'network-ops-service-lines');

  // a customer's lines, found with the console's search
  await view.getByRole('combobox', { name: "Or a customer's lines" }).fill(other!.customer.accountNumber);
  await expect(page.getByRole('listbox', { name: 'Customers found' }).getByRole('option').first()).toContainText(nameOf(other!));
  await page.keyboard.press('Enter');
  await expect(view.getByRole('heading', { name: `Lines of ${nameOf(other!)} (${other!.serviceLines.length})` })).toBeVisible();
  await view.getByRole('button', { name: 'Active' }).click();

  // the plan: an empty reason is refused naming the rule, then the change goes to the central store
  const plan = line.plan === 'Business Unlimited' ? 'Residential Unlimited' : 'Business Unlimited';
  await card.getByRole('button', { name: /^Edit line/ }).click();
  const dialog = lineDialog(page, line.number);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Plan', pressed: true })).toBeVisible();
  await dialog.getByLabel('Plan', { exact: true }).selectOption(plan);
  await dialog.getByRole('button', { name: 'Change plan' }).click();
  await expect(dialog.getByLabel('Reason')).toBeFocused();
  await expect(dialog).toContainText('Plan not changed');
  await capture(page, 'network-ops-line-edit');
  await dialog.getByLabel('Reason').fill('Customer ordered the business plan');
  await dialog.getByRole('button', { name: 'Change plan' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: `Plan changed to ${plan}` })).toBeVisible();
  expect((await lineInCentral(central, line.id)).plan).toBe(plan);
  await expect(card).toContainText(plan);

  // the status: only the lifecycle's steps from active are offered
  await card.getByRole('button', { name: /^Edit line/ }).click();
  await dialog.getByRole('button', { name: 'Status' }).click();
  const to = dialog.getByLabel('From active to');
  await expect(to.getByRole('option')).toHaveText(['Suspended', 'Ported out']);
  await to.selectOption('suspended');
  await dialog.getByLabel('Reason').fill('Carrier fraud hold, ticket 4411');
  await dialog.getByRole('button', { name: 'Change status' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Status changed to suspended' })).toBeVisible();
  expect((await lineInCentral(central, line.id)).status).toBe('suspended');
  // the list of active lines no longer holds it; the suspended ones do
  await expect(card).toHaveCount(0);
  await view.getByRole('button', { name: 'Suspended' }).click();
  await expect(lineCard(page, line.number)).toContainText('Suspended');
  expect((await lineAudit(central, line.id)).map((a) => [a.action, a.outcome, a.fields])).toEqual([
    ['line.plan_changed', 'ok', '["plan"]'],
    ['line.status_changed', 'ok', '["status"]'],
  ]);
});

test('the E911 review queue lists the flagged lines oldest first, and an E911 update clears each', async ({ openDesk, central }) => {
  const moved = activeCustomers(2, 3);
  const rep = await openDesk({ name: 'rep desk' });
  await moveCustomers(rep, moved);
  const { page } = await openDesk({ name: 'netops desk' });
  await signInAndSync(page, 'netops.nia');
  await page.keyboard.press('Alt+8');
  const view = page.getByRole('region', { name: 'E911 review' });
  const flagged = moved.flatMap((c) => c.serviceLines);
  await expect(view.getByRole('heading', { name: `Flagged lines, oldest first (${flagged.length})` })).toBeVisible();
  // oldest first: the first customer moved first
  await expect(view.getByRole('listitem').locator('.strong.mono')).toHaveText(flagged.map((l) => formatPhone(l.number)));
  const first = lineCard(page, flagged[0]!.number);
  await expect(first).toContainText('E911 review since');
  await expect(first).toContainText(formatAddress(MOVED));

  for (const line of flagged) {
    await lineCard(page, line.number).getByRole('button', { name: /^Review line/ }).click();
    const dialog = lineDialog(page, line.number);
    // it opens on the E911 address, filled with the customer's service address
    await expect(dialog.getByRole('button', { name: 'E911 address', pressed: true })).toBeVisible();
    await expect(dialog.getByLabel('Address line 1')).toHaveValue(MOVED.line1);
    await dialog.getByLabel('Reason').fill('Confirmed the new premises with the customer');
    await dialog.getByRole('button', { name: 'Update E911 address' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'the review flag is cleared' })).toBeVisible();
    await expect(lineCard(page, line.number)).toHaveCount(0);
    expect(await lineInCentral(central, line.id)).toMatchObject({ e911Address: MOVED, e911Review: null });
  }
  await expect(view).toContainText('No line waits for an E911 review.');
  await expect(view.getByRole('heading', { name: 'Flagged lines, oldest first (0)' })).toBeVisible();
});

test('network operations by the keyboard alone: the queue, a line resolved, a status changed', async ({ openDesk, central }) => {
  const [c] = activeCustomers(1, 6);
  const rep = await openDesk({ name: 'rep desk' });
  await moveCustomers(rep, [c!]);
  const { page } = await openDesk({ name: 'netops desk' });
  const keys = page.keyboard;
  const u = ui(page);
  await signInByKeys(page, 'netops.nia');
  await expect(u.status.lastSync).not.toContainText('not yet', { timeout: 30_000 });

  // the queue, by its shortcut; the flagged line opened with Tab and Enter
  await keys.press('Alt+8');
  const line = c!.serviceLines[0]!;
  const review = lineCard(page, line.number).getByRole('button', { name: /^Review line/ });
  await tabTo(page, review);
  await keys.press('Enter');
  const dialog = lineDialog(page, line.number);
  await expect(dialog).toBeVisible();
  await tabTo(page, dialog.getByLabel('Reason'));
  await keys.type('Confirmed the new premises');
  await keys.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'the review flag is cleared' })).toBeVisible();
  expect(await lineInCentral(central, line.id)).toMatchObject({ e911Address: MOVED, e911Review: null });

  // the service lines, by their shortcut; a customer's lines by the search; the status changed
  await keys.press('Alt+7');
  const picker = page.getByRole('combobox', { name: "Or a customer's lines" });
  await tabTo(page, picker);
  await keys.type(c!.customer.accountNumber);
  await expect(page.getByRole('listbox', { name: 'Customers found' }).getByRole('option').first()).toContainText(nameOf(c!));
  await keys.press('Enter');
  await expect(page.getByRole('heading', { name: new RegExp(`^Lines of ${nameOf(c!)}`) })).toBeVisible();
  await tabTo(page, lineCard(page, line.number).getByRole('button', { name: /^Edit line/ }));
  await keys.press('Enter');
  await tabTo(page, dialog.getByRole('button', { name: 'Status' }));
  await keys.press('Enter');
  await tabTo(page, dialog.getByLabel('From active to'));
  await expect(dialog.getByLabel('From active to')).toHaveValue('suspended');
  await tabTo(page, dialog.getByLabel('Reason'));
  await retype(page, 'Carrier fraud hold');
  await keys.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Status changed to suspended' })).toBeVisible();
  expect((await lineInCentral(central, line.id)).status).toBe('suspended');
  // Esc closes a line's dialog without a change
  await tabTo(page, lineCard(page, line.number).getByRole('button', { name: /^Edit line/ }));
  await keys.press('Enter');
  await expect(dialog).toBeVisible();
  await keys.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect((await lineAudit(central, line.id)).filter((a) => a.action.startsWith('line.')).map((a) => a.action)).toEqual(['line.status_changed']);
});
