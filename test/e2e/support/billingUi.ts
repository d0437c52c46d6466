import type { Page } from '@playwright/test';
import type { DemoCustomer } from '../../../domain/demo/generator';
import { customerNo } from './consoleUi';

/** The first seeded demo customer for which `fits` holds (the demo data are deterministic). */
export function customerWhere(fits: (c: DemoCustomer) => boolean, from = 0): DemoCustomer {
  for (let i = from; i < from + 300; i++) {
    const c = customerNo(i);
    if (fits(c)) return c;
  }
  throw new Error('no demo customer fits');
}

/** Where things are on the billing tab, by role and accessible name. */
export function billingUi(page: Page) {
  return {
    tab: page.getByRole('tab', { name: /^Billing/ }),
    account: page.getByRole('region', { name: 'Account summary' }),
    methods: page.getByRole('region', { name: 'Payment methods' }),
    invoices: page.getByRole('region', { name: /^Invoices/ }),
    payments: page.getByRole('region', { name: /^Payments/ }),
    history: page.getByRole('region', { name: 'Account history' }),
    cardForm: page.getByRole('form', { name: /^Replace / }),
    cardNumber: page.getByLabel('Card number'),
    expiry: page.getByLabel('Expiry (MM/YY)'),
    zip: page.getByLabel('Billing ZIP'),
    holder: page.getByLabel('Name on the card'),
    replaceSubmit: page.getByRole('button', { name: /^Replace card/ }).and(page.locator('[type="submit"]')),
  };
}
