import { describe, expect, it } from 'vitest';
import { ENTITY_SCHEMAS, FIELD_POLICY, LIFECYCLES, ROLES, accessOf, nextStates, stepStamp, stepViolation, valueSchemaAt, type EntityName } from '../../domain';

/** The lifecycle tables agree with the entity schemas and with the field policy, so neither restates the other. */
describe('lifecycles', () => {
  const entries = Object.entries(LIFECYCLES) as [EntityName, NonNullable<(typeof LIFECYCLES)[EntityName]>][];

  it.each(entries)('%s: every state is one the entity schema allows, and every step joins two of them', (entity, lifecycle) => {
    const schema = valueSchemaAt(entity, lifecycle.field);
    expect(schema).not.toBeNull();
    for (const state of lifecycle.states) expect(schema!.safeParse(state).success, state).toBe(true);
    for (const step of lifecycle.transitions) {
      if (step.from !== null) expect(lifecycle.states).toContain(step.from);
      expect(lifecycle.states).toContain(step.to);
    }
    expect(ENTITY_SCHEMAS[entity]).toBeDefined();
  });

  it.each(entries)('%s: the roles that may write the status are exactly the roles with a step other than creating', (entity, lifecycle) => {
    const stepRoles = new Set(lifecycle.transitions.filter((t) => t.from !== null).flatMap((t) => t.by.filter((by) => by !== 'central')));
    const writers = ROLES.filter((role) => accessOf(entity, lifecycle.field, role) === 'write');
    expect(new Set(writers), `${entity}.${lifecycle.field} in FIELD_POLICY`).toEqual(stepRoles);
    expect(FIELD_POLICY[entity as keyof typeof FIELD_POLICY]).toBeDefined();
  });

  it('names the rule a status change breaks: no such step, another role’s, or the filer’s own decision', () => {
    const request = { status: 'pending', filedBy: 'u-filer' };
    const supervisor = { id: 'u-sup', role: 'supervisor' as const };
    expect(stepViolation('erasureRequest', request, { status: 'approved' }, supervisor)).toBeNull();
    expect(stepViolation('erasureRequest', request, { status: 'completed' }, supervisor)?.rule).toBe('transition.not_allowed');
    expect(stepViolation('erasureRequest', { ...request, status: 'approved' }, { status: 'completed' }, supervisor)?.message).toMatch(/only the central store/);
    expect(stepViolation('erasureRequest', request, { status: 'approved' }, { id: 'u-filer', role: 'supervisor' })?.rule).toBe('transition.same_person');
    expect(stepViolation('erasureRequest', request, { reason: 'other field' }, supervisor)).toBeNull();
  });

  it('stamps who decided and when on the steps that say so, from the pusher and the store’s clock', () => {
    const at = '2026-12-02T12:00:00.000Z';
    expect(stepStamp('erasureRequest', { status: 'pending' }, { status: 'approved' }, { id: 'u-sup' }, at)).toEqual({ decidedBy: 'u-sup', decidedAt: at });
    expect(stepStamp('erasureRequest', { status: 'pending' }, { status: 'rejected' }, { id: 'u-cmp' }, at)).toEqual({ decidedBy: 'u-cmp', decidedAt: at });
    expect(stepStamp('lead', { status: 'new' }, { status: 'contacted' }, { id: 'u-rep' }, at)).toEqual({});
    expect(stepStamp('erasureRequest', { status: 'pending' }, { reason: 'x' }, { id: 'u-sup' }, at)).toEqual({});
  });

  it('offers each role only its own steps', () => {
    expect(nextStates('erasureRequest', 'pending', 'supervisor').sort()).toEqual(['approved', 'rejected']);
    expect(nextStates('erasureRequest', 'pending', 'care_rep')).toEqual([]);
    expect(nextStates('erasureRequest', 'approved', 'compliance')).toEqual([]);
    expect(nextStates('erasureRequest', 'approved', 'central')).toEqual(['completed']);
    expect(nextStates('erasureRequest', null, 'care_rep')).toEqual(['pending']);
  });
});
