import { describe, expect, it } from 'vitest';
import { CALLER_ROLES, ONLINE_ONLY_PATHS, ValidationError, assertOperationPaths, onlineOnlyViolations, validateChanges, editOperationFor, mutationNeedsVerifiedCaller, needsVerifiedCaller, provisionalRecord, validateCreate, ENTITY_SCHEMAS, FIELD_POLICY, LIFECYCLES, MUTABLE_PATHS, OPERATIONS, ROLES, accessOf, editablePaths, mayPerform, performers, policyField, valueSchemaAt, type EntityName, type Operation } from '../../domain';

/** The operation declarations (domain/operations.ts): consistent with the entities and the field policy, and what is derived from them. */
describe('operations', () => {
  const ops = Object.entries(OPERATIONS) as [string, Operation][];

  it.each(ops.filter(([, op]) => op.kind === 'edit'))('%s: every field it edits exists in the entity schema and has a policy row', (_name, op) => {
    for (const path of (op as Extract<Operation, { kind: 'edit' }>).fields) {
      expect(valueSchemaAt((op as Extract<Operation, { kind: 'edit' }>).entity, path), path).not.toBeNull();
      expect(Object.keys(FIELD_POLICY[op.entity as keyof typeof FIELD_POLICY])).toContain(policyField(path));
    }
  });

  it.each(ops.filter(([, op]) => op.kind === 'create'))('%s: the desk’s fields, the store’s own, the status and the id make up the whole record, each once', (_name, op) => {
    const create = op as Extract<Operation, { kind: 'create' }>;
    // with a privacy-policy version in force, which the store stamps on the records that carry one (issue 14)
    const owned = Object.keys(create.owned({ userId: 'u', at: '2026-12-02T00:00:00.000Z', policyVersion: 1 }));
    const all = [...create.fields, ...owned, LIFECYCLES[create.entity]!.field, 'id'];
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(Object.keys((ENTITY_SCHEMAS[create.entity] as unknown as { shape: object }).shape).sort());
  });

  it('builds a created record from the desk’s fields and the store’s own, refusing the store’s from the desk', () => {
    const ctx = { userId: '00000000-0000-4000-8000-0000000000aa', at: '2026-12-02T10:00:00.000Z' };
    const customerId = '00000000-0000-4000-8000-000000000001';
    const id = '00000000-0000-4000-8000-000000000002';
    // a request that names no scope (filed before scopes were offered) erases the whole account
    expect(validateCreate('erasureRequest', id, { customerId, reason: 'Caller asked' }, ctx)).toEqual({
      data: { id, customerId, scope: 'account', reason: 'Caller asked', filedBy: ctx.userId, filedAt: ctx.at, status: 'pending', decidedBy: null, decidedAt: null },
      customerId,
    });
    const forged = (() => {
      try {
        validateCreate('erasureRequest', id, { customerId, reason: 'Caller asked', status: 'approved', filedBy: 'someone' }, ctx);
      } catch (err) {
        return err;
      }
    })();
    expect(forged).toBeInstanceOf(ValidationError);
    expect((forged as ValidationError).issues.map((i) => [i.field, i.rule])).toEqual([['status', 'field.server_owned'], ['filedBy', 'field.server_owned']]);
    expect(() => validateCreate('customer', id, { firstName: 'New' }, ctx)).toThrow(/born on a desk/);
    // a scope that is not one of the declared ones is refused, naming the field
    expect(() => validateCreate('erasureRequest', id, { customerId, scope: 'everything', reason: 'Caller asked' }, ctx)).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ field: 'scope' })] }));
    expect(validateCreate('erasureRequest', id, { customerId, scope: 'contact', reason: 'Caller asked' }, ctx).data.scope).toBe('contact');
  });

  it('leaves no field a role may write without an operation that writes it (offline, or online by its `changes`), for the entities edited on desks', () => {
    for (const entity of Object.keys(MUTABLE_PATHS) as EntityName[]) {
      const covered = new Set([...MUTABLE_PATHS[entity]!, ...(ONLINE_ONLY_PATHS[entity] ?? [])].map(policyField));
      for (const field of Object.keys(FIELD_POLICY[entity as keyof typeof FIELD_POLICY])) {
        if (ROLES.some((role) => accessOf(entity, field, role) === 'write')) expect(covered, `${entity}.${field}`).toContain(field);
      }
    }
  });

  it('derives the paths a mutation may change (what MUTABLE_PATHS listed by hand before)', () => {
    expect(Object.fromEntries(Object.entries(MUTABLE_PATHS).map(([entity, paths]) => [entity, [...paths!].sort()]))).toEqual({
      customer: ['consents.marketingCalls', 'consents.marketingEmail', 'consents.partnerSharing', 'consents.sms', 'email', 'firstName', 'lastName', 'mailingAddress', 'phones', 'serviceAddress'],
      // a line's plan and status are changed online by network operations (issue 14)
      serviceLine: ['number'],
      billingAccount: ['autopay', 'billingAddress', 'status'],
      invoice: ['status'],
      lead: ['email', 'firstName', 'lastName', 'location', 'mailingAddress', 'phone', 'requestedServices', 'status'],
      inquiry: ['customerId', 'status'],
      erasureRequest: ['status'],
      legalHold: ['status'],
      // issue 16: a callback is marked done
      callbackRequest: ['status'],
    });
  });

  it('derives who may do what from the field policy and the lifecycles', () => {
    expect(performers('customer.editContact')).toEqual(['care_rep', 'supervisor']);
    expect(performers('serviceLine.edit')).toEqual(['network_ops']);
    expect(performers('serviceLine.setE911Address')).toEqual(['network_ops', 'care_rep', 'supervisor']);
    expect(performers('billingAccount.edit')).toEqual(['billing_clerk']);
    expect(performers('erasureRequest.decide')).toEqual(['supervisor', 'compliance']);
    expect(performers('customer.verifyCaller')).toEqual(['care_rep', 'billing_clerk', 'supervisor']);
    expect(performers('erasureRequest.file')).toEqual(['care_rep', 'supervisor']);
    expect(performers('lead.create')).toEqual(['care_rep', 'supervisor']);
    expect(editablePaths('customer', 'billing_clerk')).toEqual([]);
    expect(editablePaths('billingAccount', 'billing_clerk').sort()).toEqual(['autopay', 'billingAddress', 'status']);
    for (const role of ROLES) expect(mayPerform('paymentMethod.replaceCard', role), role).toBe(role === 'billing_clerk');
  });

  it('asks a verified caller of the roles that talk to callers, for the operations declared on a call, and judges a pushed mutation by what it changes', () => {
    // who performs something on a call: reps and supervisors correct the record, clerks replace cards and record credits
    expect(CALLER_ROLES).toEqual(['care_rep', 'billing_clerk', 'supervisor']);
    expect(needsVerifiedCaller(OPERATIONS['customer.editContact'], 'care_rep')).toBe(true);
    expect(needsVerifiedCaller(OPERATIONS['customer.editContact'], 'billing_clerk')).toBe(false);
    expect(needsVerifiedCaller(OPERATIONS['billingAccount.edit'], 'billing_clerk')).toBe(false);
    expect(needsVerifiedCaller(OPERATIONS['lead.create'], 'care_rep')).toBe(false);
    expect(mutationNeedsVerifiedCaller('customer', ['consents.sms'], undefined, 'supervisor')).toBe(true);
    expect(mutationNeedsVerifiedCaller('erasureRequest', ['customerId', 'reason'], 'create', 'care_rep')).toBe(true);
    expect(mutationNeedsVerifiedCaller('erasureRequest', ['status'], undefined, 'supervisor')).toBe(false);
    expect(mutationNeedsVerifiedCaller('lead', ['firstName'], 'create', 'care_rep')).toBe(false);
  });

  it('asks a billing clerk for a verified caller for a card replacement and a credit the caller asked for, and for none of the edits they make off a call', () => {
    expect(needsVerifiedCaller(OPERATIONS['paymentMethod.replaceCard'], 'billing_clerk')).toBe(true);
    expect(needsVerifiedCaller(OPERATIONS['billingAccount.recordAdjustment'], 'billing_clerk', { requestedBy: 'caller' })).toBe(true);
    expect(needsVerifiedCaller(OPERATIONS['billingAccount.recordAdjustment'], 'billing_clerk', { requestedBy: 'internal' })).toBe(false);
    // a request that does not say who asked is taken as not the caller's only by the schema's refusal, never here
    expect(needsVerifiedCaller(OPERATIONS['billingAccount.recordAdjustment'], 'billing_clerk', {})).toBe(false);
    for (const name of ['billingAccount.edit', 'billingAccount.setStatus', 'invoice.setStatus'] as const) expect(needsVerifiedCaller(OPERATIONS[name], 'billing_clerk'), name).toBe(false);
    expect(mutationNeedsVerifiedCaller('billingAccount', ['billingAddress'], undefined, 'billing_clerk')).toBe(false);
    expect(mutationNeedsVerifiedCaller('billingAccount', ['status'], undefined, 'billing_clerk')).toBe(false);
    expect(mutationNeedsVerifiedCaller('invoice', ['status'], undefined, 'billing_clerk')).toBe(false);
    // verifying a caller is itself no operation on a call
    expect(needsVerifiedCaller(OPERATIONS['customer.verifyCaller'], 'billing_clerk')).toBe(false);
  });

  it('declares each condition on a field of the operation’s own input, and the value that means the caller asked as one of its values', () => {
    for (const [name, op] of ops) {
      if (op.kind !== 'online' || !op.verifiedCaller || op.verifiedCaller === true) continue;
      const { field, is } = op.verifiedCaller.when;
      const schema = op.input.shape[field] as { safeParse: (v: unknown) => { success: boolean } } | undefined;
      expect(schema, `${name}: ${field}`).toBeDefined();
      expect(schema!.safeParse(is).success, `${name}: ${field} = ${is}`).toBe(true);
    }
  });

  it('finds the one operation that edits a set of fields, so that a view names fields and never an operation', () => {
    expect(editOperationFor('customer', ['email', 'phones'])).toBe('customer.editContact');
    expect(editOperationFor('customer', ['consents.sms'])).toBe('customer.editConsents');
    expect(editOperationFor('customer', ['email', 'consents.sms'])).toBeUndefined();
    expect(editOperationFor('billingAccount', ['billingAddress'])).toBe('billingAccount.edit');
    expect(editOperationFor('erasureRequest', ['status'])).toBe('erasureRequest.decide');
    expect(editOperationFor('customer', [])).toBeUndefined();
    expect(() => assertOperationPaths('erasureRequest.decide', ['status', 'reason'])).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ field: 'reason', rule: 'operation.field' })] }));
    expect(() => assertOperationPaths('customer.editConsents', ['consents.sms'])).not.toThrow();
  });

  it('keeps the E911 address out of every offline operation: only its online operation changes it, and a mutation naming it is refused by that rule', () => {
    expect(OPERATIONS['serviceLine.setE911Address']).toMatchObject({ kind: 'online', changes: ['e911Address', 'e911Review'], sendsQueuedFirst: true, audit: 'e911.updated' });
    expect(ONLINE_ONLY_PATHS).toEqual({ serviceLine: ['e911Address', 'e911Review', 'status', 'plan'] });
    for (const [name, op] of ops) if (op.kind !== 'online') expect(op.kind === 'transition' ? [] : op.fields, name).not.toContain('e911Address');
    expect(editOperationFor('serviceLine', ['e911Address'])).toBeUndefined();
    for (const role of ROLES) expect(editablePaths('serviceLine', role), role).not.toContain('e911Address');
    expect(onlineOnlyViolations('serviceLine', ['number', 'e911Address', 'e911Review'])).toEqual([
      { field: 'e911Address', rule: 'operation.online_only', message: expect.stringContaining('serviceLine.setE911Address') },
      { field: 'e911Review', rule: 'operation.online_only', message: expect.stringContaining('serviceLine.setE911Address') },
    ]);
    const address = { line1: '1 Main St', city: 'Reno', state: 'NV', zip: '89501' };
    expect(() => validateChanges('serviceLine', { e911Address: address })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ field: 'e911Address', rule: 'operation.online_only' })] }));
    expect(() => assertOperationPaths('serviceLine.edit', ['number', 'e911Address'])).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ field: 'e911Address', rule: 'operation.field' })] }));
  });

  it('changes a line’s plan and status online only (issue 14): network operations, from the field policy and the lifecycle, and no outbox carries them', () => {
    expect(OPERATIONS['serviceLine.setStatus']).toMatchObject({ kind: 'online', changes: ['status'], audit: 'line.status_changed' });
    expect(OPERATIONS['serviceLine.changePlan']).toMatchObject({ kind: 'online', changes: ['plan'], audit: 'line.plan_changed' });
    expect(performers('serviceLine.setStatus')).toEqual(['network_ops']);
    expect(performers('serviceLine.changePlan')).toEqual(['network_ops']);
    for (const role of ROLES) expect(editablePaths('serviceLine', role), role).toEqual(role === 'network_ops' ? ['number'] : []);
    expect(editOperationFor('serviceLine', ['plan'])).toBeUndefined();
    expect(editOperationFor('serviceLine', ['status'])).toBeUndefined();
    expect(onlineOnlyViolations('serviceLine', ['plan', 'status'])).toEqual([
      { field: 'plan', rule: 'operation.online_only', message: expect.stringContaining('serviceLine.changePlan') },
      { field: 'status', rule: 'operation.online_only', message: expect.stringContaining('serviceLine.setStatus') },
    ]);
    expect(() => validateChanges('serviceLine', { plan: 'Business Line' })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ field: 'plan', rule: 'operation.online_only' })] }));
  });

  it('shows a record created on a desk with its initial status until the store’s copy comes', () => {
    expect(provisionalRecord('lead', 'l1', { firstName: 'Ann' })).toEqual({ firstName: 'Ann', status: 'new', id: 'l1' });
    expect(provisionalRecord('erasureRequest', 'e1', { customerId: 'c1', reason: 'asked' })).toEqual({ customerId: 'c1', reason: 'asked', status: 'pending', id: 'e1' });
  });
});
