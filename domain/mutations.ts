import { z } from 'zod';
import { ENTITY_SCHEMAS, type EntityName } from './entities';
import { ValidationError, issuesFromZod, type FieldIssue } from './errors';
import { MUTABLE_PATHS } from './operations';

/** The schema of the value at `path` of `entity`, from the entity schema itself: one rule, one place. */
export function valueSchemaAt(entity: EntityName, path: string): z.ZodType | null {
  let schema: z.ZodType = ENTITY_SCHEMAS[entity];
  for (const key of path.split('.')) {
    if (!(schema instanceof z.ZodObject)) return null;
    const next = (schema.shape as Record<string, z.ZodType | undefined>)[key];
    if (!next) return null;
    schema = next;
  }
  return schema;
}

/**
 * Validates and normalises the new values of a mutation (phones to E.164, emails lower-cased…).
 * Throws a ValidationError naming every bad field and its rule.
 */
export function validateChanges(entity: EntityName, changes: Record<string, unknown>): Record<string, unknown> {
  const allowed = MUTABLE_PATHS[entity] ?? [];
  const issues: FieldIssue[] = [];
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(changes)) {
    const schema = allowed.includes(path) ? valueSchemaAt(entity, path) : null;
    if (!schema) {
      issues.push({ field: path, rule: 'field.not_mutable', message: `${entity}.${path} cannot be changed` });
      continue;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) out[path] = parsed.data;
    else issues.push(...issuesFromZod(parsed.error, path.split('.')));
  }
  if (Object.keys(changes).length === 0) issues.push({ field: '(changes)', rule: 'changes.empty', message: 'nothing to change' });
  if (issues.length) throw new ValidationError(issues);
  return out;
}
