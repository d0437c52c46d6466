import type { EntityName } from '../entities';
import { PolicyError, type FieldIssue } from '../errors';
import type { Role } from '../roles';
import { accessOf, FIELD_POLICY } from './fieldPolicy';
import { FIELD_MASKS } from './masking';

export type Projected = Record<string, unknown> & { id: string };

/**
 * What `role` may receive of `record`: hidden fields removed, masked ones masked. Returns null
 * when the role may see nothing of this entity, so the record is not sent at all.
 */
export function project(entity: EntityName, record: Record<string, unknown>, role: Role): Projected | null {
  const out: Record<string, unknown> = {};
  let visible = 0;
  for (const field of Object.keys(FIELD_POLICY[entity])) {
    if (!(field in record)) continue;
    const access = accessOf(entity, field, role);
    if (access === 'hidden') continue;
    const value = record[field];
    if (access === 'masked') {
      const mask = FIELD_MASKS[field];
      if (!mask || typeof value !== 'string') continue;
      out[field] = mask(value);
    } else {
      out[field] = value;
    }
    if (field !== 'id') visible++;
  }
  return visible > 0 ? (out as Projected) : null;
}

/** The top-level policy field a mutation path belongs to (`consents.sms` → `consents`). */
export function policyField(path: string): string {
  const dot = path.indexOf('.');
  return dot < 0 ? path : path.slice(0, dot);
}

/** Fields of `paths` the role may not change, as issues naming the field and the rule. */
export function writeViolations(entity: EntityName, role: Role, paths: readonly string[]): FieldIssue[] {
  return paths
    .filter((path) => accessOf(entity, policyField(path), role) !== 'write')
    .map((path) => ({ field: path, rule: 'policy.write', message: `the ${role} role may not change ${entity}.${path}` }));
}

export function assertMayWrite(entity: EntityName, role: Role, paths: readonly string[]): void {
  const issues = writeViolations(entity, role, paths);
  if (issues.length) throw new PolicyError(`not allowed to change ${issues.map((i) => i.field).join(', ')}`, issues);
}

export function mayWriteAny(entity: EntityName, role: Role): boolean {
  return Object.keys(FIELD_POLICY[entity]).some((field) => accessOf(entity, field, role) === 'write');
}

