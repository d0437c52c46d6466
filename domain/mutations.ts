import { z } from 'zod';
import { ENTITY_SCHEMAS, customerIdOf, type EntityName } from './entities';
import { ValidationError, issuesFromZod, type FieldIssue } from './errors';
import { LIFECYCLES, creatingStep } from './lifecycles';
import { MUTABLE_PATHS, OPERATIONS, createOperationOf, onlineOnlyViolations, operationPaths, type CreateContext, type OfflineOperation, type OfflineOperationName } from './operations';

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
  return validateValues(entity, changes, (path) =>
    allowed.includes(path) ? null : (onlineOnlyViolations(entity, [path])[0] ?? { field: path, rule: 'field.not_mutable', message: `${entity}.${path} cannot be changed` }),
  );
}

/**
 * A record born on a desk (a create operation, operations.ts): the desk's fields validated, then
 * the store's own fields, the initial status (the lifecycle's creating step) and the id added, and
 * the whole record checked against the entity schema. A field the store sets itself is refused
 * (`field.server_owned`), never taken from the desk. Returns the record and its customer.
 */
export function validateCreate(entity: EntityName, id: string, fields: Record<string, unknown>, ctx: CreateContext): { data: Record<string, unknown>; customerId: string | null } {
  const op = createOperationOf(entity);
  const lifecycle = LIFECYCLES[entity];
  const creating = lifecycle?.transitions.find((t) => t.from === null);
  if (!op || !lifecycle || !creating) throw new ValidationError([{ field: '(entity)', rule: 'create.not_allowed', message: `no ${entity} is born on a desk` }]);
  const given = validateValues(entity, fields, (path) => (op.fields.includes(path) ? null : { field: path, rule: 'field.server_owned', message: `the central store sets ${entity}.${path} itself` }));
  const record = ENTITY_SCHEMAS[entity].safeParse({ ...given, ...op.owned(ctx), [lifecycle.field]: creating.to, id });
  if (!record.success) throw new ValidationError(issuesFromZod(record.error));
  const data = record.data as Record<string, unknown>;
  return { data, customerId: customerIdOf(entity, data) };
}

/**
 * The paths an edit or a transition gives, checked against its declaration: only the operation's own
 * (`operation.field`). A desk checks this first, then the role's write set, then the values
 * (validateChanges); the central store, which sees a mutation and not an operation, judges the same
 * paths through MUTABLE_PATHS and the field policy.
 */
export function assertOperationPaths(name: OfflineOperationName, paths: readonly string[]): void {
  const op: OfflineOperation = OPERATIONS[name];
  const own = operationPaths(op);
  const outside = paths.filter((path) => !own.includes(path));
  if (outside.length) throw new ValidationError(outside.map((path) => ({ field: path, rule: 'operation.field', message: `${name} does not change ${op.entity}.${path}` })));
}

/**
 * A record created on this desk as the desk shows it until the central store's copy arrives: the
 * desk's fields with the initial status and the id. The store's own fields (who filed, when) come
 * with its copy.
 */
export function provisionalRecord(entity: EntityName, id: string, fields: Record<string, unknown>): Record<string, unknown> {
  const lifecycle = LIFECYCLES[entity];
  const status = lifecycle ? { [lifecycle.field]: creatingStep(entity)?.to } : {};
  return { ...fields, ...status, id };
}

/** Each value checked with its field's schema from the entity schema; `refused` says why a path may not be given at all. */
function validateValues(entity: EntityName, values: Record<string, unknown>, refused: (path: string) => FieldIssue | null): Record<string, unknown> {
  const issues: FieldIssue[] = [];
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(values)) {
    const refusal = refused(path);
    const schema = refusal ? null : valueSchemaAt(entity, path);
    if (!schema) {
      issues.push(refusal ?? { field: path, rule: 'field.unknown', message: `${entity} has no ${path}` });
      continue;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) out[path] = parsed.data;
    else issues.push(...issuesFromZod(parsed.error, path.split('.')));
  }
  if (Object.keys(values).length === 0) issues.push({ field: '(changes)', rule: 'changes.empty', message: 'nothing to change' });
  if (issues.length) throw new ValidationError(issues);
  return out;
}
