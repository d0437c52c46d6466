import type { Locator, Page } from '@playwright/test';
import { customerNo, nameOf, signInAndSync, ui } from './support/consoleUi';
import { capture, expect, PASSWORD, test, type Desk } from './support/fixtures';
import { tabTo } from './support/keyboard';
import type { TestCentral } from '../support/central';

/**
 * The Leads view of care reps and supervisors (issue 12), on desks against a real central store, the
 * rep's desk 1024 px wide (the narrowest window the console supports): the view is in the navigation
 * of whoever creates leads and says what a prospect's details are for; a lead created on the rep's
 * desk reaches the supervisor's; its steps are taken with a reason; converting it creates one
 * customer and an order with no payment data, and a prospect who is already a customer is caught and
 * the rep says who they are. Offline, a lead is still created (by keyboard alone here) and reaches
 * the store when it is back, while converting says it needs the store.
 */

const views = (desk: Desk) => desk.page.getByRole('navigation', { name: 'Console views' }).getByRole('button');
const leadsOf = (page: Page) => page.getByRole('region', { name: 'Leads' });
const leadItem = (page: Page, name: string) => leadsOf(page).getByRole('listitem', { name, exact: true });

/** The records of one entity the central store holds now whose data matches `where`. */
async function recordsInCentral(central: TestCentral, entity: string, where: (data: Record<string, unknown>, customerId: string | null) => boolean) {
  const rows = await central.store.db.selectFrom('records').select(['id', 'customer_id', 'data']).where('entity', '=', entity).execute();
  return rows.flatMap((row) => {
    const data = JSON.parse(row.data ?? 'null') as Record<string, unknown> | null;
    return data && where(data, row.customer_id) ? [{ id: row.id, customerId: row.customer_id, data }] : [];
  });
}

/** Scrolls the Leads view (the view alone, never the window) so that `target` is at its top, for a screenshot. */
async function scrollToTop(target: Locator) {
  await target.evaluate((element) => {
    const view = element.closest('.leads')!;
    view.scrollTop += element.getBoundingClientRect().top - view.getBoundingClientRect().top - 12;
  });
}

/** Takes a step of a lead's lifecycle from its card, with the reason. */
async function takeStep(page: Page, name: string, action: string, reason: string) {
  const lead = leadItem(page, name);
  await lead.getByRole('button', { name: new RegExp(`^${action}`) }).click();
  const step = lead.getByRole('form', { name: `${action}: ${name}` });
  await expect(step.getByLabel(`Reason to ${action.toLowerCase()}`)).toBeFocused();
  await step.getByLabel(`Reason to ${action.toLowerCase()}`).fill(reason);
  await step.getByLabel(`Reason to ${action.toLowerCase()}`).press('Enter');
  await expect(step).toHaveCount(0);
}

test('a rep creates a lead the supervisor sees, marks it contacted and converts it; a prospect who is already a customer is caught', async ({ openDesk, central }) => {
  test.setTimeout(240_000);
  const rep = await openDesk({ name: 'desk of Casey' });
  const sup = await openDesk({ name: 'desk of Sam' });
  await rep.page.setViewportSize({ width: 1024, height: 768 });
  await signInAndSync(rep.page, 'care.rep');
  await signInAndSync(sup.page, 'sup.sam');

  // the view goes to whoever creates leads (care reps and supervisors; legalHolds.spec.ts and console.spec.ts
  // show compliance's and a billing clerk's navigation without it), with its own shortcut
  for (const desk of [rep, sup]) {
    await expect(views(desk).filter({ hasText: 'Leads' })).toHaveAttribute('aria-keyshortcuts', 'Alt+5');
    await expect(desk.page.locator('.status-hint')).toContainText('Alt+5 leads');
  }

  // the view says what a prospect's details are for, and for how long they are kept
  await rep.page.keyboard.press('Alt+5');
  const leads = leadsOf(rep.page);
  await expect(leads).toContainText("A prospect's details are used only to contact them about the services they asked about.");
  await expect(leads).toContainText('Leads are never exported or shared.');
  await expect(leads).toContainText('deleted after 180 days, unless your organisation set another period');

  // Alt+N: a new lead; an empty form names each field and its rule
  await rep.page.keyboard.press('Alt+N');
  const form = leads.getByRole('form', { name: 'New lead' });
  await expect(form.getByLabel('First name')).toBeFocused();
  await form.getByRole('button', { name: 'Create the lead' }).click();
  await expect(form).toContainText('Not created: 10 fields need correcting.');
  const fieldError = (text: string) => form.locator('.field-error').filter({ hasText: text });
  await expect(fieldError('Not a valid phone number').locator('.rule')).toHaveText('phone.e164');
  await expect(fieldError('Name at least one service the prospect asked about').locator('.rule')).toHaveText('min');
  await expect(fieldError('ZIP must be 5 digits').locator('.rule')).toHaveText('zip.format');
  await expect(form.getByLabel('First name')).toBeFocused();

  // a prospect on a prequalification call; the phone as the prospect says it
  await form.getByLabel('First name').fill('Priya');
  await form.getByLabel('Last name').fill('Natarajan');
  await form.getByLabel('Email').fill('priya.natarajan@example.org');
  await form.getByLabel('Phone').fill('(415) 555-0142');
  await form.getByLabel('Address line 1').fill('77 Geary Street');
  await form.getByLabel('City').fill('San Francisco');
  await form.getByLabel('State').selectOption('CA');
  await form.getByLabel('ZIP').fill('94108');
  await form.getByLabel('Location (optional)').fill('San Francisco, CA');
  await form.getByLabel('Services asked about').fill('Business VoIP, Number porting');
  await form.getByLabel('Reason').fill('Prequalification call');
  await expect(form).not.toContainText('Not created');
  await capture(rep.page, 'lead-new');
  await form.getByLabel('Reason').press('Enter');

  // the lead, newest first, as the central store stores it
  await expect(leads).toContainText('Lead created for Priya Natarajan');
  await expect(leads.getByRole('button', { name: 'New lead' })).toBeFocused();
  const lead = leadItem(rep.page, 'Priya Natarajan');
  await expect(leads.getByRole('listitem').first()).toHaveAccessibleName('Priya Natarajan');
  await expect(lead).toContainText('New');
  await expect(lead).toContainText('Business VoIP, Number porting');
  await expect(lead).toContainText('(415) 555-0142');
  await expect(lead).toContainText('77 Geary Street, San Francisco, CA 94108');
  await expect(ui(rep.page).status.pending).toContainText('0 waiting to send', { timeout: 20_000 });
  await expect(lead).not.toContainText('On its way');
  const [stored] = await recordsInCentral(central, 'lead', (data) => data.email === 'priya.natarajan@example.org');
  expect(stored!.data).toMatchObject({ firstName: 'Priya', phone: '+14155550142', status: 'new', requestedServices: ['Business VoIP', 'Number porting'] });
  await leads.evaluate((view) => view.scrollTo(0, 0));
  await capture(rep.page, 'leads-queue');

  // the supervisor's desk has it
  await sup.page.keyboard.press('Alt+5');
  await expect(leadItem(sup.page, 'Priya Natarajan')).toContainText('New', { timeout: 20_000 });

  // the rep marks it contacted, with a reason; a shortcut does not fire while the reason is typed
  await lead.getByRole('button', { name: /^Mark contacted/ }).click();
  const step = lead.getByRole('form', { name: 'Mark contacted: Priya Natarajan' });
  await expect(step.getByLabel('Reason to mark contacted')).toBeFocused();
  await rep.page.keyboard.press('Alt+N');
  await expect(leads.getByRole('form', { name: 'New lead' })).toHaveCount(0);
  await step.getByLabel('Reason to mark contacted').fill('Called back about business lines');
  await step.getByLabel('Reason to mark contacted').press('Enter');
  await expect(lead.locator('.badge')).toHaveText('Contacted');
  await expect(ui(rep.page).status.pending).toContainText('0 waiting to send', { timeout: 20_000 });
  await expect(leadItem(sup.page, 'Priya Natarajan').locator('.badge')).toHaveText('Contacted', { timeout: 20_000 });

  // who and when, from the central store
  await lead.getByRole('button', { name: /^Who and when/ }).click();
  const history = lead.getByRole('list', { name: 'Who and when: Priya Natarajan' });
  await expect(history.getByRole('listitem')).toHaveCount(2);
  await expect(history.getByRole('listitem').first()).toContainText('Status changed');
  await expect(history.getByRole('listitem').first()).toContainText('by Casey Care');
  await expect(history.getByRole('listitem').first()).toContainText('“Called back about business lines”');
  await expect(history.getByRole('listitem').last()).toContainText('Created');
  await lead.getByRole('button', { name: /^Who and when/ }).click();

  // converting: plans with their monthly prices, the service address (prefilled, the lines' E911 address), no payment data
  await lead.getByRole('button', { name: /^Convert to customer/ }).click();
  const convert = lead.getByRole('form', { name: 'Convert Priya Natarajan to a customer' });
  await expect(convert.getByLabel('Quantity of Residential Basic')).toBeFocused();
  await expect(convert.getByRole('row', { name: /Business Line/ })).toContainText('$34.99');
  await expect(convert.getByLabel('Address line 1')).toHaveValue('77 Geary Street');
  await expect(convert).toContainText('It becomes the E911 address of the new lines');
  await expect(convert).toContainText('No payment is taken here.');
  await expect(convert.getByRole('textbox', { name: /card|expir|cvc|cvv/i })).toHaveCount(0);
  await convert.getByRole('button', { name: 'Convert to customer' }).click();
  await expect(convert).toContainText('Not converted: one field needs correcting.');
  await expect(convert.locator('.field-error').filter({ hasText: 'Name at least one plan' }).locator('.rule')).toHaveText('min');
  await convert.getByLabel('Quantity of Business Line').fill('2');
  await expect(convert.getByRole('row', { name: /Monthly total/ })).toContainText('$69.98');
  await convert.getByLabel('Address line 1').fill('100 Market Street');
  await convert.getByLabel('ZIP').fill('94105');
  await expect(convert).not.toContainText('Not converted');
  await scrollToTop(convert);
  await capture(rep.page, 'lead-convert');
  await convert.getByRole('button', { name: 'Convert to customer' }).click();

  const outcome = leads.locator('.lead-outcome');
  await expect(outcome).toBeFocused({ timeout: 20_000 });
  await expect(outcome).toContainText('Priya Natarajan is now a customer: account A');
  await expect(outcome).toContainText('Payment is taken afterwards');
  const accountNumber = (await outcome.locator('.mono').textContent())!;
  expect(accountNumber).toMatch(/^A\d{8}$/);

  // one customer, with an order for the plans and no payment data; the lead converted and linked
  const customers = await recordsInCentral(central, 'customer', (data) => data.email === 'priya.natarajan@example.org');
  expect(customers).toHaveLength(1);
  const customer = customers[0]!;
  expect(customer.data).toMatchObject({ accountNumber, firstName: 'Priya', lastName: 'Natarajan', serviceAddress: { line1: '100 Market Street', zip: '94105' }, mailingAddress: { line1: '77 Geary Street' } });
  const orders = await recordsInCentral(central, 'order', (_data, customerId) => customerId === customer.id);
  expect(orders).toHaveLength(1);
  expect(orders[0]!.data.items).toEqual([{ sku: 'BIZ-LINE', description: 'Business Line', quantity: 2, priceCents: 3499 }]);
  expect(JSON.stringify(orders[0]!.data)).not.toMatch(/card|pan|payment|cvv|cvc/i);
  expect(await recordsInCentral(central, 'paymentMethod', (_data, customerId) => customerId === customer.id)).toHaveLength(0);
  expect((await recordsInCentral(central, 'lead', (data) => data.id === stored!.id))[0]!.data).toMatchObject({ status: 'converted', convertedCustomerId: customer.id });

  // the supervisor sees it converted; the rep opens the new customer's profile
  await expect(leadItem(sup.page, 'Priya Natarajan').locator('.badge')).toHaveText('Converted', { timeout: 20_000 });
  await outcome.getByRole('button', { name: "Open Priya Natarajan's profile" }).click({ timeout: 20_000 });
  await expect(ui(rep.page).profileName).toHaveText('Priya Natarajan');

  // a prospect whose email is an existing customer's (created through the desk's console API; the form is tested above)
  const c = customerNo(7);
  await rep.ws.call('records.change', {
    operation: 'lead.create',
    values: {
      firstName: 'Jordan',
      lastName: 'Quinlan',
      email: c.customer.email,
      phone: '+14155550199',
      mailingAddress: { line1: '9 Lakeview Terrace', city: 'Oakland', state: 'CA', zip: '94610' },
      location: 'Oakland, CA',
      requestedServices: ['Residential VoIP'],
    },
    reason: 'Quote call',
  });
  await rep.page.keyboard.press('Alt+5');
  await takeStep(rep.page, 'Jordan Quinlan', 'Mark quoted', 'Quote sent by email');
  const second = leadItem(rep.page, 'Jordan Quinlan');
  await expect(second.locator('.badge')).toHaveText('Quoted');
  await expect(ui(rep.page).status.pending).toContainText('0 waiting to send', { timeout: 20_000 });

  // converting it: the central store answers with the customer it may be; nothing is created until the rep says
  await second.getByRole('button', { name: /^Convert to customer/ }).click();
  const again = second.getByRole('form', { name: 'Convert Jordan Quinlan to a customer' });
  await again.getByLabel('Quantity of Residential Basic').fill('1');
  await again.getByRole('button', { name: 'Convert to customer' }).click();
  const heading = again.getByRole('heading', { name: 'Is Jordan Quinlan one of these customers?' });
  await expect(heading).toBeFocused({ timeout: 20_000 });
  const candidate = again.getByRole('list', { name: 'Possible duplicates' }).getByRole('listitem').filter({ hasText: nameOf(c) });
  await expect(candidate).toContainText(c.customer.accountNumber);
  await expect(candidate).toContainText('matched on same email');
  expect(await recordsInCentral(central, 'customer', (data) => data.email === c.customer.email)).toHaveLength(1);
  await scrollToTop(again);
  await capture(rep.page, 'lead-duplicates');

  // the same person: the order goes to the existing customer, no customer is created
  await candidate.getByRole('button', { name: `Same person: add the order to ${nameOf(c)}` }).click();
  await expect(outcome).toContainText(`Jordan Quinlan was added to the existing customer ${nameOf(c)}: account ${c.customer.accountNumber}`, { timeout: 20_000 });
  expect(await recordsInCentral(central, 'customer', (data) => data.email === c.customer.email)).toHaveLength(1);
  const added = await recordsInCentral(central, 'order', (data, customerId) => customerId === c.customer.id && JSON.stringify(data.items).includes('RES-BASIC') && data.status === 'placed');
  expect(added.length).toBeGreaterThanOrEqual(1);
  await expect(leadItem(rep.page, 'Jordan Quinlan').locator('.badge')).toHaveText('Converted', { timeout: 20_000 });
  await expect(leadItem(rep.page, 'Jordan Quinlan')).toContainText(nameOf(c));
});

test('offline, a lead is created by keyboard alone and reaches the central store when it is back; converting says it needs the store', async ({ openDesk, central }) => {
  test.setTimeout(180_000);
  const desk = await openDesk({ name: 'desk of Casey' });
  const { page } = desk;
  const keys = page.keyboard;
  const u = ui(page);
  await page.setViewportSize({ width: 1024, height: 768 });
  await signInAndSync(page, 'care.rep');

  await central.stop();
  await expect(u.status.online).toHaveText('Offline', { timeout: 30_000 });
  await keys.press('Alt+5');
  const leads = leadsOf(page);
  await keys.press('Alt+N');
  const form = leads.getByRole('form', { name: 'New lead' });
  await expect(form.getByLabel('First name')).toBeFocused();
  for (const [typed, next] of [
    ['Marisol', 'Last name'],
    ['Okafor', 'Phone'],
    ['510 555 0173', 'Email'],
    ['marisol.okafor@example.net', 'Location (optional)'],
    ['', 'Address line 1'],
    ['2200 Broadway', 'Address line 2 (optional)'],
    ['', 'City'],
    ['Oakland', 'State'],
  ] as const) {
    await keys.type(typed);
    await keys.press('Tab');
    await expect(form.getByLabel(next, { exact: true })).toBeFocused();
  }
  await keys.type('CA');
  await expect(form.getByLabel('State')).toHaveValue('CA');
  // a lock in the middle of the call (offline too): the lead half typed is where it was after the unlock
  await keys.press('Control+Shift+L');
  await expect(page.getByRole('heading', { name: 'Console locked' })).toBeVisible();
  await expect(page.getByText('Okafor')).toHaveCount(0);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Password').press('Enter');
  await expect(form.getByLabel('Last name')).toHaveValue('Okafor');
  await expect(form.getByLabel('City')).toHaveValue('Oakland');
  await expect(form.getByLabel('State')).toHaveValue('CA');
  await form.getByLabel('State').focus();
  await keys.press('Tab');
  await keys.type('94612');
  await keys.press('Tab');
  await expect(form.getByLabel('Services asked about')).toBeFocused();
  await keys.type('Residential VoIP');
  await keys.press('Tab');
  await keys.type('Prequalification call');
  await keys.press('Enter');

  // kept on the desk, on its way
  const lead = leadItem(page, 'Marisol Okafor');
  await expect(lead).toContainText('On its way to the central store.');
  await expect(lead).toContainText('(510) 555-0173');
  await expect(u.status.pending).toHaveText('1 waiting to send');

  // converting a quoted lead needs the central store, and says so
  // the filter is one radio group: Tab reaches the chosen status, the arrows choose another
  await tabTo(page, leads.getByRole('radio', { name: /^All/ }));
  for (let i = 0; i < 3; i++) await keys.press('ArrowRight');
  await expect(leads.getByRole('radio', { name: /^Quoted/ })).toBeChecked();
  const quoted = leads.getByRole('listitem').first();
  await expect(quoted.locator('.badge')).toHaveText('Quoted');
  await tabTo(page, quoted.getByRole('button', { name: /^Convert to customer/ }));
  await keys.press('Enter');
  const convert = quoted.getByRole('form', { name: /^Convert .* to a customer$/ });
  await expect(convert).toContainText('Converting needs the central store');
  await keys.type('1');
  await keys.press('Enter');
  await expect(convert.getByRole('alert')).toContainText('Not converted: To convert a lead into a customer this workstation must reach the central store, and it is offline now.');
  await keys.press('Escape');
  await expect(convert).toHaveCount(0);

  // back online, the lead goes to the central store
  await central.restart();
  await expect(u.status.pending).toHaveText('0 waiting to send', { timeout: 60_000 });
  await tabTo(page, leads.getByRole('radio', { name: /^Quoted/ }), { backwards: true });
  for (let i = 0; i < 3; i++) await keys.press('ArrowLeft');
  await expect(leads.getByRole('radio', { name: /^All/ })).toBeChecked();
  await expect(lead).not.toContainText('On its way');
  const stored = await recordsInCentral(central, 'lead', (data) => data.email === 'marisol.okafor@example.net');
  expect(stored).toHaveLength(1);
  expect(stored[0]!.data).toMatchObject({ firstName: 'Marisol', lastName: 'Okafor', phone: '+15105550173', status: 'new', location: '', requestedServices: ['Residential VoIP'] });
});
