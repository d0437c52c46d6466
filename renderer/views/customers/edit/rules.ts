import { CONSOLE_CONTRACT } from '../../../../domain/console/contract';
import type { EntityName } from '../../../../domain/entities';
import { ValidationError, issuesFromZod, type FieldIssue } from '../../../../domain/errors';
import { validateChanges } from '../../../../domain/mutations';

/**
 * The field errors of an edit, from the very rules the core and the central store apply
 * (domain/mutations and domain/validation): the renderer states no rule of its own.
 */
export function changeIssues(changes: Record<string, unknown>, entity: EntityName = 'customer'): FieldIssue[] {
  try {
    validateChanges(entity, changes);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
}

const reasonSchema = CONSOLE_CONTRACT['records.change'].input.shape.reason;

export function reasonIssue(reason: string): FieldIssue | undefined {
  const result = reasonSchema.safeParse(reason);
  return result.success ? undefined : issuesFromZod(result.error, ['reason'])[0];
}
