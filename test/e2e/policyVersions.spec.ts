import type { Page } from '@playwright/test';
import { commandLine } from '../../central/policy';
import { mustAcknowledge } from '../../domain/policyVersions';
import { customerNo, openCustomer, passSecondFactor, ui } from './support/consoleUi';
import { PASSWORD, capture, expect, test } from './support/fixtures';

/**
 * Privacy-policy versions (issue 14, item 5) on two desks against a real central store that has
 * version 1 in force (as `npm start`'s demo store does): each user acknowledges it at sign-in before
 * the console opens; the admin publishes version 2 from the Privacy policy view by keyboard; the
 * rep's next sign-in shows what changed and records the acknowledgement (the store's row names the
 * rep's workstation), which the admin's list then shows. An unlock that reaches the store asks for a
 * version published since; an unlock offline opens the console, and the next online unlock asks.
 */
const acknowledgement = (page: Page) => page.getByRole('main', { name: 'The privacy policy has changed' });

/** Typed at the sign-in screen; what opens next is the test's to check (the acknowledgement, or the console). */
async function typeSignIn(page: Page, username: string): Promise<void> {
  const u = ui(page);
  await u.username.fill(username);
  await u.password.fill(PASSWORD);
  await u.password.press('Enter');
  // an administrator's second factor first (issue 14); then the acknowledgement or the console
  await passSecondFactor(page, username, page.locator('.console').or(page.getByRole('heading', { name: /privacy policy/i })));
}

test('after publishing version 2, the next sign-in asks for acknowledgement and records it; an online unlock asks, an offline one does not', async ({ central, openDesk }) => {
  await central.store.policy.publish({ changes: 'First version: what we collect, why, who may see it, and how customers correct it by calling us.' }, commandLine('e2e setup'));
  const admin = await openDesk({ name: 'desk of Ada' });
  const rep = await openDesk({ name: 'desk of Casey' });
  const ackRows = async (username: string) => {
    const user = await central.store.admin.userNamed(username);
    return central.store.db.selectFrom('policy_acknowledgements').selectAll().where('user_id', '=', user.id).orderBy('version').execute();
  };

  // the rep signs in: version 1 first, acknowledged with the keyboard (the button has the focus), then the console
  await typeSignIn(rep.page, 'care.rep');
  await expect(acknowledgement(rep.page)).toBeVisible();
  await expect(acknowledgement(rep.page).getByRole('region', { name: 'What changed' })).toContainText('First version');
  await expect(rep.page.getByRole('button', { name: 'I have read version 1' })).toBeFocused();
  await rep.page.keyboard.press('Enter');
  await expect(ui(rep.page).search).toBeVisible();
  expect((await ackRows('care.rep')).map((r) => r.version)).toEqual([1]);

  // the admin too (every staff user), then the Privacy policy view: Alt+3, in the admin's navigation only
  await typeSignIn(admin.page, 'admin.ada');
  await expect(admin.page.getByRole('button', { name: 'I have read version 1' })).toBeFocused();
  await admin.page.keyboard.press('Enter');
  const views = (page: Page) => page.getByRole('navigation', { name: 'Console views' }).getByRole('button');
  await expect(views(admin.page).filter({ hasText: 'Privacy policy' })).toHaveCount(1);
  await expect(views(rep.page).filter({ hasText: 'Privacy policy' })).toHaveCount(0);
  await admin.page.keyboard.press('Alt+3');
  const view = admin.page.getByRole('region', { name: 'Privacy policy versions' });
  await expect(view.getByRole('heading', { name: 'Version 1', exact: true, level: 2 })).toBeVisible();

  // publishing, by keyboard alone: the view, Tab to its button, Enter; an empty text names the rule
  await view.focus();
  await admin.page.keyboard.press('Tab');
  await expect(view.getByRole('button', { name: 'Publish a new version' })).toBeFocused();
  await admin.page.keyboard.press('Enter');
  const form = view.getByRole('form', { name: 'Publish version 2' });
  const changes = form.getByLabel('What changed');
  await expect(changes).toBeFocused();
  await admin.page.keyboard.press('Tab');
  await admin.page.keyboard.press('Enter');
  await expect(form).toContainText('Not published: one field needs correcting.');
  await expect(form.locator('.field-error .rule')).toHaveText('required');
  await expect(changes).toBeFocused();
  await changes.fill('Version 2: call recordings are kept for 30 days, then deleted.\n\nCustomers may ask for a copy of a recording of their own call.');
  await admin.page.keyboard.press('Tab');
  await expect(form.getByRole('button', { name: 'Publish version 2' })).toBeFocused();
  await admin.page.keyboard.press('Enter');
  await expect(view).toContainText('Version 2 is published and in force.');
  await expect(view.getByRole('button', { name: 'Publish a new version' })).toBeFocused();
  await expect(view.getByRole('list', { name: 'Not yet acknowledged version 2' })).toContainText('Casey Care');

  // the rep's next sign-in: what changed since version 1, in its paragraphs, then the acknowledgement
  await rep.page.getByRole('button', { name: 'Sign out' }).click();
  await typeSignIn(rep.page, 'care.rep');
  await expect(acknowledgement(rep.page)).toContainText('Version 2 is in force');
  await expect(acknowledgement(rep.page)).toContainText('Customers may ask for a copy');
  await expect(acknowledgement(rep.page)).toContainText('You last acknowledged version 1.');
  await expect(acknowledgement(rep.page)).not.toContainText('First version');
  await capture(rep.page, 'policy-acknowledgement');
  await expect(rep.page.getByRole('button', { name: 'I have read version 2' })).toBeFocused();
  await rep.page.keyboard.press('Enter');
  await expect(ui(rep.page).search).toBeVisible();
  const rows = await ackRows('care.rep');
  expect(rows.map((r) => r.version)).toEqual([1, 2]);
  const repDevice = await central.store.db.selectFrom('devices').select('id').where('name', '=', 'desk of Casey').executeTakeFirstOrThrow();
  expect(rows[1]!.device_id).toBe(repDevice.id);

  // the admin's list, read again from the store: the rep under version 2's acknowledgements, with the workstation
  await view.getByRole('button', { name: 'Refresh' }).focus();
  await admin.page.keyboard.press('Enter');
  await expect(view.getByRole('list', { name: 'Not yet acknowledged version 2' })).not.toContainText('Casey Care');
  const acknowledgedV2 = view.getByRole('table', { name: 'Who acknowledged version 2' });
  await expect(acknowledgedV2).toContainText('Casey Care');
  await expect(acknowledgedV2).toContainText('desk of Casey');
  // the admin who published it is staff too: asked at their own next sign-in
  await expect(view.getByRole('list', { name: 'Not yet acknowledged version 2' })).toContainText('Ada Admin');
  await capture(admin.page, 'admin-policy-versions');

  // a consent the rep records now carries version 2, as the store stamps it, and the profile says so
  const c = customerNo(7);
  await rep.ws.call('customer.verifyCaller', { customerId: c.customer.id, method: 'ssn_last4', answer: c.secrets.ssnLast4 });
  await rep.ws.call('records.change', { operation: 'customer.editConsents', id: c.customer.id, values: { 'consents.sms': !c.customer.consents.sms }, reason: 'Caller changed their text-message choice' });
  await expect.poll(async () => (await central.store.db.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', c.customer.id).executeTakeFirstOrThrow()).data, { timeout: 20_000 }).toContain('"consentPolicyVersions":{"sms":2}');
  await openCustomer(rep.page, c);
  await expect(rep.page.locator('.consent', { hasText: 'Text messages' })).toContainText('policy v2', { timeout: 20_000 });
  await expect(rep.page.locator('.consent', { hasText: 'Marketing email' })).not.toContainText('policy v');

  // the admin's view at the window's narrowest, 1024 px: nothing reaches past the window
  await admin.page.setViewportSize({ width: 1024, height: 768 });
  await expect(view.getByRole('table', { name: 'Who acknowledged version 2' })).toBeVisible();
  expect(await admin.page.evaluate(() => [...document.querySelectorAll('.policy-versions *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1).length)).toBe(0);
  expect(await admin.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  // an unlock that reaches the store asks for a version published since the sign-in
  await rep.page.keyboard.press('Control+Shift+L');
  await central.store.policy.publish({ changes: 'Version 3: text-message opt-outs are recorded separately from calls.' }, commandLine('e2e'));
  await ui(rep.page).password.fill(PASSWORD);
  await ui(rep.page).password.press('Enter');
  await expect(rep.page.getByRole('button', { name: 'I have read version 3' })).toBeFocused();
  await rep.page.keyboard.press('Enter');
  await expect(ui(rep.page).search).toBeVisible();

  // offline, an unlock opens the console (the desk works through an outage); the next unlock online asks
  await rep.page.keyboard.press('Control+Shift+L');
  rep.link.cut();
  await central.store.policy.publish({ changes: 'Version 4: marketing email needs the customer to opt in.' }, commandLine('e2e'));
  await ui(rep.page).password.fill(PASSWORD);
  await ui(rep.page).password.press('Enter');
  await expect(ui(rep.page).search).toBeVisible();
  await expect(acknowledgement(rep.page)).toHaveCount(0);
  expect((await ackRows('care.rep')).map((r) => r.version)).toEqual([1, 2, 3]);
  rep.link.restore();
  await rep.page.keyboard.press('Control+Shift+L');
  await ui(rep.page).password.fill(PASSWORD);
  await ui(rep.page).password.press('Enter');
  await expect(rep.page.getByRole('button', { name: 'I have read version 4' })).toBeFocused();
  await rep.page.keyboard.press('Enter');
  await expect(ui(rep.page).search).toBeVisible();
  expect((await ackRows('care.rep')).map((r) => r.version)).toEqual([1, 2, 3, 4]);
  expect(mustAcknowledge(await rep.ws.call('policyVersion.status', {}))).toBe(false);
});
