import { expect, type Locator, type Page } from '@playwright/test';
import { demoCustomer, type DemoCustomer } from '../../../domain/demo/generator';
import { formatPhone, phoneDigits } from '../../../domain/validation/phone';
import { DEMO_SEED, PASSWORD } from '../../support/central';
import { rememberSecret, totpFor } from '../../support/secondFactor';

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

/**
 * Signs in from the sign-in screen. A role with a second factor (domain/secondFactor.ts) enrols at
 * its first sign-in, the way a user with an authenticator app does: the secret is read from the
 * enrolment step's text, its code computed with otplib (test/support/secondFactor.ts), the recovery
 * codes acknowledged; at a later sign-in the code of the moment is typed.
 */
export async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  const u = ui(page);
  await u.username.fill(username);
  await u.password.fill(password);
  await u.password.press('Enter');
  await passSecondFactor(page, username);
  await expect(u.search).toBeVisible();
}

/**
 * After the password: the second factor's steps, if the role has them; nothing otherwise. `shell` is
 * what shows once signed in: the console, or a step before it such as the privacy-policy acknowledgement.
 * `byKeys`: the code typed into the field that takes the focus and the recovery codes' one button,
 * focused, taken by Enter, as a keyboard-only user does.
 */
export async function passSecondFactor(page: Page, username: string, shell: Locator = page.locator('.console'), { byKeys = false } = {}): Promise<void> {
  const code = page.getByLabel('Authentication code');
  await expect(shell.or(code)).toBeVisible();
  if (await shell.isVisible()) return;
  const secret = page.getByTestId('totp-secret');
  if (await secret.isVisible()) rememberSecret(username, (await secret.innerText()).replace(/\s+/g, ''));
  if (byKeys) {
    await expect(code).toBeFocused();
    await page.keyboard.type(await totpFor(username));
    await page.keyboard.press('Enter');
  } else {
    await code.fill(await totpFor(username));
    await code.press('Enter');
  }
  const saved = page.getByRole('button', { name: 'I have saved these codes' });
  await expect(shell.or(saved)).toBeVisible();
  if (await saved.isVisible()) {
    if (byKeys) {
      await expect(saved).toBeFocused();
      await page.keyboard.press('Enter');
    } else await saved.click();
  }
  await expect(shell).toBeVisible();
}

/**
 * Signs in by the keyboard alone, from the sign-in screen whose username field has the focus: Tab to
 * the password, Enter, then the second factor by keys (`passSecondFactor`). Returns once the console shows.
 */
export async function signInByKeys(page: Page, username: string): Promise<void> {
  const keys = page.keyboard;
  await expect(ui(page).username).toBeFocused();
  await keys.type(username);
  await keys.press('Tab');
  await keys.type(PASSWORD);
  await keys.press('Enter');
  await passSecondFactor(page, username, page.locator('.console'), { byKeys: true });
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
