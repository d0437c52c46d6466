import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_POLICY, accessOf, type EntityName, type PullLine, type Role } from '../../domain';
import { Harness } from './harness';

type Put = Extract<PullLine, { t: 'put' }>;

/** The role × field policy as the wire shows it: what a signed-in role receives from a pull. */
describe('what a pull sends each role', () => {
  let h: Harness;
  const received = new Map<Role, Put[]>();

  beforeAll(async () => {
    h = await Harness.start({ customers: 4 });
    for (const role of ['care_rep', 'billing_clerk', 'network_ops', 'supervisor', 'compliance', 'admin'] as const) {
      const { lines } = await h.pull(await h.session(role));
      received.set(role, lines.filter((l): l is Put => l.t === 'put'));
    }
  });
  afterAll(() => h.dispose());

  const entitiesOf = (role: Role) => new Set(received.get(role)!.map((p) => p.entity));
  const recordsOf = (role: Role, entity: EntityName) => received.get(role)!.filter((p) => p.entity === entity);

  it('does not send invoices, payments, payment methods or the registers to a care rep', () => {
    const entities = entitiesOf('care_rep');
    for (const hidden of ['invoice', 'payment', 'paymentMethod', 'disclosureRecord', 'sharingRecord'] as const) expect(entities.has(hidden)).toBe(false);
    expect(entities).toContain('customer');
    expect(entities).toContain('billingAccount');
    expect(entities).toContain('lead');
    expect(entities).toContain('inquiry');
  });

  it('does not send the billing address of a billing account to a care rep', () => {
    const accounts = recordsOf('care_rep', 'billingAccount');
    expect(accounts.length).toBe(4);
    for (const account of accounts) {
      expect(account.data).not.toHaveProperty('billingAddress');
      expect(account.data).toHaveProperty('balanceCents');
    }
  });

  it('sends network operations customers without email, mailing address or consents', () => {
    const customers = recordsOf('network_ops', 'customer');
    expect(customers.length).toBe(4);
    for (const customer of customers) {
      expect(Object.keys(customer.data).sort()).toEqual(['accountNumber', 'accountStatus', 'createdAt', 'firstName', 'id', 'lastName', 'phones', 'serviceAddress', 'updatedAt']);
    }
    expect(entitiesOf('network_ops')).toEqual(new Set(['customer', 'serviceLine']));
  });

  it('sends a billing clerk payment methods in masked form only, never a card number', () => {
    const methods = recordsOf('billing_clerk', 'paymentMethod');
    expect(methods.length).toBeGreaterThanOrEqual(4);
    for (const method of methods) expect(JSON.stringify(method.data)).not.toMatch(/\d{12,19}/);
    const pans = Object.values(h.customer(0).secrets.cardNumbers);
    const everything = JSON.stringify([...received.values()]);
    for (const pan of pans) expect(everything).not.toContain(pan);
  });

  it('masks the card holder and billing ZIP for a supervisor', () => {
    const method = recordsOf('supervisor', 'paymentMethod')[0]!;
    expect(method.data.holderName).toMatch(/^([A-Z]\. ?)+$/);
    expect(method.data.billingZip).toMatch(/^\d{3}\*\*$/);
  });

  it('sends an administrator no customer data at all', () => {
    expect(received.get('admin')).toEqual([]);
  });

  it('sends no role a field the policy hides from it', () => {
    for (const [role, puts] of received) {
      for (const put of puts) {
        for (const field of Object.keys(put.data)) {
          expect(field in FIELD_POLICY[put.entity], `${put.entity}.${field}`).toBe(true);
          expect(accessOf(put.entity, field, role), `${role} ${put.entity}.${field}`).not.toBe('hidden');
        }
      }
    }
  });

  it('never sends caller-verification answers', () => {
    const everything = JSON.stringify([...received.values()]);
    expect(everything).not.toMatch(/ssn|accountPin|pin_hash/i);
  });
});
