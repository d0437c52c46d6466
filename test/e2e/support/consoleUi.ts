import { expect, type Page } from '@playwright/test';
import { demoCustomer, type DemoCustomer } from '../../../domain/demo/generator';
import { formatPhone, phoneDigits } from '../../../domain/validation/phone';
import { DEMO_SEED, PASSWORD } from '../../support/central';

/** The n-th seeded demo customer, as the central store has it, with its caller-verification answers. */
export function customerNo(index: number): DemoCustomer {
  return demoCustomer(index, { seed: DEMO_SEED, historyMonths: 2 });
}
export const nameOf = (c: DemoCustomer) => `${c.customer.firstName} ${c.customer.lastName}`;
export const digitsOf = (c: DemoCustomer) => phoneDigits(c.customer.phones[0]!.number);
export { formatPhone };

/** Where things are on the console, by role and accessible name (what a screen reader user hears). */
export function ui(page: Page) {
  return {
    username: page.getByLabel('Username'),
    password: page.getByLabel('Password'),
    search: page.getByRole('combobox', { name: /Search customers/ }),
    results: page.getByRole('listbox', { name: 'Customers found' }).getByRole('option'),
    profileName: page.locator('#profile-name'),
    answer: page.getByLabel("Caller's answer"),
    verifyButton: page.getByRole('button', { name: 'Verify', exact: true }),
    verification: page.getByRole('region', { name: /Caller (not )?verification|Caller not verified/ }),
    reason: page.getByLabel('Reason for the change'),
    save: page.getByRole('button', { name: /^Save/ }),
    status: {
      online: page.getByTestId('status-online'),
      pending: page.getByTestId('status-pending'),
      conflicts: page.getByTestId('status-conflicts'),
      progress: page.getByTestId('status-progress'),
      lastSync: page.getByTestId('status-last-sync'),
    },
    section: (label: string) => page.locator('.field-row').filter({ has: page.locator('.field-row-name', { hasText: new RegExp(`^${label}$`) }) }),
  };
}

export async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  const u = ui(page);
  await u.username.fill(username);
  await u.password.fill(password);
  await u.password.press('Enter');
  await expect(u.search).toBeVisible();
}

/** Signed in and the first sync done: the status bar says when it last synced. */
export async function signInAndSync(page: Page, username: string): Promise<void> {
  await signIn(page, username);
  await expect(ui(page).status.lastSync).not.toContainText('not yet', { timeout: 30_000 });
}

export async function openCustomer(page: Page, c: DemoCustomer): Promise<void> {
  const u = ui(page);
  await u.search.fill(c.customer.accountNumber);
  await expect(u.results.first()).toContainText(nameOf(c));
  await u.search.press('Enter');
  await expect(u.profileName).toHaveText(nameOf(c));
}

export async function verifyCaller(page: Page, c: DemoCustomer): Promise<void> {
  const u = ui(page);
  await u.answer.fill(c.secrets.ssnLast4);
  await u.answer.press('Enter');
  await expect(page.getByText('Caller verified')).toBeVisible();
}
