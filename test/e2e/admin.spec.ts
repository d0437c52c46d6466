import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { customerNo, nameOf, passSecondFactor, signInAndSync, signInByKeys, ui } from './support/consoleUi';
import { capture, expect, PASSWORD, test, type Desk } from './support/fixtures';
import { retype, tabTo } from './support/keyboard';
import { eventually } from '../support/workstation';
import { signInDesk } from '../support/secondFactor';

/**
 * The administrator's console (issue 14): only the admin's views (Users, Workstations), no customer
 * anywhere; a team led by the supervisor, a new account with its one-time password, a user's desks
 * with what each has not delivered before the wipe warning; disabling the rep and revoking the rep's
 * desk from the views wipe that desk's cache files; then the same work with the keyboard alone.
 */
test.use({ customers: 40 });

const cacheFiles = (desk: Desk, userId: string) => (existsSync(join(desk.ws.dataDir, 'users', userId)) ? readdirSync(join(desk.ws.dataDir, 'users', userId)) : []);

async function signInAdmin(page: Page): Promise<void> {
  const u = ui(page);
  await u.username.fill('admin.ada');
  await u.password.fill(PASSWORD);
  await u.password.press('Enter');
  await passSecondFactor(page, 'admin.ada');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect(u.status.lastSync).not.toContainText('not yet', { timeout: 30_000 });
}

test('an administrator manages users, teams and workstations, sees no customer, and disabling or revoking wipes the desk', async ({ openDesk, central }) => {
  test.setTimeout(240_000);
  const rep = await openDesk({ name: 'front desk' });
  await signInAndSync(rep.page, 'care.rep');
  const repId = (await central.store.db.selectFrom('users').select('id').where('username', '=', 'care.rep').executeTakeFirstOrThrow()).id;
  expect(cacheFiles(rep, repId)).toEqual(expect.arrayContaining(['cache.db', 'vault.json']));

  const desk = await openDesk({ name: 'admin desk' });
  const { page } = desk;
  await signInAdmin(page);

  // only the admin's views, no search of customers, no customer on this desk
  const nav = page.getByRole('navigation', { name: 'Console views' });
  await expect(nav.getByRole('button')).toHaveText([/Users/, /Workstations/, /Privacy policy/, /Sign-in lockouts/, /Audit log/]);
  await expect(ui(page).search).toHaveCount(0);
  expect((await desk.ws.call('customers.search', { query: customerNo(3).customer.email! })).hits).toEqual([]);
  await expect(page.getByText(nameOf(customerNo(3)))).toHaveCount(0);

  // a team led by the supervisor
  await page.getByLabel("New team's name").fill('Care team North');
  await page.getByLabel('Led by').selectOption({ label: 'Sam Supervisor' });
  await page.getByRole('button', { name: 'Add team' }).click();
  await expect(page.getByText('Team Care team North saved.')).toBeVisible();
  await expect(page.getByRole('row', { name: /Care team North/ })).toContainText('Sam Supervisor');

  // a new account: an empty form names each field, then a one-time password
  await page.getByRole('button', { name: 'New user' }).click();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText(/Not created/)).toBeVisible();
  await page.getByLabel('Username', { exact: true }).fill('rep.ravi');
  await page.getByLabel('Full name').fill('Ravi Rep');
  await page.getByRole('form', { name: 'New user' }).getByLabel('Team').selectOption({ label: 'Care team North' });
  await page.getByRole('button', { name: 'Create account' }).click();
  const secret = page.locator('.admin-secret');
  await expect(secret).toHaveText(/^[A-Za-z0-9_-]{20}$/);
  expect((await central.store.db.selectFrom('users').select(['role', 'team_id']).where('username', '=', 'rep.ravi').executeTakeFirstOrThrow()).role).toBe('care_rep');

  // the rep: their desk and what it has not delivered, the wipe warning; put in the team
  await page.getByRole('button', { name: 'Casey Care' }).click();
  const panel = page.getByRole('region', { name: 'Casey Care' });
  await expect(panel.getByText(/wipes their cache on every workstation/)).toBeVisible();
  await expect(panel.getByRole('list', { name: /Workstations holding care.rep/ })).toContainText('front desk');
  await expect(panel.getByRole('list', { name: /Workstations holding care.rep/ })).toContainText('no edit waiting');
  await panel.getByLabel('Team').selectOption({ label: 'Care team North' });
  await panel.getByRole('button', { name: 'Assign team' }).click();
  await expect(panel.getByText('care.rep is now in Care team North.')).toBeVisible();
  await capture(page, 'admin-users');

  // disabling asks again with the cost, then the rep's desk wipes the cache
  await panel.getByRole('button', { name: 'Disable account' }).click();
  const dialog = page.getByRole('dialog', { name: 'Disable Casey Care?' });
  await expect(dialog).toContainText('Their cache is wiped on 1 workstation');
  await dialog.getByRole('button', { name: 'Disable and wipe' }).click();
  await expect(panel.getByText(/care.rep is disabled: 1 session\(s\) ended/)).toBeVisible();
  await eventually(() => cacheFiles(rep, repId).length === 0, 20_000, 'the rep’s cache wiped');
  await expect(rep.page.getByLabel('Username')).toBeVisible();
  await expect(page.getByRole('row', { name: /Casey Care/ })).toContainText('Disabled');

  // workstations: last contact, whose caches; a code issued and listed; the session policy
  await nav.getByRole('button', { name: /Workstations/ }).click();
  await expect(page.getByRole('heading', { name: 'Workstations', level: 1 })).toBeVisible();
  await expect(page.getByRole('row', { name: /admin desk/ })).toContainText('admin.ada');
  await page.getByRole('button', { name: 'Issue a code' }).click();
  await expect(page.locator('.admin-secret')).toHaveText(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
  await page.getByLabel('Idle lock (minutes)').fill('10');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByText('Saved: desks take it at their next sign-in or unlock.')).toBeVisible();
  expect(await central.store.admin.sessionPolicy()).toMatchObject({ idleLockMinutes: 10 });
  await capture(page, 'admin-devices');

  // revoking the front desk wipes it (its device secret and key too) at its next contact
  await page.getByRole('button', { name: 'Revoke front desk' }).click();
  await page.getByRole('dialog', { name: 'Revoke front desk?' }).getByRole('button', { name: 'Revoke and wipe' }).click();
  await expect(page.getByText(/front desk is revoked/)).toBeVisible();
  await rep.ws.call('session.signIn', { username: 'comp.cora', password: PASSWORD }).catch(() => undefined);
  await eventually(async () => (await rep.ws.call('session.status')).state === 'not_enrolled', 20_000, 'front desk not enrolled');
  expect(existsSync(join(rep.ws.dataDir, 'device.json'))).toBe(false);
  expect(existsSync(join(rep.ws.dataDir, 'users'))).toBe(false);

  // every admin action is in the audit log, by the admin: with its second factor's enrolment, and the search above, which found nothing
  const adminId = (await central.store.db.selectFrom('users').select('id').where('username', '=', 'admin.ada').executeTakeFirstOrThrow()).id;
  const actions = await central.store.db.selectFrom('audit_log').select('action').where('user_id', '=', adminId).where('outcome', '=', 'ok').execute();
  expect(new Set(actions.map((a) => a.action))).toEqual(new Set(['session.sign_in', 'session.second_factor_enrolled', 'customer.search', 'sync.pull', 'admin.viewed', 'team.saved', 'user.created', 'user.team_assigned', 'user.disabled', 'enrolment.code_issued', 'session_policy.changed', 'device.revoked']));
});

test('the keyboard alone is enough for the administrator', async ({ openDesk, central }) => {
  test.setTimeout(180_000);
  // the billing clerk has enrolled her authenticator on her own desk (her phone is lost below)
  await signInDesk((await openDesk({ name: 'billing desk' })).ws, 'billing.bea');
  const clerkId = (await central.store.db.selectFrom('second_factors').innerJoin('users', 'users.id', 'second_factors.user_id').select('users.id').where('users.username', '=', 'billing.bea').executeTakeFirstOrThrow()).id;
  const { page } = await openDesk({ name: 'admin desk' });
  const keys = page.keyboard;
  // the password and the second factor by keys too
  await signInByKeys(page, 'admin.ada');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();

  // a new account, by keys
  await tabTo(page, page.getByRole('button', { name: 'New user' }));
  await keys.press('Enter');
  await tabTo(page, page.getByLabel('Username', { exact: true }));
  await keys.type('rep.kim');
  await keys.press('Tab');
  await keys.type('Kim Rep');
  await keys.press('Enter');
  await expect(page.locator('.admin-secret')).toBeVisible();

  // a user opened, the password reset through the dialog, by keys
  await tabTo(page, page.getByRole('button', { name: 'Rose Ortega' }));
  await keys.press('Enter');
  const panel = page.getByRole('region', { name: 'Rose Ortega' });
  await tabTo(page, panel.getByRole('button', { name: 'Reset password' }));
  await keys.press('Enter');
  const dialog = page.getByRole('dialog', { name: "Reset Rose Ortega's password?" });
  await expect(dialog).toBeVisible();
  await tabTo(page, dialog.getByRole('button', { name: 'Reset and wipe' }));
  await keys.press('Enter');
  await expect(panel.locator('.admin-secret')).toBeVisible();

  // a billing clerk's lost phone: her second factor reset through its dialog, by keys; her caches kept
  await tabTo(page, page.getByRole('button', { name: 'Bea Billing' }));
  await keys.press('Enter');
  const clerk = page.getByRole('region', { name: 'Bea Billing' });
  await tabTo(page, clerk.getByRole('button', { name: 'Reset second factor' }));
  await keys.press('Enter');
  const lostPhone = page.getByRole('dialog', { name: "Reset Bea Billing's second factor?" });
  await expect(lostPhone).toContainText('Their caches are kept');
  await tabTo(page, lostPhone.getByRole('button', { name: 'Reset second factor' }));
  await keys.press('Enter');
  await expect(clerk.getByText("billing.bea's second factor and recovery codes no longer work")).toBeVisible();
  const reset = await central.store.db.selectFrom('audit_log').select('outcome').where('action', '=', 'user.second_factor_reset').execute();
  expect(reset.map((r) => r.outcome)).toEqual(['ok']);
  expect(await central.store.db.selectFrom('second_factors').select('user_id').where('user_id', '=', clerkId).execute()).toEqual([]);

  // the workstations view by its shortcut; a code; the policy
  await keys.press('Alt+2');
  await expect(page.getByRole('heading', { name: 'Workstations', level: 1 })).toBeVisible();
  await tabTo(page, page.getByRole('button', { name: 'Issue a code' }));
  await keys.press('Enter');
  await expect(page.locator('.admin-secret')).toBeVisible();
  await tabTo(page, page.getByLabel('Maximum offline (hours)'));
  await retype(page, '48');
  await keys.press('Enter');
  await expect(page.getByText('Saved: desks take it at their next sign-in or unlock.')).toBeVisible();
  expect(await central.store.admin.sessionPolicy()).toEqual({ idleLockMinutes: 15, maxOfflineHours: 48 });
  // a view's shortcut never fires while typing in a field: from the field, nothing; from a button, the view
  await keys.press('Alt+1');
  await expect(page.getByRole('heading', { name: 'Workstations', level: 1 })).toBeVisible();
  await tabTo(page, page.getByRole('button', { name: 'Save policy' }));
  await keys.press('Alt+1');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
});
