import { auditOf, customerInCentral, wrongAnswer } from './support/centralRecords';
import { customerNo, digitsOf, formatPhone, nameOf, signInByKeys, ui } from './support/consoleUi';
import { expect, PASSWORD, test, type Desk } from './support/fixtures';
import { testCardNumber } from '../support/cardLeaks';
import { billingUi, customerWhere } from './support/billingUi';
import { retype, tabTo } from './support/keyboard';

/**
 * Every scenario of the console, done with the keyboard alone: no click, no fill, only keys
 * (locators only look at the page to check what a sighted rep would see).
 */
test('the keyboard alone is enough for every scenario', async ({ openDesk, central }) => {
  test.setTimeout(300_000);
  const a = await openDesk({ name: 'desk A' });
  const b = await openDesk({ name: 'desk B' });
  const ua = ui(a.page);
  const ub = ui(b.page);
  const keys = (desk: Desk) => desk.page.keyboard;

  async function signIn(desk: Desk, username: string) {
    await expect(ui(desk.page).username).toBeFocused();
    await keys(desk).type(username);
    await keys(desk).press('Tab');
    await keys(desk).type(PASSWORD);
    await keys(desk).press('Enter');
    await expect(ui(desk.page).status.lastSync).not.toContainText('not yet', { timeout: 30_000 });
  }
  async function search(desk: Desk, query: string) {
    await keys(desk).press('Control+K');
    await expect(ui(desk.page).search).toBeFocused();
    await keys(desk).type(query);
  }
  async function verify(desk: Desk, answer: string) {
    await keys(desk).press('Alt+V');
    await expect(ui(desk.page).answer).toBeFocused();
    await keys(desk).type(answer);
    await keys(desk).press('Enter');
  }
  async function save(desk: Desk, reason: string) {
    await tabTo(desk.page, ui(desk.page).reason);
    await keys(desk).type(reason);
    await keys(desk).press('Enter');
  }

  // sign in; the first sync completes
  await signIn(a, 'care.rep');
  await expect(ua.status.online).toHaveText('Online');

  // search by each of the four kinds; arrows and Enter open the customer
  const c = customerNo(17);
  for (const query of [digitsOf(c), nameOf(c), c.customer.email, c.customer.accountNumber]) {
    await search(a, query);
    await expect(ua.results.filter({ hasText: nameOf(c) }).first()).toBeVisible();
  }
  // typed key by key, the list of an earlier prefix can hold the customer without being the last
  // query's: Enter opens the first one, so wait until the whole account number has narrowed it to one
  await expect(ua.results).toHaveCount(1);
  await expect(ua.results.first()).toContainText(nameOf(c));
  await keys(a).press('Enter');
  await expect(ua.profileName).toHaveText(nameOf(c));

  // verify the caller: a wrong answer, then the right one
  await expect(ua.answer).toBeFocused();
  await keys(a).type(wrongAnswer(c.secrets.accountPin));
  await tabTo(a.page, a.page.getByRole('radio', { name: 'Last 4 of SSN' }), { backwards: true });
  await keys(a).press('ArrowRight');
  await expect(a.page.getByRole('radio', { name: 'Account PIN' })).toBeChecked();
  await tabTo(a.page, ua.answer);
  await keys(a).press('Enter');
  await expect(a.page.getByText(/That answer does not match/)).toBeVisible();
  await expect(ua.answer).toBeFocused();
  await keys(a).type(c.secrets.accountPin);
  await keys(a).press('Enter');
  await expect(a.page.getByText('Caller verified')).toBeVisible();

  // an invalid phone is refused at the field, naming the rule; then a valid one is saved
  await keys(a).press('Alt+P');
  await expect(a.page.getByLabel('Phone 1 number')).toBeFocused();
  await retype(a.page, '555-01');
  await expect(a.page.locator('.field-error').filter({ hasText: 'phone.e164' })).toBeVisible();
  await keys(a).press('Enter');
  await expect(a.page.getByRole('alert').filter({ hasText: 'Not saved' })).toBeVisible();
  await expect(a.page.getByLabel('Phone 1 number')).toBeFocused();
  await retype(a.page, '(646) 201-7788');
  await save(a, 'Caller has a new number');
  await expect(ua.section('Phones')).toContainText('(646) 201-7788');
  await expect(a.page.getByRole('button', { name: 'Edit phones' })).toBeFocused();

  // an invalid ZIP is refused; a corrected address is saved
  await keys(a).press('Alt+S');
  await expect(a.page.getByLabel('Address line 1')).toBeFocused();
  await retype(a.page, '12 Harbor Street');
  await tabTo(a.page, a.page.getByLabel('City'));
  await retype(a.page, 'Boston');
  await keys(a).press('Tab');
  await expect(a.page.getByLabel('State')).toBeFocused();
  await keys(a).type('MA');
  await expect(a.page.getByLabel('State')).toHaveValue('MA');
  await keys(a).press('Tab');
  await retype(a.page, '1234');
  await expect(a.page.locator('.field-error').filter({ hasText: 'zip.format' })).toBeVisible();
  await save(a, 'Caller moved');
  await expect(a.page.getByRole('alert').filter({ hasText: 'Not saved' })).toBeVisible();
  await expect(a.page.getByLabel('ZIP')).toBeFocused();
  await retype(a.page, '02110');
  await keys(a).press('Enter');
  // the E911 step the correction opens (e911.spec.ts): on its first choice; Esc is "Not now", which says what happens instead
  const e911 = a.page.getByRole('dialog', { name: 'Update the E911 address too?' });
  await expect(e911.getByRole('button', { name: 'Update E911 now' })).toBeFocused();
  await keys(a).press('Escape');
  await expect(e911.getByRole('status')).toContainText('E911 not updated');
  await expect(e911.getByRole('button', { name: 'Done' })).toBeFocused();
  await keys(a).press('Enter');
  await expect(e911).toHaveCount(0);
  await expect(a.page.getByRole('button', { name: 'Edit service address' })).toBeFocused();
  await expect(ua.section('Service address')).toContainText(/12 Harbor Street\s*Boston, MA 02110/);
  await expect(ua.section('Service address').getByText('Confirmed')).toBeVisible({ timeout: 20_000 });
  await expect(ua.section('Phones').getByText('Confirmed')).toBeVisible();
  const stored = await customerInCentral(central, c.customer.id);
  expect(stored.phones[0]!.number).toBe('+16462017788');
  expect(stored.serviceAddress).toMatchObject({ line1: '12 Harbor Street', city: 'Boston', state: 'MA', zip: '02110' });

  // a second desk sees it
  await signIn(b, 'care.rose');
  await search(b, c.customer.accountNumber);
  await expect(ub.results.first()).toContainText(nameOf(c));
  await keys(b).press('Enter');
  await expect(ub.section('Phones')).toContainText(formatPhone('+16462017788'));
  await expect(ub.section('Service address')).toContainText('12 Harbor Street');

  // offline: the edit is pending; back online it is confirmed
  await central.stop();
  await expect(ua.status.online).toHaveText('Offline', { timeout: 30_000 });
  await keys(a).press('Alt+E');
  await expect(a.page.getByLabel('Email', { exact: true })).toBeFocused();
  await retype(a.page, 'while.offline@example.org');
  await save(a, 'Caller asked to correct it');
  await expect(ua.section('Email').getByText('Waiting to send')).toBeVisible();
  await expect(ua.status.pending).toHaveText('1 waiting to send');
  await central.restart();
  await expect(ua.section('Email').getByText('Confirmed')).toBeVisible({ timeout: 60_000 });
  await expect(ub.section('Email')).toContainText('while.offline@example.org', { timeout: 30_000 });

  // two desks change the same email: desk B, cut off, sees the conflict when it is back, and resolves it
  await verify(b, c.secrets.ssnLast4);
  await expect(b.page.getByText('Caller verified')).toBeVisible();
  b.link.cut();
  await expect(ub.status.online).toHaveText('Offline', { timeout: 30_000 });
  await keys(b).press('Alt+E');
  await retype(b.page, 'rose.version@example.com');
  await save(b, 'Caller asked to correct it');
  await expect(ub.section('Email').getByText('Waiting to send')).toBeVisible();
  await keys(a).press('Alt+E');
  await retype(a.page, 'casey.version@example.com');
  await save(a, 'Caller asked to correct it');
  await expect(ua.section('Email').getByText('Confirmed')).toBeVisible({ timeout: 20_000 });
  b.link.restore();
  await expect(ub.status.conflicts).toHaveText('1 conflict', { timeout: 60_000 });
  await keys(b).press('Alt+2');
  const card = b.page.getByRole('list', { name: 'Unresolved conflicts' }).getByRole('listitem').filter({ hasText: nameOf(c) });
  await expect(card).toContainText('rose.version@example.com');
  await expect(card).toContainText('casey.version@example.com');
  // nothing is chosen for the rep: into the choice, an arrow picks the current value, then confirm
  await tabTo(b.page, card.getByRole('radio', { name: /^Your change/ }));
  await keys(b).press('ArrowDown');
  await expect(card.getByRole('radio', { name: /^Current value/ })).toBeChecked();
  await tabTo(b.page, card.getByRole('button', { name: /^Keep the current value/ }));
  await keys(b).press('Enter');
  await expect(b.page.getByText('No conflicts.')).toBeVisible();
  await expect(ub.status.conflicts).toHaveText('0 conflicts', { timeout: 20_000 });
  expect((await customerInCentral(central, c.customer.id)).email).toBe('casey.version@example.com');
  const edits = (await auditOf(central, c.customer.id)).filter((e) => e.fields.includes('email'));
  expect(new Set(edits.map((e) => e.username))).toEqual(new Set(['care.rep', 'care.rose']));
  await keys(b).press('Alt+1');
  await expect(ub.section('Email')).toContainText('casey.version@example.com');

  // lock on demand, and on idle while the central store is down: the password alone unlocks
  await keys(a).press('Control+Shift+L');
  await expect(a.page.getByRole('heading', { name: 'Console locked' })).toBeVisible();
  await keys(a).type(PASSWORD);
  await keys(a).press('Enter');
  await expect(ua.search).toBeVisible();
  await central.stop();
  await expect(ua.status.online).toHaveText('Offline', { timeout: 30_000 });
  a.clock.advance(16 * 60_000);
  await a.ws.core.session.checkIdle();
  await expect(a.page.getByRole('heading', { name: 'Console locked' })).toBeVisible();
  await expect(a.page.getByLabel('Password')).toBeFocused();
  await keys(a).type(PASSWORD);
  await keys(a).press('Enter');
  await expect(ua.search).toBeVisible();
  await search(a, c.customer.accountNumber);
  await expect(ua.results.first()).toContainText(nameOf(c));
});

test("the keyboard alone is enough for a billing clerk's work", async ({ openDesk, central }) => {
  const desk = await openDesk({ name: 'billing desk' });
  const { page } = desk;
  const keys = page.keyboard;
  const u = ui(page);
  const b = billingUi(page);
  const pan = testCardNumber('4485071');
  const year = new Date().getUTCFullYear();
  const c = customerWhere((d) => d.paymentMethods.length === 1, 60);

  // the password and the second factor by keyboard too (issue 14)
  await signInByKeys(page, 'billing.bea');
  await expect(u.status.lastSync).not.toContainText('not yet', { timeout: 30_000 });
  await keys.press('Control+K');
  await keys.type(c.customer.accountNumber);
  await expect(u.results.first()).toContainText(nameOf(c));
  await keys.press('Enter');
  await expect(u.profileName).toHaveText(nameOf(c));

  // the billing tab; arrows move between the tabs
  await keys.press('Alt+B');
  await expect(b.tab).toHaveAttribute('aria-selected', 'true');
  await tabTo(page, b.tab, { backwards: true });
  await keys.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: /^Overview/ })).toHaveAttribute('aria-selected', 'true');
  await keys.press('ArrowRight');
  await expect(b.tab).toHaveAttribute('aria-selected', 'true');

  // the caller verified before anything is done for them (issue 13): Alt+V, the digits, Enter
  await keys.press('Alt+V');
  await expect(u.answer).toBeFocused();
  await keys.type(c.secrets.ssnLast4);
  await keys.press('Enter');
  await expect(page.getByText('Caller verified')).toBeVisible();

  // a card replaced: Tab to the button, type the card, Enter
  await tabTo(page, b.methods.getByRole('button', { name: 'Replace card' }));
  await keys.press('Enter');
  await expect(b.cardNumber).toBeFocused();
  await keys.type(pan);
  await keys.press('Tab');
  await keys.type(`11${String(year + 2).slice(-2)}`);
  await keys.press('Tab');
  await retype(page, '60614');
  await keys.press('Enter');
  await expect(b.methods.getByRole('status')).toContainText(`•••• ${pan.slice(-4)}`);
  await expect(b.methods.getByRole('status')).toBeFocused();

  // a credit: Alt+R, the amount, the reason, Enter
  await keys.press('Alt+R');
  await expect(page.getByRole('radio', { name: /^Credit/ })).toBeFocused();
  await tabTo(page, page.getByLabel('Amount (USD)'));
  await keys.type('7.25');
  await keys.press('Tab');
  await keys.type('Goodwill credit');
  // Enter reviews; the confirmation is a deliberate Tab and Enter away
  await keys.press('Enter');
  await expect(page.getByRole('group', { name: 'Review the credit' }).locator('.adjust-review-summary')).toBeFocused();
  await keys.press('Enter');
  await expect(page.getByRole('group', { name: 'Review the credit' })).toBeVisible();
  await keys.press('Tab');
  await expect(page.getByRole('button', { name: 'Confirm and record $7.25' })).toBeFocused();
  await keys.press('Enter');
  await expect(b.history.getByRole('listitem').filter({ hasText: 'Goodwill credit' })).toContainText(/Credit\s*−\$7\.25/, { timeout: 20_000 });

  // the billing address: Alt+A, a field, the reason, Enter
  await keys.press('Alt+A');
  await expect(page.getByLabel('Address line 1')).toBeFocused();
  await retype(page, '9 Lake Shore Drive');
  await tabTo(page, u.reason);
  await keys.type('Customer moved');
  await keys.press('Enter');
  await expect(u.section('Billing address')).toContainText('9 Lake Shore Drive');
  await expect(u.section('Billing address').getByText('Confirmed')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Edit billing address' })).toBeFocused();

  const vault = await central.store.db.selectFrom('card_vault').select('payment_method_id').where('customer_id', '=', c.customer.id).execute();
  expect(vault.map((v) => v.payment_method_id)).not.toContain(c.paymentMethods[0]!.id);
});
