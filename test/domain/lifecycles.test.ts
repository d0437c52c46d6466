import { describe, expect, it } from 'vitest';
import { ENTITY_SCHEMAS, FIELD_POLICY, LIFECYCLES, ROLES, accessOf, nextStates, valueSchemaAt, type EntityName } from '../../domain';

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

  it('offers each role only its own steps', () => {
    expect(nextStates('erasureRequest', 'pending', 'supervisor').sort()).toEqual(['approved', 'rejected']);
    expect(nextStates('erasureRequest', 'pending', 'care_rep')).toEqual([]);
    expect(nextStates('erasureRequest', 'approved', 'compliance')).toEqual([]);
    expect(nextStates('erasureRequest', 'approved', 'central')).toEqual(['completed']);
    expect(nextStates('erasureRequest', null, 'care_rep')).toEqual(['pending']);
  });
});
