import type { Page } from '@playwright/test';
import { customerNo, nameOf, openCustomer, passSecondFactor, signInAndSync, ui } from './support/consoleUi';
import { wrongAnswer } from './support/centralRecords';
import { capture, expect, PASSWORD, test } from './support/fixtures';
import { eventually } from '../support/workstation';

/**
 * The window's own minimum is 1024 px wide (electron/main/windowOptions.ts): every view works there
 * (issue 13). A test fails if anything sticks out sideways or a pane scrolls sideways, and the
 * customer's name reads as a name, not one letter a line.
 */
async function sidewaysOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} “${(el.textContent ?? '').trim().slice(0, 40)}”`;
    const found: string[] = [];
    if (document.documentElement.scrollWidth > width) found.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.position === 'absolute' && box.width <= 1) continue;
      if (box.right > width + 1 || box.left < -1) found.push(`${name(el)} reaches ${Math.round(box.left)}–${Math.round(box.right)} of ${width}`);
      // text squeezed into a sliver, one or two letters a line
      const text = Array.from(el.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? '').join('').trim();
      if (text.length >= 5 && box.width < 40 && box.height > 3 * (parseFloat(style.lineHeight) || 18)) found.push(`${name(el)} is squeezed to ${Math.round(box.width)} px wide`);
      if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'TEXTAREA') found.push(`${name(el)} scrolls sideways: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return found.slice(0, 10);
  });
}
async function fitsAt1024(page: Page, what: string) {
  expect(await sidewaysOverflow(page), `${what} at 1024 px`).toEqual([]);
}

test.use({ customers: 60 });

test('a care rep’s views fit the 1024 px window: the profile with an editor open, a conflict, leads, inquiries', async ({ openDesk }) => {
  const desk = await openDesk();
  const { page } = desk;
  await page.setViewportSize({ width: 1024, height: 768 });
  const u = ui(page);
  await signInAndSync(page, 'care.rep');
  // the longest name among the demo customers, as a rep would meet it
  const c = customerNo(11);
  await openCustomer(page, c);
  await fitsAt1024(page, 'the profile, caller not verified');
  const heading = await u.profileName.boundingBox();
  expect(heading!.height, 'the name on at most two lines').toBeLessThan(70);
  expect(heading!.width).toBeGreaterThan(120);
  await u.answer.fill(c.secrets.ssnLast4);
  await u.answer.press('Enter');
  await expect(page.getByText('Caller verified')).toBeVisible();
  await page.keyboard.press('Alt+S');
  await expect(page.getByLabel('Address line 1')).toBeVisible();
  await fitsAt1024(page, 'the profile with the service address editor');
  await capture(page, 'rep-profile-1024');
  await page.keyboard.press('Escape');

  // a real conflict to lay out: this desk, cut off, and another rep's desk change the caller's phones
  // (both through their desks' console API here; console.spec.ts makes one through the screens)
  const other = await openDesk({ name: 'desk B' });
  await other.ws.call('session.signIn', { username: 'care.rose', password: PASSWORD });
  await eventually(async () => ((await other.ws.call('sync.status')).lastSyncAt ? true : null), 30_000, 'desk B synced');
  await other.ws.call('customer.verifyCaller', { customerId: c.customer.id, method: 'ssn_last4', answer: c.secrets.ssnLast4 });
  desk.link.cut();
  await expect(u.status.online).toHaveText('Offline', { timeout: 30_000 });
  await desk.ws.call('records.change', { operation: 'customer.editContact', id: c.customer.id, values: { phones: [{ kind: 'mobile', number: '+12125550143' }] }, reason: 'Caller gave a new mobile, +12125550143, and dropped the old one' });
  await other.ws.call('records.change', { operation: 'customer.editContact', id: c.customer.id, values: { phones: [{ kind: 'mobile', number: '+16465550188' }, { kind: 'work', number: '+13125550199' }] }, reason: 'Account holder’s daughter reported the old mobile lost' });
  await eventually(async () => ((await other.ws.call('sync.status')).pending === 0 ? true : null), 20_000, 'desk B’s change stored');
  desk.link.restore();
  await expect(u.status.conflicts).toHaveText('1 conflict', { timeout: 60_000 });

  for (const [key, heading] of [['Alt+2', 'Conflicts'], ['Alt+5', 'Leads'], ['Alt+6', 'Inquiries']] as const) {
    // from outside any field, as a rep moving on would be
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press(key);
    await expect(page.getByRole('heading', { name: new RegExp(`^${heading}`) }).first()).toBeVisible();
    await fitsAt1024(page, heading);
    if (heading === 'Conflicts') {
      const card = page.getByRole('list', { name: 'Unresolved conflicts' }).getByRole('listitem').filter({ hasText: nameOf(c) });
      await expect(card.getByRole('radio')).toHaveCount(2);
      for (const radio of await card.getByRole('radio').all()) await expect(radio).not.toBeChecked();
      // phones as the console shows them, in the values and in the reason, never raw E.164
      await expect(card).toContainText('(212) 555-0143');
      await expect(card).toContainText('Caller gave a new mobile, (212) 555-0143');
      await expect(card).toContainText('Rose Ortega');
      await expect(card).not.toContainText('+1');
      await fitsAt1024(page, 'a conflict');
      await capture(page, 'conflicts-1024');
    }
  }
  await page.keyboard.press('Alt+5');
  await page.keyboard.press('Alt+N');
  await expect(page.getByRole('form', { name: 'New lead' })).toBeVisible();
  await fitsAt1024(page, 'the new-lead form');
  await expect(u.profileName).toHaveCount(0);
  void nameOf;
});

test('a billing clerk’s billing tab fits the 1024 px window, with the caller’s verification and the adjustment form open', async ({ openDesk }) => {
  const { page } = await openDesk();
  await page.setViewportSize({ width: 1024, height: 768 });
  const u = ui(page);
  await signInAndSync(page, 'billing.bea');
  const c = customerNo(4);
  await openCustomer(page, c);
  await page.keyboard.press('Alt+B');
  await expect(page.getByRole('region', { name: /^Invoices/ })).toBeVisible();
  // the caller not verified, a wrong answer given: the attempts left and why no card can be replaced yet
  await expect(page.getByTestId('attempts-left')).toHaveText('3 attempts left');
  await u.answer.fill(wrongAnswer(c.secrets.ssnLast4));
  await u.answer.press('Enter');
  await expect(page.getByTestId('attempts-left')).toHaveText('2 attempts left');
  await expect(page.getByText('Verify the caller first: a card is replaced only')).toBeVisible();
  await fitsAt1024(page, 'the billing tab, caller not verified');
  await capture(page, 'billing-verification-1024');
  // the adjustment form asks who asked for it, and a caller's credit waits for the verification
  await page.getByRole('button', { name: /^Record a credit or adjustment/ }).click();
  await expect(page.getByText('Verify the caller first: a credit the caller asks for')).toBeVisible();
  await fitsAt1024(page, 'the billing tab with the adjustment form');
  await page.getByRole('button', { name: /^Review/ }).scrollIntoViewIfNeeded();
  await capture(page, 'billing-tab-1024');
  await u.answer.fill(c.secrets.ssnLast4);
  await u.answer.press('Enter');
  await expect(page.getByTestId('verify-window')).toBeVisible();
  await expect(page.getByText('Verify the caller first')).toHaveCount(0);
  await fitsAt1024(page, 'the billing tab, caller verified');
  await page.evaluate(() => document.querySelector('.customers-detail')?.scrollTo(0, 0));
  await capture(page, 'billing-verified-1024');
});

test('supervisor’s approvals, compliance’s legal holds and the audit log fit the 1024 px window', async ({ openDesk }) => {
  for (const [user, key, heading] of [['sup.sam', 'Alt+3', 'Approvals'], ['comp.cora', 'Alt+4', 'Legal holds'], ['comp.cora', 'Alt+0', 'Audit log']] as const) {
    const { page } = await openDesk({ name: user });
    await page.setViewportSize({ width: 1024, height: 768 });
    await signInAndSync(page, user);
    await page.keyboard.press(key);
    await expect(page.getByRole('heading', { name: new RegExp(`^${heading}`) }).first()).toBeVisible();
    await fitsAt1024(page, heading);
  }
});

// issue 14: the compliance officer's registers and reports
test('compliance’s disclosures, partner sharing and subject access fit the 1024 px window', async ({ openDesk }) => {
  test.setTimeout(180_000);
  const { page, ws } = await openDesk({ name: 'comp.cora' });
  await page.setViewportSize({ width: 1024, height: 768 });
  await signInAndSync(page, 'comp.cora');
  const c = customerNo(7);
  // a register entry of each kind to lay out: a disclosure waiting for approval, an export
  await ws.call('disclosure.prepare', { id: crypto.randomUUID(), customerId: c.customer.id, requester: 'Det. A. Ruiz, Reno Police Department, Special Investigations Unit', legalBasis: 'ecpa_court_order', fieldsDisclosed: ['name', 'serviceAddress', 'phones', 'invoices', 'payments'], documentReference: 'Court order 2026-CR-0412-B', nonDisclosureOrder: true });

  await page.keyboard.press('Alt+7');
  await expect(page.getByRole('heading', { name: 'Disclosure register' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Disclosures awaiting approval' }).getByRole('listitem')).toHaveCount(1, { timeout: 20_000 });
  await page.getByRole('button', { name: 'Record a disclosure' }).click();
  await page.getByLabel('Legal basis').selectOption({ label: 'Court order (ECPA)' });
  await fitsAt1024(page, 'the disclosure register with the form open');

  // the form's customer field has the focus, where an Alt chord is typing: the rail instead
  await page.getByRole('navigation', { name: 'Console views' }).getByRole('button', { name: /Partner sharing/ }).click();
  await page.getByRole('textbox', { name: 'Partner' }).fill('Northwind Collections and Recovery Services LLC');
  await page.getByLabel('Purpose').selectOption('collections');
  const exported = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Make the export' }).click();
  await exported;
  await expect(page.getByRole('row').filter({ hasText: 'Northwind Collections and Recovery Services LLC' })).toBeVisible({ timeout: 20_000 });
  await fitsAt1024(page, 'partner sharing with its register');
  await capture(page, 'compliance-sharing-1024');

  await page.keyboard.press('Alt+9');
  const access = page.getByRole('region', { name: 'Subject access' });
  const who = access.getByRole('combobox', { name: 'Customer', exact: true });
  await who.fill(c.customer.accountNumber);
  await expect(access.getByRole('option').first()).toContainText(nameOf(c));
  await who.press('Enter');
  await page.getByRole('button', { name: 'Make the report' }).click();
  await expect(page.getByRole('region', { name: `Report for ${nameOf(c)}` })).toBeVisible();
  await fitsAt1024(page, 'a subject access report');
  await capture(page, 'compliance-subject-access-1024');
});

test('the administrator’s users (a user opened beside the list) and workstations fit the 1024 px window', async ({ openDesk }) => {
  const rep = await openDesk({ name: 'front desk' });
  await signInAndSync(rep.page, 'care.rep');
  const { page } = await openDesk({ name: 'admin desk' });
  await page.setViewportSize({ width: 1024, height: 768 });
  const u = ui(page);
  await u.username.fill('admin.ada');
  await u.password.fill(PASSWORD);
  await u.password.press('Enter');
  await passSecondFactor(page, 'admin.ada');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await fitsAt1024(page, 'the users');
  await page.getByRole('button', { name: 'Casey Care' }).click();
  await expect(page.getByRole('region', { name: 'Casey Care' })).toContainText('front desk');
  await fitsAt1024(page, 'the users with one opened');
  await capture(page, 'admin-users-1024');
  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('heading', { name: 'Workstations', level: 1 })).toBeVisible();
  await fitsAt1024(page, 'the workstations');
  await capture(page, 'admin-devices-1024');
});

test('network operations’ service lines, a line’s E911 form and the E911 review queue fit the 1024 px window', async ({ openDesk }) => {
  // two desks, and axe over a page of every active line twice
  test.setTimeout(240_000);
  // a customer who moved: the central store flags the line for the review queue (a rep's desk, through its console API)
  const rep = await openDesk({ name: 'rep desk' });
  await rep.ws.call('session.signIn', { username: 'care.rep', password: PASSWORD });
  await eventually(async () => ((await rep.ws.call('sync.status')).lastSyncAt ? true : null), 30_000, 'the rep desk synced');
  const c = customerNo(11);
  await rep.ws.call('customer.verifyCaller', { customerId: c.customer.id, method: 'ssn_last4', answer: c.secrets.ssnLast4 });
  await rep.ws.call('records.change', { operation: 'customer.editContact', id: c.customer.id, values: { serviceAddress: { line1: '1200 Northwest Marshall Street', line2: 'Suite 400', city: 'Portland', state: 'OR', zip: '97209' } }, reason: 'Customer moved' });
  await eventually(async () => ((await rep.ws.call('sync.status')).pending === 0 ? true : null), 20_000, 'the correction stored');

  const { page } = await openDesk({ name: 'netops desk' });
  await page.setViewportSize({ width: 1024, height: 768 });
  await signInAndSync(page, 'netops.nia');
  await page.keyboard.press('Alt+7');
  await expect(page.getByRole('heading', { name: /^Active lines/ })).toBeVisible();
  await fitsAt1024(page, 'the service lines');
  await capture(page, 'network-ops-service-lines-1024');

  await page.keyboard.press('Alt+8');
  const review = page.getByRole('region', { name: 'E911 review' });
  await expect(review.getByRole('listitem').first()).toContainText(nameOf(c));
  await fitsAt1024(page, 'the E911 review queue');
  await review.getByRole('button', { name: /^Review line/ }).first().click();
  const dialog = page.getByRole('dialog', { name: /^Line / });
  await expect(dialog.getByLabel('Address line 1')).toHaveValue('1200 Northwest Marshall Street');
  await fitsAt1024(page, 'a line’s E911 form');
  // the dialog stays within the window; what does not fit scrolls inside it, up and down only
  const box = (await dialog.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(1024);
  expect(box.y + box.height).toBeLessThanOrEqual(768);
  await dialog.getByRole('button', { name: 'Update E911 address' }).scrollIntoViewIfNeeded();
  await expect(dialog.getByRole('button', { name: 'Update E911 address' })).toBeInViewport();
  await capture(page, 'network-ops-line-edit-1024');
});
