import { describe, expect, it } from 'vitest';
import { demoCustomer } from '../../domain/demo/generator';
import { FIELD_POLICY, ROLES, accessOf, project, visibleEntities, writeViolations, assertMayWrite, PolicyError, ENTITY_NAMES, ENTITY_SCHEMAS, BILLING_ENTITIES, mayPerform } from '../../domain';

const demo = demoCustomer(3, { seed: 11 });

describe('the role × field policy', () => {
  it('is one table covering every field of every synced entity, for every role', () => {
    for (const entity of ENTITY_NAMES) {
      const schemaFields = Object.keys(ENTITY_SCHEMAS[entity].shape).sort();
      expect(Object.keys(FIELD_POLICY[entity]).sort()).toEqual(schemaFields);
      for (const row of Object.values(FIELD_POLICY[entity])) expect(row).toHaveLength(ROLES.length);
    }
  });

  it('does not send payment methods, invoices or payments to a care rep', () => {
    expect(project('paymentMethod', demo.paymentMethods[0]!, 'care_rep')).toBeNull();
    expect(project('invoice', demo.invoices[0]!, 'care_rep')).toBeNull();
    expect(project('payment', demo.payments[0] ?? { id: 'x', amountCents: 1 }, 'care_rep')).toBeNull();
    expect(visibleEntities('care_rep')).not.toEqual(expect.arrayContaining(['invoice']));
    expect(visibleEntities('care_rep')).toEqual(expect.arrayContaining(['customer', 'serviceLine', 'billingAccount']));
  });

  it('gives network operations the name, phones and service address only', () => {
    const seen = project('customer', demo.customer, 'network_ops')!;
    expect(Object.keys(seen).sort()).toEqual(
      ['accountNumber', 'accountStatus', 'createdAt', 'firstName', 'id', 'lastName', 'phones', 'serviceAddress', 'updatedAt'].sort(),
    );
  });

  it('gives the admin no customer data at all', () => {
    for (const entity of ENTITY_NAMES) expect(accessOf(entity, 'id', 'admin')).toBe('hidden');
    expect(visibleEntities('admin')).toEqual([]);
  });

  it('masks the card holder and billing ZIP for supervisors, shows them to billing clerks', () => {
    const pm = demo.paymentMethods[0]!;
    expect(project('paymentMethod', pm, 'billing_clerk')!.holderName).toBe(pm.holderName);
    const masked = project('paymentMethod', pm, 'supervisor')!;
    expect(masked.holderName).toMatch(/^[A-Z]\. [A-Z]\.$/);
    expect(masked.billingZip).toBe(`${pm.billingZip.slice(0, 3)}**`);
  });

  it('hides the billing address from care reps but lets billing clerks correct it', () => {
    expect(project('billingAccount', demo.billingAccount, 'care_rep')!).not.toHaveProperty('billingAddress');
    expect(writeViolations('billingAccount', 'billing_clerk', ['billingAddress'])).toEqual([]);
  });

  it('lets a care rep change contact data and consents but not account status', () => {
    expect(writeViolations('customer', 'care_rep', ['email', 'phones', 'consents.sms', 'mailingAddress'])).toEqual([]);
    expect(writeViolations('customer', 'care_rep', ['accountStatus'])).toEqual([
      expect.objectContaining({ field: 'accountStatus', rule: 'policy.write' }),
    ]);
  });

  it('does not let a billing clerk change a customer name, email or phones', () => {
    expect(() => assertMayWrite('customer', 'billing_clerk', ['firstName', 'email', 'phones'])).toThrow(PolicyError);
    expect(writeViolations('customer', 'billing_clerk', ['firstName', 'email', 'phones']).map((i) => i.field)).toEqual(['firstName', 'email', 'phones']);
  });

  it('sends credits and adjustments to no care rep, and lets only billing clerks record them or replace cards', () => {
    expect(visibleEntities('care_rep')).not.toContain('billingAdjustment');
    expect(visibleEntities('billing_clerk')).toEqual(expect.arrayContaining(['invoice', 'payment', 'paymentMethod', 'billingAdjustment']));
    for (const role of ROLES) {
      expect(mayPerform('paymentMethod.replaceCard', role), role).toBe(role === 'billing_clerk');
      expect(mayPerform('billingAccount.recordAdjustment', role), role).toBe(role === 'billing_clerk');
    }
  });

  it('counts every billing entity as billing data, and no entity that holds a card number exists', () => {
    expect(BILLING_ENTITIES).toEqual(expect.arrayContaining(['billingAccount', 'invoice', 'payment', 'paymentMethod', 'billingAdjustment']));
    for (const entity of ENTITY_NAMES) expect(Object.keys(FIELD_POLICY[entity]).some((f) => /cardNumber|pan$|cvv|cvc/i.test(f)), entity).toBe(false);
  });

  it('refuses fields it does not know (fail closed)', () => {
    expect(accessOf('customer', 'ssn', 'compliance')).toBe('hidden');
    expect(project('customer', { ...demo.customer, ssn: '123-45-6789' }, 'compliance')).not.toHaveProperty('ssn');
  });
});
