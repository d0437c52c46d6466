import { describe, expect, it } from 'vitest';
import { BillingAccount, Customer, Invoice, Payment, PaymentMethod, ServiceLine, Lead, Inquiry, luhnValid } from '../../domain';
import { demoCustomer, demoCustomers, demoLead, demoInquiry } from '../../domain/demo/generator';

describe('demo data', () => {
  it('is the same for the same seed and index, and differs across indexes', () => {
    expect(demoCustomer(42, { seed: 5 })).toEqual(demoCustomer(42, { seed: 5 }));
    expect(demoCustomer(42, { seed: 5 }).customer.id).not.toBe(demoCustomer(43, { seed: 5 }).customer.id);
    expect(demoCustomer(42, { seed: 5 }).customer.id).not.toBe(demoCustomer(42, { seed: 6 }).customer.id);
  });

  it('passes every entity schema', () => {
    for (const d of demoCustomers(300, { seed: 9 })) {
      Customer.parse(d.customer);
      d.serviceLines.forEach((l) => ServiceLine.parse(l));
      BillingAccount.parse(d.billingAccount);
      d.invoices.forEach((i) => Invoice.parse(i));
      d.payments.forEach((p) => Payment.parse(p));
      d.paymentMethods.forEach((p) => PaymentMethod.parse(p));
      Object.values(d.secrets.cardNumbers).forEach((pan) => expect(luhnValid(pan)).toBe(true));
    }
    for (let i = 0; i < 50; i++) {
      Lead.parse(demoLead(i, { seed: 9 }));
      Inquiry.parse(demoInquiry(i, { seed: 9 }));
    }
  });

  it('gives the same caller answers whatever the length of the billing history', () => {
    expect(demoCustomer(5, { seed: 3, historyMonths: 0 }).secrets).toMatchObject({
      ssnLast4: demoCustomer(5, { seed: 3, historyMonths: 6 }).secrets.ssnLast4,
      accountPin: demoCustomer(5, { seed: 3, historyMonths: 6 }).secrets.accountPin,
    });
  });

  it('gives distinct account numbers', () => {
    const seen = new Set([...demoCustomers(5000, { seed: 1, historyMonths: 0 })].map((d) => d.customer.accountNumber));
    expect(seen.size).toBe(5000);
  });
});
